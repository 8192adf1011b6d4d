"""The data that flows through the pipeline: plain frozen records with `to_dict()`.

extract -> Document(blocks) -> segment -> Clause -> detect -> Finding -> assess -> report.
Renderers, the audit store and the evaluator see only `Finding` and `DocumentResult`; nothing
downstream reaches back into spaCy `Doc`s or pdfplumber pages. The JSON contract of
`barrier-scan scan --format json` is `ScanReport.to_dict()`.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal, Optional

Severity = Literal["high", "medium", "low"]
Basis = Literal["breach", "policy", "proportionality"]
BlockKind = Literal["heading", "para", "list_item", "table_row"]

SEVERITIES: tuple[Severity, ...] = ("low", "medium", "high")
SEVERITY_RANK: dict[str, int] = {"low": 1, "medium": 2, "high": 3}
BASES: tuple[Basis, ...] = ("breach", "policy", "proportionality")

# The 16 stable ids of ../shared/CATEGORIES.md, in its order.
CATEGORIES: tuple[str, ...] = (
    "turnover",
    "trading_history",
    "audited_accounts",
    "financial_standing",
    "security_bond",
    "insurance",
    "experience",
    "accreditation",
    "staff_size",
    "lots_scale",
    "timescale",
    "process_burden",
    "payment_terms",
    "liability",
    "local_presence",
    "consortium_subcontracting",
)

CATEGORY_TITLES: dict[str, str] = {
    "turnover": "Minimum turnover",
    "trading_history": "Years of trading",
    "audited_accounts": "Audited accounts",
    "financial_standing": "Financial standing tests",
    "security_bond": "Bonds, guarantees and deposits",
    "insurance": "Insurance",
    "experience": "Experience and references",
    "accreditation": "Certifications and named products",
    "staff_size": "Minimum staff numbers",
    "lots_scale": "Lots, bundling and scale",
    "timescale": "Timescales and term",
    "process_burden": "Process burden",
    "payment_terms": "Payment terms",
    "liability": "Liability and damages",
    "local_presence": "Local presence",
    "consortium_subcontracting": "Consortia and subcontracting",
}


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}


@dataclass(frozen=True)
class Block:
    """A run of text as extracted: a paragraph, heading, list item or table row.

    `start`/`end` index `Document.text`, so a finding can always be traced back to the exact
    characters it quotes. `file` is the path (or `pack.zip!member.pdf` inside a ZIP).
    """

    text: str
    file: str
    page: int
    start: int
    end: int
    kind: BlockKind = "para"

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "file": self.file, "page": self.page,
                "start": self.start, "end": self.end, "kind": self.kind}


@dataclass
class Document:
    """One input as extracted: its blocks, page count and what we learnt about it."""

    path: str
    blocks: list[Block]
    pages: int
    sha256: str
    # title, authority, reference, published ... where the document or OCDS gave them
    metadata: dict[str, Any] = field(default_factory=dict)
    # non-fatal problems (e.g. a ZIP member that could not be read)
    errors: list["ScanError"] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The whole text; block offsets index into this."""
        if not self.blocks:
            return ""
        parts: list[str] = []
        pos = 0
        for b in self.blocks:
            if b.start > pos:
                parts.append("\n" * (b.start - pos))
            parts.append(b.text)
            pos = b.end
        return "".join(parts)


@dataclass(frozen=True)
class Clause:
    """A unit a requirement lives in: one sentence or numbered item, located for a person."""

    text: str
    file: str
    page: int
    start: int
    end: int
    number: Optional[str] = None
    heading: tuple[str, ...] = ()
    kind: BlockKind = "para"

    @property
    def heading_path(self) -> str:
        return " > ".join(self.heading)

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "file": self.file, "page": self.page, "start": self.start,
                "end": self.end, "clause": self.number, "heading": self.heading_path,
                "kind": self.kind}


@dataclass(frozen=True)
class Quantity:
    """A number read from a clause, normalised: money in its currency, durations in days.

    kind: money | percent | duration | count | multiple
    unit: ISO currency for money; "%" ; "days"/"working_days"/"months"/"years" for durations
          (with `days` always filled for comparison); the counted noun for counts; "x" for
          multiples of a base such as "two times the contract value".
    """

    kind: str
    value: float
    unit: str
    text: str
    start: int = 0
    end: int = 0
    high: Optional[float] = None  # upper end of a range ("£1m - £2m")
    days: Optional[float] = None  # durations converted to calendar days
    base: Optional[str] = None  # for multiples/percentages: what it is a multiple of

    def to_dict(self) -> dict[str, Any]:
        return _drop_none({"kind": self.kind, "value": self.value, "unit": self.unit,
                           "text": self.text, "high": self.high, "days": self.days,
                           "base": self.base})


