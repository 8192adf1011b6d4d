"""Batch summary over many scanned tenders."""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from barrier_scan.model import ScanReport
from barrier_scan.report import render
from barrier_scan.report.commands import summary_command
from barrier_scan.report.summary import load_results, month_range, render_summary, summarise
from report_fixtures import TODAY, batch_results, hostile_report


@pytest.fixture
def summary():
    return summarise(batch_results(), today=TODAY)


def test_totals(summary):
    results = batch_results()
    readable = [r for r in results if r.ok]
    assert summary.documents == len(results) == 25
    assert summary.unreadable == 1
    assert summary.findings == sum(len(r.findings) for r in readable)
    assert summary.with_barriers == sum(1 for r in readable if r.findings)
    assert sum(summary.by_severity.values()) == summary.findings


def test_by_category_counts_findings_and_tenders(summary):
    assert sum(n for _, _, n, _ in summary.by_category) == summary.findings
    counts = [n for _, _, n, _ in summary.by_category]
    assert counts == sorted(counts, reverse=True)
    assert len(summary.by_category) == 16  # every category, zeros included


def test_by_authority_and_worst(summary):
    assert sum(docs for _, docs, _, _ in summary.by_authority) == summary.readable
    scores = [row.score for row in summary.worst]
    assert scores == sorted(scores, reverse=True) and len(scores) <= 10


def test_trend_covers_every_month_between_first_and_last(summary):
    months = [m for m, _, _ in summary.by_month]
    assert months == month_range(months[0], months[-1])
    dated = sum(docs for _, docs, _ in summary.by_month)
    assert dated + summary.undated == summary.readable


@pytest.mark.parametrize("first, last, expected", [
    ("2024-11", "2025-02", ["2024-11", "2024-12", "2025-01", "2025-02"]),
    ("2025-03", "2025-03", ["2025-03"]),
])
def test_month_range(first, last, expected):
    assert month_range(first, last) == expected


def test_html_summary_has_three_svg_charts_and_no_outside_links(summary):
    html = render_summary(summary, "html")
    assert html.count("<svg") == 3
    assert all(link.startswith("#") for link in re.findall(r"""(?:src|href)=["']([^"']*)""", html))
    assert "Westshire County Council" in html


def test_summary_escapes_authority_names():
    result = hostile_report().documents[0]
    result.metadata["published"] = "2025-01-10"
    html = render_summary(summarise([result], today=TODAY), "html")
    assert "<script>window" not in html and "&lt;script&gt;window.__pwned=4" in html


def test_json_and_markdown(summary):
    data = json.loads(render_summary(summary, "json"))
    assert data["documents"] == 25 and data["by_month"]
    assert "## Trend by publication month" in render_summary(summary, "md")


def test_cli_summary_over_a_directory_skips_bad_files(tmp_path):
    results = batch_results(6)
    for i, result in enumerate(results):
        (tmp_path / f"r{i}.json").write_text(render(ScanReport([result]), "json"), encoding="utf-8")
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    out = tmp_path / "summary.html"
    run = CliRunner().invoke(summary_command, [str(tmp_path), "-o", str(out)])
    assert run.exit_code == 0, run.output
    html = out.read_text(encoding="utf-8")
    assert "Barriers to small suppliers in 7 tenders" in html
    assert "broken.json: not JSON" in html


def test_cli_summary_with_nothing_readable_is_one_line(tmp_path):
    (tmp_path / "a.json").write_text("[]", encoding="utf-8")
    run = CliRunner().invoke(summary_command, [str(tmp_path)])
    assert run.exit_code == 2
    assert run.output.count("\n") == 1 and "no readable JSON results" in run.output


def test_load_results_reads_files_and_directories(tmp_path):
    (tmp_path / "one.json").write_text(render(ScanReport(batch_results(2)), "json"), encoding="utf-8")
    results, skipped = load_results([tmp_path, tmp_path / "one.json"])
    assert len(results) == 6 and skipped == []


def test_summary_reads_an_audit_database(tmp_path):
    store_module = pytest.importorskip("barrier_scan.audit.store")
    db = tmp_path / "audit.db"
    results = batch_results(4)
    with store_module.AuditStore.open(db) as store:
        run = store.start_run(tool_version="test", executor="local", jobs=1, paths=["tenders"], settings={})
        for result in results:
            key = store_module.DocumentKey(result.sha256, "v1", "s")
            store.record_document(store_module.DocumentRecord(
                key=key, path=result.path, result=result.to_dict(), status="ok" if result.ok else "failed"), run)
    loaded, skipped = load_results([db])
    assert skipped == [] and len(loaded) == len(results)
    from_store = summarise(loaded, today=TODAY).to_dict()
    direct = summarise(results, today=TODAY).to_dict()
    assert from_store == direct
