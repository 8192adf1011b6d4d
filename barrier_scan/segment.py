"""Segment a document's blocks into clauses a person can find again.

A clause is one sentence of a paragraph, list item or table row, carrying the clause number
it sits under ("4.2.1", "4.2.1(a)") and the heading path ("Section 4 Selection Criteria >
4.2 Economic and Financial Standing"). Sentences follow spaCy's sentencizer rule on the
tokens of a blank English pipeline, plus two of our own: a leading clause number stays with
the first sentence, and a stop glued to a figure ("£1m. The") still ends one.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Optional

import numpy as np
import spacy
from spacy.attrs import IDX, IS_PUNCT, LENGTH, LIKE_NUM, ORTH
from spacy.language import Language

from .model import Block, Clause, Document

# "4", "4.2", "4.2.1", "4.2.1." / "1)" / "(a)", "(iv)", "a)" / bullets. Roman numerals are
# limited to the forms tenders use so "(c)" stays a letter and "(iv)" a numeral.
NUMBER_RE = re.compile(
    r"""^\s*(?:
        (?P<dotted>(?:Section|Clause|Part|Schedule|Annex)?\s*\d{1,3}(?:\.\d{1,3}){0,5})\.?(?=\s|$)
      | (?P<paren>\((?:[a-zA-Z]|[ivxIVX]{1,5}|\d{1,2})\))
      | (?P<half>(?:[a-z]|[ivx]{1,5}|\d{1,2})\))
      | (?P<bullet>[•▪●◦‣∙·\-–*])
    )\s+""",
    re.VERBOSE,
)
ROMAN_RE = re.compile(r"^[ivx]{1,5}$", re.I)
SECTION_WORD_RE = re.compile(r"^(Section|Clause|Part|Schedule|Annex)\s+", re.I)

# A block this short that does not end like a sentence, and is numbered or marked as a heading,
# opens a new section of the heading path.
HEADING_MAX_CHARS = 90
SENTENCE_END_RE = re.compile(r"[.:;?!]\s*$")

# Sentences longer than this are split again at semicolons so a quoted clause stays readable.
MAX_CLAUSE_CHARS = 700


@dataclass(frozen=True)
class _Numbering:
    number: Optional[str]
    depth: int  # 1 for "4", 2 for "4.2" ...; 0 when unnumbered
    body_start: int  # where the text after the number starts
    kind: str  # dotted | paren | half | bullet | none


def read_number(text: str) -> _Numbering:
    """The clause number a block starts with, if any."""
    m = NUMBER_RE.match(text)
    if not m:
        return _Numbering(None, 0, 0, "none")
    if m.group("dotted"):
        raw = SECTION_WORD_RE.sub("", m.group("dotted").strip())
        return _Numbering(raw, raw.count(".") + 1, m.end(), "dotted")
    if m.group("paren"):
        return _Numbering(m.group("paren"), 0, m.end(), "paren")
    if m.group("half"):
        return _Numbering("(" + m.group("half")[:-1] + ")", 0, m.end(), "half")
    return _Numbering(None, 0, m.end(), "bullet")


def is_heading(block: Block, numbering: _Numbering) -> bool:
    text = block.text.strip()
    if block.kind == "heading":
        return True
    if block.kind == "table_row" or len(text) > HEADING_MAX_CHARS or SENTENCE_END_RE.search(text):
        return False
    body = text[numbering.body_start:].strip()
    # "4.2 Economic and Financial Standing": numbered, short, title-like, no verb-ish ending
    return numbering.kind == "dotted" and bool(body) and body[0].isupper() and len(body.split()) <= 10


# Tokens ending in "." that do not end a sentence. spaCy's tokenizer leaves "£1m." or
# "Ltd." as one token, which the sentencizer then never splits after.
ABBREVIATIONS = frozenset("""e.g. i.e. etc. no. nos. reg. regs. para. paras. approx. inc. ltd. co.
st. mr. mrs. ms. dr. vs. cf. art. arts. s. ss. fig. p. pp. incl. max. min. cl. sch. ref. tel.
dept. govt. plc. u.k. a.m. p.m.""".split())


def _glued_stop_splits(text: str, starts: list[int], ends: list[int],
                       like_num: list[int]) -> list[int]:
    """Tokens that open a sentence after a glued stop ("... £1m. The ..."), given each
    token's start and end offset in `text` and its LIKE_NUM flag."""
    opens = []
    for m in _GLUED_STOP_RE.finditer(text):
        i = bisect_left(ends, m.end())
        if i >= len(ends) - 1 or ends[i] != m.end() or ends[i] - starts[i] < 2:
            continue  # the stop is a token of its own: the sentencizer sees it
        token = text[starts[i]:ends[i]]
        if token.lower() not in ABBREVIATIONS \
                and (any(ch.isdigit() for ch in token) or (i > 0 and like_num[i - 1])) \
                and text[starts[i + 1]:starts[i + 1] + 1].isupper():
            opens.append(i + 1)
    return opens