@dataclass(frozen=True)
class ContractValue:
    """The estimated contract value the proportionality tests compare against."""

    amount: float
    currency: str
    source: str  # cli | document | ocds
    text: Optional[str] = None  # the sentence it was read from, for source=document
    page: Optional[int] = None
    term_years: Optional[float] = None

    def to_dict(self) -> dict[str, Any]:
        return _drop_none({"amount": self.amount, "currency": self.currency,
                           "source": self.source, "text": self.text, "page": self.page,
                           "term_years": self.term_years})


@dataclass(frozen=True)
class Assessment:
    """The computed test behind a severity: what was compared with what, and the result."""

    test: str
    summary: str  # e.g. "turnover £5,000,000 = 12.5x the £400,000 value; cap 2x"
    ratio: Optional[float] = None
    limit: Optional[float] = None
    exceeded: Optional[bool] = None
    needs_value: bool = False  # the test could not run without a contract value

    def to_dict(self) -> dict[str, Any]:
        return _drop_none({"test": self.test, "summary": self.summary, "ratio": self.ratio,
                           "limit": self.limit, "exceeded": self.exceeded,
                           "needs_value": self.needs_value or None})


@dataclass(frozen=True)
class Finding:
    """One barrier in one clause. The only type that leaves detection."""

    category: str
    rule: str  # "turnover.minimum" or "model:clause_clf@<corpus-hash>"
    severity: Severity
    confidence: float
    clause: Clause
    basis: Optional[Basis] = None
    quantities: tuple[Quantity, ...] = ()
    legal: tuple[str, ...] = ()
    message: str = ""
    recommendation: str = ""
    assessment: Optional[Assessment] = None
    detector: str = "rules"  # rules | model | rules+model
    terms: tuple[str, ...] = ()  # model features that drove the score
    enforceable: Optional[bool] = None
    title: str = ""  # the rule's one-line description

    @property
    def text(self) -> str:
        return self.clause.text

    def with_(self, **changes: Any) -> "Finding":
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        c = self.clause
        return {
            "category": self.category,
            "severity": self.severity,
            "basis": self.basis,
            "confidence": round(self.confidence, 3),
            "text": c.text,
            "file": c.file,
            "page": c.page,
            "clause": c.number,
            "heading": c.heading_path,
            "span": [c.start, c.end],
            "rule": self.rule,
            "title": self.title,
            "detector": self.detector,
            "quantities": [q.to_dict() for q in self.quantities],
            "assessment": self.assessment.to_dict() if self.assessment else None,
            "legal": list(self.legal),
            "enforceable": self.enforceable,
            "message": self.message,
            "recommendation": self.recommendation,
            "terms": list(self.terms),
        }


@dataclass(frozen=True)
class ScanError:
    """A problem with one input, as a slug and a one-line message that says what to do."""

    file: str
    kind: str  # pdf-encrypted, no-text-layer, unsupported-type, unsafe-archive-path ...
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "kind": self.kind, "message": self.message}

    def __str__(self) -> str:
        return f"{self.file}: {self.message}"


@dataclass
class DocumentResult:
    """Everything the scan found out about one input."""

    path: str
    pages: int
    sha256: str
    findings: list[Finding] = field(default_factory=list)
    errors: list[ScanError] = field(default_factory=list)
    value: Optional[ContractValue] = None
    metadata: dict[str, Any] = field(default_factory=dict)
    jurisdiction: str = "uk"
    regime: str = ""
    regime_title: str = ""
    checked: tuple[str, ...] = CATEGORIES  # categories the detectors looked for
    clauses: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """False when the input could not be read at all."""
        return not (self.errors and self.pages == 0 and not self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "pages": self.pages,
            "sha256": self.sha256,
            "value": self.value.to_dict() if self.value else None,
            "metadata": self.metadata,
            "jurisdiction": self.jurisdiction,
            "regime": self.regime,
            "regime_title": self.regime_title,
            "clauses": self.clauses,
            "findings": [f.to_dict() for f in self.findings],
            "errors": [e.to_dict() for e in self.errors],
            "timings": {k: round(v, 4) for k, v in self.timings.items()},
        }


@dataclass
class ScanReport:
    """The result of one `scan` call: the JSON contract's top-level object."""

    documents: list[DocumentResult]
    tool_version: str = ""
    settings: dict[str, Any] = field(default_factory=dict)

    def findings(self) -> list[Finding]:
        return [f for d in self.documents for f in d.findings]

    def to_dict(self) -> dict[str, Any]:
        return {
            "tool": {"name": "barrier-scan", "version": self.tool_version},
            "settings": self.settings,
            "documents": [d.to_dict() for d in self.documents],
        }
