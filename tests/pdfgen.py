"""Build real test documents from text, deterministically: PDFs (reportlab canvas), DOCX
(python-docx) and ZIP packs. Shared by every test module through fixtures in conftest.py.

PDF pages are described as lists of items, drawn top to bottom:
- a str: a paragraph; "\\n" inside it forces a line break exactly there (for hyphenation
  tests); long lines are wrapped at the text width. "# Title" draws a 14pt bold heading.
- Table([...rows...]): a ruled table, one row per list of cell strings.
- Picture(): an embedded image with no text (a page of only Pictures is a 'scanned' page).
A page may also be given as a single str (one or more paragraphs separated by blank lines).
Headers and footers may use {page} and {pages}.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional, Sequence, Union

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import Table as RLTable
from reportlab.platypus import TableStyle

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 72.0
BODY_FONT = "Helvetica"
BOLD_FONT = "Helvetica-Bold"
BODY_SIZE = 10.0
LEADING = 12.0
PARA_SPACE = 8.0
HEADING_SIZE = 14.0
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
# Fixed timestamp for ZIP members so generated packs are byte-identical between runs.
ZIP_DATE = (2025, 1, 6, 9, 0, 0)


@dataclass
class Table:
    rows: list[list[str]]
    col_widths: Optional[list[float]] = None


@dataclass
class Picture:
    """A small embedded image (a 'scanned' area with no text behind it)."""

    width: float = 200.0
    height: float = 200.0


PageItem = Union[str, Table, Picture]
PageSpec = Union[str, Sequence[PageItem]]


@dataclass
class _Cursor:
    y: float = PAGE_HEIGHT - MARGIN
    items: list[PageItem] = field(default_factory=list)


def _page_items(page: PageSpec) -> list[PageItem]:
    if isinstance(page, str):
        return [p for p in page.split("\n\n") if p.strip()]
    return list(page)


def _draw_paragraph(c: rl_canvas.Canvas, text: str, y: float) -> float:
    if text.startswith("# "):
        c.setFont(BOLD_FONT, HEADING_SIZE)
        y -= HEADING_SIZE
        c.drawString(MARGIN, y, text[2:])
        return y - PARA_SPACE
    c.setFont(BODY_FONT, BODY_SIZE)
    for forced in text.split("\n"):
        for line in simpleSplit(forced, BODY_FONT, BODY_SIZE, TEXT_WIDTH) or [""]:
            y -= LEADING
            c.drawString(MARGIN, y, line)
    return y - PARA_SPACE


def _draw_table(c: rl_canvas.Canvas, table: Table, y: float) -> float:
    widths = table.col_widths or [TEXT_WIDTH / max(len(r) for r in table.rows)] * max(len(r) for r in table.rows)
    flowable = RLTable(table.rows, colWidths=widths)
    flowable.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("FONT", (0, 0), (-1, -1), BODY_FONT, BODY_SIZE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    _, height = flowable.wrapOn(c, TEXT_WIDTH, PAGE_HEIGHT)
    y -= height
    flowable.drawOn(c, MARGIN, y)
    return y - PARA_SPACE


def _draw_picture(c: rl_canvas.Canvas, picture: Picture, y: float) -> float:
    from reportlab.lib.utils import ImageReader

    y -= picture.height
    c.drawImage(ImageReader(io.BytesIO(_tiny_png())), MARGIN, y, width=picture.width,
                height=picture.height)
    return y - PARA_SPACE


def make_pdf(directory: Path, pages: Sequence[PageSpec], *, header: Optional[str] = None,
             footer: Optional[str] = None, name: str = "doc.pdf", title: Optional[str] = None,
             author: Optional[str] = None, encrypt: Optional[str] = None) -> Path:
    """Write a PDF with the given pages and return its path."""
    path = Path(directory) / name
    c = rl_canvas.Canvas(str(path), pagesize=A4, invariant=1, encrypt=encrypt)
    if title:
        c.setTitle(title)
    if author:
        c.setAuthor(author)
    total = len(pages)
    for number, page in enumerate(pages, start=1):
        if header:
            c.setFont(BODY_FONT, 8)
            c.drawString(MARGIN, PAGE_HEIGHT - 40, header.format(page=number, pages=total))
        if footer:
            c.setFont(BODY_FONT, 8)
            c.drawCentredString(PAGE_WIDTH / 2, 30, footer.format(page=number, pages=total))
        y = PAGE_HEIGHT - MARGIN
        for item in _page_items(page):
            if isinstance(item, Table):
                y = _draw_table(c, item, y)
            elif isinstance(item, Picture):
                y = _draw_picture(c, item, y)
            else:
                y = _draw_paragraph(c, item, y)
        c.showPage()
    c.save()
    return path


def make_image_only_pdf(directory: Path, name: str = "scan.pdf", pages: int = 2) -> Path:
    """A 'scanned' PDF: pages with a filled rectangle and an embedded picture but no text."""
    path = Path(directory) / name
    c = rl_canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for _ in range(pages):
        c.rect(MARGIN, 500, 300, 200, fill=1)
        _draw_picture(c, Picture(), 400)
        c.showPage()
    c.save()
    return path


def check_offsets(doc: object) -> None:
    """The Document contract: blocks one "\\n" apart, each block's span quoting it exactly."""
    text = doc.text  # type: ignore[attr-defined]
    blocks = doc.blocks  # type: ignore[attr-defined]
    assert text == "\n".join(b.text for b in blocks)
    for b in blocks:
        assert text[b.start:b.end] == b.text
        assert b.text == b.text.strip() and "\n" not in b.text
        assert b.kind in ("heading", "para", "list_item", "table_row")
        assert b.page >= 1


