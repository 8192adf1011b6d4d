"""barrier-scan diff OLD NEW: what a revision fixed, introduced, reworded and left."""
from __future__ import annotations

import json
from dataclasses import replace

import pytest
from click.testing import CliRunner

from barrier_scan.report import render
from barrier_scan.report.commands import diff_command
from barrier_scan.report.diff import diff_reports, diff_results, render_diff
from report_fixtures import TODAY, revised_report, riverside_findings, riverside_report, riverside_result


@pytest.fixture
def diff():
    return diff_reports(riverside_report(), revised_report(), today=TODAY)


def test_counts_and_categories(diff):
    assert diff.counts == {"fixed": 2, "introduced": 1, "changed": 1, "unchanged": 5}
    assert {c.category for c in diff.with_status("fixed")} == {"turnover", "insurance"}
    assert [c.category for c in diff.with_status("introduced")] == ["security_bond"]
    changed = diff.with_status("changed")[0]
    assert changed.category == "accreditation" and changed.severity_change == "medium → low"


def test_verdict_reads_out_the_score_change(diff):
    assert diff.verdict == ("The revision improved (47 → 28): 2 fixed, 1 introduced, "
                            "1 reworded but still flagged, 5 unchanged.")


def test_same_draft_twice_is_all_unchanged():
    d = diff_results(riverside_result(), riverside_result())
    assert d.counts["unchanged"] == len(riverside_findings()) and d.counts["fixed"] == 0
    assert "kept the same barrier score" in d.verdict


def test_unrelated_clauses_in_one_category_are_not_paired():
    old = riverside_findings()[0]
    new = old.with_(clause=replace(old.clause, text="Suppliers must show turnover in the sector."))
    d = diff_results(riverside_result([old]), riverside_result([new]))
    assert d.counts == {"fixed": 1, "introduced": 1, "changed": 0, "unchanged": 0}


def test_whitespace_and_case_do_not_count_as_changes():
    old = riverside_findings()[0]
    new = old.with_(clause=replace(old.clause, text="  " + old.clause.text.upper()))
    assert diff_results(riverside_result([old]), riverside_result([new])).counts["unchanged"] == 1


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_every_diff_format(diff, fmt):
    out = render_diff(diff, fmt)
    if fmt == "json":
        assert json.loads(out)["counts"]["fixed"] == 2
    else:
        assert "Fixed" in out and "Introduced" in out and "bid bond of £40,000" in out


def test_cli_diff_of_two_json_results(tmp_path):
    old, new = tmp_path / "v1.json", tmp_path / "v2.json"
    old.write_text(render(riverside_report(), "json"), encoding="utf-8")
    new.write_text(render(revised_report(), "json"), encoding="utf-8")
    run = CliRunner().invoke(diff_command, [str(old), str(new)])
    assert run.exit_code == 0, run.output
    assert "2 fixed, 1 introduced" in run.output


def test_cli_diff_missing_file_is_one_line(tmp_path):
    run = CliRunner().invoke(diff_command, [str(tmp_path / "a.json"), str(tmp_path / "b.json")])
    assert run.exit_code == 2 and run.output.count("\n") == 1 and "file not found" in run.output
