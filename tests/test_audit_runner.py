"""The audit end to end on generated tenders: the database, skipping, failure isolation, export."""
from __future__ import annotations

import csv
import io
import json
import multiprocessing as mp
import os
import signal
import sys
import time
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for benchmarks.tender_pdfs

from barrier_scan.audit import AuditOptions, AuditStore, audit  # noqa: E402
from barrier_scan.audit import executors  # noqa: E402
from barrier_scan.audit.export import batch_summary, export  # noqa: E402
from benchmarks.tender_pdfs import broken_file, tender_pdf  # noqa: E402

SETTINGS = {"use_model": False}  # the classifier is measured elsewhere; rules keep this fast
needs_fork = pytest.mark.skipif("fork" not in mp.get_all_start_methods(),
                                reason="failure injection relies on forked workers")
# Forked workers share the scanner this process already built. "auto" picks this too, unless
# other threads run here (they do once a Dask test has run), when it starts a fork server.
FORK = "fork" if "fork" in mp.get_all_start_methods() else "auto"


def _ocds(path: Path, documents: list[str]) -> None:
    release = {
        "ocid": "ocds-run-1", "id": "r1", "date": "2024-02-01T09:00:00Z", "tag": ["tender"],
        "buyer": {"name": "Riverbend District Council"},
        "tender": {"id": "RB-1", "title": "Building cleaning", "procurementMethodDetails": "Open procedure",
                   "value": {"amount": 750000, "currency": "GBP"},
                   "tenderPeriod": {"endDate": "2024-02-12T12:00:00Z"},
                   "documents": [{"id": str(i), "url": f"https://portal.example/{name}"}
                                 for i, name in enumerate(documents)]}}
    path.write_text(json.dumps({"releases": [release]}), encoding="utf-8")


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """Six tenders (two listed by an OCDS notice, one also copied under another name), a ZIP
    pack and one truncated PDF, audited."""
    root = tmp_path_factory.mktemp("batch")
    docs = root / "tenders"
    docs.mkdir()
    for i in range(6):
        tender_pdf(docs / f"tender-{i}.pdf", pages=1 + i % 2, seed=100 + i)
    inner = root / "inner.pdf"
    tender_pdf(inner, pages=2, seed=200)
    with zipfile.ZipFile(docs / "pack.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.write(inner, "pack/itt.pdf")
    broken_file(docs / "broken.pdf", "truncated", seed=3)
    (docs / "zz-copy-of-tender-2.pdf").write_bytes((docs / "tender-2.pdf").read_bytes())
    _ocds(docs / "notice.json", ["tender-0.pdf", "tender-1.pdf", "not-downloaded.pdf"])
    db = root / "audit.sqlite"
    log = io.StringIO()
    summary = audit([docs], db, SETTINGS,
                    AuditOptions(jobs=2, progress="log", start_method=FORK), progress_stream=log)
    return root, docs, db, summary, log.getvalue()


def _rows(db: Path, sql: str, *args):
    with AuditStore.open(db) as store:
        return [tuple(r) for r in store.conn.execute(sql, args)]


def test_every_document_is_recorded_once_with_its_status(batch):
    _, docs, db, summary, _ = batch
    rows = _rows(db, "SELECT path, status, error_kind FROM documents ORDER BY path")
    assert [(Path(p).name, s, k) for p, s, k in rows] == sorted(
        [(f"tender-{i}.pdf", "ok", None) for i in range(6)]
        + [("pack.zip", "ok", None), ("broken.pdf", "failed", "corrupt-file")])
    # the copy has the same bytes as tender-2.pdf: one document, seen at two paths
    assert (summary.ok, summary.failed, summary.skipped, summary.status) == (7, 1, 1, "finished")
    assert summary.failures[0].path.endswith("broken.pdf")
    pages = _rows(db, "SELECT sum(pages) FROM documents")[0][0]
    assert pages == summary.pages == sum(1 + i % 2 for i in range(6)) + 2


def test_findings_are_stored_with_their_documents(batch):
    _, _, db, summary, _ = batch
    (n,) = _rows(db, "SELECT count(*) FROM findings WHERE document_id IS NOT NULL")[0]
    assert n == summary.findings > 0
    (mismatch,) = _rows(db, "SELECT count(*) FROM documents d WHERE n_findings != "
                            "(SELECT count(*) FROM findings f WHERE f.document_id = d.id)")[0]
    assert mismatch == 0


def test_identical_bytes_are_one_document_seen_at_two_paths(batch):
    _, docs, db, _, _ = batch
    rows = _rows(db, "SELECT p.path FROM document_paths p JOIN documents d "
                     "ON d.id = p.document_id WHERE d.path LIKE '%tender-2.pdf'")
    assert sorted(Path(p).name for (p,) in rows) == ["tender-2.pdf", "zz-copy-of-tender-2.pdf"]
    with AuditStore.open(db) as store:
        out = io.StringIO()
        export(store, out, "csv", "documents")
    [row] = [r for r in csv.DictReader(io.StringIO(out.getvalue()))
             if r["path"].endswith("tender-2.pdf")]
    assert row["paths"] == f"{docs / 'tender-2.pdf'}; {docs / 'zz-copy-of-tender-2.pdf'}"


def test_the_zip_pack_is_one_document_naming_its_member(batch):
    _, docs, db, _, _ = batch
    [(pages, n_findings)] = _rows(db, "SELECT pages, n_findings FROM documents "
                                      "WHERE path LIKE '%pack.zip'")
    assert pages == 2 and n_findings > 0
    files = {f for (f,) in _rows(db, "SELECT DISTINCT f.file FROM findings f JOIN documents d "
                                     "ON d.id = f.document_id WHERE d.path LIKE '%pack.zip'")}
    assert files == {f"{docs / 'pack.zip'}!pack/itt.pdf"}


def test_the_ocds_value_reaches_the_documents_it_lists(batch):
    _, _, db, summary, _ = batch
    rows = _rows(db, "SELECT d.path, d.value_amount, d.value_source, n.ocid FROM documents d "
                     "JOIN notices n ON n.id = d.notice_id ORDER BY d.path")
    assert [(Path(p).name, v, s, o) for p, v, s, o in rows] == [
        ("tender-0.pdf", 750000.0, "ocds", "ocds-run-1"),
        ("tender-1.pdf", 750000.0, "ocds", "ocds-run-1")]
    # 11 days for an open procedure above the threshold: a notice-level finding
    rules = [r for (r,) in _rows(db, "SELECT rule FROM findings WHERE notice_id IS NOT NULL")]
    assert "timescale.ocds_response_period" in rules
    assert summary.missing_documents == 1


def test_progress_is_logged_in_plain_lines_off_a_terminal(batch):
    log = batch[4]
    assert "\r" not in log
    assert "audit done: 9/9 documents (7 ok, 1 failed, 1 skipped)" in log
    assert "docs/s" in log and "pages/s" in log


def test_a_second_run_skips_everything_and_adds_nothing(batch):
    _, docs, db, _, _ = batch
    before = _rows(db, "SELECT count(*) FROM documents")[0][0], _rows(db, "SELECT count(*) FROM findings")[0][0]
    again = audit([docs], db, SETTINGS, AuditOptions(jobs=2, progress="none", start_method=FORK))
    assert (again.ok, again.failed, again.skipped, again.notices) == (0, 0, 9, 0)
    after = _rows(db, "SELECT count(*) FROM documents")[0][0], _rows(db, "SELECT count(*) FROM findings")[0][0]
    assert after == before
    assert [s for (s,) in _rows(db, "SELECT status FROM runs ORDER BY id")] == ["finished"] * 2


def test_exports_read_back_the_database(batch):
    _, _, db, _, _ = batch
    with AuditStore.open(db) as store:
        out = io.StringIO()
        n_findings = export(store, out, "csv")
        rows = list(csv.DictReader(io.StringIO(out.getvalue())))
        total = store.count("findings")
        out = io.StringIO()
        export(store, out, "jsonl")
        objects = [json.loads(line) for line in out.getvalue().splitlines()]
        summary = batch_summary(store)
    assert n_findings == len(rows) == total
    assert {r["source"] for r in rows} == {"document", "notice"}
    assert sum(len(o["findings"]) for o in objects) == total
    assert sorted(o["type"] for o in objects) == ["document"] * 8 + ["notice"]
    assert summary["documents"]["failed"] == 1 and summary["failures"] == {"corrupt-file": 1}


# -- failure isolation ---------------------------------------------------------------------------
def _misbehave(original):
    """Wrap Scanner.scan_path so documents named slow-/stuck-/crash- misbehave in the worker."""
    def scan_path(self, path, **kwargs):
        name = Path(path).name
        if name.startswith("slow-"):
            time.sleep(60)  # interrupted by the worker's time limit (SIGALRM)
        if name.startswith("stuck-"):
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})  # like C code that
            time.sleep(60)                                               # never returns
        if name.startswith("crash-"):
            os.kill(os.getpid(), signal.SIGKILL)  # a segfault or the OOM killer
        return original(self, path, **kwargs)
    return scan_path


