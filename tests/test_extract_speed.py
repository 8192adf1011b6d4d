"""Extraction speed against pdfplumber's own `extract_text`, in CPU time of this process (so
other load on the machine does not decide the outcome); the full measurement is
benchmarks/bench_extract.py."""
from __future__ import annotations

import time
from typing import Callable

import pdfplumber

from barrier_scan.extract import extract
from barrier_scan.extract import pdf_fast
from pdfgen import Table

# The target: reading with tables costs at most this much of pdfplumber's extract_text.
TARGET_LAYOUT_OVERHEAD = 1.25
HEADER = "Riverside Borough Council \u2013 ITT RBC/2025/044"
BODY = ("The provider must keep a record of every session and share it with the Council's "
        "contract manager each month, and must report any incident on the day it happens. ")
ROWS = [["Criterion", "Weighting", "Evidence"],
        ["Quality of the method statement", "40%", "Written answer"],
        ["Price", "30%", "Pricing schedule"],
        ["Social value", "10%", "Written answer"]]


def cpu_seconds(run: Callable[[], object], repeat: int = 2) -> float:
    """The best of `repeat` runs, after one untimed run (imports, first-use setup)."""
    run()
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        run()
        best = min(best, time.process_time() - started)
    return best


def plumber_extract_text(path) -> None:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.close()


def tender_pages(n_pages: int, table_every: int = 0) -> list[list]:
    pages = []
    for n in range(1, n_pages + 1):
        page = [f"# {n} Section {n}", f"{n}.1 " + BODY * 3, f"{n}.2 " + BODY * 2]
        if table_every and n % table_every == 0:
            page.insert(2, Table(ROWS))
        pages.append(page)
    return pages


def test_layout_with_a_table_every_third_page_is_no_slower_than_extract_text(make_pdf):
    path = make_pdf(tender_pages(6, table_every=3), header=HEADER, footer="Page {page} of {pages}")
    doc = extract(path, extractor="layout")
    assert [b.page for b in doc.blocks if b.text.startswith("Price |")] == [3, 6]  # tables found
    layout = cpu_seconds(lambda: extract(path, extractor="layout"))
    baseline = cpu_seconds(lambda: plumber_extract_text(path))
    assert layout <= TARGET_LAYOUT_OVERHEAD * baseline, (layout, baseline)


def test_layout_reads_pages_without_ruling_at_pdfium_speed(make_pdf):
    path = make_pdf(tender_pages(5), header=HEADER, footer="Page {page} of {pages}")
    data = path.read_bytes()
    all_plumber = cpu_seconds(lambda: pdf_fast.extract_pdf(data, "x.pdf", 100, pdf_fast.PLUMBER_ONLY))
    layout = cpu_seconds(lambda: extract(path, extractor="layout"))
    fast = cpu_seconds(lambda: extract(path, extractor="fast"))
    assert layout < all_plumber / 3, (layout, all_plumber)
    assert fast < all_plumber / 3, (fast, all_plumber)
