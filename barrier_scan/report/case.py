"""The case view-model: one tender's findings arranged as a review-service case report.

Every renderer (HTML, Markdown, PDF, CSV, referral) reads a `Case` built here, so the
wording, numbering, score and recommendations are the same in every format. The structure
follows the published case findings of the UK Public Procurement Review Service (formerly
Mystery Shopper; ../shared/DOMAIN.md §4.3): the issue raised, the evidence, the assessment
against the rules and recommendations the authority can act on.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional, Sequence

from ..model import (
    CATEGORIES,
    CATEGORY_TITLES,
    SEVERITY_RANK,
    ContractValue,
    DocumentResult,
    Finding,
    ScanError,
)

CASE_PREFIX = "BS-"
# 10 hex digits of the document's sha256: 40 bits, so two different tenders in one audit
# share a reference with odds of about 1 in 10^12; short enough to read out on the phone.
CASE_HASH_CHARS = 10

# Points per finding for the barrier score. A high-severity barrier (a hard legal breach or
# a requirement that shuts most small firms out on its own) counts as much as 2.5 medium
# ones; low findings are worth a look but rarely decide whether a small firm can bid.
SEVERITY_POINTS: dict[str, int] = {"high": 10, "medium": 4, "low": 1}
# Upper bounds (exclusive) of the score bands: one high finding already makes a tender
# "moderate", two make it "high".
SCORE_BANDS: tuple[tuple[int, str], ...] = ((1, "none found"), (10, "low"), (20, "moderate"))
TOP_BAND = "high"
WORST_SHOWN = 3

BASIS_RANK: dict[Optional[str], int] = {"breach": 3, "policy": 2, "proportionality": 1, None: 0}
BASIS_LABELS: dict[str, str] = {
    "breach": "conflicts with a statutory rule",
    "policy": "contrary to statutory guidance or policy",
    "proportionality": "disproportionate (a judgment: needs a human check)",
}

JURISDICTION_TITLES: dict[str, str] = {
    "uk": "United Kingdom",
    "eu": "European Union",
    "generic": "Not stated (good-practice references only)",
}

VALUE_SOURCES: dict[str, str] = {
    "cli": "given by the user when scanning",
    "document": "read from the tender document",
    "ocds": "from the published OCDS notice",
}

# PPRS "Subject" (DOMAIN.md §4.3(c)): payment -> Payment; lots, contract term and consortium
# rules -> Procurement Strategy; everything else -> Procurement Process.
SUBJECT_PAYMENT = "Payment"
SUBJECT_STRATEGY = "Procurement Strategy"
SUBJECT_PROCESS = "Procurement Process"
STRATEGY_CATEGORIES = frozenset({"lots_scale", "consortium_subcontracting"})
# A timescale rule is about the term (strategy) rather than the response period (process)
# when its id names one of these.
TERM_RULE_WORDS = ("term", "duration", "framework", "length")

# PPRS-style "Sub Issue" labels. "Financial Requirement" and "Payment" are the values seen
# in the published results (DOMAIN.md §4.3(a)); the others follow the annual reports'
# headline issue names.
SUB_ISSUES: dict[str, str] = {
    "turnover": "Financial Requirement",
    "trading_history": "Selection Criteria",
    "audited_accounts": "Financial Requirement",
    "financial_standing": "Financial Requirement",
    "security_bond": "Financial Requirement",
    "insurance": "Insurance Requirement",
    "experience": "Selection Criteria",
    "accreditation": "Specification",
    "staff_size": "Selection Criteria",
    "lots_scale": "Lotting",
    "timescale": "Timescales",
    "process_burden": "Tender Process",
    "payment_terms": "Payment",
    "liability": "Contract Terms",
    "local_presence": "Selection Criteria",
    "consortium_subcontracting": "Consortia and Subcontracting",
}

# One sentence per category, in the forward-looking voice of PPRS recommendations
# (DOMAIN.md §4.4), used when several findings share a category.
AUTHORITY_RECOMMENDATIONS: dict[str, str] = {
    "turnover": "Keep any minimum turnover at or below twice the estimated contract value, "
                "state the reasons for any higher figure, and do not award marks for higher turnover.",
    "trading_history": "Drop minimum trading periods, and accept management accounts, forecasts "
                       "or a bank letter from organisations that have traded for less time.",
    "audited_accounts": "Ask for audited accounts only from suppliers required by law to have "
                        "them audited; accept unaudited or management accounts from the rest.",
    "financial_standing": "Use a risk-based financial appraisal with published methods, never a "
                          "credit score alone, and let suppliers offer other evidence or mitigation.",
    "security_bond": "Ask for bonds, guarantees or deposits only where a risk assessment shows "
                     "a need, set them proportionately, and never at bid stage.",
    "insurance": "Treat insurance as a contract condition: let bidders confirm they have, or "
                 "will obtain, cover proportionate to the contract by the start date.",
    "experience": "Accept experience from public, private and third-sector clients, accept "
                  "comparable and transferable experience, and ask for no more than three references.",
    "accreditation": "Add 'or equivalent' to every named standard, certificate, scheme or "
                     "product, and accept other evidence of equivalent measures.",
    "staff_size": "Remove minimum headcounts; specify the service outputs and let bidders "
                  "show how they will resource them, including through subcontractors.",
    "lots_scale": "Divide the contract into lots sized for smaller suppliers, or publish the "
                  "reasons for not doing so, and do not require bids for every lot.",
    "timescale": "Give bidders time proportionate to the complexity of the tender (at least "
                 "the statutory minimum) and keep frameworks to four years.",
    "process_burden": "Use the standard Selection Questionnaire with self-declaration, ask for "
                      "evidence only from the winning bidder, keep documents free and submission electronic.",
    "payment_terms": "Pay valid invoices within 30 days and require the same of every tier of "
                     "the supply chain.",
    "liability": "Cap liability at a sensible multiple of the annual contract value and set "
                 "liquidated damages by a genuine pre-estimate of loss, with a cap.",
    "local_presence": "Remove local office or residency conditions at bid stage; where speed "
                      "of response matters, specify the response time instead.",
    "consortium_subcontracting": "Welcome consortium and subcontracted bids, and let group "
                                 "members and committed subcontractors count towards the criteria together.",
}

# What "nothing found" means for each category, for the "checked and found fair" list.
FAIR_FINDINGS: dict[str, str] = {
    "turnover": "No minimum turnover above the proportionate level was found.",
    "trading_history": "No minimum period of trading was found.",
    "audited_accounts": "No demand for audited accounts without an alternative was found.",
    "financial_standing": "No pass/fail credit score, ratio or profit test was found.",
    "security_bond": "No bond, bid security, guarantee or deposit requirement was found.",
    "insurance": "No disproportionate insurance level, and no cover required before award, was found.",
    "experience": "No restrictive experience or reference requirement was found.",
    "accreditation": "No certification, scheme or named product without 'or equivalent' was found.",
    "staff_size": "No minimum headcount was found.",
    "lots_scale": "No bundling or unlotted large contract was found.",
    "timescale": "No short response period or overlong term was found.",
    "process_burden": "No document fee, paper-only submission, below-threshold PQQ or similar burden was found.",
    "payment_terms": "No payment term beyond 30 days was found.",
    "liability": "No unlimited or disproportionate liability or damages clause was found.",
    "local_presence": "No local office or residency condition was found.",
    "consortium_subcontracting": "No ban on consortia or subcontracting was found.",
}

FALLBACK_FAIRER_WORDING = "Remove the requirement, or make it proportionate to the contract and allow equivalent evidence."


def case_reference(sha256: str) -> str:
    """A stable reference for one tender: the same document always gets the same one."""
    # only hex digits: the reference is printed into CSS and file names, and a results file
    # read back from disk could carry anything in its sha256 field
    digest = "".join(ch for ch in (sha256 or "").lower() if ch in "0123456789abcdef")
    if not digest:
        return CASE_PREFIX + "0" * CASE_HASH_CHARS
    return CASE_PREFIX + digest[:CASE_HASH_CHARS]


def subject_for(finding: Finding) -> str:
    """The PPRS Subject a finding would be filed under."""
    if finding.category == "payment_terms":
        return SUBJECT_PAYMENT
    if finding.category in STRATEGY_CATEGORIES:
        return SUBJECT_STRATEGY
    if finding.category == "timescale" and any(w in finding.rule.lower() for w in TERM_RULE_WORDS):
        return SUBJECT_STRATEGY
    return SUBJECT_PROCESS


def sub_issue_for(finding: Finding) -> str:
    return SUB_ISSUES.get(finding.category, "Procurement Process")


def worst_first_key(finding: Finding) -> tuple[int, int, float, int, int]:
    """Sort key putting the most serious finding first; ties go to document order."""
    return (-SEVERITY_RANK.get(finding.severity, 0), -BASIS_RANK.get(finding.basis, 0),
            -finding.confidence, finding.clause.page, finding.clause.start)


def document_order_key(finding: Finding) -> tuple[str, int, int]:
    return (finding.clause.file, finding.clause.page, finding.clause.start)


@dataclass(frozen=True)
class BarrierScore:
    """Points per finding by severity, summed; shown with its formula so it can be checked."""

    value: int
    band: str
    counts: dict[str, int]

    @property
    def formula(self) -> str:
        terms = " + ".join(f"{SEVERITY_POINTS[s]} × {self.counts.get(s, 0)} {s}"
                           for s in ("high", "medium", "low"))
        return f"{terms} = {self.value}"

    @property
    def legend(self) -> str:
        bounds = []
        lower = 0
        for upper, name in SCORE_BANDS:
            bounds.append(f"{name} {lower}" if upper - 1 == lower else f"{name} {lower}–{upper - 1}")
            lower = upper
        bounds.append(f"{TOP_BAND} {lower}+")
        return "; ".join(bounds)

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "band": self.band, "formula": self.formula,
                "points": dict(SEVERITY_POINTS), "counts": dict(self.counts)}


def barrier_score(findings: Sequence[Finding]) -> BarrierScore:
    counts = {s: 0 for s in ("high", "medium", "low")}
    for f in findings:
        counts[f.severity] = counts.get(f.severity, 0) + 1
    value = sum(SEVERITY_POINTS.get(s, 0) * n for s, n in counts.items())
    band = TOP_BAND
    for upper, name in SCORE_BANDS:
        if value < upper:
            band = name
            break
    return BarrierScore(value, band, counts)


@dataclass(frozen=True)
class CaseFinding:
    """One finding as the report shows it: numbered, classified and worded for a reader."""

    id: str  # "<case reference>-03", numbered in document order
    number: int
    finding: Finding
    subject: str
    sub_issue: str
    category_title: str
    issue: str  # the issue in one sentence
    why: str  # the rest of the rule's message, if any
    assessment: str  # the computed test, or what the rule looked for
    fairer_wording: str
    location: str  # "riverside-itt.pdf, page 4, clause 4.2 (Selection > Financial standing)"

    @property
    def severity(self) -> str:
        return self.finding.severity

    @property
    def basis(self) -> Optional[str]:
        return self.finding.basis

    @property
    def basis_label(self) -> str:
        return BASIS_LABELS.get(self.finding.basis or "", "not classified")

    @property
    def quote(self) -> str:
        return self.finding.clause.text

    @property
    def assessment_sentence(self) -> str:
        """The computed test as a sentence, for running text."""
        text = self.assessment.strip()
        if not text:
            return ""
        text = text[0].upper() + text[1:]
        return text if text.endswith((".", "!", "?")) else text + "."

    @property
    def needs_value(self) -> bool:
        a = self.finding.assessment
        return bool(a and a.needs_value)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "subject": self.subject, "sub_issue": self.sub_issue,
                "issue": self.issue, "assessment": self.assessment}


@dataclass(frozen=True)
class Recommendation:
    category: str
    title: str
    text: str
    findings: tuple[str, ...]  # ids of the findings it answers


@dataclass(frozen=True)
class FairEvidence:
    """A clause a rule looked at and found fair (from the assess step), quoted as found."""

    text: str
    page: int
    clause: str
    summary: str


@dataclass(frozen=True)
class FairCheck:
    category: str
    title: str
    text: str
    evidence: tuple[FairEvidence, ...] = ()


@dataclass(frozen=True)
class Case:
    """Everything a case report shows about one tender."""

    reference: str
    date: dt.date
    result: DocumentResult
    authority: str
    title: str
    procurement_reference: str
    published: str
    value: Optional[ContractValue]
    value_text: str
    value_source: str
    jurisdiction: str
    regime: str
    score: BarrierScore
    findings: tuple[CaseFinding, ...]
    worst: tuple[CaseFinding, ...]
    recommendations: tuple[Recommendation, ...]
    fair: tuple[FairCheck, ...]
    errors: tuple[ScanError, ...]
    tool_version: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def file(self) -> str:
        return self.result.path

    @property
    def counts(self) -> dict[str, int]:
        return self.score.counts

    @property
    def unreadable(self) -> bool:
        return not self.result.ok

    @property
    def needs_value_count(self) -> int:
        return sum(1 for f in self.findings if f.needs_value)

    def to_dict(self) -> dict[str, Any]:
        """Extra fields the JSON format adds beside `DocumentResult.to_dict()`."""
        return {
            "reference": self.reference,
            "score": self.score.to_dict(),
            "worst": [f.id for f in self.worst],
            "recommendations": [{"category": r.category, "text": r.text, "findings": list(r.findings)}
                                for r in self.recommendations],
            "checked_fair": [c.category for c in self.fair],
        }


def money(amount: float, currency: str = "GBP") -> str:
    """£400,000 / €1,250,000.50 — whole amounts without pennies."""
    symbol = {"GBP": "£", "EUR": "€", "USD": "$", "INR": "₹"}.get(currency.upper(), "")
    text = f"{amount:,.0f}" if float(amount).is_integer() else f"{amount:,.2f}"
    return f"{symbol}{text}" if symbol else f"{text} {currency.upper()}"


def first_sentence(text: str) -> tuple[str, str]:
    """Split a rule message into its first sentence and the rest."""
    text = " ".join(text.split())
    for i, ch in enumerate(text):
        if ch in ".!?" and (i + 1 == len(text) or text[i + 1] == " "):
            # do not split "e.g." or "reg 58(9)." mid-abbreviation followed by lower case
            rest = text[i + 1:].strip()
            if rest and rest[0].islower():
                continue
            return text[: i + 1], rest
    return text, ""


def location_of(finding: Finding) -> str:
    c = finding.clause
    parts = [c.file.replace("\\", "/").rsplit("/", 1)[-1] or c.file]
    if c.page:
        parts.append(f"page {c.page}")
    if c.number:
        parts.append(f"clause {c.number}")
    where = ", ".join(parts)
    if c.heading:
        where += f" ({c.heading_path})"
    return where


def assessment_text(finding: Finding) -> str:
    a = finding.assessment
    if a and a.summary:
        return a.summary
    if a and a.needs_value:
        return "The proportionality test needs the contract value, which was not found; scan again with --value."
    amounts = ", ".join(q.text for q in finding.quantities if q.text)
    if amounts:
        return f"Amounts in the clause: {amounts}; no proportionality test applies to this requirement."
    return "The requirement itself is the barrier; there is no quantity to measure."


def _comparable(text: str) -> str:
    return re.sub(r"[^a-z0-9£€$%.x]+", " ", text.lower()).strip(" .")


def sentences(text: str) -> list[str]:
    out = []
    rest = " ".join(text.split())
    while rest:
        first, rest = first_sentence(rest)
        out.append(first)
    return out


def explanation(finding: Finding, issue: str, assessment: str) -> str:
    """The rule's message without the sentences the report already shows (the issue and the
    computed test, which rule messages often end with)."""
    shown = {_comparable(issue), _comparable(assessment)}
    return " ".join(s for s in sentences(finding.message) if _comparable(s) not in shown)


def case_finding(finding: Finding, reference: str, number: int) -> CaseFinding:
    if finding.title:
        issue = finding.title.strip()
        issue = issue if issue.endswith((".", "?", "!")) else issue + "."
    elif finding.message:
        issue = first_sentence(finding.message)[0]
    else:
        issue = f"{CATEGORY_TITLES.get(finding.category, finding.category)} requirement."
    assessment = assessment_text(finding)
    return CaseFinding(
        id=f"{reference}-{number:02d}",
        number=number,
        finding=finding,
        subject=subject_for(finding),
        sub_issue=sub_issue_for(finding),
        category_title=CATEGORY_TITLES.get(finding.category, finding.category),
        issue=issue,
        why=explanation(finding, issue, assessment),
        assessment=assessment,
        fairer_wording=finding.recommendation or FALLBACK_FAIRER_WORDING,
        location=location_of(finding),
    )


def recommendations_for(findings: Iterable[CaseFinding]) -> tuple[Recommendation, ...]:
    """One recommendation per category found, the most serious category first."""
    by_category: dict[str, list[CaseFinding]] = {}
    for cf in sorted(findings, key=lambda cf: worst_first_key(cf.finding)):
        by_category.setdefault(cf.finding.category, []).append(cf)
    return tuple(
        Recommendation(cat, CATEGORY_TITLES.get(cat, cat),
                       AUTHORITY_RECOMMENDATIONS.get(cat, cfs[0].fairer_wording),
                       tuple(cf.id for cf in sorted(cfs, key=lambda cf: cf.number)))
        for cat, cfs in by_category.items()
    )


def fair_evidence(metadata: dict[str, Any]) -> dict[str, list[FairEvidence]]:
    """The pipeline's `metadata["checked_fair"]`: clauses a rule examined and passed
    (e.g. a turnover floor within twice the value), grouped by category."""
    out: dict[str, list[FairEvidence]] = {}
    items = metadata.get("checked_fair")
    if not isinstance(items, list):
        return out
    for item in items:
        if not isinstance(item, dict) or not item.get("category"):
            continue
        out.setdefault(str(item["category"]), []).append(FairEvidence(
            text=str(item.get("text") or ""), page=int(item.get("page") or 0),
            clause=str(item.get("clause") or ""), summary=str(item.get("summary") or "")))
    return out


def fair_checks(result: DocumentResult) -> tuple[FairCheck, ...]:
    """Categories the detectors looked for and found nothing in, in CATEGORIES order, with
    any clause the rules examined in that category and judged proportionate."""
    if not result.ok:
        return ()
    flagged = {f.category for f in result.findings}
    checked = set(result.checked)
    evidence = fair_evidence(result.metadata)
    return tuple(FairCheck(cat, CATEGORY_TITLES.get(cat, cat), FAIR_FINDINGS.get(cat, "Nothing found."),
                           tuple(evidence.get(cat, ())))
                 for cat in CATEGORIES if cat in checked and cat not in flagged)


def metadata_value(metadata: dict[str, Any], *keys: str) -> str:
    """The first non-empty of several metadata keys (docmeta and OCDS name things differently)."""
    for key in keys:
        value = metadata.get(key)
        if isinstance(value, dict):  # OCDS buyer: {"name": ...}
            value = value.get("name") or value.get("title")
        if value not in (None, "", [], {}):
            return " ".join(str(value).split())
    return ""


def authority_of(metadata: dict[str, Any]) -> str:
    """The buyer: named outright, or the organisation in the file's author field (a PDF's
    author is often "X Borough Council, Procurement Services")."""
    named = metadata_value(metadata, "authority", "buyer", "contracting_authority")
    if named:
        return named
    from ..docmeta import organisation_in
    return organisation_in(metadata_value(metadata, "author")) or ""


def title_of(metadata: dict[str, Any]) -> str:
    """The procurement's title without a leading "Invitation to Tender:"."""
    from ..docmeta import TITLE_LEADS
    title = metadata_value(metadata, "title", "tender_title")
    m = TITLE_LEADS.match(title)
    return " ".join(m.group("title").split()) if m else title


