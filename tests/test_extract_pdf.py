"""PDF extraction on real generated PDFs: pages, running headers/footers, hyphenation,
paragraphs, headings, list items, tables, metadata; the fast path, the layout path (pages
routed between PDFium and pdfplumber) and the all-pdfplumber reading against each other."""
from __future__ import annotations

import hashlib

import pdfplumber
import pypdfium2 as pdfium
import pytest
from reportlab.pdfgen import canvas

from barrier_scan.extract import extract
from barrier_scan.extract import pdf_fast
from barrier_scan.extract.blocks import assemble
from barrier_scan.extract.cleanup import Vocabulary, join_lines
from pdfgen import Picture, Table, check_offsets

EXTRACTORS = ("layout", "fast")
HEADER = "Riverside Borough Council \u2013 ITT RBC/2025/044"

THREE_PAGES = [
    ["# 1 Introduction",
     "The Council invites tenders for a community wellbeing service across the borough."],
    ["# 2 Instructions",
     "Tenders must be returned through the portal before the deadline in the timetable."],
    ["# 3 Contract",
     "The Council will pay each valid invoice within thirty days of receiving it."],
]


def blocks_of(path, extractor):
    doc = extract(path, extractor=extractor)
    check_offsets(doc)
    return doc


@pytest.mark.parametrize("extractor", EXTRACTORS)
def test_each_block_carries_its_page(make_pdf, extractor):
    path = make_pdf(THREE_PAGES)
    doc = blocks_of(path, extractor)
    pages = {b.text: b.page for b in doc.blocks}
    assert doc.pages == 3
    assert pages["The Council invites tenders for a community wellbeing service across the borough."] == 1
    assert pages["Tenders must be returned through the portal before the deadline in the timetable."] == 2
    assert pages["The Council will pay each valid invoice within thirty days of receiving it."] == 3
    assert doc.path == str(path)
    assert {b.file for b in doc.blocks} == {str(path)}


FOOTERS = [
    "Page {page} of {pages}",
    "{page} of {pages}",
    "- {page} -",
    "{page}",
    "Page {page}",
    "RBC/2025/044 issue 2 \u2013 page {page}",
]


@pytest.mark.parametrize("extractor", EXTRACTORS)
@pytest.mark.parametrize("footer", FOOTERS)
def test_running_header_and_footer_are_removed(make_pdf, extractor, footer):
    doc = blocks_of(make_pdf(THREE_PAGES, header=HEADER, footer=footer), extractor)
    texts = [b.text for b in doc.blocks]
    assert texts == [
        "1 Introduction",
        "The Council invites tenders for a community wellbeing service across the borough.",
        "2 Instructions",
        "Tenders must be returned through the portal before the deadline in the timetable.",
        "3 Contract",
        "The Council will pay each valid invoice within thirty days of receiving it.",
    ]


@pytest.mark.parametrize("extractor", EXTRACTORS)
def test_body_line_repeated_on_every_page_is_kept(make_pdf, extractor):
    # The same sentence near the top of every page, but at a different height on each:
    # body text, not a running header (which sits at the same place on every page).
    pages = [["Note.\n" * n + "Bidders must read this section in full before responding."]
             for n in (0, 1, 2)]
    doc = blocks_of(make_pdf(pages, header=HEADER), extractor)
    assert sum(b.text == "Bidders must read this section in full before responding." for b in doc.blocks) == 3
    assert not any("RBC/2025/044" in b.text for b in doc.blocks)


@pytest.mark.parametrize("extractor", EXTRACTORS)
def test_line_end_hyphenation(make_pdf, extractor):
    page = ["The bidder must meet the minimum require-\n"
            "ment for insurance, and any sub-\n"
            "contractor must hold the same cover as a non-\n"
            "UK supplier would."]
    doc = blocks_of(make_pdf([page]), extractor)
    assert [b.text for b in doc.blocks] == [
        "The bidder must meet the minimum requirement for insurance, and any sub-contractor "
        "must hold the same cover as a non-UK supplier would."]