@needs_fork
def test_a_slow_stuck_or_crashing_document_costs_only_itself(tmp_path, monkeypatch):
    from barrier_scan.pipeline import Scanner

    for i in range(3):
        tender_pdf(tmp_path / f"good-{i}.pdf", pages=1, seed=300 + i)
    for name in ("slow-1.pdf", "stuck-1.pdf", "crash-1.pdf"):
        tender_pdf(tmp_path / name, pages=1, seed=hash(name) % 1000)
    monkeypatch.setattr(Scanner, "scan_path", _misbehave(Scanner.scan_path))
    monkeypatch.setattr(executors, "HARD_KILL_GRACE", 0.5)
    db = tmp_path / "audit.sqlite"
    options = AuditOptions(jobs=2, timeout=5, progress="none", start_method="fork")
    summary = audit([tmp_path], db, SETTINGS, options)
    status = {Path(p).name: (s, k) for p, s, k in _rows(db, "SELECT path, status, error_kind FROM documents")}
    assert status == {"good-0.pdf": ("ok", None), "good-1.pdf": ("ok", None),
                      "good-2.pdf": ("ok", None), "slow-1.pdf": ("failed", "timeout"),
                      "stuck-1.pdf": ("failed", "timeout"), "crash-1.pdf": ("failed", "worker-crashed")}
    assert (summary.ok, summary.failed) == (3, 3)

    # once the cause is gone, --retry-failed scans just those three again
    monkeypatch.undo()
    retry = audit([tmp_path], db, SETTINGS,
                  AuditOptions(jobs=2, retry_failed=True, progress="none", start_method=FORK))
    assert (retry.ok, retry.failed, retry.skipped) == (3, 0, 3)
    assert _rows(db, "SELECT count(*), sum(status = 'ok') FROM documents") == [(6, 6)]


