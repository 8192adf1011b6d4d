"""Read money, percentages, durations, counts and multiples out of clause text.

    >>> [(q.kind, q.value, q.unit, q.text) for q in parse_quantities(
    ...     "a turnover of £1.5m in each of the last three (3) years")]
    [('money', 1500000.0, 'GBP', '£1.5m'), ('duration', 3.0, 'years', 'three (3) years')]

How it works, in passes over one string:

1. Find figures with their currency and magnitude ("£1.5m", "INR 2,50,000", "5 million"),
   skipping those that are not quantities: standards ("ISO 9001:2015"), dates, times,
   clause numbers ("4.2.1"), legal and document references ("Regulation 58(9)",
   "PPN 02/13", "Lot 3", "page 4"), phone numbers and postcodes.
2. Find runs of number words ("one hundred and fifty thousand"), which text2num turns into
   values. A word and the figure restating it ("three (3)") become one number.
3. Give each number a kind from what follows it (a currency, "%", a duration unit, "times",
   a countable noun) and, for money, what precedes it.
4. Join ranges ("£1m - £2m", "between 3 and 5 years", "£1-2m") and restatements
   ("Five Million pounds (5,000,000 GBP)") into one Quantity.

Conventions (callers rely on these):

- Money `value` is in units of its currency; a range keeps its low end in `value` and its
  high end in `high`. Signs are ignored: amounts are read as unsigned.
- A bare large figure is money in `default_currency` only after a money word ("turnover
  of 2,000,000", "Value: 400000"); "lakh"/"crore" without a currency are INR.
- Duration `days`: hours/24, days x1, working/business days x7/5 rounded to the nearest day,
  weeks x7, months x30, years x365 (always for the low end of a range).
- Counts have the counted noun's lemma as unit ("reference", "case study", "FTE"); see
  `STAFF_UNITS` for those that measure a workforce. Counts are whole numbers only and never
  look like a year (1900-2099 written without a comma).
- `base` of a percentage or multiple is what it is of, normalised ("of the value of the
  contract" -> "contract value").
- `format_money` writes INR with Indian grouping ("₹50,00,000") and other currencies with
  groups of three ("£5,000,000"); pence are shown only when not zero.
"""
from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any, Literal, Optional

from text_to_num import text2num  # type: ignore[import-untyped]  # ships no py.typed

from barrier_scan.prefilter import fold_case, literal_check
from barrier_scan.model import Quantity
from barrier_scan.quantities_data import (
    BASE_MODIFIERS,
    BASE_NOUNS,
    BASE_OWNERS,
    COUNT_NOUNS,
    COUNT_STOP_WORDS,
    CURRENCY_PREFIXES,
    CURRENCY_SUFFIXES,
    CURRENCY_SYMBOLS,
    DAYS_PER_UNIT,
    DOTTED_REFERENCE_WORDS,
    DURATION_ADJECTIVES,
    DURATION_UNITS,
    INDIAN_MAGNITUDES,
    MAGNITUDE_LETTERS,
    MAGNITUDE_WORDS,
    MONEY_CUE_NOUNS,
    MONTHS,
    MULTIPLE_WORDS,
    REFERENCE_WORDS,
    SCALE_WORDS,
    STAFF_UNITS,
    STANDARD_BODIES,
    TENS_WORDS,
    UNIT_WORDS,
    WORKING_DAY_ADJECTIVES,
)

__all__ = [
    "STAFF_UNITS",
    "ValueStatement",
    "find_contract_value_statements",
    "find_value_statements",
    "format_money",
    "parse_money",
    "parse_quantities",
]

# A bare figure needs to be at least this large to be read as money after a money word:
# "turnover of 2,000,000" is money, "value of 3" is not.
MIN_BARE_MONEY = 1000.0
# Years written as bare four-digit figures are never counts ("2015 contracts" is a date).
YEAR_LIKE = range(1900, 2100)
# How far back (characters) a value statement's cue may sit from its amount.
VALUE_CUE_WINDOW = 160
# The longest number phrase read from words: "nine hundred and ninety nine thousand nine
# hundred and ninety nine" is 11 words. The cap keeps a hostile run of number words linear.
MAX_NUMBER_WORDS = 12
# Relative tolerance when deciding that two figures restate each other.
RESTATE_TOLERANCE = 1e-9


def _alternation(words: "tuple[str, ...] | list[str]") -> str:
    """A regex alternation of literal words, longest first so "pounds sterling" beats "pounds"."""
    escaped = sorted((re.escape(w).replace(r"\ ", r"\s+") for w in words), key=len, reverse=True)
    return "(?:" + "|".join(escaped) + ")"


_SPACE = r"[ \u00a0\u202f]"  # a space inside a figure or between figure and unit; no newline


def _words(words: "tuple[str, ...] | list[str]") -> str:
    """A whole-word pattern for lower-cased text, written as a prefix tree.

    Python's regex engine tries each branch of an alternation in turn at every position; a
    tree ("t(?:en|h(?:ree|irty))") tries one letter at a time, which halves the cost of the
    scan every clause pays.
    """
    return r"\b" + _trie(sorted(set(words))) + r"(?![a-z])"


def _trie(words: "list[str]") -> str:
    tree: dict[str, Any] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_pattern(tree)


