"""PDF, "fast" extractor: PDFium's text layer, with a per-page fallback to pdfplumber.

PDFium gives the text of a page in one call (`get_text_range`); we split it into lines and
ask PDFium only for each line's first-character origin, size and font and its last
character's right edge, which is enough for the shared paragraph and header/footer logic in
`cleanup`. Pages whose PDFium text is poor (no characters while the page draws text, or mostly
undecodable glyphs) are read again with pdfplumber. Tables are not detected on this path.
"""
from __future__ import annotations

import ctypes
import io
import re
from dataclasses import dataclass, field
from typing import Any, Optional

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..errors import CorruptFile, EncryptedPDF, ExtractionError
from .blocks import Extracted, one_line
from .cleanup import CELL_GAP, Line, PageLayout, merge_same_baseline
from .pdf import (BOLD_FONT, CORRUPT_MESSAGE, ENCRYPTED_MESSAGE, PDFIUM_LOCK, finish_pdf, open_pdfium,
                  page_size, pdf_metadata, plumber_page_layout)

# PDFium marks a hyphen it judged to be end-of-line hyphenation with U+FFFE and drops the
# line break after it; we restore "-" + break so the shared hyphenation logic decides.
_PDFIUM_SOFT_HYPHEN = "\ufffe"
_LINE_SPLIT = re.compile(r"\r\n|\n|\r|\ufffe")
# Share of a glyph's em box above the baseline, to place a line's top from its baseline
# the way pdfminer does (top = baseline + size * (1 + descent), descent about -0.2).
ASCENT_SHARE = 0.8
# A page whose text is more than this share of undecodable glyphs is read again.
POOR_TEXT_SHARE = 0.3
# PDFium's font weight for bold type (FPDFText_GetFontWeight; 400 is regular).
BOLD_WEIGHT = 600
_FONT_NAME_BUFFER = 128
# Characters that mean a glyph had no usable Unicode mapping.
_UNDECODABLE = re.compile("[\ufffd\ue000-\uf8ff\x00-\x08\x0b\x0e-\x1f]")
_VISIBLE = re.compile("[^\\s\ufffe]")


def _is_poor(text: str) -> bool:
    """Mostly replacement/private-use/control characters: the font has no usable mapping."""
    _, visible = _VISIBLE.subn("", text)
    if not visible:
        return True
    _, bad = _UNDECODABLE.subn("", text)
    return bad / visible > POOR_TEXT_SHARE


def _draws_text(page: pdfium.PdfPage) -> bool:
    return any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT]))


def _draws_image(page: pdfium.PdfPage) -> bool:
    return any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]))


class _FontNames:
    """Bold-or-not per PDFium char, through one reusable buffer."""

    def __init__(self) -> None:
        self._buffer = ctypes.create_string_buffer(_FONT_NAME_BUFFER)
        self._flags = ctypes.c_int()

    def is_bold(self, textpage: pdfium.PdfTextPage, index: int) -> bool:
        if pdfium_c.FPDFText_GetFontWeight(textpage, index) >= BOLD_WEIGHT:
            return True
        n = pdfium_c.FPDFText_GetFontInfo(textpage, index, self._buffer, _FONT_NAME_BUFFER,
                                          ctypes.byref(self._flags))
        return n > 0 and bool(BOLD_FONT.search(self._buffer.value.decode("latin-1", "replace")))


def _pdfium_lines(textpage: pdfium.PdfTextPage, text: str, height: float, fonts: _FontNames) -> list[Line]:
    """Split PDFium's page text into lines with the geometry `cleanup` needs."""
    lines: list[Line] = []
    x = ctypes.c_double()
    y = ctypes.c_double()
    pos = 0
    for match in list(_LINE_SPLIT.finditer(text)) + [None]:
        end = match.start() if match else len(text)
        segment = text[pos:end]
        if match is not None and match.group() == _PDFIUM_SOFT_HYPHEN:
            segment += "-"
        seg_start = pos
        pos = match.end() if match else len(text)
        stripped = segment.strip()
        if not stripped:
            continue
        first = seg_start + (len(segment) - len(segment.lstrip()))
        last = seg_start + len(segment.rstrip()) - 1
        pdfium_c.FPDFText_GetCharOrigin(textpage, first, ctypes.byref(x), ctypes.byref(y))
        size = float(pdfium_c.FPDFText_GetFontSize(textpage, first)) or 10.0
        right = textpage.get_charbox(last)[2]
        top = height - (y.value + ASCENT_SHARE * size)
        cells = _split_cells(textpage, stripped, first, float(x.value), size)
        text_out = " | ".join(t for _, t in cells) if cells else stripped
        lines.append(Line(text=one_line(text_out), x0=float(x.value), x1=float(right), top=top,
                          bottom=top + size, size=round(size * 2) / 2,
                          bold=fonts.is_bold(textpage, first), cells=cells))
    return merge_same_baseline(lines)