def test_the_page_limit_fails_a_long_document_alone(tmp_path):
    tender_pdf(tmp_path / "long.pdf", pages=4, seed=11)
    tender_pdf(tmp_path / "short.pdf", pages=1, seed=12)
    db = tmp_path / "audit.sqlite"
    summary = audit([tmp_path], db, {**SETTINGS, "max_pages": 2},
                    AuditOptions(jobs=1, progress="none", start_method=FORK))
    status = {Path(p).name: (s, k) for p, s, k in _rows(db, "SELECT path, status, error_kind FROM documents")}
    assert status == {"long.pdf": ("failed", "too-large"), "short.pdf": ("ok", None)}
    assert "over the limit of 2" in summary.failures[0].message


def test_the_warm_up_pdf_is_a_real_one_page_pdf_both_readers_agree_on() -> None:
    """Workers scan it before their first file, so PDFium's first-use set-up is done then."""
    import io

    import pdfplumber

    from barrier_scan.audit.executors import WARM_UP_PDF_LINE, warm_up_pdf
    from barrier_scan.extract import extract_bytes

    data = warm_up_pdf()
    for extractor in ("fast", "layout"):
        document = extract_bytes(data, "warm-up.pdf", extractor=extractor)
        assert document.pages == 1 and WARM_UP_PDF_LINE.decode() in document.text
    with pdfplumber.open(io.BytesIO(data)) as pdf:  # pdfminer reads its xref too
        assert pdf.pages[0].extract_text() == WARM_UP_PDF_LINE.decode()
