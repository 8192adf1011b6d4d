"""PDF pages read with PDFium's text layer, and the routing of pages between PDFium and
pdfplumber for both extractors.

PDFium gives the text of a page in one call (`get_text_range`); we split it into lines and
ask PDFium only for each line's first-character origin, size and font and its last
character's right edge, which is enough for the shared paragraph and header/footer logic in
`cleanup`. Pages whose PDFium text is poor (no characters while the page draws text, or mostly
undecodable glyphs) are read again with pdfplumber.

The "fast" extractor (`FAST`) reads every page it can with PDFium and detects no ruled tables.
The "layout" extractor (`LAYOUT`) sends pages that draw ruling lines to pdfplumber for their
tables (`may_hold_table`) and reads the rest like the fast one: pdfplumber's table finder
needs ruling lines, so those pages come out as pdfplumber would read them, much sooner.
Header/footer removal runs once over all pages, whichever reader read each.
"""
from __future__ import annotations

import ctypes
import io
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..errors import CorruptFile, EncryptedPDF, ExtractionError
from .blocks import Extracted, one_line
from .cleanup import CELL_GAP, Line, PageLayout, merge_same_baseline
from .pdf import (BOLD_FONT, CORRUPT_MESSAGE, ENCRYPTED_MESSAGE, PDFIUM_LOCK, finish_pdf, open_pdfium,
                  pdf_metadata, plumber_page_layout)

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


def _is_poor(text: str) -> bool:
    """Mostly replacement/private-use/control characters: the font has no usable mapping."""
    # non-space characters, counted in C (str.split splits where regex \s matches)
    visible = sum(map(len, text.split())) - text.count(_PDFIUM_SOFT_HYPHEN)
    if visible <= 0:
        return True
    return len(_UNDECODABLE.findall(text)) / visible > POOR_TEXT_SHARE


def _draws_text(page: pdfium.PdfPage) -> bool:
    return any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT]))


def _draws_image(page: pdfium.PdfPage) -> bool:
    return any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]))


def _unchecked(fn: Any) -> Any:
    """`fn`, a pypdfium2.raw function, through a prototype without argument types.

    pypdfium2 declares argtypes for every function, and ctypes then converts and checks each
    argument on every call, which costs two to four times PDFium's own work for the per-line
    calls a page makes by the hundred (benchmarks.stages: about 0.4 ms a page). Callers pass
    exactly the C types: the handles PDFium gave, `int` for C int, out-parameters by
    `byref`, and ctypes objects for anything wider than an int."""
    return ctypes.CFUNCTYPE(fn.restype)(ctypes.cast(fn, ctypes.c_void_p).value)


_GET_CHAR_ORIGIN = _unchecked(pdfium_c.FPDFText_GetCharOrigin)
_GET_CHAR_BOX = _unchecked(pdfium_c.FPDFText_GetCharBox)
_GET_FONT_SIZE = _unchecked(pdfium_c.FPDFText_GetFontSize)
_GET_FONT_WEIGHT = _unchecked(pdfium_c.FPDFText_GetFontWeight)
_GET_FONT_INFO = _unchecked(pdfium_c.FPDFText_GetFontInfo)
_COUNT_RECTS = _unchecked(pdfium_c.FPDFText_CountRects)
_IS_GENERATED = _unchecked(pdfium_c.FPDFText_IsGenerated)


class _FontNames:
    """Bold-or-not per PDFium char, through one reusable buffer."""

    def __init__(self) -> None:
        self._buffer = ctypes.create_string_buffer(_FONT_NAME_BUFFER)
        self._length = ctypes.c_ulong(_FONT_NAME_BUFFER)  # an unsigned long in C
        self._flags = ctypes.byref(ctypes.c_int())
        self._bold_name: dict[bytes, bool] = {}  # a document uses a handful of fonts

    def is_bold(self, textpage: Any, index: int) -> bool:
        """textpage: a PdfTextPage's raw handle."""
        if _GET_FONT_WEIGHT(textpage, index) >= BOLD_WEIGHT:
            return True
        if _GET_FONT_INFO(textpage, index, self._buffer, self._length, self._flags) <= 0:
            return False
        name = self._buffer.value
        bold = self._bold_name.get(name)
        if bold is None:
            bold = self._bold_name[name] = bool(BOLD_FONT.search(name.decode("latin-1", "replace")))
        return bold