def _trie_pattern(node: "dict[str, Any]") -> str:
    branches = [re.escape(char) + _trie_pattern(child)
                for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return "(?:" + body + ")?" if "" in node else body


# All patterns below except the `_MASK_*` ones run on the lower-cased text (see `_lower`).

# The end of a word. OCDS notice text that lost its line breaks keeps a literal "rn" glued
# to the word before ("GBP 10mrn Employers Liability"), so "rn" before a non-letter ends a
# word too.
_WORD_END = r"(?:(?![a-z0-9])|(?=rn(?![a-z])))"

# --- pass 1: numbers that are not quantities ------------------------------------------------
_MONTHS = _alternation(MONTHS + tuple(m.upper() for m in MONTHS))
_REF_NUMBER = r"[0-9]+(?:\.[0-9]+)*[a-z]?(?:\([0-9a-z]{1,4}\))*"
# Tried at the start of each figure, on the original text.
_MASK_AT_FIGURE = re.compile("|".join([
    # dates: 31 March 2025, 1st of April
    r"[0-9]{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTHS + r"\b\.?(?:,?\s+[0-9]{4}\b)?",
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}\b",
    # financial years: 2023-24, 2023/2024
    r"(?:19|20)[0-9]{2}\s?[-–]\s?(?:19|20)?[0-9]{2}\b(?!\s*(?:%|per|times|x\b))",
    # times: 12:00, 9.30am, 5 pm, 12 noon, 12.00 hours
    r"[0-9]{1,2}(?:[:.][0-9]{2})?\s?(?:[aApP]\.?[mM]\.?(?![A-Za-z])|[nN]oon|[mM]idday)",
    r"[0-9]{1,2}\.[0-9]{2}\s?(?:hours|hrs|HRS|Hours)\b",
    # anything joined by ":" or "/" (ratios, dates, "24 / 7")
    r"[0-9]+(?:\s?[:/]\s?[0-9]+)+",
    # sub-paragraph references glued to a number: 58(9), 22(3)(a)
    r"[0-9]+(?:\([0-9A-Za-z]{1,4}\))+",
    # phone numbers: 020 7946 0000, 0800 123456
    r"0[0-9]{2,4}[\s-]?[0-9]{3,4}[\s-]?[0-9]{3,4}(?![0-9])",
]))
_MASK_INTERNATIONAL_PHONE = re.compile(
    r"[0-9]{1,3}\s?(?:\(0\)\s?)?[0-9]{2,4}[\s-]?[0-9]{3,4}[\s-]?[0-9]{3,4}(?![0-9])")
# The word just before a figure ("Lot 3", "Regulation 58", "s. 22", "March 2025", "ISO 9001").
_MASK_WORD_BEFORE = re.compile(
    r"(?<![A-Za-z0-9])([A-Za-z][A-Za-z0-9]*(?:/[A-Z]+)?)(\.?)[ \u00a0]*\Z")
_MASK_POSTCODE_TAIL = re.compile(r"[0-9][A-Z]{2}\b")
_MASK_POSTCODE_HEAD = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?")
_REFERENCE_LIST = re.compile(
    _REF_NUMBER + r"(?:\s*(?:,|-|–|&|\band\b|\bto\b|\bor\b)\s*" + _REF_NUMBER + r"(?![0-9]))*")
_AFTER_MONTH = re.compile(r"[0-9]{1,4}(?:st|nd|rd|th)?(?:,?\s+[0-9]{4}\b)?")
_STANDARD_TAIL = re.compile(r"[0-9]+(?:[-:.][0-9]+)*(?:\s*\+\s*a[0-9]+(?::[0-9]+)?)?")
_REFERENCE_SET = frozenset(REFERENCE_WORDS)
_DOTTED_REFERENCE_SET = frozenset(DOTTED_REFERENCE_WORDS)
_MONTH_SET = frozenset(MONTHS + tuple(m.upper() for m in MONTHS))
_STANDARD_SET = frozenset(STANDARD_BODIES)

# --- pass 2: numbers ------------------------------------------------------------------------
_MAGNITUDE = (
    r"(?P<mag>" + _SPACE + r"?" + _alternation(tuple(MAGNITUDE_LETTERS)) + _WORD_END
    + r"|\s*" + _alternation(tuple(MAGNITUDE_WORDS)) + _WORD_END + r")?"
)
_PLAIN_FIGURE = r"[0-9]+(?:,[0-9]+)*(?:\.[0-9]+)?"
_FIGURE_END = r"(?![0-9]|[.,:/][0-9])"
# Figures are found from digit runs (one fast scan), then read with one of these at the run.
_DIGIT_RUN = re.compile(r"[0-9]+")
_FIGURE = re.compile(r"(?P<num>" + _PLAIN_FIGURE + r")" + _FIGURE_END + _MAGNITUDE)
# After a currency sign, "£ 5 000 000" and "€5.000.000,00" are single figures too.
_MONEY_FIGURE = re.compile(
    r"(?P<num>[0-9]{1,3}(?:" + _SPACE + r"[0-9]{3})+(?![0-9])"
    r"|[0-9]{1,3}(?:\.[0-9]{3}){2,}(?:,[0-9]{2})?(?![0-9])"
    r"|" + _PLAIN_FIGURE + r")" + _FIGURE_END + _MAGNITUDE
)
_CURRENCY_SUFFIX = r"\s*(?P<cur>" + _alternation(tuple(CURRENCY_SUFFIXES)) + r")" + _WORD_END
# "10 000 000 GBP": figures grouped by spaces are one figure when a currency follows.
_SPACED_FIGURE = re.compile(
    r"(?P<num>[0-9]{1,3}(?:" + _SPACE + r"[0-9]{3})+)" + _FIGURE_END + _MAGNITUDE
    + r"(?=" + _CURRENCY_SUFFIX + r")"
)
_CURRENCY_BEFORE = re.compile(
    r"(?P<cur>us\$|£|€|\$|₹|(?<![a-z])(?:gbp|eur|usd|inr|rs\.?))" + _SPACE + r"?\Z")
