"""The reportlab PDF case report, checked as a reader sees it: pages rendered to images."""
from __future__ import annotations

import math
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from barrier_scan.report import render
from report_fixtures import TODAY, clean_report, hostile_report, riverside_findings, riverside_report

PDFTOPPM = shutil.which("pdftoppm")
PDFTOTEXT = shutil.which("pdftotext")
needs_poppler = pytest.mark.skipif(not (PDFTOPPM and PDFTOTEXT), reason="poppler-utils (pdftoppm, pdftotext) not installed")
DPI = 50
A4_PIXELS = (math.ceil(210 / 25.4 * DPI), math.ceil(297 / 25.4 * DPI))  # pdftoppm rounds up: 414 x 585


def pdf_file(tmp_path: Path, report, name: str = "case.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(render(report, "pdf", today=TODAY))
    return path


def page_images(pdf: Path, tmp_path: Path) -> list[Path]:
    subprocess.run([PDFTOPPM, "-r", str(DPI), "-png", str(pdf), str(tmp_path / "page")], check=True)
    return sorted(tmp_path.glob("page-*.png"))


def pdf_text(pdf: Path) -> str:
    return subprocess.run([PDFTOTEXT, "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_pdf_is_a_pdf_and_deterministic():
    first = render(riverside_report(), "pdf", today=TODAY)
    assert first[:5] == b"%PDF-"
    assert render(riverside_report(), "pdf", today=TODAY) == first


@needs_poppler
def test_pdf_pages_are_a4_and_carry_ink(tmp_path):
    from PIL import Image, ImageStat

    pages = page_images(pdf_file(tmp_path, riverside_report()), tmp_path)
    assert 3 <= len(pages) <= 8
    for page in pages:
        with Image.open(page) as im:
            assert im.size == A4_PIXELS
            dark = sum(im.convert("L").point(lambda v: 255 if v < 128 else 0).histogram()[255:])
            assert dark > 200, f"{page.name} looks blank"  # a few lines of text at least
    with Image.open(pages[0]) as cover:
        # the title band across the top of page one is dark
        band = cover.convert("L").crop((40, 40, A4_PIXELS[0] - 40, 70))
        assert ImageStat.Stat(band).mean[0] < 80


@needs_poppler
def test_pdf_text_has_header_score_findings_and_page_numbers(tmp_path):
    pdf = pdf_file(tmp_path, riverside_report())
    text = pdf_text(pdf)
    flat = " ".join(text.split())
    for expected in ("BS-36e4fb9aec", "Riverside Borough Council", "RBC/2025/044", "£400,000",
                     "10 × 3 high + 4 × 4 medium + 1 × 1 low = 47", "Recommendations to the authority",
                     "Checked and found fair", "Page 1 of"):
        assert expected in flat
    for finding in riverside_findings():
        assert " ".join(finding.clause.text.split()) in flat


@needs_poppler
def test_pdf_prints_markup_in_clauses_as_text(tmp_path):
    flat = " ".join(pdf_text(pdf_file(tmp_path, hostile_report())).split())
    assert "<script>document.title='pwned';window.__pwned=1</script>" in flat
    assert "<b>Selection</b>" in flat


@needs_poppler
def test_clean_pdf_says_what_was_checked(tmp_path):
    flat = " ".join(pdf_text(pdf_file(tmp_path, clean_report())).split())
    assert "No barriers were found" in flat
    assert re.search(r"Years of trading — No minimum period of trading was found", flat)
