"""Word lists the quantity parser reads: currencies, units, counted nouns, reference words.

Kept apart from the parsing code so the vocabulary can be read (and extended) at a glance.
Everything here is immutable: tuples, frozensets and read-only mappings.
"""
from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

# Symbols and codes written before an amount ("£5m", "GBP 2,000,000", "Rs. 5 crore").
CURRENCY_PREFIXES: Mapping[str, str] = MappingProxyType({
    "£": "GBP", "€": "EUR", "$": "USD", "us$": "USD", "₹": "INR",
    "gbp": "GBP", "eur": "EUR", "usd": "USD", "inr": "INR", "rs": "INR", "rs.": "INR",
})

# Words and codes written after an amount ("2,000,000 GBP", "five million pounds").
CURRENCY_SUFFIXES: Mapping[str, str] = MappingProxyType({
    "gbp": "GBP", "pound": "GBP", "pounds": "GBP", "pound sterling": "GBP",
    "pounds sterling": "GBP", "sterling": "GBP", "stg": "GBP",
    "eur": "EUR", "euro": "EUR", "euros": "EUR", "€": "EUR",
    "usd": "USD", "dollar": "USD", "dollars": "USD", "us dollars": "USD",
    "inr": "INR", "rupee": "INR", "rupees": "INR",
})

CURRENCY_SYMBOLS: Mapping[str, str] = MappingProxyType({
    "GBP": "£", "EUR": "€", "USD": "$", "INR": "₹",
})

# Multipliers written after a figure. Single letters ("m", "k", "bn") only count when a
# currency is present, because "5m" alone is as often five metres.
MAGNITUDE_WORDS: Mapping[str, float] = MappingProxyType({
    "thousand": 1e3, "million": 1e6, "billion": 1e9,
    "lakh": 1e5, "lakhs": 1e5, "lac": 1e5, "lacs": 1e5,
    "crore": 1e7, "crores": 1e7,
})
MAGNITUDE_LETTERS: Mapping[str, float] = MappingProxyType({
    "k": 1e3, "m": 1e6, "mn": 1e6, "b": 1e9, "bn": 1e9,
})
# Lakh and crore are only used for Indian amounts, so a bare "5 crore" is rupees.
INDIAN_MAGNITUDES = frozenset({"lakh", "lakhs", "lac", "lacs", "crore", "crores"})

# Number words handed to text2num; "a" counts as one only before a scale word.
UNIT_WORDS: tuple[str, ...] = (
    "zero", "nought", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen",
)
TENS_WORDS: tuple[str, ...] = (
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
)
SCALE_WORDS: tuple[str, ...] = ("hundred", "thousand", "million", "billion")

# "twice the contract value"; double/treble/triple only count before a base ("double the
# annual value"), since on their own they are usually adjectives ("double-glazed").
MULTIPLE_WORDS: Mapping[str, float] = MappingProxyType({
    "twice": 2.0, "thrice": 3.0, "double": 2.0, "treble": 3.0, "triple": 3.0,
})

# Duration unit as written -> Quantity.unit.
DURATION_UNITS: Mapping[str, str] = MappingProxyType({
    "hour": "hours", "hours": "hours", "hr": "hours", "hrs": "hours",
    "day": "days", "days": "days",
    "week": "weeks", "weeks": "weeks", "wk": "weeks", "wks": "weeks",
    "month": "months", "months": "months", "mth": "months", "mths": "months",
    "year": "years", "years": "years", "yr": "years", "yrs": "years",
})
# Adjectives allowed between the figure and the unit ("30 calendar days", "3 financial years").
DURATION_ADJECTIVES: tuple[str, ...] = (
    "calendar", "working", "business", "clear", "consecutive", "full", "financial", "trading",
    "accounting", "complete", "continuous",
)
WORKING_DAY_ADJECTIVES = frozenset({"working", "business"})

# Calendar days per unit. A month is taken as 30 days (not 30.44) so that "30 days" and
# "1 month" compare equal, as tender writers mean them to; a working week is 5 days, so a
# working day is 7/5 calendar days (rounded to the nearest whole day).
DAYS_PER_UNIT: Mapping[str, float] = MappingProxyType({
    "hours": 1 / 24, "days": 1.0, "working_days": 7 / 5, "weeks": 7.0, "months": 30.0,
    "years": 365.0,
})

