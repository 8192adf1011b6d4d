"""DOCX via python-docx: the body in order, paragraphs and tables interleaved.

Headings come from paragraph styles (Heading N, Title) or outline levels; numbered and bulleted
paragraphs (w:numPr, directly or through their style) become list items carrying the number
Word would display, computed from numbering.xml. A DOCX has no pages, so the page of a block
counts the page breaks before it: explicit ones (w:br w:type="page", pageBreakBefore,
section breaks) and the ones Word recorded when it last laid the document out
(w:lastRenderedPageBreak).
"""
from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import Any, Iterator, Optional

import docx
from docx.oxml.ns import qn

from ..errors import CorruptFile, EmptyFile, ExtractionError, TooLarge
from ..model import BlockKind
from .blocks import Draft, Extracted, one_line
from .cleanup import LIST_MARKER

CORRUPT_MESSAGE = "not a readable Word file (.docx is damaged or truncated); re-save it from Word or re-download it"

_W_P = qn("w:p")
_W_TBL = qn("w:tbl")
_W_SDT = qn("w:sdt")
_W_SDT_CONTENT = qn("w:sdtContent")
_W_TR = qn("w:tr")
_W_TC = qn("w:tc")
_W_T = qn("w:t")
_W_TAB = qn("w:tab")
_W_BR = qn("w:br")
_W_CR = qn("w:cr")
_W_NO_BREAK_HYPHEN = qn("w:noBreakHyphen")
_W_LAST_RENDERED = qn("w:lastRenderedPageBreak")
_W_TYPE = qn("w:type")
_W_VAL = qn("w:val")
_W_DEL = qn("w:del")
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_WRAPPERS = (qn("w:ins"), qn("w:customXml"), qn("w:smartTag"))

_HEADING_STYLE = re.compile(r"^(?:heading\s*\d|title|subtitle)$", re.IGNORECASE)
_LIST_STYLE = re.compile(r"^list\b", re.IGNORECASE)
# Section break types that start a new page (w:sectPr/w:type; absent means nextPage).
_PAGE_SECTION_TYPES = {"nextPage", "oddPage", "evenPage"}
_BULLET_GLYPH = "\u2022"
_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def _roman(n: int) -> str:
    out = ""
    for value, numeral in _ROMAN:
        while n >= value:
            out += numeral
            n -= value
    return out


def _letters(n: int) -> str:
    # Word's lowerLetter repeats the letter after z: a..z, aa..zz, aaa..
    n = max(n, 1)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter",):
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("none", "bullet"):
        return ""
    return str(n)


@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1


