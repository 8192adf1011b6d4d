"""The HTML case report: self-contained, every finding visible, tender text inert.

The browser tests drive the system's headless Chromium (Debian's /usr/bin/chromium; CI
installs it with apt in .ci/run) through the DevTools pipe; see report_browser.py. They
skip with a message where no chromium is installed.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from barrier_scan.report import render
from report_browser import Chromium, find_chromium
from report_fixtures import TODAY, clean_report, hostile_report, riverside_findings, riverside_report

CHROMIUM = find_chromium()
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium not found (install Debian's 'chromium' package, or set BARRIER_SCAN_CHROMIUM)")
# Where screenshots are also kept for people to look at (CI can upload this directory).
SCREENSHOT_DIR_ENV = "BARRIER_SCAN_SCREENSHOTS"
A4_POINTS = (595, 842)


@pytest.fixture(scope="module")
def browser():
    """One chromium for the module: starting it is most of each test's time."""
    with Chromium(CHROMIUM) as chromium:
        yield chromium


def write_report(tmp_path: Path, report, name: str = "case.html") -> Path:
    path = tmp_path / name
    path.write_text(render(report, "html", today=TODAY), encoding="utf-8")
    return path


def keep_screenshot(path: Path) -> None:
    target = os.environ.get(SCREENSHOT_DIR_ENV)
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(target) / path.name)


# --- static checks (no browser) ------------------------------------------------------------

def test_html_loads_nothing_from_anywhere():
    html = render(riverside_report(), "html", today=TODAY)
    links = re.findall(r"""\b(?:src|href|action|data)\s*=\s*["']?([^"'\s>]*)""", html)
    assert links and all(link.startswith("#") for link in links), "only in-page anchors may link"
    assert "<script" not in html.lower()
    assert "@import" not in html and "url(" not in html
    assert "default-src 'none'" in html  # and a CSP forbids it even if a template adds something


def test_html_prints_on_a4():
    assert "@page { size: A4" in render(riverside_report(), "html", today=TODAY)


def test_every_finding_has_an_anchor_and_exact_quote():
    html = render(riverside_report(), "html", today=TODAY)
    assert html.count("data-finding-id=") == len(riverside_findings())
    for finding in riverside_findings():
        assert finding.clause.text in html


def test_hostile_clause_is_escaped_in_the_markup():
    html = render(hostile_report(), "html", today=TODAY)
    assert "<script>" not in html and "<img" not in html and "<iframe" not in html
    assert "&lt;script&gt;document.title=&#39;pwned&#39;" in html
    assert 'onerror="' not in html


# --- in a real browser ----------------------------------------------------------------------

@pytest.mark.chromium
@needs_chromium
def test_every_finding_is_visible_and_no_request_leaves_the_page(tmp_path, browser):
    page_file = write_report(tmp_path, riverside_report())
    page = browser.open(page_file.as_uri())
    visible = page.evaluate("""[...document.querySelectorAll('[data-finding-id]')].map(el => {
        const r = el.getBoundingClientRect(), s = getComputedStyle(el);
        return {id: el.dataset.findingId, w: r.width, h: r.height,
                shown: s.display !== 'none' && s.visibility !== 'hidden' && +s.opacity > 0,
                quote: el.querySelector('[data-quote]').innerText};
    })""")
    shot = page.screenshot(tmp_path / "riverside-case.png")
    printed = page.print_pdf(tmp_path / "riverside-case-print.pdf")
    outside = page.outside_requests()
    keep_screenshot(shot)
    assert outside == [], f"the report asked for {outside}"
    assert len(visible) == len(riverside_findings())
    assert all(v["shown"] and v["w"] > 100 and v["h"] > 50 for v in visible), visible
    assert sorted(v["quote"] for v in visible) == sorted(f.clause.text for f in riverside_findings())
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    assert printed.read_bytes()[:5] == b"%PDF-"


@pytest.mark.chromium
@needs_chromium
def test_script_in_a_clause_is_inert(tmp_path, browser):
    page_file = write_report(tmp_path, hostile_report(), "hostile.html")
    page = browser.open(page_file.as_uri())
    pwned = page.evaluate("window.__pwned === undefined ? null : window.__pwned")
    title = page.evaluate("document.title")
    injected = page.evaluate("document.querySelectorAll('script, img, iframe').length")
    quote = page.evaluate("document.querySelector('[data-quote]').innerText")
    outside = page.outside_requests()
    page.screenshot(tmp_path / "hostile.png")
    keep_screenshot(tmp_path / "hostile.png")
    assert pwned is None and title != "pwned"
    assert injected == 0
    assert "<script>document.title='pwned';window.__pwned=1</script>" in quote  # shown as text
    assert outside == []


@pytest.mark.chromium
@needs_chromium
def test_printed_html_is_a4(tmp_path, browser):
    pdfinfo = shutil.which("pdfinfo")
    if not pdfinfo:
        pytest.skip("pdfinfo (poppler-utils) not installed")

    page_file = write_report(tmp_path, clean_report(), "clean.html")
    printed = browser.open(page_file.as_uri()).print_pdf(tmp_path / "clean.pdf")
    info = subprocess.run([pdfinfo, str(printed)], capture_output=True, text=True, check=True).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert (round(width), round(height)) == A4_POINTS


@pytest.mark.chromium
@needs_chromium
def test_the_request_check_does_catch_a_page_that_fetches(tmp_path, browser):
    # guards the guard: a page with an external image and no CSP must be caught
    page_file = tmp_path / "leaky.html"
    page_file.write_text('<!DOCTYPE html><p>x</p><img src="http://example.invalid/pixel.png">', encoding="utf-8")
    page = browser.open(page_file.as_uri())
    assert page.outside_requests() == ["http://example.invalid/pixel.png"]
