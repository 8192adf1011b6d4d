"""Plain-text extraction: blank-line paragraphs, numbered lines start blocks, form feeds are
pages, "|" lines are table rows, encodings."""
from __future__ import annotations

import pytest

from barrier_scan.extract import extract, extract_bytes
from pdfgen import check_offsets

TEXT = """SECTION 4 - SELECTION CRITERIA

4.2.1 Bidders must have a minimum annual turnover of \u00a35,000,000
in each of the last three years.
4.2.2 Bidders must have been trading for at least five years.

Bidders must provide:
(a) audited accounts for the last three require-
ments of the Council;
(b) a bank reference.

| Selection criterion | Minimum requirement |
|---|---|
| Minimum number of employees | 50 full-time staff |
\f# 6 Contract Terms

6.2.1 The Council will pay each invoice
within 60 days of invoice.
"""


def test_text_blocks_and_pages(tmp_path):
    path = tmp_path / "itt.txt"
    path.write_text(TEXT, encoding="utf-8")
    doc = extract(path)
    check_offsets(doc)
    assert [(b.page, b.kind, b.text) for b in doc.blocks] == [
        (1, "heading", "SECTION 4 - SELECTION CRITERIA"),
        (1, "para", "4.2.1 Bidders must have a minimum annual turnover of \u00a35,000,000 in each "
                    "of the last three years."),
        (1, "para", "4.2.2 Bidders must have been trading for at least five years."),
        (1, "para", "Bidders must provide:"),
        (1, "list_item", "(a) audited accounts for the last three requirements of the Council;"),
        (1, "list_item", "(b) a bank reference."),
        (1, "table_row", "Selection criterion | Minimum requirement"),
        (1, "table_row", "Minimum number of employees | 50 full-time staff"),
        (2, "heading", "6 Contract Terms"),
        (2, "para", "6.2.1 The Council will pay each invoice within 60 days of invoice."),
    ]
    assert doc.pages == 2


@pytest.mark.parametrize("data", [
    "Payment within 60 days of invoice. \u00a3150 fee.".encode("utf-8"),
    "Payment within 60 days of invoice. \u00a3150 fee.".encode("utf-8-sig"),
    "Payment within 60 days of invoice. \u00a3150 fee.".encode("cp1252"),
    "Payment within 60 days of invoice. \u00a3150 fee.".encode("utf-16"),
], ids=["utf-8", "utf-8-bom", "cp1252", "utf-16"])
def test_text_encodings(data):
    doc = extract_bytes(data, "notice.txt")
    assert [b.text for b in doc.blocks] == ["Payment within 60 days of invoice. \u00a3150 fee."]


def test_stdin_text_without_a_name():
    doc = extract_bytes(b"Bidders must have an office within 10 miles of the Town Hall.\n", "-")
    assert doc.path == "-" and doc.blocks[0].file == "-"
    assert doc.blocks[0].text == "Bidders must have an office within 10 miles of the Town Hall."


def test_display_name_without_suffix_keeps_the_files_type(tmp_path):
    path = tmp_path / "notice.txt"
    path.write_text("A non-refundable fee of \u00a3150 is payable.\n", encoding="utf-8")
    doc = extract(path, display_name="https://example.org/notice?id=4")
    assert doc.path == "https://example.org/notice?id=4"
    assert [(b.file, b.text) for b in doc.blocks] == [
        ("https://example.org/notice?id=4", "A non-refundable fee of \u00a3150 is payable.")]