def _tiny_png() -> bytes:
    """A 2x2 grey PNG built by hand (no Pillow needed)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x80\x80" for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


# --- DOCX ----------------------------------------------------------------------------------

DocxItem = tuple
"""("heading", text, level) | ("para", text) | ("number", text) | ("bullet", text) |
("table", rows) | ("page_break",)"""


def make_docx(directory: Path, items: Iterable[DocxItem], *, name: str = "doc.docx",
              title: Optional[str] = None, author: Optional[str] = None) -> Path:
    """Write a DOCX from items; "number" uses Word's List Number style (auto-numbered)."""
    import datetime as dt

    import docx

    document = docx.Document()
    props = document.core_properties
    props.created = props.modified = dt.datetime(2025, 1, 6, 9, 0, 0)
    props.title = title or ""
    props.author = author or ""
    for item in items:
        kind = item[0]
        if kind == "heading":
            document.add_heading(item[1], level=item[2] if len(item) > 2 else 1)
        elif kind == "para":
            document.add_paragraph(item[1])
        elif kind == "number":
            document.add_paragraph(item[1], style="List Number")
        elif kind == "bullet":
            document.add_paragraph(item[1], style="List Bullet")
        elif kind == "table":
            rows = item[1]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for r, row in enumerate(rows):
                for col, text in enumerate(row):
                    table.cell(r, col).text = text
        elif kind == "page_break":
            document.add_page_break()
        else:
            raise ValueError(f"unknown docx item {kind!r}")
    path = Path(directory) / name
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(fix_zip_dates(buffer.getvalue()))
    return path


# --- ZIP -----------------------------------------------------------------------------------

def zip_bytes(members: Iterable[tuple[str, bytes]]) -> bytes:
    """A ZIP of (name, data) members, with fixed dates; names are written as given."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, data in members:
            info = zipfile.ZipInfo(member, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return buffer.getvalue()


def make_zip(directory: Path, members: Iterable[tuple[str, Union[bytes, Path]]], *,
             name: str = "pack.zip") -> Path:
    """Write a ZIP pack; a member given as a Path is read from disk."""
    resolved = [(m, d.read_bytes() if isinstance(d, Path) else d) for m, d in members]
    path = Path(directory) / name
    path.write_bytes(zip_bytes(resolved))
    return path


def fix_zip_dates(data: bytes) -> bytes:
    """Rewrite a ZIP (e.g. a saved DOCX) with fixed member dates, keeping member order."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        return zip_bytes((info.filename, src.read(info)) for info in src.infolist())