JOIN_CASES = [
    (["minimum require-", "ment for insurance"], set(), "minimum requirement for insurance"),
    (["any sub-", "contractor"], set(), "any sub-contractor"),
    (["any sub-", "contractor"], {"subcontractor"}, "any subcontractor"),  # the document's own spelling wins
    (["a non-", "refundable fee"], set(), "a non-refundable fee"),
    (["day-to-", "day running"], set(), "day-to-day running"),
    (["a non-", "UK bidder"], set(), "a non-UK bidder"),
    (["Section 3 -", "The Council"], set(), "Section 3 - The Council"),
    (["soft\u00ad", "hyphen"], set(), "softhyphen"),
    (["plain", "join"], set(), "plain join"),
]


@pytest.mark.parametrize("lines, solid, expected", JOIN_CASES, ids=[c[2] for c in JOIN_CASES])
def test_join_lines(lines, solid, expected):
    assert join_lines(lines, Vocabulary(solid=set(solid))) == expected


@pytest.mark.parametrize("extractor", EXTRACTORS)
def test_paragraphs_items_and_headings(make_pdf, extractor):
    page = [
        "# 4 Selection Criteria",
        "4.2 Economic and Financial Standing",
        "4.2.1 Bidders must have a minimum annual turnover of \u00a35,000,000 in each of the "
        "last three financial years, shown in their published accounts.\n"
        "4.2.2 Bidders must have been trading for at least five years.",
        "Bidders must provide:\n(a) audited accounts for the last three years;\n"
        "(b) a bank reference; and\n\u2022 a parent company guarantee where relevant",
    ]
    doc = blocks_of(make_pdf([page]), extractor)
    assert [(b.kind, b.text) for b in doc.blocks] == [
        ("heading", "4 Selection Criteria"),
        ("heading", "4.2 Economic and Financial Standing"),
        ("para", "4.2.1 Bidders must have a minimum annual turnover of \u00a35,000,000 in each of "
                 "the last three financial years, shown in their published accounts."),
        ("para", "4.2.2 Bidders must have been trading for at least five years."),
        ("para", "Bidders must provide:"),
        ("list_item", "(a) audited accounts for the last three years;"),
        ("list_item", "(b) a bank reference; and"),
        ("list_item", "\u2022 a parent company guarantee where relevant"),
    ]


@pytest.mark.parametrize("extractor", EXTRACTORS)
def test_a_lead_in_ending_in_a_colon_is_its_own_block(make_pdf, extractor):
    # one paragraph with forced line breaks and no extra spacing, like a notice field whose
    # list of levels follows its lead-in on the next line
    lead_in = ("Bidders must hold, or commit to obtain before the contract starts, the levels of "
               "insurance cover set out below, for the whole term of the contract:")
    levels = "Employer's Liability GBP 10,000,000 and Public Liability GBP 5,000,000"
    wrapped = "Where a bidder relies on a parent company for its cover, it must state so in its reply:"
    continuation = "three references, the latest accounts and a signed declaration."
    doc = blocks_of(make_pdf([[f"{lead_in}\n{levels}", f"{wrapped}\n{continuation}"]]), extractor)
    assert [b.text for b in doc.blocks] == [lead_in, levels, f"{wrapped} {continuation}"]


@pytest.mark.parametrize("extractor", EXTRACTORS)
def test_wrapped_paragraph_is_one_block(make_pdf, extractor):
    long = ("The provider will run a programme of group activities in community venues across "
            "all six wards, on weekdays and on at least one evening or weekend session each "
            "week, and will report attendance to the Council every quarter.")
    doc = blocks_of(make_pdf([[long, "A second paragraph follows it."]]), extractor)
    assert [b.text for b in doc.blocks] == [long, "A second paragraph follows it."]


