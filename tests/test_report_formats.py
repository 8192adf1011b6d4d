"""Every format renders the same case: the quotes exact, the numbers the same, nothing
from the tender able to change the report's structure."""
from __future__ import annotations

import csv
import io
import json
import os
import re
from dataclasses import replace
from pathlib import Path

import pytest

from barrier_scan.report import FORMATS, ReportFormatError, ReportTemplateError, render
from barrier_scan.report.from_json import load_report, report_from_dict
from barrier_scan.report.templates import md_fence, md_inline
from report_fixtures import (
    HOSTILE_TEXT,
    TODAY,
    clean_report,
    hostile_report,
    riverside_findings,
    riverside_report,
    unreadable_report,
)

GOLDEN = Path(__file__).parent / "golden"
# set BARRIER_SCAN_REGOLD=1 to rewrite the golden files on purpose, then review the diff
REGOLD = os.environ.get("BARRIER_SCAN_REGOLD") == "1"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("make", [riverside_report, clean_report, unreadable_report, hostile_report],
                         ids=["riverside", "clean", "unreadable", "hostile"])
def test_every_format_renders(fmt, make):
    out = render(make(), fmt, today=TODAY)
    assert isinstance(out, bytes if fmt == "pdf" else str)
    assert len(out) > 200


@pytest.mark.parametrize("fmt", ["md", "html", "referral"])
def test_every_clause_is_quoted_exactly(fmt):
    out = render(riverside_report(), fmt, today=TODAY)
    for finding in riverside_findings():
        assert finding.clause.text in out


@pytest.mark.parametrize("fmt", ["md", "html", "referral"])
def test_header_and_summary_are_in_every_text_format(fmt):
    out = render(riverside_report(), fmt, today=TODAY)
    for expected in ("BS-36e4fb9aec", "Riverside Borough Council", "RBC/2025/044", "£400,000",
                     "Public Contracts Regulations 2015", "£5,000,000 = 12.5x the £400,000 value; cap 2x"):
        text = " ".join(out.split())  # the referral wraps its prose
        text = text.replace("\\", "") if fmt == "md" else text  # Markdown escapes show as backslashes
        assert expected in text


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_case_reports_show_score_formula_and_fair_list(fmt):
    out = render(riverside_report(), fmt, today=TODAY)
    assert "10 × 3 high + 4 × 4 medium + 1 × 1 low = 47" in out.replace("\\", "")
    assert "Checked and found fair" in out
    assert "No minimum period of trading was found." in out


def test_json_is_the_contract_plus_case_fields():
    report = riverside_report()
    data = json.loads(render(report, "json", today=TODAY))
    contract = report.to_dict()
    doc, expected = data["documents"][0], contract["documents"][0]
    for key, value in expected.items():
        if key != "findings":
            assert doc[key] == value
    for got, want in zip(doc["findings"], expected["findings"]):
        assert {k: got[k] for k in want} == want
        assert got["id"].startswith("BS-36e4fb9aec-")
    assert doc["case"]["score"]["value"] == 47
    assert doc["case"]["reference"] == "BS-36e4fb9aec"


def test_json_reads_back_to_the_same_report(tmp_path):
    report = riverside_report()
    path = tmp_path / "result.json"
    path.write_text(render(report, "json", today=TODAY), encoding="utf-8")
    again = load_report(path)
    assert again.to_dict() == report.to_dict()
    assert render(again, "md", today=TODAY) == render(report, "md", today=TODAY)


def test_csv_has_one_row_per_finding_in_review_service_columns():
    rows = list(csv.DictReader(io.StringIO(render(riverside_report(), "csv", today=TODAY))))
    assert len(rows) == len(riverside_findings())
    turnover = next(r for r in rows if r["category"] == "turnover")
    assert (turnover["subject"], turnover["sub_issue"], turnover["year"], turnover["month"]) == (
        "Procurement Process", "Financial Requirement", "2025", "March")
    assert turnover["computed"] == "turnover £5,000,000 = 12.5x the £400,000 value; cap 2x"
    assert turnover["evidence"] == riverside_findings()[0].clause.text


def test_csv_cells_cannot_become_spreadsheet_formulas():
    finding = riverside_findings()[0]
    evil = finding.with_(clause=replace(finding.clause, text="=HYPERLINK(\"http://x.invalid\",\"click\")"))
    report = riverside_report()
    report.documents[0].findings = [evil]
    row = next(csv.DictReader(io.StringIO(render(report, "csv", today=TODAY))))
    assert row["evidence"] == "'=HYPERLINK(\"http://x.invalid\",\"click\")"