class _CharGeometry:
    """PDFium's per-character calls on one text page, through its raw handle and reused
    ctypes buffers: a page makes thousands of these calls."""

    def __init__(self, textpage: pdfium.PdfTextPage) -> None:
        self.raw = textpage.raw
        self._box = [ctypes.c_double() for _ in range(4)]
        self._refs = [ctypes.byref(v) for v in self._box]
        self._x, self._y = ctypes.c_double(), ctypes.c_double()
        self._origin_refs = (ctypes.byref(self._x), ctypes.byref(self._y))

    def box(self, index: int) -> tuple[float, float, float, float]:
        """(left, bottom, right, top), as `PdfTextPage.get_charbox`."""
        left, right, bottom, top = self._box
        if not _GET_CHAR_BOX(self.raw, index, *self._refs):
            raise pdfium.PdfiumError("Failed to get charbox.")  # the page goes to pdfplumber
        return left.value, bottom.value, right.value, top.value

    def origin(self, index: int) -> tuple[float, float]:
        """(x, y) of the char's origin on the baseline."""
        _GET_CHAR_ORIGIN(self.raw, index, *self._origin_refs)
        return self._x.value, self._y.value

    def font_size(self, index: int) -> float:
        return float(_GET_FONT_SIZE(self.raw, index))


def _pdfium_lines(textpage: pdfium.PdfTextPage, text: str, height: float, fonts: _FontNames) -> list[Line]:
    """Split PDFium's page text into lines with the geometry `cleanup` needs."""
    lines: list[Line] = []
    chars = _CharGeometry(textpage)
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
        x, y = chars.origin(first)
        size = chars.font_size(first) or 10.0
        right = chars.box(last)[2]
        top = height - (y + ASCENT_SHARE * size)
        cells = _split_cells(chars, stripped, first, x, size)
        text_out = " | ".join(t for _, t in cells) if cells else stripped
        lines.append(Line(text=one_line(text_out), x0=x, x1=right, top=top,
                          bottom=top + size, size=round(size * 2) / 2,
                          bold=fonts.is_bold(chars.raw, first), cells=cells))
    return merge_same_baseline(lines)


def _split_cells(chars: _CharGeometry, line: str, first: int, x0: float,
                 size: float) -> tuple[tuple[float, str], ...]:
    """(x0, text) of each cell when PDFium bridged a wide gap (table cells) with a space;
    empty when the line is ordinary text.

    `line[k]` is char `first + k` of the text page. PDFium inserts a "generated" space
    between text drawn separately on one baseline; only those are checked, so ordinary word
    spaces cost nothing. A line PDFium holds as one run of text (one rectangle: one text
    object) is not looked into at all: cells are drawn as separate objects.
    """
    if _COUNT_RECTS(chars.raw, first, len(line)) <= 1:
        return ()
    pieces: list[tuple[float, str]] = []
    start, start_x = 0, x0
    is_generated, raw = _IS_GENERATED, chars.raw  # called per space: kept local
    k = line.find(" ")
    while k != -1:
        index = first + k
        if is_generated(raw, index) == 1:
            right = chars.box(index + 1)[0]
            if right - chars.box(index - 1)[2] > CELL_GAP * size:
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


# --- which pages pdfplumber must read ---------------------------------------------------------

# pdfplumber's default table finder ("lines" strategy) builds cells only from ruling edges
# (lines, rectangle sides, straight runs of curves) and keeps only tables of two or more
# cells. One cell takes two horizontal and two vertical edges; a second cell takes a third
# edge one way or the other, so a page with fewer holds no table (a lone box or a shaded
# heading band is not one). It drops edges shorter than 1pt before joining them; we count
# from a little under that so float rounding never hides one.
MIN_RULE_LENGTH = 0.9
RULES_PER_ORIENTATION = 2
RULES_FOR_TWO_CELLS = 5
# Drift (points) within which a segment counts as horizontal or vertical. pdfminer asks for
# exact equality; PDFium's coordinates are single-precision floats, so we allow a little and
# err towards "ruled", which only costs speed.
AXIS_TOLERANCE = 0.01
# How deep to follow Form XObjects inside Form XObjects (pypdfium2's own default).
MAX_FORM_DEPTH = 15

Linear = tuple[float, float, float, float]  # a, b, c, d of a PDF matrix; translation is irrelevant here
_IDENTITY: Linear = (1.0, 0.0, 0.0, 1.0)


def _then(inner: Linear, outer: Linear) -> Linear:
    """The linear part of applying `inner` and then `outer` (PDF row-vector convention)."""
    a1, b1, c1, d1 = inner
    a2, b2, c2, d2 = outer
    return (a1 * a2 + b1 * c2, a1 * b2 + b1 * d2, c1 * a2 + d1 * c2, c1 * b2 + d1 * d2)