# Countable nouns a requirement asks for, as written -> Quantity.unit (the lemma).
COUNT_NOUNS: Mapping[str, str] = MappingProxyType({
    "reference": "reference", "references": "reference",
    "referee": "referee", "referees": "referee",
    "testimonial": "testimonial", "testimonials": "testimonial",
    "contract": "contract", "contracts": "contract",
    "case study": "case study", "case studies": "case study",
    "client": "client", "clients": "client",
    "customer": "customer", "customers": "customer",
    "project": "project", "projects": "project",
    "example": "example", "examples": "example",
    "commission": "commission", "commissions": "commission",
    "scheme": "scheme", "schemes": "scheme",
    "employee": "employee", "employees": "employee",
    "staff": "staff", "members of staff": "staff", "member of staff": "staff",
    "fte": "FTE", "ftes": "FTE",
    "engineer": "engineer", "engineers": "engineer",
    "operative": "operative", "operatives": "operative",
    "technician": "technician", "technicians": "technician",
    "worker": "worker", "workers": "worker",
    "person": "person", "persons": "person", "people": "person",
    "personnel": "personnel",
    "copy": "copy", "copies": "copy",
    "site": "site", "sites": "site",
    "vehicle": "vehicle", "vehicles": "vehicle",
    "depot": "depot", "depots": "depot",
    "office": "office", "offices": "office",
    "branch": "branch", "branches": "branch",
    "location": "location", "locations": "location",
})
# Count units that measure a workforce, for tests such as staff_size.
STAFF_UNITS = frozenset({
    "employee", "staff", "FTE", "engineer", "operative", "technician", "worker", "person",
    "personnel",
})

# Words that may stand between a figure and its counted noun ("50 full-time employees",
# "three satisfactory client references") must not be one of these: they end the phrase.
COUNT_STOP_WORDS: tuple[str, ...] = (
    "of", "the", "a", "an", "and", "or", "from", "with", "by", "for", "in", "on", "at", "to",
    "per", "each", "which", "that", "who", "within", "over", "under", "than", "as", "is",
    "are", "be", "been", "will", "shall", "must", "should", "may", "have", "has", "had",
    "including", "not", "no", "during", "since", "between", "into", "where", "when",
)

# What a percentage or multiple is of: modifiers, then a noun ("annual contract value").
BASE_MODIFIERS: tuple[str, ...] = (
    "total", "estimated", "annual", "annualised", "annualized", "yearly", "average",
    "overall", "maximum", "initial", "whole-life", "whole life", "contract", "tender", "lot",
    "framework", "order", "call-off", "projected", "expected", "anticipated", "aggregate",
    "indicative", "net", "gross",
)
BASE_NOUNS: tuple[str, ...] = (
    "value", "sum", "price", "turnover", "fees", "fee", "charges", "amount", "costs", "cost",
    "spend", "revenue", "income",
)
BASE_OWNERS: tuple[str, ...] = (
    "contract", "lot", "framework", "agreement", "order", "call-off", "services", "works",
)

# Words before a number that make it a reference, not a quantity ("Lot 3", "Regulation
# 58(9)", "section 22(3)(a)", "PPN 02/13", "page 4").
REFERENCE_WORDS: tuple[str, ...] = (
    "section", "sections", "clause", "clauses", "para", "paras", "paragraph", "paragraphs",
    "regulation", "regulations", "reg", "regs", "article", "articles", "art", "schedule",
    "schedules", "annex", "annexe", "annexes", "appendix", "appendices", "part", "parts",
    "lot", "lots", "page", "pages", "item", "items", "question", "questions", "table",
    "figure", "fig", "note", "notes", "chapter", "rule", "form", "ppn", "version", "ver",
    "number", "nos", "tier", "level", "phase", "stage", "step", "option", "criterion",
    "box", "row", "column", "line", "volume", "vol", "issue", "rev", "revision",
    "amendment", "directive", "act", "lines", "sq",
)
# Abbreviations that are references only when written with a full stop ("s. 22", "p. 4",
# "No. 5"): without it "s" is the tail of a possessive ("the Supplier's 3 contracts").
DOTTED_REFERENCE_WORDS: tuple[str, ...] = ("s", "ss", "p", "pp", "no", "nos", "para", "reg", "art")
# Standards: "ISO 9001:2015", "BS EN ISO 14001", "ISO/IEC 27001", "SOC 2".
STANDARD_BODIES: tuple[str, ...] = (
    "ISO", "IEC", "BS", "EN", "PAS", "OHSAS", "NEN", "DIN", "ASTM", "ISAE", "SSAE", "TS",
    "CEN", "IATF", "SOC", "HTM", "HBN", "NHS",
)
MONTHS: tuple[str, ...] = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug",
    "Sep", "Sept", "Oct", "Nov", "Dec",
)

# Nouns that make a bare large figure money in the default currency ("turnover of
# 2,000,000", "Value: 400000").
MONEY_CUE_NOUNS: tuple[str, ...] = (
    "turnover", "value", "budget", "insurance", "cover", "indemnity", "limit", "sum", "worth",
    "revenue", "income", "bond", "guarantee", "deposit", "liability", "capital", "price",
    "cost", "fee", "spend",
)
