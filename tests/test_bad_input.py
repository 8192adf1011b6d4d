"""Bad input: one line naming the file and what to do, exit 2, and the other files still scanned."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import pdfgen
from barrier_scan.cli import cli

GOOD = "4.2.1 Bidders must have been trading for at least five years.\n"


def make_bad(kind: str, tmp_path: Path) -> Path:
    if kind == "zero-byte":
        p = tmp_path / "empty.pdf"
        p.write_bytes(b"")
    elif kind == "truncated":
        full = pdfgen.make_pdf(tmp_path, ["Some text on a page."], name="full.pdf").read_bytes()
        p = tmp_path / "truncated.pdf"
        p.write_bytes(full[: len(full) // 3])
    elif kind == "corrupt":
        p = tmp_path / "corrupt.pdf"
        p.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 20)
    elif kind == "encrypted":
        p = pdfgen.make_pdf(tmp_path, ["Secret tender text."], name="locked.pdf", encrypt="s3cret")
    elif kind == "scanned":
        p = pdfgen.make_image_only_pdf(tmp_path, name="scanned.pdf")
    elif kind == "unsupported":
        p = tmp_path / "prices.xlsx"
        p.write_bytes(b"\x00\x01binary-not-a-tender" * 10)
    elif kind == "zip-slip":
        p = pdfgen.make_zip(tmp_path, [("../../evil.txt", b"Consortium bids will not be accepted.")], name="slip.zip")
    elif kind == "missing":
        p = tmp_path / "nope.pdf"
    else:
        raise ValueError(kind)
    return p


CASES = {
    "zero-byte": "empty",
    "truncated": "re-",
    "corrupt": "re-",
    "encrypted": "password",
    "scanned": "OCR",
    "unsupported": "cannot read",
    "zip-slip": "",
    "missing": "",
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_bad_file_is_one_line_exit_2_and_others_still_scanned(kind: str, tmp_path: Path) -> None:
    bad = make_bad(kind, tmp_path)
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["scan", str(bad), str(good), "--format", "json", "--no-model"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    stderr_lines = [l for l in result.stderr.splitlines() if l.strip()]
    assert len(stderr_lines) == 1, stderr_lines
    line = stderr_lines[0]
    assert bad.name in line
    assert CASES[kind].lower() in line.lower()
    data = json.loads(result.stdout)
    docs = {Path(d["path"]).name: d for d in data["documents"]}
    assert docs["good.txt"]["findings"][0]["category"] == "trading_history"
    assert docs[bad.name]["errors"] and docs[bad.name]["findings"] == []


def test_bad_file_writes_no_half_report(tmp_path: Path) -> None:
    bad = make_bad("zero-byte", tmp_path)
    out = tmp_path / "report.html"
    result = CliRunner().invoke(cli, ["scan", str(bad), "--format", "html", "-o", str(out), "--no-model"])
    assert result.exit_code == 2
    assert not list(tmp_path.glob("*.part"))


def test_usage_error_exit_2() -> None:
    result = CliRunner().invoke(cli, ["scan", "x.pdf", "--format", "docx"])
    assert result.exit_code == 2
    result = CliRunner().invoke(cli, ["scan", "x.pdf", "--value", "-5", "--no-model"])
    assert result.exit_code == 2 and "positive" in result.output
