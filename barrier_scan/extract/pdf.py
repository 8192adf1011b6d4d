"""PDF, "layout" extractor, and what both PDF extractors share.

The file is first opened with PDFium, which tells a wrong password from a damaged file
reliably and reads the metadata. pdfplumber reads the pages that may hold a ruled table
(`plumber_page_layout`: words, lines and table rows); PDFium's text layer reads the rest,
through `pdf_fast`, which routes the pages. Each page is closed as soon as its lines are
read, so memory stays bounded on long tenders.
"""
from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from typing import Any, Optional, Sequence

import pypdfium2 as pdfium

from ..errors import CorruptFile, EncryptedPDF, NoTextLayer, TooLarge
from ..model import ScanError
from .blocks import Extracted, one_line
from .cleanup import CELL_GAP, Line, PageLayout, TableRow, join_lines, layout_blocks, strip_cid

# PDFium's FPDF_GetLastError codes (fpdfview.h).
_PDFIUM_ERR_PASSWORD = 4
_PDFIUM_ERR_SECURITY = 5

CORRUPT_MESSAGE = "not a readable PDF (truncated or corrupt); re-export or re-download it"
ENCRYPTED_MESSAGE = "is password-protected; save an unprotected copy"
NO_TEXT_MESSAGE = "has no text layer (scanned?); run OCR on it first, e.g. ocrmypdf"

# Font names that mark bold type ("ABCDEF+Arial-BoldMT", "Helvetica-Bold", "Calibri,Bold").
BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demibold", re.IGNORECASE)
# Metadata values some producers write when the author left the field empty (ReportLab).
PLACEHOLDER_METADATA = frozenset({"", "untitled", "anonymous", "unspecified", "unknown"})
# A gap wider than this (in font sizes) between two glyphs is a word space (pdfminer's
# default word_margin is 0.1; pdfplumber's x_tolerance is 3pt, about 0.3 of a 10pt font).
WORD_GAP = 0.25
# A table cell boundary may cut a glyph's box; chars whose centre lies this far (points)
# outside a table's bbox still belong to it.
TABLE_BBOX_MARGIN = 1.0

# One unmapped glyph, then a space, at the start of a line is nearly always a bullet drawn
# from a symbol font (pdfminer shows it as "(cid:N)"; PDFium often maps it to U+2022).
_LEADING_CID = re.compile(r"^\s*\(cid:\d+\)\s+")
_PDF_DATE = re.compile(r"^D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+\-])?(\d{2})?'?(\d{2})?")

# PDFium is not thread-safe, not even across different documents (pypdfium2's docs), and a
# batch may extract from several threads: every use of PDFium holds this lock.
PDFIUM_LOCK = threading.RLock()

# pdfminer logs every odd object at WARNING; a scan of a batch should not be drowned by them.
logging.getLogger("pdfminer").setLevel(logging.ERROR)


