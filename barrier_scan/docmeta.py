"""What a tender says about itself on its first pages: who is buying, what, under which
reference, and when it was published.

    >>> describe(document)
    {'authority': 'Riverside Borough Council', 'title': 'Community Wellbeing Service',
     'reference': 'RBC/2025/044', 'published': '2025-11-03', 'deadline': '2025-12-08'}

Labelled fields ("Buyer: X", "Reference: X", "Publication date: X") win; otherwise an
organisation name standing alone on the first page ("X Borough Council", "X NHS Foundation
Trust") is the authority, and "Invitation to Tender: X" or the first substantial heading is
the title. Keys are present only when found; dates are ISO strings. Values from an OCDS
notice (passed as settings metadata) should override these, as they are the buyer's own.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Iterable, Optional

from .prefilter import fold_case, literal_check
from .model import Document

# The cover and first pages carry the particulars; later pages quote other bodies
# ("the Department for Education's guidance") that must not be taken for the buyer.
PAGES_READ = 2
MAX_LINES = 120
MAX_VALUE_CHARS = 160
TITLE_MAX_WORDS = 16

LABELS: dict[str, tuple[str, ...]] = {
    "authority": ("contracting authority", "contracting body", "contracting entity", "buyer", "buying organisation",
                  "purchasing authority", "procuring entity", "authority", "name of authority", "client",
                  "commissioner", "issued by", "organisation"),
    "title": ("contract title", "tender title", "title of contract", "title of the contract", "procurement title",
              "project title", "name of contract", "contract name", "title", "project", "subject"),
    "reference": ("tender reference number", "tender reference", "contract reference number", "contract reference",
                  "procurement reference", "reference number", "reference no", "ref no", "notice id", "notice reference",
                  "our ref", "tender ref", "reference", "ref", "ocid"),
    "published": ("publication date", "date of publication", "date published", "date of issue", "issue date",
                  "published", "issued on", "date issued", "date"),
    "deadline": ("tender deadline", "deadline for tenders", "deadline for submission", "submission deadline",
                 "closing date", "return date", "deadline"),
}
# Labels that often carry a department or an address rather than the buyer's name:
# "Issued by: Procurement Services, Riverside Borough Council, Town Hall".
WEAK_AUTHORITY_LABELS = frozenset({"issued by", "organisation", "client", "commissioner"})
# label (longest first, so "tender reference" beats "reference") followed by ":" or a dash;
# one alternation, as the first alternative that matches wins just as trying labels in turn
_LABEL_KEY: dict[str, str] = {label: key for key, label in sorted(
    ((k, lab) for k, labs in LABELS.items() for lab in labs), key=lambda kv: -len(kv[1]))}
_LABEL_LINE = re.compile(
    rf"^\s*(?P<label>{'|'.join(re.escape(label) for label in _LABEL_KEY)})\s*(?::|–|—|-\s)\s*(?P<value>.+)$",
    re.IGNORECASE)

_NAME = r"(?:[A-Z][\w'’.&-]*|of|and|the|for|upon|on|in|&)"
# a proper name of one or more capitalised words, with the small words place names use
_PLACE = r"[A-Z][\w'-]*(?:\s+(?:(?:upon|on|in|and|le|by|under)\s+)?[A-Z][\w'-]*)*"
ORGANISATION = re.compile(
    rf"(?P<org>(?:The\s+)?(?:London\s+Borough\s+of\s+{_PLACE}"
    rf"|Royal\s+Borough\s+of\s+{_PLACE}"
    rf"|(?:{_NAME}\s+){{0,6}}?(?:Borough|County|City|District|Metropolitan\s+Borough|Town|Parish|Combined)\s+(?:Council|Authority)"
    rf"|(?:{_NAME}\s+){{1,6}}?Council"
    rf"|(?:{_NAME}\s+){{1,6}}?NHS\s+(?:Foundation\s+)?Trust"
    rf"|(?:{_NAME}\s+){{1,5}}?(?:Integrated\s+Care\s+Board|Fire\s+and\s+Rescue\s+(?:Service|Authority)|Police(?:\s+and\s+Crime\s+Commissioner)?)"
    rf"|University\s+of\s+{_PLACE}"
    rf"|(?:Department|Ministry)\s+(?:for|of)\s+(?:{_NAME}\s*){{1,6}}"
    rf"|(?:{_NAME}\s+){{1,5}}?(?:Agency|Executive|Commission)))")
TITLE_LEADS = re.compile(
    r"^\s*(?:invitation\s+to\s+tender|request\s+for\s+(?:quotation|proposal|tender)|tender|itt|rfq|rfp)"
    r"\s*(?:for|:|–|—|-)\s*(?P<title>.{6,})$", re.IGNORECASE)
GENERIC_HEADINGS = re.compile(
    r"^(?:invitation\s+to\s+tender|tender\s+documents?|contents|table\s+of\s+contents|instructions\s+to\s+"
    r"(?:bidders|tenderers)|specification|introduction|section\s+\d+.*|part\s+[a-z0-9]+.*|page\s+\d+.*|"
    r"draft|confidential|official(?:-sensitive)?)$", re.IGNORECASE)
REFERENCE_SHAPE = re.compile(r"^[A-Za-z0-9][\w/.\-]{2,40}$")

MONTHS = {m: i for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"), start=1)}
MONTHS.update({name[:3]: i for name, i in list(MONTHS.items())})
MONTHS["sept"] = 9
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
DATE_PATTERNS = (
    re.compile(r"(?P<year>\d{4})-(?P<mon>\d{1,2})-(?P<day>\d{1,2})"),
    re.compile(rf"(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(?P<year>\d{{4}})", re.IGNORECASE),
    re.compile(rf"{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})", re.IGNORECASE),
    # UK documents: day first
    re.compile(r"(?P<day>\d{1,2})[/.](?P<mon>\d{1,2})[/.](?P<year>\d{4})"),
)


def find_dates(text: str) -> list[dt.date]:
    """Every full date in `text` (UK day-first for numeric dates): each pattern's dates in
    order of appearance, the patterns in DATE_PATTERNS order."""
    dates = []
    for pattern in DATE_PATTERNS:
        for m in pattern.finditer(text):
            parts = m.groupdict()
            month = int(parts["mon"]) if parts.get("mon") else MONTHS.get((parts.get("month") or "").lower())
            if not month:
                continue
            try:
                dates.append(dt.date(int(parts["year"]), month, int(parts["day"])))
            except ValueError:
                continue
    return dates


def parse_date(text: str) -> Optional[dt.date]:
    """The first date in `text` (UK day-first for numeric dates), or None."""
    dates = find_dates(text)
    return dates[0] if dates else None


def clean_value(text: str) -> str:
    value = " ".join(text.split()).strip(" .;,:–—-")
    return value[:MAX_VALUE_CHARS].rstrip()


def first_lines(document: Document) -> list[str]:
    """Lines of the first pages, in reading order; a block may hold several lines."""
    lines: list[str] = []
    for block in document.blocks:
        if block.page > PAGES_READ:
            break
        lines.extend(line for line in block.text.splitlines() if line.strip())
        if len(lines) >= MAX_LINES:
            break
    return lines[:MAX_LINES]


def is_label_line(line: str) -> bool:
    return _LABEL_LINE.match(line) is not None


def labelled(lines: Iterable[str]) -> dict[str, tuple[str, str]]:
    """The first (label, value) of each labelled field ("Reference: RBC/2025/044")."""
    found: dict[str, tuple[str, str]] = {}
    for line in lines:
        # a line may hold two fields: "Reference: X    Date: Y"
        for part in re.split(r"\s{3,}|\t|\s+\|\s+", line):
            m = _LABEL_LINE.match(part)
            if m:
                label = m.group("label").lower()
                key = _LABEL_KEY[label]
                value = clean_value(m.group("value"))
                if value and key not in found:
                    found[key] = (label, value)
    return found


# A line without the words every ORGANISATION alternative needs ("council", "trust" ...) is
# not searched: the regex is dear and most lines are prose.
_MAY_NAME_ORGANISATION = literal_check(ORGANISATION)


def organisation_in(text: str) -> Optional[str]:
    if not _MAY_NAME_ORGANISATION(fold_case(text)):
        return None
    m = ORGANISATION.search(text)
    if not m:
        return None
    org = clean_value(m.group("org"))
    return re.sub(r"^The\s+", "", org) if org.lower().startswith("the ") and "university" not in org.lower() else org


def standalone_organisation(lines: Iterable[str]) -> Optional[str]:
    """A line that is nothing but an organisation name (the cover page's buyer)."""
    for line in lines:
        candidate = clean_value(line)
        org = organisation_in(candidate)
        if org and len(candidate) <= len(org) + 4:
            return org
    return None


def title_from(lines: list[str], authority: Optional[str]) -> Optional[str]:
    for i, line in enumerate(lines):
        m = TITLE_LEADS.match(line)
        if m:
            title = m.group("title")
            # a title wrapped onto the next line ("... and Day" / "Opportunities Service")
            nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
            if nxt and not is_label_line(nxt) and title.rstrip().split()[-1].lower() in {
                    "and", "of", "for", "the", "to", "in", "&", "day", "with"}:
                title = f"{title} {nxt}"
            return clean_value(title)
    for line in lines[:30]:
        candidate = clean_value(line)
        if line.rstrip().endswith((".", ":", ";", ",")) or len(candidate.split()) > TITLE_MAX_WORDS:
            continue  # a sentence or a lead-in, not a heading
        if (10 <= len(candidate) <= 150 and not GENERIC_HEADINGS.match(candidate)
                and candidate != authority and not is_label_line(line)
                and not candidate.endswith(".") and candidate[0].isupper()
                and (authority is None or authority not in candidate)):
            return candidate
    return None


def authority_from(field: Optional[tuple[str, str]], lines: list[str]) -> Optional[str]:
    """A strong label ("Buyer:") wins; a weak one ("Issued by:") yields to the organisation
    named inside it or standing alone on the cover."""
    if field is None:
        return standalone_organisation(lines)
    label, value = field
    named = organisation_in(value)
    if label not in WEAK_AUTHORITY_LABELS:
        return named if named and len(value) > len(named) + 20 else value
    return named or standalone_organisation(lines) or value


def describe(document: Document) -> dict[str, str]:
    """authority, title, reference, published and deadline where the first pages give them."""
    lines = first_lines(document)
    fields = labelled(lines)
    out: dict[str, str] = {}

    authority = authority_from(fields.get("authority"), lines)
    if authority:
        out["authority"] = authority

    title = fields["title"][1] if "title" in fields else title_from(lines, authority)
    if title:
        out["title"] = title

    reference = fields["reference"][1] if "reference" in fields else None
    if reference:
        token = reference.split()[0].strip(",;")
        out["reference"] = token if REFERENCE_SHAPE.match(token) else reference

    for key in ("published", "deadline"):
        if key in fields:
            date = parse_date(fields[key][1])
            if date:
                out[key] = date.isoformat()
    return out