_GLUED_STOP_RE = re.compile(r"(?<=\S)\.")


@lru_cache(maxsize=1)
def sentence_pipeline() -> Language:
    """Blank English + sentencizer: no model download, built once per process. `segment`
    uses its tokenizer and the sentencizer's stop characters; the rule engine its vocabulary."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


class _HeadingTracker:
    """The current heading path, kept by the depth of dotted numbers."""

    def __init__(self) -> None:
        self.path: list[tuple[int, str]] = []

    def push(self, depth: int, title: str) -> None:
        depth = max(depth, 1)
        self.path = [(d, t) for d, t in self.path if d < depth]
        self.path.append((depth, title))

    @property
    def titles(self) -> tuple[str, ...]:
        return tuple(t for _, t in self.path)


def _split_long(text: str, start: int) -> Iterable[tuple[str, int]]:
    if len(text) <= MAX_CLAUSE_CHARS:
        yield text, start
        return
    pos = 0
    for m in re.finditer(r";\s+", text):
        if m.end() - pos > 80:
            yield text[pos:m.start() + 1], start + pos
            pos = m.end()
    if pos < len(text):
        yield text[pos:], start + pos


@lru_cache(maxsize=1)
def _stop_chars() -> tuple[frozenset[str], frozenset[int]]:
    """The sentencizer's stop characters other than ".", and the string ids (ORTH) of all of
    them, as `_sentence_spans` compares tokens by id."""
    nlp = sentence_pipeline()
    punct = nlp.get_pipe("sentencizer").punct_chars
    return frozenset(punct - {"."}), frozenset(nlp.vocab.strings.add(c) for c in punct)


def _one_sentence(text: str, body_start: int) -> bool:
    """True when `_sentence_spans` could not split `text`: no stop before its closing
    punctuation, except a full stop between two digits ("4.2", "£1.5m"), which spaCy keeps
    in one token. Table rows, headings and most list items are like this, and need no
    tokenising at all."""
    # a split inside a leading "4." or "(a)" is undone, so only the body counts
    body = text[body_start:].rstrip(_CLOSING)
    if not _stop_chars()[0].isdisjoint(body):
        return False
    n, k = len(body), body.find(".")
    while k != -1:
        if not (k and body[k - 1].isdigit() and k + 1 < n and body[k + 1].isdigit()):
            return False
        k = body.find(".", k + 1)
    return True


# what may follow a block's last sentence stop without opening another sentence
_CLOSING = " \t\r\n\u00a0.!?\"'”’)]}»"
# Blocks are tokenised as one text joined by this; spaCy never makes a token across it.
_BLOCK_SEPARATOR = "\n\n"


def _sentence_spans(nlp: Language, texts: list[str], body_starts: list[int]) -> list[list[tuple[int, int]]]:
    """Per text, the (start, end) character spans of its sentences: as spaCy's sentencizer
    splits each text on its own, then a glued stop ("£1m. The") opens a sentence and a
    leading clause number ("4.2", "(a)") stays with the first.

    One tokeniser call over all the texts and array arithmetic instead of `nlp.pipe`: the
    sentencizer walks a Python Token object per token, which cost more than the tokenising.
    """
    if not texts:
        return []
    doc = nlp.make_doc(_BLOCK_SEPARATOR.join(texts))
    offsets = np.cumsum([0] + [len(t) + len(_BLOCK_SEPARATOR) for t in texts[:-1]])
    arr = doc.to_array([ORTH, IS_PUNCT, IDX, LENGTH, LIKE_NUM]).astype(np.int64, copy=False) \
        if len(doc) else np.zeros((0, 5), dtype=np.int64)
    # drop separator tokens: those starting outside their text
    block = np.searchsorted(offsets, arr[:, 2], side="right") - 1
    local = arr[:, 2] - offsets[block]
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    keep = local < lengths[block]
    arr, block, local = arr[keep], block[keep], local[keep]
    _, stop_ids = _stop_chars()
    # ORTH is a uint64 hash read as int64 here; compare the same way
    stop_ids_signed = np.array(sorted(stop_ids), dtype=np.uint64).astype(np.int64)
    is_stop = np.isin(arr[:, 0], stop_ids_signed)
    is_word = ~is_stop & (arr[:, 1] == 0)
    first = np.ones(len(arr), dtype=bool)
    first[1:] = block[1:] != block[:-1]
    # the sentencizer: a word opens a sentence when the last word-or-stop before it in the
    # same text is a stop
    starts = first.copy()
    marked = np.flatnonzero(is_word | is_stop)
    if len(marked) > 1:
        after_stop = is_word[marked[1:]] & is_stop[marked[:-1]] & (block[marked[1:]] == block[marked[:-1]])
        starts[marked[1:][after_stop]] = True
    token_starts = local.tolist()
    token_ends = (local + arr[:, 3]).tolist()
    like_num = arr[:, 4].tolist()
    bounds = np.flatnonzero(first).tolist() + [len(arr)]
    spans: list[list[tuple[int, int]]] = [[] for _ in texts]
    for b0, b1 in zip(bounds, bounds[1:]):
        k = int(block[b0])
        s0, e0 = token_starts[b0:b1], token_ends[b0:b1]
        flags = starts[b0:b1]
        # split after glued stops ("£1m. The"), then keep the number with the first sentence
        for i in _glued_stop_splits(texts[k], s0, e0, like_num[b0:b1]):
            flags[i] = True
        if body_starts[k]:
            flags[1:bisect_left(s0, body_starts[k]) + 1] = False
        firsts = np.flatnonzero(flags).tolist()
        lasts = [f - 1 for f in firsts[1:]] + [b1 - b0 - 1]
        spans[k] = [(s0[f], e0[e]) for f, e in zip(firsts, lasts)]
    return spans


def _sentences(nlp: Language, blocks: list[Block], numberings: list[_Numbering]
               ) -> list[list[tuple[int, int]]]:
    """Per block, the (start, end) character spans of its sentences: from the sentencizer's
    rules for blocks that may hold several sentences, the whole block for the rest."""
    simple = [_one_sentence(b.text, n.body_start) for b, n in zip(blocks, numberings)]
    split = iter(_sentence_spans(nlp, [b.text for b, one in zip(blocks, simple) if not one],
                                 [n.body_start for n, one in zip(numberings, simple) if not one]))
    return [[(0, len(block.text))] if one else next(split) for block, one in zip(blocks, simple)]


def segment(document: Document) -> list[Clause]:
    """Split a document into clauses with clause numbers and heading paths."""
    nlp = sentence_pipeline()
    blocks = [b for b in document.blocks if b.text.strip()]
    headings = _HeadingTracker()
    last_dotted: Optional[str] = None
    clauses: list[Clause] = []
    numberings = [read_number(b.text) for b in blocks]
    for block, numbering, spans in zip(blocks, numberings, _sentences(nlp, blocks, numberings)):
        if is_heading(block, numbering):
            depth = numbering.depth or (1 if not headings.path else headings.path[-1][0] + 1)
            headings.push(depth, block.text.strip())
            if numbering.kind == "dotted":
                last_dotted = numbering.number
            continue
        if numbering.kind == "dotted":
            last_dotted = numbering.number
            number = numbering.number
        elif numbering.kind in ("paren", "half"):
            number = f"{last_dotted}{numbering.number}" if last_dotted else numbering.number
        else:
            number = last_dotted  # unnumbered text sits under the last numbered clause
        for start_char, end_char in spans:
            sent = block.text[start_char:end_char]
            text = sent.strip()
            if not text:
                continue
            offset = block.start + start_char + (len(sent) - len(sent.lstrip()))
            for raw, raw_start in _split_long(text, offset):
                piece = raw.strip()
                piece_start = raw_start + (len(raw) - len(raw.lstrip()))
                if len(piece) < 3:
                    continue
                clauses.append(Clause(
                    text=piece, file=block.file, page=block.page, start=piece_start,
                    end=piece_start + len(piece), number=number, heading=headings.titles,
                    kind=block.kind,
                ))
    return clauses