def test_markdown_keeps_hostile_text_inside_a_fence():
    out = render(hostile_report(), "md", today=TODAY)
    fence = max(re.findall(r"^`{3,}", out, flags=re.M), key=len)
    assert len(fence) == 4  # the clause holds a run of three backticks, so the fence is four
    # the quote is exact apart from the terminal escape, which is made visible
    assert HOSTILE_TEXT.replace("\x1b", "\ufffd") in out
    assert "\x1b" not in out
    # outside the fence, tender text is escaped: no link, no raw HTML, no heading
    outside = re.sub(r"^(`{3,})text\n.*?\n\1$", "", out, flags=re.S | re.M)
    assert "<script>" not in outside
    assert not re.search(r"(?<!\\)\]\(http", outside)  # "[x](http..." only ever appears escaped
    assert not re.search(r"^#+ Heading injection", outside, flags=re.M)


@pytest.mark.parametrize("raw, safe", [
    ("<b>x</b>", "\\<b\\>x\\</b\\>"),
    ("[a](http://x)", "\\[a\\](http://x)"),
    ("# Heading", "\\# Heading"),
    ("- item", "\\- item"),
    ("1. item", "1\\. item"),
    ("0.88", "0.88"),
    ("a | b", "a \\| b"),
    ("line\nbreak", "line break"),
])
def test_md_inline(raw, safe):
    assert md_inline(raw) == safe


def test_md_fence_outgrows_backticks():
    assert str(md_fence("a ```` b")).startswith("`````text\n")


def test_referral_is_plain_text_to_edit():
    out = render(riverside_report(), "referral", today=TODAY)
    assert out.startswith("DRAFT")
    assert "publicprocurementreview@cabinetoffice.gov.uk" in out
    assert "[YOUR NAME]" in out
    assert "PCR 2015 reg 58(9)" in out
    assert all(len(line) <= 120 or line.startswith("      ") or line.startswith("Subject:")
               for line in out.splitlines())  # prose is wrapped; only exact quotes run long


def test_referral_strips_terminal_escapes():
    out = render(hostile_report(), "referral", today=TODAY)
    assert "\x1b" not in out and "<script>document.title" in out  # plain text: shown, never run


def test_referral_for_a_non_uk_regime_points_elsewhere():
    report = riverside_report()
    report.documents[0].regime, report.documents[0].regime_title = "eu", "Directive 2014/24/EU"
    assert "not UK procurement" in render(report, "referral", today=TODAY)


def test_unknown_format_is_a_typed_error():
    with pytest.raises(ReportFormatError, match="use one of json, md, html"):
        render(riverside_report(), "docx")


def test_markdown_alias():
    assert render(riverside_report(), "markdown", today=TODAY) == render(riverside_report(), "md", today=TODAY)


def test_template_dir_overrides_one_template(tmp_path):
    (tmp_path / "case.md.j2").write_text("{% for case in cases %}Custom {{ case.reference }} {{ case.authority }}"
                                         "{% endfor %}\n", encoding="utf-8")
    out = render(hostile_report(), "md", template_dir=tmp_path, today=TODAY)
    assert out.startswith("Custom BS-")
    assert "\\<script\\>" in out  # escaping still applies to a user's template
    assert "Riverside" in render(riverside_report(), "html", template_dir=tmp_path, today=TODAY)


def test_template_dir_errors_are_one_line(tmp_path):
    (tmp_path / "case.md.j2").write_text("{{ cases[0].no_such_field }}", encoding="utf-8")
    with pytest.raises(ReportTemplateError, match="check the variable names"):
        render(riverside_report(), "md", template_dir=tmp_path)
    with pytest.raises(ReportTemplateError, match="does not exist"):
        render(riverside_report(), "md", template_dir=tmp_path / "missing")


def test_bare_document_result_json_is_accepted():
    doc = riverside_report().to_dict()["documents"][0]
    assert report_from_dict(doc).documents[0].findings[0].clause.number == "4.2"


@pytest.mark.parametrize("fmt, suffix", [("md", ".md"), ("referral", ".txt"), ("csv", ".csv")])
def test_golden_outputs(fmt, suffix):
    out = render(riverside_report(), fmt, today=TODAY)
    golden = GOLDEN / f"report-riverside{suffix}"
    if REGOLD or not golden.exists():
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")
