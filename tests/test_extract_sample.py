"""The bundled sample tender (corpus/samples): built deterministically by build_sample.py,
committed, and extracted with each clause on the page a reader would find it."""
from __future__ import annotations

import importlib.util

import pytest

from barrier_scan.extract import extract
from barrier_scan.extract.blocks import assemble
from barrier_scan.extract.pdf_fast import PLUMBER_ONLY, extract_pdf
from barrier_scan.resources import corpus_dir
from pdfgen import check_offsets

SAMPLES = corpus_dir() / "samples"
PDF = SAMPLES / "riverside-itt.pdf"
DOCX = SAMPLES / "riverside-itt.docx"

# (start of the clause, page in the PDF, kind)
PDF_CLAUSES = [
    ("1.3.1 The estimated total contract value is \u00a3400,000 over the initial three-year term", 2, "para"),
    ("1.4.1 The Council welcomes bids from small and medium-sized enterprises (SMEs)", 2, "para"),
    ("Tender deadline | 12:00 noon, 8 December 2025", 3, "table_row"),
    ("2.2.1 The full tender pack", 3, "para"),
    ("2.4.1 Consortium bids will not be accepted.", 3, "para"),
    ("2.5.1 There is no requirement for bidders to provide a bid bond", 3, "para"),
    ("4.2 Economic and Financial Standing", 6, "heading"),
    ("4.2.1 Bidders must have a minimum annual turnover of \u00a35,000,000 in each of the last "
     "three financial years.", 6, "para"),
    ("4.2.5 The successful bidder must provide a performance bond of 15% of the contract value", 6, "para"),
    ("4.3.3 Bidders must hold ISO 9001 certification", 6, "para"),
    ("4.3.4 Bidders should hold ISO 14001 or equivalent", 6, "para"),
    ("Minimum number of employees | 50 full-time staff", 6, "table_row"),
    ("4.4.2 Bidders must hold Professional Indemnity insurance of \u00a310,000,000", 7, "para"),
    ("6.2.1 The Contractor will invoice the Council quarterly in arrears. The Council will pay "
     "each invoice within 60 days of invoice.", 9, "para"),
    ("6.3.1 The Contractor shall have unlimited liability", 9, "para"),
]


def _load_builder():
    spec = importlib.util.spec_from_file_location("build_sample", SAMPLES / "build_sample.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _find(doc, start):
    found = [b for b in doc.blocks if b.text.startswith(start)]
    assert len(found) == 1, f"{start!r} found {len(found)} times"
    return found[0]


@pytest.mark.parametrize("extractor", ["layout", "fast"])
def test_sample_pdf_clauses_on_their_pages(extractor):
    doc = extract(PDF, extractor=extractor)
    check_offsets(doc)
    assert 8 <= doc.pages <= 12
    for start, page, kind in PDF_CLAUSES:
        block = _find(doc, start)
        assert (block.page, block.kind) == (page, kind), start
    assert not any("RBC/2025/044" in b.text and "Riverside Borough Council \u2013" in b.text for b in doc.blocks)
    assert not any(b.text.startswith("Page ") for b in doc.blocks)
    assert doc.metadata["title"].startswith("Invitation to Tender")


def test_sample_pdf_layout_reads_as_pdfplumber_does_on_every_page():
    # Pages with ruled tables (3, 6, 8) go to pdfplumber, the rest to PDFium; the blocks must
    # be those of reading every page with pdfplumber.
    data = PDF.read_bytes()
    reference = assemble(str(PDF), extract_pdf(data, str(PDF), 100, PLUMBER_ONLY), "")
    doc = extract(PDF, extractor="layout")
    assert [(b.page, b.kind, b.text) for b in doc.blocks] == [(b.page, b.kind, b.text) for b in reference.blocks]
    assert sorted({b.page for b in doc.blocks if b.kind == "table_row"}) == [3, 6, 8]


def test_sample_docx_has_the_same_clauses():
    pdf_texts = [b.text for b in extract(PDF, extractor="fast").blocks]
    doc = extract(DOCX)
    check_offsets(doc)
    assert [b.text for b in doc.blocks] == pdf_texts
    assert _find(doc, "Minimum number of employees").kind == "table_row"
    # a page break after the cover and before each Section: Section 4 starts page 5 of 7
    assert _find(doc, "4.2.1 Bidders must have a minimum annual turnover").page == 5
    assert doc.pages == 7


def test_build_is_deterministic_and_committed_files_are_current(tmp_path):
    builder = _load_builder()
    first = builder.build(tmp_path / "a")
    second = builder.build(tmp_path / "b")
    assert first["pdf"].read_bytes() == second["pdf"].read_bytes()
    assert first["docx"].read_bytes() == second["docx"].read_bytes()
    # The committed files say what the script says (compared as text, so a ReportLab upgrade
    # that changes bytes but not content does not fail here).
    fresh = [(b.page, b.kind, b.text) for b in extract(first["pdf"], extractor="fast").blocks]
    assert fresh == [(b.page, b.kind, b.text) for b in extract(PDF, extractor="fast").blocks]
    fresh_docx = [(b.page, b.text) for b in extract(first["docx"]).blocks]
    assert fresh_docx == [(b.page, b.text) for b in extract(DOCX).blocks]