def parse_date(text: str) -> Optional[dt.date]:
    """An ISO date (or the date part of an ISO timestamp, as OCDS gives), else None."""
    try:
        return dt.date.fromisoformat(text[:10])
    except (TypeError, ValueError):
        return None


def readable_date(text: str) -> str:
    """"2024-11-18" -> "18 November 2024"; anything else is shown as found."""
    parsed = parse_date(text)
    return f"{parsed.day} {parsed:%B %Y}" if parsed else text


def value_description(value: Optional[ContractValue]) -> tuple[str, str]:
    """(the value as text, where it came from) for the header."""
    if value is None:
        return ("not found", "tests that compare requirements with the value were not run; "
                             "scan again with --value to run them")
    text = money(value.amount, value.currency)
    if value.term_years:
        text += f" over {value.term_years:g} years"
    source = VALUE_SOURCES.get(value.source, value.source)
    if value.source == "document" and value.page:
        source += f" (page {value.page})"
    return text, source


def build_case(result: DocumentResult, *, today: Optional[dt.date] = None,
               tool_version: str = "") -> Case:
    """The case view-model of one scanned tender."""
    reference = case_reference(result.sha256)
    ordered = sorted(result.findings, key=document_order_key)
    findings = tuple(case_finding(f, reference, i) for i, f in enumerate(ordered, start=1))
    worst = tuple(sorted(findings, key=lambda cf: worst_first_key(cf.finding))[:WORST_SHOWN])
    meta = dict(result.metadata)
    value_text, value_source = value_description(result.value)
    regime = result.regime_title or result.regime or "not determined"
    return Case(
        reference=reference,
        date=today or dt.date.today(),
        result=result,
        authority=authority_of(meta) or "not found",
        title=title_of(meta) or "not found",
        procurement_reference=metadata_value(meta, "reference", "ocid", "notice_id", "id"),
        published=readable_date(metadata_value(meta, "published", "date", "publication_date")),
        value=result.value,
        value_text=value_text,
        value_source=value_source,
        jurisdiction=JURISDICTION_TITLES.get(result.jurisdiction, result.jurisdiction),
        regime=regime,
        score=barrier_score(result.findings),
        findings=findings,
        worst=worst,
        recommendations=recommendations_for(findings),
        fair=fair_checks(result),
        errors=tuple(result.errors),
        tool_version=tool_version,
        metadata=meta,
    )