def _split_cells(textpage: pdfium.PdfTextPage, line: str, first: int, x0: float,
                 size: float) -> tuple[tuple[float, str], ...]:
    """(x0, text) of each cell when PDFium bridged a wide gap (table cells) with a space;
    empty when the line is ordinary text.

    `line[k]` is char `first + k` of the text page. PDFium inserts a "generated" space
    between text drawn separately on one baseline; only those are checked, so ordinary word
    spaces cost nothing.
    """
    pieces: list[tuple[float, str]] = []
    start, start_x = 0, x0
    k = line.find(" ")
    while k != -1:
        index = first + k
        if pdfium_c.FPDFText_IsGenerated(textpage, index) == 1:
            right = textpage.get_charbox(index + 1)[0]
            if right - textpage.get_charbox(index - 1)[2] > CELL_GAP * size:
                pieces.append((start_x, line[start:k].strip()))
                start, start_x = k + 1, right
        k = line.find(" ", k + 1)
    if not pieces:
        return ()
    pieces.append((start_x, line[start:].strip()))
    return tuple(pieces)


def _fast_page(page: pdfium.PdfPage, number: int, fonts: _FontNames) -> tuple[Optional[PageLayout], bool]:
    """The layout of one page from PDFium, or None when pdfplumber should read it.

    RETURNS: (layout or None, whether the page draws an image).
    """
    width, height = page.get_size()
    textpage = page.get_textpage()
    try:
        n_chars = textpage.count_chars()
        text = textpage.get_text_range() if n_chars > 0 else ""
        layout = PageLayout(number=number, width=float(width), height=float(height))
        if n_chars <= 0 or not text.strip():
            if _draws_text(page):
                return None, False
            return layout, _draws_image(page)
        # get_text_range indexes must line up with char indexes for the geometry calls.
        if len(text) != n_chars or _is_poor(text):
            return None, False
        layout.lines = _pdfium_lines(textpage, text, float(height), fonts)
        return layout, False
    finally:
        textpage.close()


def extract_pdf_fast(data: bytes, name: str, max_pages: int) -> Extracted:
    """Blocks of a PDF read with PDFium, falling back per page to pdfplumber."""
    with PDFIUM_LOCK:
        pages = _read_pages(data, name, max_pages)
    if pages.fallback:
        pages.metadata["fallback_pages"] = pages.fallback
    return finish_pdf(name, pages.layouts, pages.image_pages, pages.metadata, pages.damaged)


@dataclass
class _Pages:
    layouts: list[PageLayout] = field(default_factory=list)
    image_pages: list[int] = field(default_factory=list)
    fallback: list[int] = field(default_factory=list)  # read by pdfplumber
    damaged: list[int] = field(default_factory=list)  # read by neither
    metadata: dict[str, Any] = field(default_factory=dict)


def _read_pages(data: bytes, name: str, max_pages: int) -> _Pages:
    doc = open_pdfium(data, name, max_pages)
    pages = _Pages()
    plumber: Any = None
    fonts = _FontNames()
    try:
        pages.metadata = pdf_metadata(doc)
        pages.metadata["extractor"] = "fast"
        for index in range(len(doc)):
            number = index + 1
            page = doc[index]
            try:
                layout, has_image = _fast_page(page, number, fonts)
            except Exception:  # PDFium choking on one page: let pdfplumber try it
                layout, has_image = None, False
            finally:
                page.close()
            if layout is None:
                pages.fallback.append(number)
                if plumber is None:
                    plumber = pdfplumber.open(io.BytesIO(data))
                pl_page = plumber.pages[index]
                try:
                    layout, _ = plumber_page_layout(pl_page, number, tables=False)
                    has_image = not layout.lines and bool(pl_page.images)
                except Exception:  # one bad content stream or font should cost only its page
                    layout = PageLayout(number, *page_size(pl_page))
                    pages.damaged.append(number)
                finally:
                    pl_page.close()
            if has_image and not layout.lines:
                pages.image_pages.append(number)
            pages.layouts.append(layout)
    except ExtractionError:
        raise
    except Exception as exc:  # PDFium or pdfminer failing part-way through a damaged file
        if "password" in repr(exc).lower():
            raise EncryptedPDF(ENCRYPTED_MESSAGE, name) from None
        raise CorruptFile(CORRUPT_MESSAGE, name) from None
    finally:
        if plumber is not None:
            plumber.close()
        doc.close()
    return pages
