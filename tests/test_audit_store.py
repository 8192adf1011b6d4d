"""The audit store: schema, WAL, one transaction per document, idempotent writes."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess

import pytest

from barrier_scan.audit.store import (MIGRATIONS, AuditStore, AuditStoreError, DocumentKey,
                                      DocumentRecord, NoticeRecord, RunCounts, finding_from_row)
from barrier_scan.model import Assessment, Clause, Finding, Quantity

FINDING = Finding(
    category="turnover", rule="turnover.minimum", severity="high", confidence=0.91,
    clause=Clause(text="Bidders must have a minimum annual turnover of £5m.", file="itt.pdf",
                  page=3, start=120, end=171, number="4.2", heading=("4 Selection", "Finance")),
    basis="breach",
    quantities=(Quantity(kind="money", value=5_000_000, unit="GBP", text="£5m"),),
    legal=("PCR 2015 reg 58(9)",), message="Asks for £5m turnover.",
    recommendation="Remove the floor.",
    assessment=Assessment(test="turnover_ratio", summary="12.5x the value", ratio=12.5, limit=2.0,
                          exceeded=True),
    detector="rules+model", terms=("turnover", "minimum"), enforceable=True,
    title="Minimum turnover")


def _record(sha: str = "a" * 64, status: str = "ok", findings: tuple[Finding, ...] = (FINDING,),
            path: str = "itt.pdf") -> DocumentRecord:
    result = {"path": path, "pages": 7 if status == "ok" else 0, "sha256": sha, "clauses": 40,
              "findings": [f.to_dict() for f in findings],
              "errors": [] if status == "ok" else [{"file": path, "kind": "corrupt-file",
                                                    "message": "not a readable PDF"}],
              "value": {"amount": 400000.0, "currency": "GBP", "source": "cli"},
              "regime": "uk-pcr2015", "jurisdiction": "uk", "metadata": {"title": "ITT"},
              "timings": {"extract": 0.1}}
    return DocumentRecord(key=DocumentKey(sha, "v1", "s1"), path=path, result=result,
                          status=status, size_bytes=1234,
                          error_kind=None if status == "ok" else "corrupt-file")


@pytest.fixture
def store(tmp_path):
    with AuditStore.open(tmp_path / "audit.sqlite") as s:
        yield s


@pytest.fixture
def run(store):
    return store.start_run(tool_version="0.1.0", executor="local", jobs=2, paths=["x"],
                           settings={"extractor": "fast"})


def test_new_store_is_wal_and_at_the_latest_schema(store):
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.schema_version() == len(MIGRATIONS)
    tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"meta", "runs", "documents", "document_paths", "findings", "notices"} <= tables


def test_every_finding_field_round_trips(store, run):
    doc_id = store.record_document(_record(), run)
    assert doc_id is not None
    assert store.findings_for(document_id=doc_id) == [FINDING.to_dict()]


def test_a_document_is_written_once_per_key(store, run):
    assert store.record_document(_record(), run) is not None
    assert store.record_document(_record(path="copy/itt.pdf"), run) is None
    assert store.count("documents") == 1
    assert store.count("findings") == 1
    paths = {r[0] for r in store.conn.execute("SELECT path FROM document_paths")}
    assert paths == {"itt.pdf", "copy/itt.pdf"}


def test_a_failed_write_leaves_no_half_document(store, run):
    bad = _record()
    bad.result["findings"].append({"category": None})  # NOT NULL violation mid-way
    with pytest.raises(sqlite3.IntegrityError):
        store.record_document(bad, run)
    assert store.count("documents") == 0
    assert store.count("findings") == 0


def test_replace_failed_swaps_a_failed_row_for_the_new_result(store, run):
    store.record_document(_record(status="failed", findings=()), run)
    assert store.done_keys("v1") == {("a" * 64, "s1")}
    assert store.done_keys("v1", include_failed=False) == set()
    assert store.record_document(_record(), run, replace_failed=True) is not None
    rows = store.conn.execute("SELECT status, n_findings FROM documents").fetchall()
    assert [tuple(r) for r in rows] == [("ok", 1)]


def test_notice_is_recorded_once_per_checks_version(store, run):
    notice = NoticeRecord(source="notices.json", ocid="ocds-1", content_sha256="n" * 64,
                          checks_version="c1", columns={"title": "Cleaning", "n_lots": 0},
                          findings=[FINDING.to_dict()])
    first = store.record_notice(notice, run)
    again = store.record_notice(notice, run)
    assert first[1] is True and again == (first[0], False)
    assert store.findings_for(notice_id=first[0]) == [FINDING.to_dict()]


def test_a_killed_run_is_marked_abandoned_by_the_next(store, run):
    store.conn.execute("UPDATE runs SET pid = 2147483646 WHERE id = ?", (run,))  # no such pid
    store.start_run(tool_version="0.1.0", executor="local", jobs=1, paths=[], settings={})
    statuses = [r["status"] for r in store.runs()]
    assert statuses == ["abandoned", "running"]


@pytest.mark.parametrize("content, message", [
    (b"this is not a database at all, just text" * 100, "not an audit database"),
])
def test_a_file_that_is_not_sqlite_is_refused_in_one_line(tmp_path, content, message):
    path = tmp_path / "notes.sqlite"
    path.write_bytes(content)
    with pytest.raises(AuditStoreError, match=message) as err:
        AuditStore.open(path)
    assert str(path) in str(err.value) and "\n" not in str(err.value)


def test_another_sqlite_database_is_refused(tmp_path):
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER)")
    with pytest.raises(AuditStoreError, match="not an audit database"):
        AuditStore.open(path)


def test_a_database_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "audit.sqlite"
    AuditStore.open(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(AuditStoreError, match="newer barrier-scan"):
        AuditStore.open(path)


def test_export_needs_an_existing_database(tmp_path):
    with pytest.raises(AuditStoreError, match="no such audit database"):
        AuditStore.open(tmp_path / "missing.sqlite", create=False)


def test_rows_read_back_as_findings(store, run):
    doc_id = store.record_document(_record(), run)
    row = store.conn.execute("SELECT * FROM findings WHERE document_id = ?", (doc_id,)).fetchone()
    assert finding_from_row(row)["span"] == [120, 171]


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="no sqlite3 shell")
def test_the_file_opens_in_the_sqlite3_shell(store, run):
    store.record_document(_record(), run)
    out = subprocess.run(["sqlite3", str(store.path), "SELECT category, severity FROM findings;"],
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == "turnover|high"


def test_a_transaction_left_open_by_an_interrupt_is_rolled_back(store, run):
    store.conn.execute("BEGIN IMMEDIATE")  # as if Ctrl-C landed just after BEGIN
    store.conn.execute("UPDATE runs SET n_ok = 99")
    store.finish_run(run, "interrupted", RunCounts(ok=1))
    assert [(r["status"], r["n_ok"]) for r in store.runs()] == [("interrupted", 1)]
