"""DOCX extraction: body order with tables interleaved, heading styles, computed list numbers,
table rows, page breaks as pages, metadata."""
from __future__ import annotations

import io

import docx
import pytest
from docx.oxml import OxmlElement

from barrier_scan.extract import extract, extract_bytes
from barrier_scan.extract.docx import _format_number
from pdfgen import check_offsets, fix_zip_dates

ITEMS = [
    ("heading", "Invitation to Tender", 0),
    ("heading", "4 Selection Criteria", 1),
    ("para", "4.2.1 Bidders must have a minimum annual turnover of \u00a35,000,000."),
    ("para", "Bidders must provide:"),
    ("number", "audited accounts for the last three years;"),
    ("number", "a bank reference;"),
    ("bullet", "a copy of their insurance certificates."),
    ("table", [["Selection criterion", "Minimum requirement"],
               ["Minimum number of employees", "50 full-time staff"]]),
    ("para", "Bidders that fail any criterion will be excluded."),
    ("page_break",),
    ("heading", "6 Contract Terms", 1),
    ("para", "6.2.1 The Council will pay each invoice within 60 days of invoice."),
]


def test_docx_blocks_in_body_order(make_docx):
    doc = extract(make_docx(ITEMS, title="Wellbeing ITT", author="Procurement"))
    check_offsets(doc)
    assert [(b.page, b.kind, b.text) for b in doc.blocks] == [
        (1, "heading", "Invitation to Tender"),
        (1, "heading", "4 Selection Criteria"),
        (1, "para", "4.2.1 Bidders must have a minimum annual turnover of \u00a35,000,000."),
        (1, "para", "Bidders must provide:"),
        (1, "list_item", "1. audited accounts for the last three years;"),
        (1, "list_item", "2. a bank reference;"),
        (1, "list_item", "\u2022 a copy of their insurance certificates."),
        (1, "table_row", "Selection criterion | Minimum requirement"),
        (1, "table_row", "Minimum number of employees | 50 full-time staff"),
        (1, "para", "Bidders that fail any criterion will be excluded."),
        (2, "heading", "6 Contract Terms"),
        (2, "para", "6.2.1 The Council will pay each invoice within 60 days of invoice."),
    ]
    assert doc.pages == 2
    assert doc.metadata == {"title": "Wellbeing ITT", "author": "Procurement",
                            "created": "2025-01-06T09:00:00+00:00"}


def test_docx_without_page_breaks_is_one_page(make_docx):
    doc = extract(make_docx([("para", "Only one paragraph.")]))
    assert doc.pages == 1
    assert [(b.page, b.kind, b.text) for b in doc.blocks] == [(1, "para", "Only one paragraph.")]


def _save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return fix_zip_dates(buffer.getvalue())


def test_rendered_page_break_after_a_hard_break_is_not_counted_twice():
    document = docx.Document()
    document.add_paragraph("Page one text.")
    document.add_page_break()  # w:br type=page in its own paragraph
    second = document.add_paragraph()
    second.add_run()._r.append(OxmlElement("w:lastRenderedPageBreak"))  # Word marks the same break
    second.add_run("Page two text.")
    third = document.add_paragraph()
    third.add_run()._r.append(OxmlElement("w:lastRenderedPageBreak"))  # a soft break Word laid out
    third.add_run("Page three text.")
    doc = extract_bytes(_save(document), "breaks.docx")
    assert [(b.page, b.text) for b in doc.blocks] == [
        (1, "Page one text."), (2, "Page two text."), (3, "Page three text.")]
    assert doc.pages == 3


def test_page_break_before_and_merged_table_cells():
    document = docx.Document()
    document.add_paragraph("Intro.")
    heading = document.add_heading("Section 2", level=1)
    heading.paragraph_format.page_break_before = True
    table = document.add_table(rows=2, cols=3)
    merged = table.cell(0, 0).merge(table.cell(0, 1))
    merged.text = "Criterion"
    table.cell(0, 2).text = "Minimum"
    table.cell(1, 0).text = "Staff"
    table.cell(1, 1).text = "Employees"
    table.cell(1, 2).text = "50 full-time staff"
    doc = extract_bytes(_save(document), "merged.docx")
    assert [(b.page, b.kind, b.text) for b in doc.blocks] == [
        (1, "para", "Intro."),
        (2, "heading", "Section 2"),
        (2, "table_row", "Criterion | Minimum"),
        (2, "table_row", "Staff | Employees | 50 full-time staff"),
    ]


@pytest.mark.parametrize("n, fmt, expected", [
    (1, "decimal", "1"), (12, "decimal", "12"), (3, "lowerLetter", "c"), (27, "lowerLetter", "aa"),
    (2, "upperLetter", "B"), (4, "lowerRoman", "iv"), (9, "upperRoman", "IX"),
    (5, "decimalZero", "05"), (1, "bullet", ""),
])
def test_list_number_formats(n, fmt, expected):
    assert _format_number(n, fmt) == expected


def test_literal_item_labels_are_list_items(make_docx):
    doc = extract(make_docx([("para", "(a) a performance bond of 15% of the contract value;"),
                             ("para", "(b) unlimited liability.")]))
    assert [(b.kind, b.text) for b in doc.blocks] == [
        ("list_item", "(a) a performance bond of 15% of the contract value;"),
        ("list_item", "(b) unlimited liability."),
    ]