def test_requirement_in_a_table_cell_is_a_table_row_on_its_page(make_pdf):
    pages = [
        ["# 1 Introduction", "The Council invites tenders for a wellbeing service."],
        ["# 4 Selection", "Bidders must meet each minimum below.",
         Table([["Selection criterion", "Minimum requirement"],
                ["Minimum number of employees", "50 full-time staff"],
                ["Annual turnover", "\u00a35,000,000 in each of the last three years"]]),
         "Bidders that fail any criterion will be excluded."],
    ]
    doc = blocks_of(make_pdf(pages, header=HEADER, footer="Page {page} of {pages}"), "layout")
    rows = [(b.page, b.text) for b in doc.blocks if b.kind == "table_row"]
    assert rows == [
        (2, "Selection criterion | Minimum requirement"),
        (2, "Minimum number of employees | 50 full-time staff"),
        (2, "Annual turnover | \u00a35,000,000 in each of the last three years"),
    ]
    # the table's text is not repeated in paragraphs, and the order is kept
    assert sum("50 full-time staff" in b.text for b in doc.blocks) == 1
    texts = [b.text for b in doc.blocks]
    assert texts.index("Bidders must meet each minimum below.") < texts.index(rows[0][1])
    assert texts.index(rows[-1][1]) < texts.index("Bidders that fail any criterion will be excluded.")


def test_fast_path_reads_table_rows_from_line_gaps(make_pdf):
    path = make_pdf([[Table([["Minimum number of employees", "50 full-time staff"],
                             ["Annual turnover", "\u00a35m"]])]])
    doc = blocks_of(path, "fast")
    assert [(b.kind, b.text) for b in doc.blocks] == [
        ("table_row", "Minimum number of employees | 50 full-time staff"),
        ("table_row", "Annual turnover | \u00a35m"),
    ]


@pytest.mark.parametrize("extractor", EXTRACTORS)
def test_metadata(make_pdf, extractor):
    doc = blocks_of(make_pdf(THREE_PAGES, title="Wellbeing ITT", author="Procurement"), extractor)
    assert doc.metadata["title"] == "Wellbeing ITT"
    assert doc.metadata["author"] == "Procurement"
    assert doc.metadata["created"].startswith("2000-01-01")  # reportlab's invariant date
    assert doc.metadata["extractor"] == extractor
    assert len(doc.sha256) == 64


@pytest.mark.parametrize("extractor", EXTRACTORS)
def test_scanned_page_among_text_pages_is_reported_not_fatal(make_pdf, extractor):
    doc = blocks_of(make_pdf([THREE_PAGES[0], [Picture()], THREE_PAGES[2]]), extractor)
    assert doc.pages == 3
    assert {b.page for b in doc.blocks} == {1, 3}
    assert [(e.kind, e.message) for e in doc.errors] == [
        ("no-text-layer", "page 2 not read: no text layer (scanned?); run OCR on the file first, e.g. ocrmypdf")]


def read_all_with_pdfplumber(path):
    """The reference layout reading: every page through pdfplumber (what "layout" used to do)."""
    data = path.read_bytes()
    extracted = pdf_fast.extract_pdf(data, str(path), 1000, pdf_fast.PLUMBER_ONLY)
    doc = assemble(str(path), extracted, hashlib.sha256(data).hexdigest())
    check_offsets(doc)
    return doc


def located(doc):
    return [(b.page, b.kind, b.text) for b in doc.blocks]


def test_fast_layout_and_all_pdfplumber_give_the_same_paragraphs(make_pdf):
    body = ("Bidders must hold Employer's Liability insurance of at least \u00a35,000,000, as "
            "required by law, and must describe how they will manage the service. ")
    pages = [[f"# {n} Section {n}", f"{n}.1 " + body * 3, f"{n}.2 " + body * 2,
              f"(a) item {n} first;\n(b) item {n} second."] for n in range(1, 9)]
    path = make_pdf(pages, header=HEADER, footer="Page {page} of {pages}")
    reference = located(read_all_with_pdfplumber(path))
    assert located(blocks_of(path, "fast")) == reference
    assert located(blocks_of(path, "layout")) == reference


TABLE_ROWS = [["Selection criterion", "Minimum requirement"],
              ["Minimum number of employees", "50 full-time staff"],
              ["Annual turnover", "\u00a35,000,000 in each of the last three years"]]