@dataclass
class Numbering:
    """Word list numbering: which number a numbered paragraph displays."""

    abstract_of: dict[str, str] = field(default_factory=dict)
    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)
    start_overrides: dict[tuple[str, int], int] = field(default_factory=dict)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    @classmethod
    def of(cls, document: Any) -> "Numbering":
        numbering = cls()
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return numbering
        for abstract in root.findall(qn("w:abstractNum")):
            aid = abstract.get(qn("w:abstractNumId"))
            levels: dict[int, _Level] = {}
            for lvl in abstract.findall(qn("w:lvl")):
                level = _Level()
                fmt = lvl.find(qn("w:numFmt"))
                text = lvl.find(qn("w:lvlText"))
                start = lvl.find(qn("w:start"))
                if fmt is not None:
                    level.fmt = fmt.get(_W_VAL, "decimal")
                if text is not None:
                    level.text = text.get(_W_VAL, "")
                if start is not None and (start.get(_W_VAL) or "").isdigit():
                    level.start = int(start.get(_W_VAL))
                levels[int(lvl.get(qn("w:ilvl"), "0"))] = level
            numbering.levels[aid] = levels
        for num in root.findall(qn("w:num")):
            nid = num.get(qn("w:numId"))
            ref = num.find(qn("w:abstractNumId"))
            if ref is not None:
                numbering.abstract_of[nid] = ref.get(_W_VAL)
            for override in num.findall(qn("w:lvlOverride")):
                start = override.find(qn("w:startOverride"))
                if start is not None and (start.get(_W_VAL) or "").isdigit():
                    numbering.start_overrides[(nid, int(override.get(qn("w:ilvl"), "0")))] = int(start.get(_W_VAL))
        return numbering

    def label(self, num_id: str, ilvl: int) -> str:
        """Advance the list's counter at `ilvl` and return the displayed label ("4.2.1", "(a)")."""
        aid = self.abstract_of.get(num_id)
        levels = self.levels.get(aid or "", {})
        level = levels.get(ilvl, _Level())
        if level.fmt == "bullet":
            return _BULLET_GLYPH
        counters = self.counters.setdefault(aid or num_id, {})
        override = self.start_overrides.pop((num_id, ilvl), None)
        if override is not None:
            counters[ilvl] = override
        elif ilvl in counters:
            counters[ilvl] += 1
        else:
            counters[ilvl] = level.start
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]

        def fill(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            lv = levels.get(k, _Level())
            return _format_number(counters.get(k, lv.start), lv.fmt)

        return re.sub(r"%(\d)", fill, level.text).strip()


def _style_chain(style: Any) -> Iterator[Any]:
    seen = 0
    while style is not None and seen < 10:
        yield style
        style = style.base_style
        seen += 1


def _num_pr(paragraph: Any) -> Optional[tuple[str, int]]:
    """(numId, ilvl) of a paragraph, from its own properties or its style's."""
    p_pr = paragraph._p.pPr
    candidates = [p_pr.numPr if p_pr is not None else None]
    try:
        for style in _style_chain(paragraph.style):
            s_pr = style.element.pPr
            candidates.append(s_pr.numPr if s_pr is not None else None)
    except (KeyError, ValueError, AttributeError):
        pass
    num_id: Optional[str] = None
    ilvl: Optional[int] = None
    for num_pr in candidates:
        if num_pr is None:
            continue
        if num_id is None and num_pr.numId is not None:
            num_id = str(num_pr.numId.val)
        if ilvl is None and num_pr.ilvl is not None:
            ilvl = int(num_pr.ilvl.val)
    if num_id is None or num_id == "0":
        return None
    return num_id, ilvl or 0


def _style_name(paragraph: Any) -> str:
    try:
        style = paragraph.style
        return (style.name or "") if style is not None else ""
    except (KeyError, ValueError, AttributeError):
        return ""


def _has_outline_level(paragraph: Any) -> bool:
    p_pr = paragraph._p.pPr
    if p_pr is None:
        return False
    level = p_pr.find(qn("w:outlineLvl"))
    return level is not None and level.get(_W_VAL, "9") not in ("9",)


def _all_bold(paragraph: Any) -> bool:
    runs = [r for r in paragraph.runs if r.text.strip()]
    return bool(runs) and all(r.bold for r in runs)


class _PageCounter:
    """Tracks the current page while walking the body in order."""

    def __init__(self) -> None:
        self.page = 1
        self.text_since_break = False

    def hard_break(self) -> None:
        self.page += 1
        self.text_since_break = False

    def rendered_break(self) -> None:
        # Word writes lastRenderedPageBreak right after an explicit break too; count it only
        # when text has appeared since the last break we counted.
        if self.text_since_break:
            self.page += 1
            self.text_since_break = False


def _paragraph_text(p: Any, pages: _PageCounter) -> tuple[str, int]:
    """The visible text of a w:p element and the page it starts on, counting its breaks."""
    parts: list[str] = []
    start_page: Optional[int] = None
    p_pr = p.find(qn("w:pPr"))
    if p_pr is not None:
        before = p_pr.find(qn("w:pageBreakBefore"))
        if before is not None and before.get(_W_VAL, "true") not in ("0", "false") and pages.text_since_break:
            pages.hard_break()

    def walk(el: Any) -> None:
        nonlocal start_page
        for child in el:
            tag = child.tag
            if tag == _MC_FALLBACK or tag == _W_DEL or tag == qn("w:pPr") or tag == qn("w:rPr"):
                continue
            if tag == _W_T:
                if child.text:
                    if start_page is None:
                        start_page = pages.page
                    parts.append(child.text)
                    pages.text_since_break = True
            elif tag in (_W_TAB, _W_CR):
                parts.append(" ")
            elif tag == _W_NO_BREAK_HYPHEN:
                parts.append("-")
            elif tag == _W_BR:
                if child.get(_W_TYPE) == "page":
                    pages.hard_break()
                else:
                    parts.append(" ")
            elif tag == _W_LAST_RENDERED:
                pages.rendered_break()
            elif tag == _W_P:
                walk(child)  # a text box's paragraph inside a drawing
                parts.append(" ")
            else:
                walk(child)

    walk(p)
    if p_pr is not None:
        sect = p_pr.find(qn("w:sectPr"))
        if sect is not None:
            sect_type = sect.find(_W_TYPE)
            kind = sect_type.get(_W_VAL, "nextPage") if sect_type is not None else "nextPage"
            if kind in _PAGE_SECTION_TYPES:
                pages.hard_break()
    return one_line("".join(parts)), start_page if start_page is not None else pages.page


def _body_elements(parent: Any) -> Iterator[Any]:
    """w:p and w:tbl children in order, looking through content controls and revisions."""
    for child in parent.iterchildren():
        if child.tag in (_W_P, _W_TBL):
            yield child
        elif child.tag == _W_SDT:
            content = child.find(_W_SDT_CONTENT)
            if content is not None:
                yield from _body_elements(content)
        elif child.tag in _WRAPPERS:
            yield from _body_elements(child)


def _table_drafts(tbl: Any, pages: _PageCounter) -> Iterator[Draft]:
    for tr in tbl.iter(_W_TR):
        if tr.getparent() is not tbl:
            continue  # rows of nested tables are read as part of their cell
        row_page: Optional[int] = None
        cells: list[str] = []
        for tc in tr.iter(_W_TC):
            if tc.getparent() is not tr:
                continue
            texts = []
            for p in tc.iter(_W_P):
                text, page = _paragraph_text(p, pages)
                if text:
                    row_page = row_page or page
                    texts.append(text)
            cells.append(" ".join(texts))
        if any(cells):
            yield Draft(" | ".join(cells), row_page or pages.page, "table_row")


def _paragraph_draft(p: Any, document: Any, numbering: Numbering, pages: _PageCounter) -> Optional[Draft]:
    from docx.text.paragraph import Paragraph

    text, page = _paragraph_text(p, pages)
    if not text:
        return None
    paragraph = Paragraph(p, document)
    style = _style_name(paragraph)
    num = _num_pr(paragraph)
    label = numbering.label(*num) if num else ""
    if label and not text.startswith(label):
        text = f"{label} {text}"
    kind: BlockKind
    if _HEADING_STYLE.match(style) or _has_outline_level(paragraph):
        kind = "heading"
    elif num or _LIST_STYLE.match(style) or LIST_MARKER.match(text):
        kind = "list_item"
    elif _all_bold(paragraph) and len(text) <= 120 and not text.rstrip().endswith((".", ";", ":")):
        kind = "heading"
    else:
        kind = "para"
    return Draft(text, page, kind)


def _iso(value: Any) -> Optional[str]:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return None


def _core_metadata(document: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    try:
        props = document.core_properties
        if props.title:
            meta["title"] = props.title
        if props.author:
            meta["author"] = props.author
        created = _iso(props.created)
        if created:
            meta["created"] = created
    except Exception:  # a damaged core.xml should not cost us the body text
        pass
    return meta


def extract_docx(data: bytes, name: str, max_pages: int) -> Extracted:
    """Blocks of a DOCX in body order."""
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # PackageNotFoundError, BadZipFile, KeyError, lxml XMLSyntaxError ...
        raise CorruptFile(CORRUPT_MESSAGE, name) from None
    try:
        numbering = Numbering.of(document)
        pages = _PageCounter()
        drafts: list[Draft] = []
        for el in _body_elements(document.element.body):
            if el.tag == _W_TBL:
                drafts.extend(_table_drafts(el, pages))
            else:
                draft = _paragraph_draft(el, document, numbering, pages)
                if draft is not None:
                    drafts.append(draft)
    except ExtractionError:
        raise
    except Exception:
        raise CorruptFile(CORRUPT_MESSAGE, name) from None
    if not drafts:
        raise EmptyFile("contains no text; check it is the right file", name)
    # A trailing section or page break does not start a page of its own.
    last_page = max(d.page for d in drafts)
    if last_page > max_pages:
        raise TooLarge(f"has about {last_page} pages, over the limit of {max_pages}; "
                       "split it or raise --max-pages", name)
    return Extracted(drafts=drafts, pages=last_page, metadata=_core_metadata(document))
