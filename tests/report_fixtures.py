"""Hand-built scan results for the report tests: realistic values, built in code, deterministic.

The main fixture is an invitation to tender for grounds maintenance by a fictional council,
worth £400,000 over four years, with eight barriers of the kinds the review service sees
most (turnover, insurance at bid stage, 60-day payment, ...). The wording is invented.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import replace
from typing import Optional

from barrier_scan.model import (
    CATEGORIES,
    Assessment,
    Clause,
    ContractValue,
    DocumentResult,
    Finding,
    Quantity,
    ScanError,
    ScanReport,
)

TODAY = dt.date(2025, 3, 14)
TOOL_VERSION = "0.1.0+rules.3f2a91c0"
FILE = "corpus/samples/riverside-itt.pdf"
VALUE = ContractValue(400_000, "GBP", "document",
                      text="The estimated total value of the contract is £400,000 over four years.",
                      page=2, term_years=4)
METADATA = {"authority": "Riverside Borough Council",
            "title": "Grounds Maintenance and Street Cleansing Services 2025-2029",
            "reference": "RBC/2025/044", "published": "2024-11-18"}

PCR = {
    "lots": "PCR 2015 reg 46 (divide into lots or state the main reasons for not doing so)",
    "turnover": "PCR 2015 reg 58(9) (minimum yearly turnover not to exceed twice the estimated contract value unless duly justified)",
    "accounts": "PCR 2015 reg 60(6)(b)-(c) (financial statements only where publication is required; turnover for at most 3 years, allowing for recent start-ups)",
    "insurance": "PCR 2015 reg 58(8)(c) (appropriate level of professional risk indemnity insurance)",
    "experience": "PCR 2015 reg 60(9)(a) (references from public or private recipients; 3 years for supplies and services, 5 for works)",
    "accreditation": "PCR 2015 reg 62(2)-(3) (equivalent quality assurance certificates and other evidence)",
    "equal": "PCR 2015 reg 18(1) (equal treatment, proportionality)",
    "payment": "PCR 2015 reg 113 (payment within 30 days of a valid invoice; flow-down to sub-contracts)",
    "selection": "PCR 2015 reg 58(1)-(4) (selection criteria limited, related and proportionate to the subject matter)",
}


def sha(label: str) -> str:
    return hashlib.sha256(label.encode("utf-8")).hexdigest()


def clause(text: str, page: int, number: Optional[str], heading: tuple[str, ...], start: int,
           file: str = FILE) -> Clause:
    return Clause(text=text, file=file, page=page, start=start, end=start + len(text),
                  number=number, heading=heading)


def money_q(amount: float, text: str) -> Quantity:
    return Quantity("money", amount, "GBP", text)


def riverside_findings() -> list[Finding]:
    """The eight barriers of the first draft, in the order a detector might emit them."""
    selection = ("Section 4 Selection", "Economic and financial standing")
    technical = ("Section 5 Selection", "Technical and professional ability")
    return [
        Finding(
            category="turnover", rule="turnover.minimum", severity="high", basis="breach", confidence=0.97,
            clause=clause("Bidders must demonstrate a minimum annual turnover of £5,000,000 in each of "
                          "the last three financial years.", 4, "4.2", selection, 9120),
            quantities=(money_q(5_000_000, "£5,000,000"),), legal=(PCR["turnover"],), enforceable=True,
            title="A minimum annual or average turnover set as a pass/fail selection condition.",
            message="Asks for a minimum turnover of £5,000,000, 12.5 times the contract value. "
                    "Turnover floors far above the contract value shut out small and new suppliers.",
            recommendation="Remove the turnover floor, or set it no higher than £800,000 (twice the "
                           "contract value) and publish the reasons.",
            assessment=Assessment("turnover_ratio", "turnover £5,000,000 = 12.5x the £400,000 value; cap 2x",
                                  ratio=12.5, limit=2.0, exceeded=True)),
        Finding(
            category="payment_terms", rule="payment_terms.over_30_days", severity="high", basis="breach",
            confidence=0.95,
            clause=clause("The Council will pay undisputed invoices within 60 days of receipt.", 11, "9.3",
                          ("Section 9 Contract terms", "Payment"), 30410),
            quantities=(Quantity("duration", 60, "days", "60 days", days=60),), legal=(PCR["payment"],),
            enforceable=True, title="Payment later than 30 days from a valid invoice.",
            message="Pays invoices 60 days after receipt, twice the 30-day limit. Slow payment "
                    "drains the cash flow of small suppliers.",
            recommendation="The Council will pay valid, undisputed invoices within 30 days of receipt.",
            assessment=Assessment("payment_days", "payment 60 days after invoice; limit 30 days",
                                  ratio=2.0, limit=30, exceeded=True)),
        Finding(
            category="lots_scale", rule="lots_scale.no_lots", severity="medium", basis="breach", confidence=0.88,
            clause=clause("The Services will be let as a single contract covering grounds maintenance, "
                          "street cleansing and winter gritting across the whole Borough. The contract "
                          "is not divided into lots.", 3, "2.4", ("Section 2 The contract", "Lots"), 5230),
            legal=(PCR["lots"],), enforceable=True, title="A contract not divided into lots, with no reasons given.",
            message="Lets three different services as one contract without lots, and no reasons were "
                    "found in the documents.",
            recommendation="Divide the services into lots (for example grounds maintenance, street "
                           "cleansing, winter gritting) or publish the reasons for a single contract.",
            assessment=Assessment("no_lots", "not divided into lots; no reasons found in the published documents")),
        Finding(
            category="audited_accounts", rule="audited_accounts.years_required", severity="medium", basis="policy",
            confidence=0.93,
            clause=clause("Bidders shall provide audited accounts for the last three financial years. "
                          "Tenders without audited accounts will be rejected.", 4, "4.3", selection, 9260),
            quantities=(Quantity("duration", 3, "years", "three financial years", days=1095),),
            legal=(PCR["accounts"],), enforceable=True,
            title="Audited accounts required with no route for audit-exempt suppliers.",
            message="Requires three years of audited accounts with no alternative. Most small companies "
                    "are exempt from audit and a new organisation has no accounts at all.",
            recommendation="Ask for audited accounts only where the bidder is required by law to have them "
                           "audited; otherwise accept unaudited or management accounts or a bank letter.",
            assessment=Assessment("accounts_years", "3 years of audited accounts; no alternative evidence offered")),
        Finding(
            category="insurance", rule="insurance.level_at_bid", severity="high", basis="policy", confidence=0.91,
            clause=clause("Bidders must hold Professional Indemnity insurance of not less than £10,000,000 and "
                          "Public Liability insurance of £10,000,000 and must upload current certificates "
                          "with their tender.", 5, "4.6", selection, 11840),
            quantities=(money_q(10_000_000, "£10,000,000"), money_q(10_000_000, "£10,000,000")),
            legal=(PCR["insurance"],), enforceable=True,
            title="Insurance cover required at bid stage, at a level out of scale with the contract.",
            message="Requires £10,000,000 of indemnity cover to be in place when bidding, 100 times the "
                    "annual contract value.",
            recommendation="Bidders must confirm that they have, or will obtain before the contract starts, "
                           "insurance proportionate to the contract (for example £1,000,000 public liability).",
            assessment=Assessment("insurance_ratio", "cover £10,000,000 = 100x the £100,000 annual value; "
                                  "flag at 10x; certificates required with the tender",
                                  ratio=100.0, limit=10.0, exceeded=True)),
        Finding(
            category="experience", rule="experience.reference_count", severity="medium", basis="proportionality",
            confidence=0.84,
            clause=clause("Bidders must provide five references from local authority clients for contracts "
                          "of at least £500,000 each completed in the last three years.", 6, "5.1", technical,
                          14400),
            quantities=(Quantity("count", 5, "references", "five references"), money_q(500_000, "£500,000")),
            legal=(PCR["experience"],), enforceable=True,
            title="Too many references, each larger than this contract, from public clients only.",
            message="Asks for five references worth at least £500,000 each, only from local authorities.",
            recommendation="Ask for up to three references from public, private or third-sector clients for "
                           "work of a similar nature, of any value.",
            assessment=Assessment("reference_count", "5 references (limit 3); each £500,000 = 1.25x the "
                                  "£400,000 value; local authority clients only", ratio=1.25, limit=1.0,
                                  exceeded=True)),
        Finding(
            category="accreditation", rule="accreditation.no_equivalent", severity="medium", basis="breach",
            confidence=0.9,
            clause=clause("Contractors must hold ISO 9001 and ISO 14001 certification and be Constructionline "
                          "Gold members at the time of tender.", 6, "5.4", technical, 15020),
            legal=(PCR["accreditation"],), enforceable=True,
            title="Certification or membership required without 'or equivalent'.",
            message="Requires named certificates and a paid membership scheme at tender, with no "
                    "equivalent accepted.",
            recommendation="Bidders must hold ISO 9001 and ISO 14001 or equivalent, or show equivalent "
                           "quality and environmental measures, by the contract start date.",
            assessment=Assessment("equivalence", "3 named certificates/schemes; no 'or equivalent'")),
        Finding(
            category="local_presence", rule="local_presence.depot", severity="low", basis="policy", confidence=0.78,
            clause=clause("The Contractor must operate a depot within the Borough boundary at the time of "
                          "tender submission.", 7, "6.2", ("Section 6 Service delivery",), 18220),
            legal=(PCR["equal"],), enforceable=True, title="A local depot or office required to bid.",
            message="Requires a depot in the Borough before the contract is awarded.",
            recommendation="The Contractor must be able to attend any site in the Borough within two hours "
                           "from the contract start date.",
            assessment=Assessment("local_presence", "depot inside the Borough required at tender submission")),
    ]


def riverside_result(findings: Optional[list[Finding]] = None, *, label: str = "riverside-itt v1",
                     value: Optional[ContractValue] = VALUE) -> DocumentResult:
    return DocumentResult(
        path=FILE, pages=14, sha256=sha(label), findings=riverside_findings() if findings is None else findings,
        value=value, metadata=dict(METADATA), jurisdiction="uk", regime="uk-pcr2015",
        regime_title="Public Contracts Regulations 2015 (SI 2015/102)", clauses=212,
    )


def riverside_report() -> ScanReport:
    return ScanReport(documents=[riverside_result()], tool_version=TOOL_VERSION,
                      settings={"jurisdiction": "uk", "currency": "GBP"})


def clean_report() -> ScanReport:
    """A tender that passed every check: the report must still say what was checked."""
    result = riverside_result([], label="clean tender")
    result.metadata = {"authority": "Northfield District Council", "title": "Library cleaning services",
                       "reference": "NDC-0091"}
    return ScanReport(documents=[result], tool_version=TOOL_VERSION)


def unreadable_report() -> ScanReport:
    result = DocumentResult(path="scanned.pdf", pages=0, sha256=sha("scanned"),
                            errors=[ScanError("scanned.pdf", "no-text-layer",
                                              "no text layer (scanned?); run OCR on it first")])
    return ScanReport(documents=[result], tool_version=TOOL_VERSION)


HOSTILE_TEXT = ("Bidders must hold <script>document.title='pwned';window.__pwned=1</script> a bond of £50,000 "
                "<img src=x onerror=\"window.__pwned=2\"> [click](http://example.invalid/x) **now** "
                "<iframe src=\"http://example.invalid/\"></iframe> `` ``` \x1b[31m & &amp; done.")


def hostile_report() -> ScanReport:
    """A clause (and metadata) carrying HTML, script, Markdown and a terminal escape."""
    c = clause(HOSTILE_TEXT, 2, "3.1</td><script>window.__pwned=3</script>",
               ("<b>Selection</b>", "# Heading injection"), 400, file="evil<script>.pdf")
    finding = Finding(category="security_bond", rule="security_bond.bid_bond", severity="high", basis="policy",
                      confidence=0.9, clause=c, message="Requires a bid bond of £50,000.",
                      recommendation="Remove the bid bond.",
                      assessment=Assessment("bond_pct", "bond £50,000 = 12.5% of the £400,000 value; flag at 10%"))
    result = riverside_result([finding], label="hostile")
    result.path = "evil<script>.pdf"
    result.metadata = {"authority": "<script>window.__pwned=4</script>Evil Council",
                       "title": "[Tender](http://example.invalid) <b>bold</b>"}
    return ScanReport(documents=[result], tool_version=TOOL_VERSION)


def revised_findings() -> list[Finding]:
    """The second draft: turnover and insurance fixed, accreditation reworded but still a
    barrier, a bid bond introduced, the rest unchanged."""
    old = {f.category: f for f in riverside_findings()}
    accreditation = old["accreditation"]
    reworded = accreditation.with_(
        severity="low",
        clause=clause("Contractors must hold ISO 9001 and ISO 14001 certification or equivalent and be "
                      "Constructionline Gold members at the time of tender.", 6, "5.4",
                      accreditation.clause.heading, 14980))
    bond = Finding(
        category="security_bond", rule="security_bond.bid_bond", severity="medium", basis="proportionality",
        confidence=0.86,
        clause=clause("Each tender must be accompanied by a bid bond of £40,000 from an approved surety.", 5,
                      "4.8", ("Section 4 Selection", "Economic and financial standing"), 12100),
        quantities=(money_q(40_000, "£40,000"),),
        title="A bid bond or tender guarantee.",
        message="Requires a £40,000 bid bond, 10% of the contract value, before the tender is considered.",
        recommendation="Remove the bid bond.",
        assessment=Assessment("bond_pct", "bond £40,000 = 10.0% of the £400,000 value; any bid bond is flagged"))
    kept = [old[c] for c in ("payment_terms", "lots_scale", "audited_accounts", "experience", "local_presence")]
    return kept + [reworded, bond]


def revised_report() -> ScanReport:
    return ScanReport(documents=[riverside_result(revised_findings(), label="riverside-itt v2")],
                      tool_version=TOOL_VERSION)


AUTHORITIES = ("Riverside Borough Council", "Northfield District Council", "Eastmoor NHS Foundation Trust",
               "Department for Example Affairs", "Westshire County Council")


def batch_results(n: int = 24, seed: int = 42) -> list[DocumentResult]:
    """A batch of scanned tenders across authorities and months, for the summary report."""
    rng = random.Random(seed)
    templates = riverside_findings()
    results = []
    for i in range(n):
        picked = rng.sample(templates, rng.randint(0, 5))
        findings = [f.with_(severity=rng.choice(("high", "medium", "low")),
                            clause=replace(f.clause, file=f"tender-{i:02d}.pdf"))
                    for f in picked]
        month = dt.date(2024, 1 + (i * 5) % 12, 1 + rng.randint(0, 27))
        meta = {"authority": AUTHORITIES[rng.randrange(len(AUTHORITIES))],
                "title": f"Example services contract {i:02d}"}
        if i % 7 != 3:  # some tenders have no publication date
            meta["published"] = month.isoformat()
        results.append(DocumentResult(path=f"tenders/tender-{i:02d}.pdf", pages=rng.randint(8, 60),
                                      sha256=sha(f"batch {i}"), findings=findings, metadata=meta,
                                      regime="uk-pcr2015", regime_title="Public Contracts Regulations 2015",
                                      value=VALUE if i % 3 else None, clauses=rng.randint(80, 400)))
    results.append(DocumentResult(path="tenders/broken.pdf", pages=0, sha256=sha("broken"),
                                  errors=[ScanError("tenders/broken.pdf", "pdf-encrypted",
                                                    "the PDF is encrypted; ask the buyer for an open copy")]))
    return results


__all__ = ["CATEGORIES", "TODAY", "TOOL_VERSION", "HOSTILE_TEXT", "batch_results", "clean_report",
           "hostile_report", "revised_report", "riverside_findings", "riverside_report", "riverside_result",
           "unreadable_report"]
