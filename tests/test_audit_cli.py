"""`barrier-scan audit` and `export` through click: help, exports, one-line errors."""
from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from barrier_scan.audit import runner
from barrier_scan.audit.commands import audit, export
from barrier_scan.audit.runner import AuditSummary
from barrier_scan.audit.store import AuditStore, DocumentKey, DocumentRecord

FINDING = {"category": "payment_terms", "severity": "high", "basis": "breach", "confidence": 0.9,
           "text": "Invoices will be paid within 60 days of receipt.", "file": "itt.pdf",
           "page": 2, "clause": "7.1", "heading": "7 Payment", "span": [10, 60],
           "rule": "payment_terms.beyond_30_days", "title": "Payment beyond 30 days",
           "detector": "rules", "quantities": [{"kind": "duration", "value": 60.0,
                                                "unit": "days", "text": "60 days", "days": 60.0}],
           "assessment": None, "legal": ["PCR 2015 reg 113"], "enforceable": None,
           "message": "Pays in 60 days.", "recommendation": "Pay within 30 days.", "terms": []}


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "audit.sqlite"
    with AuditStore.open(path) as store:
        run = store.start_run(tool_version="0.1.0", executor="local", jobs=1, paths=["."],
                              settings={})
        for i, status in enumerate(("ok", "ok", "failed")):
            failed = status == "failed"
            result = {"path": f"doc-{i}.pdf", "pages": 0 if failed else 3,
                      "findings": [] if failed else [FINDING],
                      "errors": [{"file": f"doc-{i}.pdf", "kind": "pdf-encrypted",
                                  "message": "is password-protected"}] if failed else []}
            store.record_document(DocumentRecord(
                key=DocumentKey(f"{i}" * 64, "v1", "s1"), path=f"doc-{i}.pdf", result=result,
                status=status, error_kind="pdf-encrypted" if failed else None), run)
    return path


def test_help_has_examples():
    for command in (audit, export):
        result = CliRunner().invoke(command, ["--help"])
        assert result.exit_code == 0 and "Example:" in result.output
    assert "--executor" in CliRunner().invoke(audit, ["--help"]).output


@pytest.mark.parametrize("table, rows", [("findings", 2), ("documents", 3)])
def test_export_csv(db, tmp_path, table, rows):
    out = tmp_path / f"{table}.csv"
    result = CliRunner().invoke(export, ["--db", str(db), "--table", table, "-o", str(out)])
    assert result.exit_code == 0, result.output
    parsed = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(parsed) == rows
    if table == "findings":
        assert parsed[0]["rule"] == "payment_terms.beyond_30_days"
        assert parsed[0]["legal"] == "PCR 2015 reg 113"
    else:
        assert sorted(r["status"] for r in parsed) == ["failed", "ok", "ok"]


def test_export_jsonl_nests_findings(db):
    result = CliRunner().invoke(export, ["--db", str(db), "--format", "jsonl"])
    objects = [json.loads(line) for line in result.output.splitlines()]
    assert [len(o["findings"]) for o in objects] == [1, 1, 0]
    assert objects[0]["findings"][0] == FINDING


def test_export_summary(db):
    result = CliRunner().invoke(export, ["--db", str(db), "--format", "summary"])
    assert "Documents: 3 (2 ok, 1 failed)" in result.output
    assert "pdf-encrypted 1" in result.output
    assert "payment_terms" in result.output


@pytest.mark.parametrize("args, message", [
    (["export", "--db", "{tmp}/missing.sqlite"], "no such audit database"),
    (["audit", "{tmp}/no-such-folder", "--db", "{tmp}/a.sqlite"], "no such file or directory"),
    (["audit", "{tmp}", "--executor", "dask"], "--scheduler"),
    (["audit", "{tmp}", "--max-bytes", "lots"], "not a size"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, args, message):
    command = {"audit": audit, "export": export}[args[0]]
    result = CliRunner().invoke(command, [a.format(tmp=tmp_path) for a in args[1:]])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_an_interrupted_audit_exits_130_and_says_how_to_finish(tmp_path, monkeypatch):
    def interrupted(paths, db, settings, options):
        return AuditSummary(db=str(db), run_id=1, status="interrupted", ok=3)
    monkeypatch.setattr(runner, "audit", interrupted)
    result = CliRunner().invoke(audit, [str(tmp_path), "--db", str(tmp_path / "a.sqlite")])
    assert result.exit_code == 130
    assert "audit interrupted: 3 succeeded" in result.output
    assert "run the same command again" in result.output


def test_settings_reach_the_library(tmp_path, monkeypatch):
    seen = {}

    def record(paths, db, settings, options):
        seen.update(settings=settings, options=options)
        return AuditSummary(db=str(db), run_id=1, status="finished")
    monkeypatch.setattr(runner, "audit", record)
    result = CliRunner().invoke(audit, [str(tmp_path), "--db", str(tmp_path / "a.sqlite"),
                                        "-j", "3", "--max-bytes", "5M", "--max-pages", "40",
                                        "--timeout", "20", "--value", "400000", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["status"] == "finished"
    s, o = seen["settings"], seen["options"]
    assert (s.extractor, s.max_bytes, s.max_pages, s.value) == ("fast", 5 * 2**20, 40, 400000.0)
    assert (o.jobs, o.timeout, o.executor) == (3, 20.0, "local")