class _RuleCount:
    """Horizontal and vertical ruling segments seen so far on one page."""

    def __init__(self) -> None:
        self.horizontal = 0
        self.vertical = 0

    @property
    def enough(self) -> bool:
        return (self.horizontal >= RULES_PER_ORIENTATION and self.vertical >= RULES_PER_ORIENTATION
                and self.horizontal + self.vertical >= RULES_FOR_TWO_CELLS)

    def add(self, dx: float, dy: float, single_line: bool) -> None:
        """One segment, in page space. pdfplumber files a lone line segment that is not
        exactly horizontal under "vertical", however slanted, so we do too."""
        if abs(dy) <= AXIS_TOLERANCE:
            if abs(dx) >= MIN_RULE_LENGTH:
                self.horizontal += 1
        elif abs(dx) <= AXIS_TOLERANCE or single_line:
            if abs(dy) >= MIN_RULE_LENGTH:
                self.vertical += 1


def _count_path_rules(path: Any, linear: Linear, count: _RuleCount) -> None:
    """Add the ruling segments of one path object, walked the way pdfminer cuts it up:
    one shape per subpath, through the end point of each line or curve (not the control
    points), back to the start on a close."""
    x, y = ctypes.c_float(), ctypes.c_float()
    a, b, c, d = linear
    subpath: list[tuple[float, float]] = []
    lines = curves = 0

    def flush() -> None:
        single_line = lines == 1 and curves == 0
        for (x0, y0), (x1, y1) in zip(subpath, subpath[1:2] if single_line else subpath[1:]):
            dx, dy = x1 - x0, y1 - y0
            count.add(a * dx + c * dy, b * dx + d * dy, single_line)

    bezier_run = 0
    for index in range(pdfium_c.FPDFPath_CountSegments(path)):
        segment = pdfium_c.FPDFPath_GetPathSegment(path, index)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        if not pdfium_c.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y)):
            continue
        point = (x.value, y.value)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO or not subpath:
            flush()
            subpath, lines, curves, bezier_run = [point], 0, 0, 0
        elif kind == pdfium_c.FPDF_SEGMENT_BEZIERTO:
            bezier_run += 1  # PDFium lists a curve as three points: two controls, then its end
            if bezier_run % 3:
                continue
            subpath.append(point)
            curves += 1
        else:
            bezier_run = 0
            subpath.append(point)
            lines += 1
        if pdfium_c.FPDFPathSegment_GetClose(segment):
            subpath.append(subpath[0])
        if count.enough:
            return
    flush()


def may_hold_table(page: pdfium.PdfPage) -> bool:
    """Whether pdfplumber's default table finder could find a table on this page: the page
    (Form XObjects included) draws enough horizontal and vertical ruling segments for two
    cells (see RULES_FOR_TWO_CELLS).

    A page without them yields no table from pdfplumber either, so its text can come from
    PDFium, which reads it some thirty times faster. The test errs towards "yes": segments
    are counted before pdfplumber joins and snaps them, so a false "yes" costs only time.
    """
    count = _RuleCount()
    matrix = pdfium_c.FS_MATRIX()
    todo: list[tuple[Any, Linear, int]] = [(None, _IDENTITY, 0)]
    while todo:
        form, outer, depth = todo.pop()
        if form is None:
            n_objects = pdfium_c.FPDFPage_CountObjects(page)
        else:
            n_objects = pdfium_c.FPDFFormObj_CountObjects(form)
        for index in range(n_objects):
            if form is None:
                obj = pdfium_c.FPDFPage_GetObject(page, index)
            else:
                obj = pdfium_c.FPDFFormObj_GetObject(form, index)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind not in (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM):
                continue
            if not pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix)):
                return True  # cannot place its lines: let pdfplumber look
            linear = _then((matrix.a, matrix.b, matrix.c, matrix.d), outer)
            if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                if depth + 1 < MAX_FORM_DEPTH:
                    todo.append((obj, linear, depth + 1))
                continue
            _count_path_rules(obj, linear, count)
            if count.enough:
                return True
    return False


# --- the reader --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Routing:
    """How a PDF's pages are shared between PDFium and pdfplumber.

    name: recorded as the document's "extractor".
    tables: pdfplumber looks for ruled tables on the pages it reads.
    to_plumber: which pages go to pdfplumber whatever PDFium's text is like. Pages PDFium
        reads poorly go to pdfplumber in any case.
    """

    name: str
    tables: bool
    to_plumber: Callable[[pdfium.PdfPage], bool]


def _never(page: pdfium.PdfPage) -> bool:
    return False


def _always(page: pdfium.PdfPage) -> bool:
    return True


FAST = Routing("fast", tables=False, to_plumber=_never)
# pdfplumber only where a table could be: the same blocks as PLUMBER_ONLY, several times faster.
LAYOUT = Routing("layout", tables=True, to_plumber=may_hold_table)
# Every page through pdfplumber: the reference reading LAYOUT must match (tests, benchmarks).
PLUMBER_ONLY = Routing("layout", tables=True, to_plumber=_always)


