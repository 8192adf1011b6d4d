"""Turning positioned lines into clean blocks: running headers/footers and page numbers out,
hyphenation joined, lines joined into paragraphs, headings and list items recognised.

Both PDF readers (pdfplumber and pypdfium2) produce `PageLayout`s of `Line`s and share
everything here, so the fast path and the layout path give the same paragraphs. The text
reader uses the line-joining and the item/heading patterns too.
"""
from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Optional

from ..model import BlockKind
from .blocks import Draft

# --- running headers and footers -------------------------------------------------------------

# How many lines at each edge of a page may be running headers/footers.
EDGE_LINES = 3
# ... and how far into the page (share of the page height) they may sit.
EDGE_ZONE = 0.15
# A line is "running" when it recurs (digits ignored) on at least this share of the pages.
RUNNING_SHARE = 0.5
# ... at the same distance (points) from the page edge, give or take this much.
RUNNING_POSITION_TOLERANCE = 4.0

_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")

# Whole-line page numbers: "3", "Page 3", "Page 3 of 12", "3 of 12", "3/12", "- 3 -", "[3]".
_PAGE_NUMBER = re.compile(
    r"""^\s*(?:
        (?:page|pg\.?|p\.)?\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?
      | [-\u2013\u2014]\s*\d{1,4}\s*[-\u2013\u2014]
      | \[\s*\d{1,4}\s*\]
      | (?:page\s+)?(?=[ivx])x{0,3}(?:ix|iv|v?i{0,3})
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
# "Page 3 of 12" is a page number wherever it stands; a bare "3" only at a page edge.
_PAGE_WORD_NUMBER = re.compile(r"^\s*page\s+\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\s*$", re.IGNORECASE)

# --- paragraphs -----------------------------------------------------------------------------

# A line set at least this much larger than the body text is a heading.
HEADING_SIZE_RATIO = 1.15
# Extra vertical space (in body font sizes) beyond normal leading that ends a paragraph.
PARA_GAP = 0.35
# Horizontal tolerance (points) for "same indentation".
INDENT_TOLERANCE = 6.0
# A line ending a sentence and stopping short of this share of the text width ends a paragraph.
SHORT_LINE_SHARE = 0.75
# Horizontal gap (in font sizes) between pieces of one baseline that marks table cells.
CELL_GAP = 1.5
# A wrapped line of a cell starts within this many points of its column's left edge.
CELL_X_TOLERANCE = 3.0
# Longest text we accept as a heading.
MAX_HEADING_CHARS = 150

# The start of a numbered clause or list item. Multi-level numbers must be followed by a
# capital, a quote or a bracket so that "2.5 times" at the start of a wrapped line does not
# split a paragraph.
_DECIMAL_CLAUSE = r"\d{1,2}(?:\.\d{1,3}){1,4}\.?\s+(?=[A-Z\"'(\u201c\u2018])"
_SIMPLE_NUMBER = r"\d{1,3}[.)]\s+"
_PAREN_ITEM = r"\(\s*(?:[a-z]{1,2}|[ivxlc]{1,6}|\d{1,3}|[A-Z])\s*\)\s+"
_LETTER_ITEM = r"(?:[a-z]|[ivx]{1,5})[.)]\s+"
_BULLET = r"(?:[\u2022\u25aa\u25e6\u25cf\u25cb\u25a0\u25a1\u2023\u2043\u2219\u00b7\uf0b7]\s*|[*\-]\s+)"

# Not "Section 4" or "Schedule 2": a wrapped line often starts with those mid-sentence
# ("... in accordance with / Schedule 2"); section titles are told apart by font and spacing.
ITEM_START = re.compile(rf"^(?:{_DECIMAL_CLAUSE}|{_SIMPLE_NUMBER}|{_PAREN_ITEM}|{_LETTER_ITEM}|{_BULLET})")
# List items (as opposed to numbered clauses, which stay paragraphs).
LIST_MARKER = re.compile(rf"^(?:{_SIMPLE_NUMBER}|{_PAREN_ITEM}|{_LETTER_ITEM}|{_BULLET})")
# A short numbered title: "4.2 Economic and Financial Standing", "Section 4 - Selection".
NUMBERED_TITLE = re.compile(
    r"^(?:(?i:section|part|schedule|annex|appendix)\s+(?:\d{1,2}|[A-Z])[.:]?\s*[-\u2013\u2014:]?\s*"
    r"|\d{1,2}(?:\.\d{1,2}){0,3}\.?\s+)[A-Z][^.;:!?]*$"
)
_SECTION_PREFIX = re.compile(r"^(?:section|part|schedule|annex|appendix)\s+\S{1,3}\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.:;!?]['\")\u201d\u2019]?$")
_OPENS_ITEM = re.compile(r"[A-Z0-9£€$]")
_CID = re.compile(r"\(cid:\d+\)")


@dataclass(slots=True)
class Line:
    """One visual line of a page, top-left origin, in points."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool = False
    # (x0, text) of pieces set far apart on one baseline: the cells of an unruled table
    # row, or of a row the fast path saw. Empty for ordinary lines.
    cells: tuple[tuple[float, str], ...] = ()


@dataclass(slots=True)
class TableRow:
    """One row of a detected table, already joined as "cell | cell"."""

    text: str
    top: float


@dataclass
class PageLayout:
    """The lines and table rows of one page, before paragraphs are formed."""

    number: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    rows: list[TableRow] = field(default_factory=list)


@dataclass(frozen=True)
class BodyStyle:
    """The document's body text: its font size and the normal space between its lines."""

    size: float
    gap: float


# --- text helpers -----------------------------------------------------------------------------

def strip_cid(text: str) -> str:
    """Drop pdfminer's "(cid:N)" placeholders for glyphs without a Unicode mapping."""
    return _CID.sub("", text)


def running_key(text: str) -> str:
    """The identity of a header/footer line: case, digits and spacing ignored."""
    return _SPACES.sub(" ", _DIGITS.sub("#", text.lower())).strip()


def is_page_number(text: str, at_edge: bool) -> bool:
    if _PAGE_WORD_NUMBER.match(text):
        return True
    return at_edge and bool(_PAGE_NUMBER.match(text))


_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
_TRAILING_HYPHEN = re.compile(r"(?<=[A-Za-z])([-\u00ad])$")
_LEADING_WORD = re.compile(r"^([A-Za-z]+)")
# Prefixes whose hyphen is real ("sub-contractor", "non-refundable"), so a line break after
# them keeps it unless the document itself writes the word solid.
KEEP_HYPHEN_PREFIXES = frozenset({
    "sub", "non", "co", "self", "pre", "post", "anti", "multi", "cross", "well", "long",
    "short", "full", "part", "semi", "ex", "mid", "e", "cost", "value", "time", "day", "year",
    "third", "first", "second", "high", "low", "small", "medium", "large", "fixed", "pro",
    "re", "on", "off", "in", "out", "up", "down", "end", "back", "after", "tax", "half",
})


@dataclass
class Vocabulary:
    """Words the document spells solid and words it spells hyphenated, to decide a line-end
    hyphen by the document's own usage before falling back on prefixes.

    Texts are only kept until a line-end hyphen asks: most pages have none, and reading every
    word of a long tender into sets was a fifth of the fast extractor's own time."""

    solid: set[str] = field(default_factory=set)
    hyphenated: set[str] = field(default_factory=set)
    pending: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        self.pending.append(text)

    def knows_solid(self, word: str) -> bool:
        self._read_pending()
        return word in self.solid

    def knows_hyphenated(self, word: str) -> bool:
        self._read_pending()
        return word in self.hyphenated

    def _read_pending(self) -> None:
        for text in self.pending:
            for word in _WORD.findall(text):
                (self.hyphenated if "-" in word else self.solid).add(word.lower())
        self.pending.clear()

    @classmethod
    def of(cls, texts: Iterable[str]) -> "Vocabulary":
        return cls(pending=list(texts))


def _keeps_hyphen(head: str, tail: str, vocab: Vocabulary) -> bool:
    """Whether "head-" at a line end followed by "tail" is a real hyphen."""
    prefix = _WORD.findall(head)
    prefix_word = prefix[-1] if prefix else head
    last_part = prefix_word.split("-")[-1].lower()
    solid = (last_part + tail).lower()
    if vocab.knows_solid(solid):
        return False
    if vocab.knows_hyphenated(f"{prefix_word}-{tail}".lower()) or \
            vocab.knows_hyphenated(f"{last_part}-{tail}".lower()):
        return True
    if "-" in prefix_word:  # "day-to-" + "day": already a compound
        return True
    return last_part in KEEP_HYPHEN_PREFIXES


def join_lines(lines: Iterable[str], vocab: Optional[Vocabulary] = None) -> str:
    """Join the lines of one paragraph with spaces, undoing end-of-line hyphenation.

    "require-" + "ment" becomes "requirement"; "sub-" + "contractor" stays "sub-contractor";
    a hyphen before a capital or a digit ("non-" + "UK") is kept without a space.
    """
    vocab = vocab or Vocabulary()
    out = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if not out:
            out = line
            continue
        hyphen = _TRAILING_HYPHEN.search(out)
        if hyphen:
            head = out[: hyphen.start()]
            if hyphen.group(1) == "\u00ad":
                out = head + line
                continue
            tail_match = _LEADING_WORD.match(line)
            if tail_match and line[0].islower():
                if _keeps_hyphen(head, tail_match.group(1), vocab):
                    out = head + "-" + line
                else:
                    out = head + line
                continue
            if line[0].isupper() or line[0].isdigit():
                out = head + "-" + line
                continue
        out = out + " " + line
    return out


# --- running headers/footers ------------------------------------------------------------------

def _edge_lines(page: PageLayout) -> list[tuple[Line, float]]:
    """The lines that could be a header or footer (first/last few, near the page edges), each
    with its distance from its edge: positive from the top, negative from the bottom."""
    if not page.lines:
        return []
    ordered = sorted(page.lines, key=lambda ln: ln.top)
    found: dict[int, tuple[Line, float]] = {}
    for ln in ordered[:EDGE_LINES]:
        if ln.top <= page.height * EDGE_ZONE:
            found[id(ln)] = (ln, ln.top)
    for ln in ordered[-EDGE_LINES:]:
        if ln.bottom >= page.height * (1 - EDGE_ZONE) and id(ln) not in found:
            found[id(ln)] = (ln, -(page.height - ln.bottom))
    return list(found.values())


def remove_running_lines(pages: list[PageLayout]) -> None:
    """Drop running headers/footers and page numbers from every page, in place.

    A running line is an edge line whose text (digits ignored) recurs at the same distance
    from the page edge on at least half the pages, so "Page 3 of 12" and "ITT RBC/2025/044 -
    Issue 2" both go, while body text that happens to repeat near the top does not.
    """
    edges = {page.number: _edge_lines(page) for page in pages}
    positions: dict[str, list[float]] = {}
    for lines in edges.values():
        seen: set[str] = set()
        for ln, pos in lines:
            key = running_key(ln.text)
            if key and key not in seen:
                seen.add(key)
                positions.setdefault(key, []).append(pos)
    needed = max(2, math.ceil(RUNNING_SHARE * len(pages)))
    running: dict[str, float] = {}
    for key, found in positions.items():
        if len(found) < needed:
            continue
        middle = statistics.median(found)
        if sum(1 for pos in found if abs(pos - middle) <= RUNNING_POSITION_TOLERANCE) >= needed:
            running[key] = middle

    def is_running(ln: Line, pos: float) -> bool:
        middle = running.get(running_key(ln.text))
        return middle is not None and abs(pos - middle) <= RUNNING_POSITION_TOLERANCE

    for page in pages:
        edge_pos = {id(ln): pos for ln, pos in edges[page.number]}
        page.lines = [
            ln for ln in page.lines
            if not (id(ln) in edge_pos and is_running(ln, edge_pos[id(ln)]))
            and not is_page_number(ln.text, id(ln) in edge_pos)
        ]


# --- paragraphs -------------------------------------------------------------------------------

def body_style(pages: list[PageLayout]) -> BodyStyle:
    """The most common font size (by characters) and the median gap between its lines."""
    sizes: Counter[float] = Counter()
    for page in pages:
        for ln in page.lines:
            sizes[round(ln.size * 2) / 2] += len(ln.text)
    if not sizes:
        return BodyStyle(size=10.0, gap=2.0)
    size = sizes.most_common(1)[0][0]
    gaps: list[float] = []
    for page in pages:
        body = sorted((ln for ln in page.lines if abs(ln.size - size) < 0.6), key=lambda ln: ln.top)
        for prev, cur in zip(body, body[1:]):
            gap = cur.top - prev.bottom
            if -0.5 * size < gap < 2 * size:
                gaps.append(gap)
    gap = statistics.median(gaps) if gaps else 0.2 * size
    return BodyStyle(size=size, gap=max(gap, 0.0))


def _is_emphasised(line: Line, body: BodyStyle) -> bool:
    return line.size >= body.size * HEADING_SIZE_RATIO or line.bold


def _style_key(line: Line, body: BodyStyle) -> tuple[bool, bool]:
    return (line.size >= body.size * HEADING_SIZE_RATIO, line.bold)


@dataclass
class _Paragraph:
    lines: list[Line]

    @property
    def first(self) -> Line:
        return self.lines[0]

    @property
    def last(self) -> Line:
        return self.lines[-1]


def _starts_new_block(par: _Paragraph, line: Line, body: BodyStyle, right_edge: float,
                      left_edge: float) -> bool:
    prev = par.last
    if _style_key(line, body) != _style_key(prev, body):
        return True
    if line.top - prev.bottom > body.gap + PARA_GAP * body.size:
        return True
    if ITEM_START.match(line.text):
        return True
    if len(par.lines) >= 2:
        if abs(line.x0 - par.lines[1].x0) > INDENT_TOLERANCE:
            return True
    elif line.x0 > prev.x0 + INDENT_TOLERANCE and not LIST_MARKER.match(prev.text):
        return True
    elif line.x0 < prev.x0 - INDENT_TOLERANCE and LIST_MARKER.match(prev.text):
        return True
    width = right_edge - left_edge
    if width > 0 and _SENTENCE_END.search(prev.text) and prev.x1 < left_edge + SHORT_LINE_SHARE * width:
        return True
    # a lead-in ("... the levels of insurance indicated below:") ends its block when the next
    # line opens like an item or a new sentence, as a DOCX paragraph or a bullet would
    return prev.text.endswith(":") and _OPENS_ITEM.match(line.text) is not None


def classify(text: str, *, emphasised: bool = False, large: bool = False, n_lines: int = 1) -> BlockKind:
    """heading | list_item | para for one block of text."""
    short = len(text) <= MAX_HEADING_CHARS
    if large and short:
        return "heading"
    if emphasised and short and n_lines <= 2 and not _SENTENCE_END.search(text):
        return "heading"
    if n_lines == 1 and len(text) <= 90 and NUMBERED_TITLE.match(text) and not LIST_MARKER.match(text):
        return "heading"
    if n_lines == 1 and _SECTION_PREFIX.match(text) and len(text) <= 90 and not _SENTENCE_END.search(text):
        return "heading"
    if LIST_MARKER.match(text):
        return "list_item"
    return "para"


@dataclass
class _OpenRow:
    """A table row seen as lines (no ruled table found): its columns and their text."""

    xs: list[float]
    cells: list[list[str]]
    last: Line

    def column(self, x0: float) -> Optional[int]:
        for k, x in enumerate(self.xs):
            if abs(x0 - x) <= CELL_X_TOLERANCE:
                return k
        return None


def page_blocks(page: PageLayout, body: BodyStyle, vocab: Vocabulary) -> list[Draft]:
    """The blocks of one page in reading order: paragraphs, headings, items and table rows."""
    items: list[tuple[float, int, object]] = [(ln.top, 0, ln) for ln in page.lines]
    items += [(row.top, 1, row) for row in page.rows]
    items.sort(key=lambda it: (round(it[0], 1), it[1]))
    body_lines = [ln for ln in page.lines if not _is_emphasised(ln, body)] or page.lines
    right_edge = max((ln.x1 for ln in body_lines), default=page.width)
    left_edge = min((ln.x0 for ln in body_lines), default=0.0)
    para_gap = body.gap + PARA_GAP * body.size

    drafts: list[Draft] = []
    current: Optional[_Paragraph] = None
    row: Optional[_OpenRow] = None

    def flush() -> None:
        nonlocal current, row
        if row is not None:
            text = " | ".join(join_lines(cell, vocab) for cell in row.cells)
            drafts.append(Draft(text, page.number, "table_row"))
            row = None
        if current is None:
            return
        text = join_lines((ln.text for ln in current.lines), vocab)
        first = current.first
        kind = classify(text,
                        emphasised=all(ln.bold for ln in current.lines),
                        large=first.size >= body.size * HEADING_SIZE_RATIO,
                        n_lines=len(current.lines))
        drafts.append(Draft(text, page.number, kind))
        current = None

    def continues_row(line: Line) -> bool:
        """A wrapped line of the open row's cells: close below it, each piece in a column."""
        if row is None or line.top - row.last.bottom > para_gap:
            return False
        pieces = line.cells or ((line.x0, line.text),)
        columns = [row.column(x0) for x0, _ in pieces]
        if any(k is None for k in columns):
            return False
        if len(pieces) > 1 and columns[0] == 0:
            return False  # fills the first column and more: the next row of the table
        for k, (_, text) in zip(columns, pieces):
            row.cells[k].append(text)  # type: ignore[index]
        row.last = line
        return True

    for _, _, item in items:
        if isinstance(item, TableRow):
            flush()
            drafts.append(Draft(item.text, page.number, "table_row"))
            continue
        assert isinstance(item, Line)
        if continues_row(item):
            continue
        if item.cells:
            flush()
            row = _OpenRow(xs=[x for x, _ in item.cells], cells=[[t] for _, t in item.cells], last=item)
            continue
        if row is None and current is not None and not _starts_new_block(current, item, body, right_edge, left_edge):
            current.lines.append(item)
            continue
        flush()
        current = _Paragraph([item])
    flush()
    return drafts


def _pieces(line: Line) -> tuple[tuple[float, str], ...]:
    return line.cells or ((line.x0, line.text),)


def merge_same_baseline(lines: list[Line], tolerance: float = 2.0) -> list[Line]:
    """Sort lines top-to-bottom and merge pieces of the same visual line left-to-right.

    PDFium reports a visual line drawn by several text operators as several lines. Pieces
    further apart than CELL_GAP font sizes are cells of a table row.
    """
    ordered = sorted(lines, key=lambda ln: (ln.top, ln.x0))
    merged: list[Line] = []
    for ln in ordered:
        prev = merged[-1] if merged else None
        if prev is not None and abs(ln.top - prev.top) <= tolerance and ln.x0 >= prev.x1 - 1:
            apart = ln.x0 - prev.x1 > CELL_GAP * max(ln.size, prev.size)
            if apart or prev.cells or ln.cells:
                left, right = _pieces(prev), _pieces(ln)
                if not apart:  # touching: the first new piece continues the last old one
                    left = left[:-1] + ((left[-1][0], f"{left[-1][1]} {right[0][1]}"),)
                    right = right[1:]
                cells = left + right
                text = " | ".join(t for _, t in cells)
            else:
                cells, text = (), f"{prev.text} {ln.text}"
            merged[-1] = Line(text=text, x0=prev.x0, x1=ln.x1, top=prev.top,
                              bottom=max(prev.bottom, ln.bottom), size=max(prev.size, ln.size),
                              bold=prev.bold and ln.bold, cells=cells)
        else:
            merged.append(ln)
    return merged


def layout_blocks(pages: list[PageLayout]) -> list[Draft]:
    """All the blocks of a paginated document, headers/footers removed."""
    remove_running_lines(pages)
    body = body_style(pages)
    vocab = Vocabulary.of(ln.text for page in pages for ln in page.lines)
    for page in pages:
        for row in page.rows:
            vocab.add(row.text)
    drafts: list[Draft] = []
    for page in pages:
        drafts.extend(page_blocks(page, body, vocab))
    return drafts
