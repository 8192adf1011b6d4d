"""The Dask executor on a LocalCluster: same work, results written by the client."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for benchmarks.tender_pdfs

distributed = pytest.importorskip("distributed")

from barrier_scan.audit import AuditOptions, AuditStore, audit  # noqa: E402
from benchmarks.tender_pdfs import broken_file, tender_pdf  # noqa: E402


@pytest.fixture(scope="module")
def client():
    # one in-process worker thread: the scanner is built once in it and reused per document
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as c:
        yield c


def test_an_audit_on_a_dask_cluster_lands_in_one_database(tmp_path, client):
    for i in range(3):
        tender_pdf(tmp_path / f"tender-{i}.pdf", pages=1 + i, seed=500 + i)
    broken_file(tmp_path / "empty.pdf", "empty", seed=1)
    db = tmp_path / "audit.sqlite"
    options = AuditOptions(executor="dask", client=client, progress="none")
    summary = audit([tmp_path], db, {"use_model": False}, options)
    assert (summary.ok, summary.failed, summary.status) == (3, 1, "finished")
    with AuditStore.open(db) as store:
        rows = {Path(r["path"]).name: (r["status"], r["pages"], r["error_kind"])
                for r in store.documents()}
        run = store.runs()[-1]
    assert rows == {"tender-0.pdf": ("ok", 1, None), "tender-1.pdf": ("ok", 2, None),
                    "tender-2.pdf": ("ok", 3, None), "empty.pdf": ("failed", 0, "empty-file")}
    assert run["executor"] == "dask" and run["scanner_version"] == summary.scanner_version

    # resumable on the cluster too
    again = audit([tmp_path], db, {"use_model": False}, options)
    assert (again.ok, again.failed, again.skipped) == (0, 0, 4)