def open_pdfium(data: bytes, name: str, max_pages: int) -> pdfium.PdfDocument:
    """Open with PDFium, turning its failures into typed errors; enforce the page limit."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) in (_PDFIUM_ERR_PASSWORD, _PDFIUM_ERR_SECURITY):
            raise EncryptedPDF(ENCRYPTED_MESSAGE, name) from None
        raise CorruptFile(CORRUPT_MESSAGE, name) from None
    pages = len(pdf)
    if pages == 0:
        pdf.close()
        raise CorruptFile("is a PDF with no pages; re-export or re-download it", name)
    if pages > max_pages:
        pdf.close()
        raise TooLarge(f"has {pages} pages, over the limit of {max_pages}; "
                       f"split it or raise --max-pages", name)
    return pdf


def _pdf_date(value: str) -> str:
    """"D:20250314093000+00'00'" -> "2025-03-14T09:30:00+00:00"; other text as given."""
    m = _PDF_DATE.match(value.strip())
    if not m or not m.group(2):
        return value.strip()
    y, mo, d, h, mi, s, sign, tzh, tzm = m.groups()
    out = f"{y}-{mo}-{d or '01'}"
    if h:
        out += f"T{h}:{mi or '00'}:{s or '00'}"
        if sign in ("Z", "z"):
            out += "+00:00"
        elif sign in ("+", "-") and tzh:
            out += f"{sign}{tzh}:{tzm or '00'}"
    return out


def pdf_metadata(pdf: pdfium.PdfDocument) -> dict[str, Any]:
    """title, author and created from the document information dictionary, when real."""
    try:
        info = pdf.get_metadata_dict(skip_empty=True)
    except Exception:  # a broken Info dictionary is not worth failing the document for
        return {}
    meta: dict[str, Any] = {}
    for key, out in (("Title", "title"), ("Author", "author"), ("CreationDate", "created")):
        value = str(info.get(key, "")).strip()
        if value.lower() in PLACEHOLDER_METADATA:
            continue
        meta[out] = _pdf_date(value) if out == "created" else value
    return meta


def _cells_from_chars(chars: list[dict[str, Any]], size: float) -> tuple[tuple[float, str], ...]:
    """(x0, text) per cell when a line's characters have wide gaps (an unruled table row);
    empty for an ordinary line."""
    visible = [c for c in chars if str(c.get("text", "")).strip()]
    wide = CELL_GAP * size
    if not any(b["x0"] - a["x1"] > wide for a, b in zip(visible, visible[1:])):
        return ()
    pieces: list[tuple[float, str]] = []
    text, x0 = "", float(visible[0]["x0"])
    prev: Optional[dict[str, Any]] = None
    for c in chars:
        ch = str(c.get("text", ""))
        if not ch.strip():
            text += " "
            continue
        if prev is not None:
            gap = c["x0"] - prev["x1"]
            if gap > wide:
                pieces.append((x0, one_line(text)))
                text, x0 = "", float(c["x0"])
            elif gap > WORD_GAP * size and not text.endswith(" "):
                text += " "
        text += ch
        prev = c
    pieces.append((x0, one_line(text)))
    return tuple((x, strip_cid(t)) for x, t in pieces if t)


def _line_from_plumber(line: dict[str, Any]) -> Optional[Line]:
    chars = [c for c in line.get("chars", []) if str(c.get("text", "")).strip()]
    text = one_line(strip_cid(_LEADING_CID.sub("\u2022 ", line["text"])))
    if not text or not chars:
        return None
    sizes = Counter(round(float(c["size"]) * 2) / 2 for c in chars)
    size = sizes.most_common(1)[0][0]
    bold = sum(1 for c in chars if BOLD_FONT.search(str(c.get("fontname", "")))) > len(chars) / 2
    cells = _cells_from_chars(sorted(line["chars"], key=lambda c: c["x0"]), size)
    if len(cells) > 1:
        text = " | ".join(t for _, t in cells)
    else:
        cells = ()
    return Line(text=text, x0=float(line["x0"]), x1=float(line["x1"]), top=float(line["top"]),
                bottom=float(line["bottom"]), size=size, bold=bold, cells=cells)


def _inside(obj: dict[str, Any], boxes: Sequence[tuple[float, float, float, float]]) -> bool:
    cx = (obj["x0"] + obj["x1"]) / 2
    cy = (obj["top"] + obj["bottom"]) / 2
    m = TABLE_BBOX_MARGIN
    return any(x0 - m <= cx <= x1 + m and top - m <= cy <= bottom + m for x0, top, x1, bottom in boxes)


def _cell_text(cell: Optional[str]) -> str:
    if not cell:
        return ""
    return one_line(join_lines(strip_cid(cell).splitlines()))


def plumber_page_layout(page: Any, number: int, *, tables: bool = True) -> tuple[PageLayout, int]:
    """The lines (and table rows) of one pdfplumber page, and how many chars it has."""
    layout = PageLayout(number=number, width=float(page.width), height=float(page.height))
    n_chars = len(page.chars)
    if n_chars == 0:
        return layout, 0
    text_page = page
    if tables:
        found = page.find_tables()
        boxes = [t.bbox for t in found]
        for table in found:
            row_tops = [r.bbox[1] for r in table.rows]
            for top, row in zip(row_tops, table.extract()):
                cells = [_cell_text(c) for c in row]
                if any(cells):
                    layout.rows.append(TableRow(text=" | ".join(cells), top=float(top)))
        if boxes:
            text_page = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, boxes))
    for raw in text_page.extract_text_lines(return_chars=True):
        line = _line_from_plumber(raw)
        if line is not None:
            layout.lines.append(line)
    return layout, n_chars


def _pages_phrase(numbers: list[int]) -> str:
    """"page 4" / "pages 4, 5 and 2 more": which pages a note is about."""
    shown = ", ".join(str(n) for n in numbers[:10])
    more = f" and {len(numbers) - 10} more" if len(numbers) > 10 else ""
    return f"page{'s' if len(numbers) > 1 else ''} {shown}{more}"


def finish_pdf(name: str, layouts: list[PageLayout], image_pages: list[int],
               metadata: dict[str, Any], damaged_pages: Sequence[int] = ()) -> Extracted:
    """Shared end of both PDF paths: refuse a PDF without text, note scanned and damaged
    pages, build the blocks."""
    if not any(layout.lines or layout.rows for layout in layouts):
        if damaged_pages:
            raise CorruptFile(CORRUPT_MESSAGE, name)
        raise NoTextLayer(NO_TEXT_MESSAGE, name)
    errors: list[ScanError] = []
    if image_pages:
        errors.append(ScanError(name, NoTextLayer.kind,
                                f"{_pages_phrase(image_pages)} not read: no text layer (scanned?); "
                                "run OCR on the file first, e.g. ocrmypdf"))
    if damaged_pages:
        errors.append(ScanError(name, CorruptFile.kind,
                                f"{_pages_phrase(list(damaged_pages))} not read: damaged; re-export "
                                "the PDF to scan all of it"))
    drafts = layout_blocks(layouts)
    return Extracted(drafts=drafts, pages=len(layouts), metadata=metadata, errors=errors)


def extract_pdf_layout(data: bytes, name: str, max_pages: int) -> Extracted:
    """Blocks of a PDF with its ruled tables: paragraphs, headings, list items, table rows.

    Pages that draw ruling lines are read with pdfplumber (words and tables); the others with
    PDFium's text layer, which gives the same lines several times faster (see `pdf_fast`).
    """
    from .pdf_fast import LAYOUT, extract_pdf  # pdf_fast builds on this module

    return extract_pdf(data, name, max_pages, LAYOUT)