def extract_pdf_fast(data: bytes, name: str, max_pages: int) -> Extracted:
    """Blocks of a PDF read with PDFium, falling back per page to pdfplumber."""
    return extract_pdf(data, name, max_pages, FAST)


def extract_pdf(data: bytes, name: str, max_pages: int, routing: Routing) -> Extracted:
    """Blocks of a PDF, each page read by PDFium or pdfplumber as `routing` says."""
    pages = _read_pages(data, name, max_pages, routing)
    if pages.fallback:
        pages.metadata["fallback_pages"] = pages.fallback
    return finish_pdf(name, pages.layouts, pages.image_pages, pages.metadata, pages.damaged)


@dataclass
class _Pages:
    layouts: list[PageLayout] = field(default_factory=list)
    image_pages: list[int] = field(default_factory=list)
    fallback: list[int] = field(default_factory=list)  # PDFium's text was poor: read by pdfplumber
    damaged: list[int] = field(default_factory=list)  # read by neither
    metadata: dict[str, Any] = field(default_factory=dict)
    # indexes of the pages pdfplumber is to read; their layouts are placeholders until then
    for_plumber: list[int] = field(default_factory=list)


def _read_pages(data: bytes, name: str, max_pages: int, routing: Routing) -> _Pages:
    """PDFium first (under the lock), then pdfplumber for the pages PDFium left to it (without
    the lock: pdfplumber does not use PDFium, and other threads may use PDFium meanwhile)."""
    try:
        with PDFIUM_LOCK:
            pages = _read_with_pdfium(data, name, max_pages, routing)
        if pages.for_plumber:
            _read_with_plumber(data, pages, routing)
    except ExtractionError:
        raise
    except Exception as exc:  # PDFium or pdfminer failing part-way through a damaged file
        if "password" in repr(exc).lower() or "password" in type(exc).__name__.lower():
            raise EncryptedPDF(ENCRYPTED_MESSAGE, name) from None
        raise CorruptFile(CORRUPT_MESSAGE, name) from None
    return pages


def _read_with_pdfium(data: bytes, name: str, max_pages: int, routing: Routing) -> _Pages:
    doc = open_pdfium(data, name, max_pages)
    pages = _Pages()
    fonts = _FontNames()
    try:
        pages.metadata = pdf_metadata(doc)
        pages.metadata["extractor"] = routing.name
        for index in range(len(doc)):
            number = index + 1
            page = doc[index]
            try:
                width, height = page.get_size()
                placeholder = PageLayout(number, float(width), float(height))
                if routing.to_plumber(page):
                    layout, has_image = None, False
                else:
                    layout, has_image = _fast_page(page, number, fonts)
                    if layout is None:
                        pages.fallback.append(number)
            except Exception:  # PDFium choking on one page: let pdfplumber try it
                placeholder = PageLayout(number, 0.0, 0.0)
                layout, has_image = None, False
                pages.fallback.append(number)
            finally:
                page.close()
            if layout is None:
                pages.for_plumber.append(index)
                layout = placeholder
            elif has_image and not layout.lines:
                pages.image_pages.append(number)
            pages.layouts.append(layout)
    finally:
        doc.close()
    return pages


def _read_with_plumber(data: bytes, pages: _Pages, routing: Routing) -> None:
    """Fill in the layouts of `pages.for_plumber`. A page pdfplumber cannot read costs only
    itself (its placeholder layout stays, empty); so does a file pdfminer cannot open at all,
    when PDFium read its other pages."""
    plumber: Any = None
    try:
        plumber = pdfplumber.open(io.BytesIO(data))
        plumber_pages = plumber.pages
    except Exception as exc:  # pdfminer rejects what PDFium accepted
        if plumber is not None:
            plumber.close()
        if "password" in repr(exc).lower() or "password" in type(exc).__name__.lower():
            raise
        pages.damaged.extend(index + 1 for index in pages.for_plumber)
        pages.damaged.sort()
        return
    try:
        for index in pages.for_plumber:
            number = index + 1
            if index >= len(plumber_pages):  # pdfminer found fewer pages than PDFium did
                pages.damaged.append(number)
                continue
            pl_page = plumber_pages[index]
            try:
                layout, _ = plumber_page_layout(pl_page, number, tables=routing.tables)
                if not (layout.lines or layout.rows) and pl_page.images:
                    pages.image_pages.append(number)
                pages.layouts[index] = layout
            except Exception:  # one bad content stream or font should cost only its page
                pages.damaged.append(number)
            finally:
                pl_page.close()
    finally:
        plumber.close()
    pages.image_pages.sort()
    pages.damaged.sort()
