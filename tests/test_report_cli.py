"""barrier-scan report RESULT.json --format F: render a saved scan without scanning again."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from barrier_scan.report import FORMATS, render
from barrier_scan.report.commands import diff_command, report_command, summary_command
from report_fixtures import riverside_report


@pytest.fixture
def result_file(tmp_path):
    path = tmp_path / "riverside.json"
    path.write_text(render(riverside_report(), "json"), encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", FORMATS)
def test_report_writes_every_format(result_file, tmp_path, fmt):
    out = tmp_path / f"case.{fmt}"
    run = CliRunner().invoke(report_command, [str(result_file), "--format", fmt, "-o", str(out)])
    assert run.exit_code == 0, run.output
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") if fmt == "pdf" else b"BS-36e4fb9aec" in data


def test_report_to_stdout(result_file):
    run = CliRunner().invoke(report_command, [str(result_file), "--format", "md"])
    assert run.exit_code == 0 and run.output.startswith("# Case BS-36e4fb9aec")


@pytest.mark.parametrize("content, message", [
    ("not json", "not JSON"),
    ('{"documents": [{"findings": [{"category": "turnover", "severity": "huge"}]}]}', "not a barrier-scan result"),
    ("[1, 2]", "not a barrier-scan result"),
])
def test_bad_result_files_give_one_line_and_exit_2(tmp_path, content, message):
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    run = CliRunner().invoke(report_command, [str(bad)])
    assert run.exit_code == 2
    assert run.output.count("\n") == 1 and message in run.output and "Traceback" not in run.output


@pytest.mark.parametrize("command", [report_command, diff_command, summary_command])
def test_help_has_an_example(command):
    run = CliRunner().invoke(command, ["--help"])
    assert run.exit_code == 0 and "Example:" in run.output