def test_layout_mixes_readers_and_still_removes_headers_and_footers(make_pdf):
    # Pages 2 and 4 have ruled tables (read by pdfplumber), 1 and 3 do not (read by PDFium):
    # the running lines must be recognised across both readers' pages.
    pages = [[f"# {n} Part {n}", f"{n}.1 The provider must report to the Council every month.",
              *([Table(TABLE_ROWS)] if n % 2 == 0 else []),
              f"{n}.2 Payment is made within thirty days of a valid invoice."] for n in range(1, 5)]
    path = make_pdf(pages, header=HEADER, footer="Page {page} of {pages}")
    doc = blocks_of(path, "layout")
    assert located(doc) == located(read_all_with_pdfplumber(path))
    assert not any("RBC/2025/044" in b.text or b.text.startswith("Page ") for b in doc.blocks)
    assert [b.page for b in doc.blocks if b.text.startswith("Annual turnover |")] == [2, 4]
    assert "fallback_pages" not in doc.metadata


def _grid(c, x: float = 100, y: float = 500, cols: int = 2, rows: int = 2, size: float = 60) -> None:
    for k in range(rows + 1):
        c.line(x, y + k * size / 2, x + cols * size, y + k * size / 2)
    for k in range(cols + 1):
        c.line(x + k * size, y, x + k * size, y + rows * size / 2)


def _in_form(c) -> None:
    c.beginForm("grid")
    _grid(c)
    c.endForm()
    c.doForm("grid")


def _turned(c) -> None:
    c.saveState()
    c.translate(300, 300)
    c.rotate(90)
    _grid(c, 0, 0)
    c.restoreState()


def _slanted(c) -> None:
    c.line(100, 500, 300, 500)
    c.line(100, 560, 300, 560)
    c.line(100, 500, 130, 560)
    c.line(270, 500, 300, 560)


def _ticks(c) -> None:
    for k in range(40):
        c.line(100 + 5 * k, 500, 100 + 5 * k + 0.5, 500)
        c.line(100 + 5 * k, 520, 100 + 5 * k, 520.5)


# (drawing under the text, whether the page may hold a table: True/False, or None where only
# agreement with pdfplumber is checked)
RULINGS = [
    ("nothing", lambda c: None, False),
    ("a rule under the header", lambda c: c.line(72, 790, 520, 790), False),
    ("two underlines", lambda c: (c.line(72, 600, 300, 600), c.line(72, 580, 300, 580)), False),
    ("one vertical bar", lambda c: c.line(60, 300, 60, 700), False),
    ("ticks shorter than a point", _ticks, False),
    ("a circle", lambda c: c.circle(300, 500, 50), False),
    ("a ruled grid", _grid, True),
    # pdfplumber keeps only tables of two cells or more
    ("a box around text", lambda c: c.rect(90, 480, 300, 80), False),
    ("a shaded band", lambda c: (c.setFillGray(0.9), c.rect(90, 480, 300, 80, stroke=0, fill=1),
                                 c.setFillGray(0)), False),
    ("a box of two cells", lambda c: (c.rect(90, 480, 300, 80), c.line(240, 480, 240, 560)), True),
    ("two boxes apart", lambda c: (c.rect(90, 480, 100, 80), c.rect(300, 480, 100, 80)), None),
    ("a grid in a form xobject", _in_form, True),
    ("a grid turned 90 degrees", _turned, True),
    ("a grid scaled down", lambda c: (c.scale(0.5, 0.5), _grid(c)), True),
    ("a rounded box", lambda c: c.roundRect(90, 480, 300, 80, 12), None),
    ("slanted sides", _slanted, None),
]