# A figure glued to these is part of a bigger token ("A4", "v2.1", "1/2", "x,5").
_GLUE_BEFORE = frozenset("_.,/:£€$₹")
# Groups after the first: all three digits (1,500,000) or Indian (2,50,000 / 50,00,000).
_WESTERN_GROUPS = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})*")
_INDIAN_GROUPS = re.compile(r"[0-9]{1,2}(?:,[0-9]{2})*,[0-9]{3}")
# Continental style after a currency sign only: "€5.000.000,00" (two or more dot groups, so
# "€1.500" stays one and a half).
_EUROPEAN_GROUPS = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3}){2,}(?:,[0-9]{2})?")
_SEPARATORS = re.compile(r"[,\s\u00a0\u202f]")

_NUMBER_WORD_SET = frozenset(UNIT_WORDS + TENS_WORDS + SCALE_WORDS)
_SCALE_SET = frozenset(SCALE_WORDS)
_SMALL_NUMBER_SET = frozenset(UNIT_WORDS + TENS_WORDS)
_TENS_SET = frozenset(TENS_WORDS)
# The only words that may follow a tens word ("twenty one").
_DIGIT_WORD_SET = frozenset(
    {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine"})
_SCALE_VALUES = MappingProxyType({"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9})
# Number words and "twice"/"double": one scan finds both, and tells a clause without any
# number from one that needs parsing.
_NUMBER_WORD = re.compile(_words(UNIT_WORDS + TENS_WORDS + SCALE_WORDS + tuple(MULTIPLE_WORDS)))
_WORD_GAP = re.compile(r"[\s-]+|\s+and\s+")
_A_BEFORE = re.compile(r"(?<![a-z])an?\s+\Z")
_AND_A_HALF = re.compile(r"\s+and\s+a\s+half\b")
_HAS_FIGURE = re.compile(r"[0-9]")

# --- pass 3: what follows a number ----------------------------------------------------------
_CURRENCY_AFTER = re.compile(_CURRENCY_SUFFIX)
_BASE = (
    r"(?P<base>(?:\s+" + _alternation(BASE_MODIFIERS) + r")*\s+"
    + _alternation(BASE_NOUNS) + r"(?:\s+of\s+(?:the|this)\s+(?P<owner>"
    + _alternation(BASE_OWNERS) + r"))?)\b"
)
# "of the bidder's annual turnover": a possessive owner may stand before the base
_DETERMINER = (r"(?:\s+(?:the|its|their|your|this|an?|our)\b)?"
               r"(?:\s+(?:bidder|tenderer|supplier|applicant|candidate|contractor|provider|"
               r"company|organisation|organization|firm)(?:'s|\u2019s|s'|s\u2019)(?!\w))?")
_PERCENT = re.compile(
    r"(?:" + _SPACE + r"?%|\s*(?:per[ \u00a0-]?cent|percent|pct)\b)"
    r"(?:\s+of" + _DETERMINER + _BASE + r")?"
)
_FREQUENCY = r"(?!\s+(?:a|per|each|every|daily|weekly|monthly|yearly|annually|in\s+a)\b)"
# "3x the contract value" and "3x." are multiples; "2 x extensions" and "7 x 12" are not.
_BASE_AHEAD = (r"(?:\s+of)?" + _DETERMINER + r"(?:\s+" + _alternation(BASE_MODIFIERS) + r")*\s+"
               + _alternation(BASE_NOUNS) + r"\b")
_MULTIPLE = re.compile(
    r"(?:" + _SPACE + r"?[x×](?=" + _BASE_AHEAD + r"|(?![a-z0-9])(?!\s*[a-z0-9]))"
    r"|\s+times\b" + _FREQUENCY + r")"
    r"(?:(?:\s+of)?" + _DETERMINER + _BASE + r")?"
)
_MULTIPLE_WORD_TAIL = re.compile(_FREQUENCY + r"(?:(?:\s+of)?" + _DETERMINER + _BASE + r")?")
# A "+" after the figure ("5+ years", "10,000+ employees") means "at least": same quantity.
_DURATION = re.compile(
    r"\+?(?:\s*-\s*|\s*)(?:(?P<adj>" + _alternation(DURATION_ADJECTIVES) + r")[\s-]+)?"
    r"(?P<unit>" + _alternation(tuple(DURATION_UNITS)) + r")" + _WORD_END
)
_COUNT = re.compile(
    r"\+?(?:" + _SPACE + r"+|-)"
    r"(?:(?!" + _alternation(COUNT_STOP_WORDS + UNIT_WORDS + TENS_WORDS) + r"\b)"
    r"[a-z][a-z'’-]*" + _SPACE + r"+){0,3}"
    r"(?P<noun>" + _alternation(tuple(COUNT_NOUNS)) + r")" + _WORD_END
)
# A currency named in a label or column heading: "Turnover (£): 1,500,000".
_LABEL_CURRENCY = re.compile(
    r"\((?P<cur>£|€|\$|₹|gbp|eur|usd|inr)\)\s*[:|=]?\s*\Z")
_MONEY_CUE_BEFORE = re.compile(
    r"\b" + _alternation(MONEY_CUE_NOUNS) + r"s?\b[^.;\n0-9£€$₹]{0,40}\Z"
)

# --- pass 4: ranges and restatements --------------------------------------------------------
_RANGE_SEPARATOR = re.compile(r"\s*(?:-|–|—|to)\s*")
_AND_SEPARATOR = re.compile(r"\s+and\s+")
_BETWEEN_BEFORE = re.compile(r"(?:between|from)\s+\Z")
_OPEN_PAREN = re.compile(r"\s*\(\s*")
_CLOSE_PAREN = re.compile(r"\s*\)")


def _lower(text: str) -> str:
    """`text` lower-cased with every offset unchanged ("İ" is the one letter that grows)."""
    low = text.lower()
    return low if len(low) == len(text) else text.replace("İ", "i").lower()


@dataclass
class _Number:
    """A number found in the text, before it is given a kind."""

    start: int
    end: int  # end of the figure or words, before any letter magnitude
    value: float  # with any magnitude word applied
    currency: Optional[str] = None  # from a prefix such as "£" or "GBP "
    word_scale: float = 1.0  # "million", "thousand", "lakh": already in `value`
    letter_scale: float = 1.0  # "m", "k", "bn": applied only when the number is money
    letter_end: int = 0  # end including the letter magnitude
    indian: bool = False  # lakh / crore
    is_word: bool = False
    has_scale: bool = False  # a magnitude word or letter was written
    grouped: bool = False  # written with thousands separators


@dataclass
class _Item:
    number: _Number
    quantity: Optional[Quantity]


def parse_quantities(text: str, default_currency: str = "GBP") -> list[Quantity]:
    """Every quantity in `text`, sorted by start offset.

    text (str): a clause or any string; odd input gives fewer results, never an error.
    default_currency (str): ISO code for bare amounts after a money word ("turnover of 2m").
    RETURNS (list[Quantity]): with `text[q.start:q.end] == q.text` for each.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_quantities() needs a str, not {type(text).__name__}")
    low = _lower(text)
    words = list(_NUMBER_WORD.finditer(low))
    if not words and not _HAS_FIGURE.search(text):
        return []
    numbers = _find_figures(text, low)
    numbers.extend(_word_numbers(low, words, numbers))
    numbers.sort(key=lambda n: n.start)
    numbers = _join_restated_numbers(low, numbers)
    items = [_Item(n, _classify(text, low, n, default_currency.upper())) for n in numbers]
    items = _join_ranges(text, low, items)
    quantities = [i.quantity for i in items if i.quantity is not None]
    quantities.extend(_multiple_words(text, low, words))
    quantities.sort(key=lambda q: q.start)
    return _drop_overlaps(_join_restatements(text, low, quantities))


def parse_money(text: str, default_currency: str = "GBP") -> list[Quantity]:
    """Only the money in `text` (see `parse_quantities`)."""
    return [q for q in parse_quantities(text, default_currency) if q.kind == "money"]


def format_money(amount: float, currency: str) -> str:
    """An amount as a person reads it: "£5,000,000", "€13,000,000", "$2,500", "₹50,00,000".

    INR uses Indian grouping (lakh, crore); currencies without a symbol are written with
    their code ("CHF 1,000"). Pence/cents are shown only when not zero.
    """
    code = currency.upper()
    sign = "-" if amount < 0 else ""
    cents = round(abs(amount) * 100)
    whole, fraction = divmod(cents, 100)
    digits = _indian_grouping(whole) if code == "INR" else f"{whole:,}"
    if fraction:
        digits += f".{fraction:02d}"
    symbol = CURRENCY_SYMBOLS.get(code)
    return f"{sign}{symbol}{digits}" if symbol else f"{sign}{code} {digits}"


def _indian_grouping(whole: int) -> str:
    text = str(whole)
    if len(text) <= 3:
        return text
    head, tail = text[:-3], text[-3:]
    pairs: list[str] = []
    while len(head) > 2:
        pairs.insert(0, head[-2:])
        head = head[:-2]
    return ",".join([head, *pairs, tail])


# --- finding numbers ------------------------------------------------------------------------


def _overlaps(start: int, end: int, starts: list[int], ends: list[int]) -> bool:
    """Whether [start, end) overlaps one of the sorted, disjoint spans (starts[i], ends[i])."""
    i = bisect.bisect_left(starts, end) - 1
    return i >= 0 and ends[i] > start


def _find_figures(text: str, low: str) -> list[_Number]:
    numbers = []
    masked_until = consumed = -1
    for run in _DIGIT_RUN.finditer(low):
        start = run.start()
        if start < consumed or start < masked_until:
            continue  # the "500" of "1,500,000"; the "2025" of "31 March 2025"
        before = _CURRENCY_BEFORE.search(low, max(0, start - 4), start)
        glued = start and (low[start - 1].isalnum() or low[start - 1] in _GLUE_BEFORE)
        if before is None and glued:
            continue
        m = (_MONEY_FIGURE if before else _SPACED_FIGURE).match(low, start)
        if m is None and before is None:
            m = _FIGURE.match(low, start)
        if m is None:
            continue  # "4.2.1", "9001:2015"
        consumed = m.end("num")
        if before is None:
            # A currency sign makes a figure money whatever it looks like ("€5.000.000").
            mask_end = _not_quantity_end(text, low, start)
            if mask_end is not None:
                masked_until = mask_end
                continue
        number = _figure(m, before)
        if number is not None:
            numbers.append(number)
    return numbers


def _not_quantity_end(text: str, low: str, start: int) -> Optional[int]:
    """Where the reference, date, time or phone number holding the figure at `start` ends.

    None when the figure is an ordinary number. Looks at the figure itself ("58(9)",
    "12:00", "31 March") and at the word before it ("Lot 3", "s. 22", "ISO 9001").
    """
    m = _MASK_AT_FIGURE.match(text, start)
    if m:
        return m.end()
    if start and text[start - 1] == "+":
        m = _MASK_INTERNATIONAL_PHONE.match(text, start)
        if m:
            return m.end()
    before = _MASK_WORD_BEFORE.search(text, max(0, start - 16), start)
    if before is None:
        return None
    word, dot = before.groups()
    tail: Optional[re.Pattern[str]] = None
    lowered = word.lower()
    if word in _MONTH_SET:
        tail = _AFTER_MONTH
    elif word.split("/")[0] in _STANDARD_SET:
        tail = _STANDARD_TAIL
    elif lowered in _REFERENCE_SET or (dot and lowered in _DOTTED_REFERENCE_SET):
        tail = _REFERENCE_LIST
    if tail is not None:
        m = tail.match(low, start)
        return m.end() if m else start + 1
    if _MASK_POSTCODE_HEAD.fullmatch(word) and _MASK_POSTCODE_TAIL.match(text, start):
        return start + 3
    return None


def _figure(m: "re.Match[str]", before: "Optional[re.Match[str]]") -> Optional[_Number]:
    raw = m.group("num")
    if before is not None and _EUROPEAN_GROUPS.fullmatch(raw):
        value = float(raw.replace(".", "").replace(",", "."))
    else:
        whole = raw.split(".")[0]
        grouping_ok = _WESTERN_GROUPS.fullmatch(whole) or _INDIAN_GROUPS.fullmatch(whole)
        if "," in whole and not grouping_ok:
            return None  # "1,2,3" is a list, not a number
        value = float(_SEPARATORS.sub("", raw))
    number = _Number(start=before.start() if before else m.start(), end=m.end("num"),
                     value=value,
                     currency=CURRENCY_PREFIXES[before.group("cur")] if before else None,
                     grouped=bool(_SEPARATORS.search(raw)) or raw.count(".") > 1)
    number.letter_end = number.end
    mag = m.group("mag")
    if mag:
        word = mag.strip()
        number.has_scale = True
        if word in MAGNITUDE_WORDS:
            number.word_scale = MAGNITUDE_WORDS[word]
            number.value *= number.word_scale
            number.end = number.letter_end = m.end("mag")
            number.indian = word in INDIAN_MAGNITUDES
        else:
            number.letter_scale = MAGNITUDE_LETTERS[word]
            number.letter_end = m.end("mag")
    if not math.isfinite(number.value * number.letter_scale):
        return None  # a run of hundreds of digits is not an amount
    return number


def _word_numbers(low: str, words: "list[re.Match[str]]", figures: list[_Number]
                  ) -> list[_Number]:
    """Numbers written in words: runs of adjacent number words, read by text2num."""
    taken = ([n.start for n in figures], [n.letter_end for n in figures])
    numbers: list[_Number] = []
    run: list[re.Match[str]] = []
    for m in [*words, None]:
        if m is not None and m.group() in _NUMBER_WORD_SET:
            if (run and _can_follow(run[-1].group(), m.group())
                    and _WORD_GAP.fullmatch(low, run[-1].end(), m.start())):
                run.append(m)
                continue
            numbers.extend(_read_word_run(low, run, taken))
            run = [m]
        else:
            numbers.extend(_read_word_run(low, run, taken))
            run = []
    return numbers


def _can_follow(previous: str, word: str) -> bool:
    """Whether two number words can be parts of one number ("twenty one", "one hundred").

    "one two" and "five twenty" never can: splitting there keeps text2num's work small.
    """
    if previous in _SMALL_NUMBER_SET and word in _SMALL_NUMBER_SET:
        return previous in _TENS_SET and word in _DIGIT_WORD_SET
    return True


def _read_word_run(low: str, run: "list[re.Match[str]]", taken: tuple[list[int], list[int]]
                   ) -> list[_Number]:
    """Split a run of number words into the longest pieces text2num accepts."""
    if not run or _overlaps(run[0].start(), run[-1].end(), *taken):
        return []
    tokens = [(m.group(), m.start(), m.end()) for m in run]
    if tokens[0][0] in _SCALE_SET:
        a = _A_BEFORE.search(low, max(0, tokens[0][1] - 4), tokens[0][1])
        if a:  # "a million pounds"
            tokens.insert(0, ("one", a.start(), a.start() + 1))
    words = ["zero" if w == "nought" else w for w, _, _ in tokens]
    numbers: list[_Number] = []
    i = 0
    while i < len(tokens):
        for j in range(min(len(tokens), i + MAX_NUMBER_WORDS), i, -1):
            value = _word_value(words[i:j])
            if value is None:
                continue
            scale = _SCALE_VALUES.get(tokens[j - 1][0], 1.0)
            stop = tokens[j - 1][2]
            last_of_run = j == len(tokens)
            half = _AND_A_HALF.match(low, stop) if last_of_run and scale == 1.0 else None
            if half:  # "two and a half years"
                value, stop = value + 0.5, half.end()
            numbers.append(_Number(start=tokens[i][1], end=stop, value=value, is_word=True,
                                   letter_end=stop, word_scale=scale, has_scale=scale > 1))
            i = j
            break
        else:
            i += 1
    return numbers


def _word_value(words: list[str]) -> Optional[float]:
    if words[0] in _SCALE_SET:
        return None  # "million" alone is the tail of a figure ("5 million") or "millions"
    try:
        return float(text2num(" ".join(words), "en"))
    except ValueError:
        return None


def _join_restated_numbers(low: str, numbers: list[_Number]) -> list[_Number]:
    """ "three (3)" and "3 (three)" are one number spanning both."""
    joined: list[_Number] = []
    i = 0
    while i < len(numbers):
        a = numbers[i]
        if i + 1 < len(numbers):
            b = numbers[i + 1]
            closed = _CLOSE_PAREN.match(low, b.letter_end)
            if (closed and _OPEN_PAREN.fullmatch(low, a.letter_end, b.start)
                    and a.is_word != b.is_word and _same(a.value, b.value)
                    and not (a.currency and b.currency and a.currency != b.currency)):
                a = replace(a, end=closed.end(), letter_end=closed.end(),
                            currency=a.currency or b.currency, grouped=a.grouped or b.grouped)
                i += 1
        joined.append(a)
        i += 1
    return joined


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=RESTATE_TOLERANCE)


# --- giving numbers a kind ------------------------------------------------------------------


def _classify(text: str, low: str, n: _Number, default_currency: str) -> Optional[Quantity]:
    after = _CURRENCY_AFTER.match(low, n.letter_end)
    currency = n.currency or (CURRENCY_SUFFIXES[_squash(after.group("cur"))] if after else None)
    if currency:
        end = after.end() if after else n.letter_end
        return _quantity(text, "money", n.value * n.letter_scale, currency, n.start, end)
    if n.indian:
        return _quantity(text, "money", n.value, "INR", n.start, n.end)
    unit_quantity = _unit_quantity(text, low, n)
    if unit_quantity is not None:
        return unit_quantity
    amount = n.value * n.letter_scale
    label = None if n.is_word else _LABEL_CURRENCY.search(low, max(0, n.start - 12), n.start)
    if label:
        return _quantity(text, "money", amount, CURRENCY_PREFIXES[label.group("cur")], n.start,
                         n.letter_end)
    if ((n.has_scale or (amount >= MIN_BARE_MONEY and not _year_like(n)))
            and _MONEY_CUE_BEFORE.search(low, max(0, n.start - 60), n.start)):
        return _quantity(text, "money", amount, default_currency, n.start, n.letter_end)
    return None


def _unit_quantity(text: str, low: str, n: _Number) -> Optional[Quantity]:
    """A percentage, duration, multiple or count, from the words after the number."""
    pos = n.end
    m = _PERCENT.match(low, pos)
    if m:
        return _quantity(text, "percent", n.value, "%", n.start, m.end(), base=_base(m))
    m = _DURATION.match(low, pos)
    if m:
        unit = DURATION_UNITS[m.group("unit")]
        if unit == "days" and m.group("adj") in WORKING_DAY_ADJECTIVES:
            unit = "working_days"
        return _quantity(text, "duration", n.value, unit, n.start, m.end())
    m = _MULTIPLE.match(low, pos)
    if m:
        return _quantity(text, "multiple", n.value, "x", n.start, m.end(), base=_base(m))
    m = _COUNT.match(low, pos)
    if m and n.value == int(n.value) and not _year_like(n):
        noun = COUNT_NOUNS[_squash(m.group("noun"))]
        return _quantity(text, "count", n.value, noun, n.start, m.end())
    return None


def _year_like(n: _Number) -> bool:
    return not n.is_word and not n.grouped and n.value == int(n.value) and int(n.value) in YEAR_LIKE


def _squash(words: str) -> str:
    return " ".join(words.lower().split())


def _base(m: "re.Match[str]") -> Optional[str]:
    base = m.group("base")
    if not base:
        return None
    words = _squash(base).split(" of ")[0].split()
    owner = m.group("owner")
    if owner:
        words.insert(len(words) - 1, owner)
    return " ".join(words)


def _quantity(text: str, kind: str, value: float, unit: str, start: int, end: int,
              high: Optional[float] = None, base: Optional[str] = None) -> Quantity:
    return Quantity(kind=kind, value=float(value), unit=unit, text=text[start:end],
                    start=start, end=end, high=high, days=_days(kind, unit, value), base=base)


def _days(kind: str, unit: str, value: float) -> Optional[float]:
    if kind != "duration":
        return None
    days = value * DAYS_PER_UNIT[unit]
    if unit == "working_days":
        days = math.floor(days + 0.5)
    return float(days)


def _multiple_words(text: str, low: str, words: "list[re.Match[str]]") -> list[Quantity]:
    """ "twice the annual contract value"; "double"/"treble" only with a base."""
    found = []
    for m in words:
        word = m.group()
        if word not in MULTIPLE_WORDS:
            continue
        tail = _MULTIPLE_WORD_TAIL.match(low, m.end())
        if tail is None or (word not in ("twice", "thrice") and not tail.group("base")):
            continue
        found.append(_quantity(text, "multiple", MULTIPLE_WORDS[word], "x", m.start(),
                               tail.end(), base=_base(tail)))
    return found


# --- ranges and restatements ----------------------------------------------------------------


def _join_ranges(text: str, low: str, items: list[_Item]) -> list[_Item]:
    """ "£1m - £2m", "3-5 years", "between £100,000 and £250,000", "£1-2m" -> one Quantity."""
    out: list[_Item] = []
    i = 0
    while i < len(items):
        if i + 1 < len(items):
            joined = _range(text, low, items[i], items[i + 1])
            if joined is not None:
                out.append(_Item(items[i].number, joined))
                i += 2
                continue
        out.append(items[i])
        i += 1
    return out


def _range(text: str, low: str, first: _Item, second: _Item) -> Optional[Quantity]:
    a, b = first.number, second.number
    qa, qb = first.quantity, second.quantity
    a_end = qa.end if qa else a.end
    if not (_RANGE_SEPARATOR.fullmatch(low, a_end, b.start)
            or (_AND_SEPARATOR.fullmatch(low, a_end, b.start)
                and _BETWEEN_BEFORE.search(low, max(0, a.start - 12), a.start))):
        return None
    # "£1-2m", "1 to 2 million pounds": a low end written without a magnitude takes the
    # high end's.
    b_scale = b.word_scale * b.letter_scale
    if qa is not None and qb is not None:
        if (qa.kind, qa.unit) != (qb.kind, qb.unit) or qa.high is not None or qb.high is not None:
            return None
        lo, hi, template = qa.value, qb.value, qb
        if qa.kind == "money" and not a.has_scale and a.value * b_scale <= hi:
            lo = a.value * b_scale
    elif qa is None and qb is not None and qb.high is None:
        lo, hi, template = a.value, qb.value, qb
        if qb.kind == "money" and not a.has_scale:
            lo = a.value * b_scale
    elif (qa is not None and qa.kind == "money" and qa.high is None and qb is None
          and b.letter_scale > 1 and not b.currency):
        lo = qa.value if a.has_scale else a.value * b.letter_scale
        hi = b.value * b.letter_scale
        if lo > hi:
            return None
        return _quantity(text, "money", lo, qa.unit, a.start, b.letter_end, high=hi)
    else:
        return None
    if lo > hi:
        return None
    return _quantity(text, template.kind, lo, template.unit, a.start, template.end, high=hi,
                     base=template.base or (qa.base if qa else None))


def _join_restatements(text: str, low: str, quantities: list[Quantity]) -> list[Quantity]:
    """ "Five Million pounds (5,000,000 GBP)", "ten percent (10%)" -> one Quantity."""
    out: list[Quantity] = []
    i = 0
    while i < len(quantities):
        a = quantities[i]
        if i + 1 < len(quantities):
            b = quantities[i + 1]
            closed = _CLOSE_PAREN.match(low, b.end)
            if (closed and _OPEN_PAREN.fullmatch(low, a.end, b.start)
                    and (a.kind, a.unit) == (b.kind, b.unit) and _same(a.value, b.value)
                    and _same_high(a.high, b.high)):
                end = closed.end()
                out.append(replace(a, text=text[a.start:end], end=end, base=a.base or b.base))
                i += 2
                continue
        out.append(a)
        i += 1
    return out


def _drop_overlaps(quantities: list[Quantity]) -> list[Quantity]:
    """Keep the earlier of two quantities that share characters.

    Only garbled text gets here: in "13 million EUR1 year" the "EUR" closes one amount and
    opens the next.
    """
    kept: list[Quantity] = []
    for q in quantities:
        if not kept or q.start >= kept[-1].end:
            kept.append(q)
    return kept


def _same_high(a: Optional[float], b: Optional[float]) -> bool:
    return a is None and b is None or (a is not None and b is not None and _same(a, b))


# --- statements of the contract's own value -------------------------------------------------

Basis = Literal["annual", "total"]

_VALUE_CUE = re.compile(
    r"\b(?P<label>(?:(?:estimated|total|overall|aggregate|approximate|approx\.?|indicative|"
    r"anticipated|expected|maximum|max\.?|potential|whole[- ]life|lifetime|annual|annualised|"
    r"annualized|yearly|contract|framework|lot|procurement|agreement|tender)\s+)+value"
    r"(?:\s+of\s+(?:the|this)\s+(?:proposed\s+)?(?:contract|framework|lot|procurement|agreement|"
    r"opportunity|requirement|services|works|call-off))?"
    r"|value\s+of\s+(?:the|this)\s+(?:proposed\s+)?(?:contract|framework|lot|procurement|"
    r"agreement|opportunity|requirement|services|works|call-off)"
    r"|(?:contract|project|lot|framework|available|indicative|estimated|maximum|total|annual)"
    r"\s+budget"
    r"|budget\s+(?:for|of)\s+(?:the|this)\s+(?:contract|project|lot|framework|services?|works|"
    r"requirement)|budget(?=\s*:)"
    r"|(?:(?:anticipated|estimated|expected|total|annual|indicative)\s+)+spend"
    r"|contract\s+(?:sum|price)|valued\s+at|value\s+excluding\s+vat"
    r"|(?<![a-z] )value(?=\s*(?:\((?:excluding|excl\.?|exclusive\s+of|ex\.?)\s+vat\)\s*)?:)"
    r")\b"
)
# a substring test that skips the regex on almost every clause of a tender
_MAY_CUE_VALUE = literal_check(_VALUE_CUE)


# Words that show the amount is something other than the contract's value.
_NOT_VALUE = re.compile(
    r"\b(?:turnover|insurance|insured|indemnity|cover|liability|liabilities|bond|guarantee|"
    r"deposit|similar|comparable|previous|previously|minimum|at\s+least|not\s+less\s+than|"
    r"no\s+less\s+than|in\s+excess\s+of|exceed|exceeds|exceeding|more\s+than|greater\s+than|"
    r"above|below|less\s+than|threshold|thresholds|references?|experience|penalty|damages|"
    r"credit|each\s+contract|per\s+contract|contracts\s+with|contracts\s+of)\b"
    r"|['’]s\s+(?:\w+\s+){0,2}(?:budget|spend)"
)
_ANNUAL_CUE = re.compile(
    r"\b(?:annual|annualised|annualized|yearly|per\s+annum|per\s+year|a\s+year|each\s+year)\b")
_ANNUAL_AFTER = re.compile(
    r"\s*(?:\(?\s*(?:excluding|excl\.?|exclusive\s+of|ex\.?|including|incl\.?|inclusive\s+of)"
    r"\s+vat\s*\)?\s*,?\s*)?(?:per\s+annum|per\s+year|a\s+year|each\s+year|every\s+year|annually|"
    r"p\.\s?a\.?|pa\b|/\s*(?:yr|year|annum)\b)"
)
_SENTENCE_BREAK = re.compile(r"[;!?\n]|\.\s+(?=[A-Z][a-z])")


@dataclass(frozen=True)
class ValueStatement:
    """An amount the text gives as the contract's own value.

    quantity (Quantity): the money (a range keeps its high end in `high`).
    basis (str): "annual" for a yearly value, else "total".
    label (str): the cue words as written, lower-cased ("estimated value", "budget", "value").
    """

    quantity: Quantity
    basis: Basis
    label: str


def find_value_statements(text: str, default_currency: str = "GBP") -> list[ValueStatement]:
    """Amounts stated as the contract's value ("The estimated value is £400,000 per annum").

    Conservative: the cue ("estimated value", "contract value", "budget", "Value:") must sit
    in the same sentence before the amount, with no other amount between them and no word
    that makes it another sum ("turnover of £5m", "insurance of £10m", "contracts of a
    similar value of £1m").
    """
    statements: list[ValueStatement] = []
    low = _lower(text)
    if not _MAY_CUE_VALUE(fold_case(text)) or not _VALUE_CUE.search(low):
        return statements  # no cue anywhere: no amount can be the value (and parsing is dear)
    previous_end = 0
    for q in parse_money(text, default_currency):
        window_start = max(previous_end, q.start - VALUE_CUE_WINDOW, 0)
        previous_end = q.end
        breaks = list(_SENTENCE_BREAK.finditer(text, window_start, q.start))
        if breaks:
            window_start = breaks[-1].end()
        cues = list(_VALUE_CUE.finditer(low, window_start, q.start))
        if not cues or _NOT_VALUE.search(low, window_start, q.start):
            continue
        annual = bool(_ANNUAL_CUE.search(low, window_start, q.start)
                      or _ANNUAL_AFTER.match(low, q.end))
        statements.append(ValueStatement(q, "annual" if annual else "total",
                                         _squash(cues[-1].group("label"))))
    return statements


def find_contract_value_statements(text: str, default_currency: str = "GBP"
                                   ) -> list[tuple[Quantity, str]]:
    """(money, "annual" | "total") for each amount stated as the contract's value.

    The kind of statement (label) is on `find_value_statements`.
    """
    return [(s.quantity, s.basis) for s in find_value_statements(text, default_currency)]
