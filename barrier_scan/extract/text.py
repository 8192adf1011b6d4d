"""Plain text (and Markdown-ish text): blank lines end paragraphs, numbered or bulleted lines
start blocks, a form feed starts a new page, "|"-separated lines are table rows."""
from __future__ import annotations

import codecs
import re

from ..errors import EmptyFile, UnsupportedType
from ..model import BlockKind
from .blocks import Draft, Extracted, one_line
from .cleanup import ITEM_START, Vocabulary, classify, join_lines

# Share of control characters above which "text" is really binary.
MAX_CONTROL_SHARE = 0.02

_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
_TABLE_LINE = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?[\s:|\-+]+\|?\s*$")
_ALL_CAPS_TITLE = re.compile(r"^[A-Z0-9][A-Z0-9 ,&'()/\-\u2013:]{2,79}$")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def decode_text(data: bytes) -> str:
    """Bytes to text: a BOM wins, then UTF-8, then Windows-1252 (what Word's "Save as text"
    writes on UK machines). Raises UnicodeDecodeError only for data that is not text."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(codec)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def looks_binary(text: str) -> bool:
    sample = text[:20000]
    if "\x00" in sample:
        return True
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    return bool(sample) and control / len(sample) > MAX_CONTROL_SHARE


def _kind(text: str, first_line: str, n_lines: int) -> BlockKind:
    if _MARKDOWN_HEADING.match(first_line):
        return "heading"
    if n_lines == 1 and _ALL_CAPS_TITLE.match(text) and sum(ch.isalpha() for ch in text) >= 3:
        return "heading"
    return classify(text, n_lines=n_lines)


def _paragraph_drafts(chunk: str, page: int, vocab: Vocabulary) -> list[Draft]:
    drafts: list[Draft] = []
    group: list[str] = []

    def flush() -> None:
        if group:
            text = join_lines(group, vocab)
            kind = _kind(text, group[0], len(group))
            if kind == "heading":
                text = _MARKDOWN_HEADING.sub("", text)
            drafts.append(Draft(text, page, kind))
            group.clear()

    for raw in chunk.splitlines():
        line = raw.strip()
        if not line:
            continue
        if _TABLE_LINE.match(line):
            flush()
            if not _TABLE_RULE.match(line):
                cells = [one_line(c) for c in line.strip().strip("|").split("|")]
                drafts.append(Draft(" | ".join(cells), page, "table_row"))
            continue
        if group and (ITEM_START.match(line) or _MARKDOWN_HEADING.match(line)
                      or _MARKDOWN_HEADING.match(group[0])):
            flush()
        group.append(line)
    flush()
    return drafts


def extract_text(data: bytes, name: str) -> Extracted:
    """Blocks of a plain-text file."""
    text = decode_text(data)
    if looks_binary(text):
        from . import SUPPORTED_SUFFIXES

        raise UnsupportedType("is binary data, not text; barrier-scan reads "
                              + ", ".join(SUPPORTED_SUFFIXES), name)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    vocab = Vocabulary.of([text])
    drafts: list[Draft] = []
    pages = text.split("\f")
    for number, page_text in enumerate(pages, start=1):
        for chunk in _BLANK_LINE.split(page_text):
            drafts.extend(_paragraph_drafts(chunk, number, vocab))
    if not drafts:
        raise EmptyFile("contains only blank space; check it is the right file", name)
    # A trailing form feed ends the last page rather than opening a new one.
    n_pages = len(pages) if pages[-1].strip() else max(len(pages) - 1, 1)
    return Extracted(drafts=drafts, pages=n_pages)