@pytest.mark.parametrize("draw, expected", [r[1:] for r in RULINGS], ids=[r[0] for r in RULINGS])
def test_pages_that_may_hold_a_table_go_to_pdfplumber(tmp_path, draw, expected):
    path = tmp_path / "ruled.pdf"
    c = canvas.Canvas(str(path), invariant=1)
    c.saveState()
    draw(c)
    c.restoreState()
    c.setFont("Helvetica", 10)
    for k, text in enumerate(["Cell one text", "Bidders must hold the insurance below.",
                              "The Council pays invoices within thirty days."]):
        c.drawString(110, 520 - 14 * k, text)
    c.showPage()
    c.save()
    with pdf_fast.PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(path)
        try:
            routed = pdf_fast.may_hold_table(pdf[0])
        finally:
            pdf.close()
    with pdfplumber.open(path) as plumber:
        has_tables = bool(plumber.pages[0].find_tables())
    if expected is not None:
        assert routed is expected
    assert routed or not has_tables  # never a table pdfplumber would find that we skip
    assert located(extract(path, extractor="layout")) == located(read_all_with_pdfplumber(path))


def test_fast_path_falls_back_to_pdfplumber_for_poor_pages(make_pdf, monkeypatch):
    path = make_pdf(THREE_PAGES, header=HEADER)
    expected = [(b.page, b.text) for b in extract(path, extractor="fast").blocks]
    monkeypatch.setattr(pdf_fast, "_is_poor", lambda text: True)
    doc = blocks_of(path, "fast")
    assert doc.metadata["fallback_pages"] == [1, 2, 3]
    assert [(b.page, b.text) for b in doc.blocks] == expected


@pytest.mark.parametrize("text, poor", [
    ("Bidders must hold insurance.", False),
    ("\ufffd\ufffd\ufffd\ufffd ab", True),
    ("\ue001\ue002\ue003 x", True),
    ("   \r\n  ", True),
])
def test_poor_text_detection(text, poor):
    assert pdf_fast._is_poor(text) is poor


def test_concurrent_extraction_from_threads_is_safe(make_pdf):
    # PDFium is not thread-safe; the extractor serialises its use, so threads get whole,
    # identical results.
    from concurrent.futures import ThreadPoolExecutor

    path = make_pdf(THREE_PAGES, header=HEADER, footer="Page {page} of {pages}")
    expected = [(b.page, b.text) for b in extract(path, extractor="fast").blocks]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda ex: extract(path, extractor=ex),
                                ["fast", "layout", "fast", "layout", "fast", "fast"]))
    assert all([(b.page, b.text) for b in doc.blocks] == expected for doc in results)


@pytest.mark.parametrize("extractor", EXTRACTORS)
def test_a_damaged_page_costs_only_itself(make_pdf, monkeypatch, extractor):
    from barrier_scan.extract import pdf as pdf_layout

    real = pdf_layout.plumber_page_layout

    def page_two_breaks(page, number, **kwargs):
        if number == 2:
            raise ValueError("bad content stream")  # what pdfminer raises on a broken page
        return real(page, number, **kwargs)

    monkeypatch.setattr(pdf_layout, "plumber_page_layout", page_two_breaks)
    monkeypatch.setattr(pdf_fast, "plumber_page_layout", page_two_breaks)
    monkeypatch.setattr(pdf_fast, "_is_poor", lambda text: True)  # send the fast path to pdfplumber
    doc = blocks_of(make_pdf(THREE_PAGES), extractor)
    assert doc.pages == 3
    assert {b.page for b in doc.blocks} == {1, 3}
    assert [(e.kind, e.message) for e in doc.errors] == [
        ("corrupt-file", "page 2 not read: damaged; re-export the PDF to scan all of it")]


def test_pdfplumber_failing_on_the_whole_file_costs_only_the_pages_it_was_to_read(make_pdf, monkeypatch):
    pages = [THREE_PAGES[0], ["Bidders must meet each minimum below.", Table(TABLE_ROWS)], THREE_PAGES[2]]
    path = make_pdf(pages)

    def cannot_open(*args, **kwargs):
        raise ValueError("pdfminer could not parse the xref")  # PDFium read the file

    monkeypatch.setattr(pdf_fast.pdfplumber, "open", cannot_open)
    doc = blocks_of(path, "layout")
    assert doc.pages == 3
    assert {b.page for b in doc.blocks} == {1, 3}
    assert [(e.kind, e.message) for e in doc.errors] == [
        ("corrupt-file", "page 2 not read: damaged; re-export the PDF to scan all of it")]
