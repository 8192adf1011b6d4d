"""The demo tender end to end: scan corpus/samples/riverside-itt.pdf, render every format.

This is the README's demo (`barrier-scan scan corpus/samples/riverside-itt.pdf --format html
-o report.html`) checked as a test: the case report of the real sample, not hand-built
fixtures.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from barrier_scan.model import ScanReport
from barrier_scan.report import FORMATS, render

SAMPLE = Path(__file__).resolve().parent.parent / "corpus" / "samples" / "riverside-itt.pdf"
pytestmark = pytest.mark.skipif(not SAMPLE.exists(), reason="corpus/samples/riverside-itt.pdf not built")


@pytest.fixture(scope="module")
def sample_report() -> ScanReport:
    from barrier_scan.pipeline import Scanner

    scanner = Scanner({"use_model": False})
    return ScanReport([scanner.scan_path(str(SAMPLE))], scanner.version)


@pytest.mark.parametrize("fmt", FORMATS)
def test_sample_renders_in_every_format(sample_report, fmt):
    out = render(sample_report, fmt)
    findings = sample_report.documents[0].findings
    assert findings, "the sample tender is written to contain barriers"
    if fmt == "pdf":
        assert out[:5] == b"%PDF-"
    elif fmt == "json":
        assert len(json.loads(out)["documents"][0]["findings"]) == len(findings)
    elif fmt == "csv":
        assert out.count("\n") >= len(findings) + 1
    else:
        for finding in findings:
            assert finding.clause.text.split()[0] in out


def test_demo_command_writes_the_html_case_report(tmp_path):
    from barrier_scan.cli import cli

    out = tmp_path / "report.html"
    run = CliRunner().invoke(cli, ["scan", str(SAMPLE), "--no-model", "--format", "html", "-o", str(out)])
    assert run.exit_code == 0, run.output
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert html.count("data-finding-id=") >= 5
    assert "Barrier score" in html and "Checked and found fair" in html
    assert "£400,000" in html
