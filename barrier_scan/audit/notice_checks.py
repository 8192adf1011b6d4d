"""Notice-level checks: findings computed from OCDS fields alone, with no document text.

Each check reads a `Notice` and returns `Finding`s whose clause text is the exact OCDS field
text the result was computed from, located at `<ocds file>#<ocid>`, page 0 (no page).

Checks (../shared/DOMAIN.md §2.10, §2.11):
- response period (publication to deadline) against the statutory minimum for the procedure
  and regime, or the below-threshold heuristic;
- framework term over 4 years (8 for PA 2023 open frameworks);
- contract term over 5 years including extensions [H];
- no lots on a contract above the threshold.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

from .. import law
from ..model import Assessment, Clause, Finding, Quantity
from ..resources import rules_dir
from ..settings import ScanSettings
from .ocds import Notice

# Bump when a check's logic or wording changes: notices are re-checked on the next audit.
NOTICE_CHECKS_VERSION = "1"
DETECTOR = "ocds"

# Thresholds (VAT-inclusive). GBP: PA 2023 Sch 1 as enacted, and PCR 2015 as amended by
# SI 2021/1221 (DOMAIN.md §3.1). EUR: Directive 2014/24/EU thresholds for 2024-25 as set by
# Commission Delegated Regulation (EU) 2023/2495. Check for later uprating.
@dataclass(frozen=True)
class Thresholds:
    central: float  # central government goods and services
    sub_central: float  # other authorities' goods and services
    works: float


THRESHOLDS = {
    "GBP": Thresholds(central=138_760, sub_central=213_477, works=5_336_937),
    "EUR": Thresholds(central=143_000, sub_central=221_000, works=5_538_000),
}

# DOMAIN.md §2.11: "allow ±1 day tolerance".
TOLERANCE_DAYS = 1
# Below threshold [H]: < 10 calendar days is short; < 5 working days is very short.
BELOW_THRESHOLD_SHORT_DAYS = 10
BELOW_THRESHOLD_VERY_SHORT_WORKING_DAYS = 5
FRAMEWORK_MAX_YEARS = 4  # PCR reg 33(3); PA s.47(1)
OPEN_FRAMEWORK_MAX_YEARS = 8  # PA s.49: open frameworks may run to 8 years
CONTRACT_TERM_FLAG_YEARS = 5  # [H] DOMAIN.md §2.11(b)

# Procedures named in notices whose minima are set by the regulations; their use implies a
# regulated (above-threshold) procurement when the value is not given.
TWO_STAGE = ("restricted", "negotiation", "dialogue", "innovation", "flexible")


@dataclass(frozen=True)
class PeriodRule:
    """The statutory minimum for one regime and procedure."""

    standard: int  # the minimum when no reduction applies
    floor: int  # the shortest any reduction (PIN/planned notice, urgency) allows
    stage: str  # what the notice deadline is for
    describe: str
    references: dict[str, list[str]]


def checks_version() -> str:
    """Changes when the checks or the law data they cite change."""
    h = hashlib.sha256(NOTICE_CHECKS_VERSION.encode())
    for name in ("regimes.yaml", "citations.yaml"):
        f = rules_dir() / "law" / name
        if f.is_file():
            h.update(f.read_bytes())
    return f"notice-checks-{NOTICE_CHECKS_VERSION}+{h.hexdigest()[:12]}"


def check_notice(notice: Notice, settings: Optional[ScanSettings] = None) -> list[Finding]:
    """All notice-level findings for `notice` under the jurisdiction of `settings`."""
    s = ScanSettings.resolve(settings)
    regime = regime_for_notice(notice, s)
    findings: list[Finding] = []
    for check in CHECKS:
        findings.extend(check(notice, regime))
    return findings


def regime_for_notice(notice: Notice, settings: ScanSettings) -> law.Regime:
    """The regime from the notice's publication date (the procurement start) when known."""
    date = notice.published.date() if notice.published else settings.procurement_date
    return law.regime_for(settings.with_(procurement_date=date))


# -- classification ----------------------------------------------------------------------------
def procedure_of(notice: Notice) -> str:
    """open | restricted | negotiation | dialogue | innovation | flexible | direct | unknown."""
    text = notice.procurement_method_details.lower()
    if "flexible" in text:
        return "flexible"
    if "dialogue" in text:
        return "dialogue"
    if "innovation partnership" in text:
        return "innovation"
    if "negotiat" in text:
        return "direct" if ("without" in text or "direct" in text) else "negotiation"
    if "restricted" in text:
        return "restricted"
    if "open" in text:
        return "open"
    return {"open": "open", "selective": "restricted", "limited": "direct",
            "direct": "direct"}.get(notice.procurement_method.lower(), "unknown")


def threshold_status(notice: Notice) -> Optional[bool]:
    """True above the threshold, False below, None when it cannot be told from the data."""
    if notice.above_threshold is not None:
        return notice.above_threshold
    t = THRESHOLDS.get((notice.currency or "").upper())
    if notice.value is None or t is None:
        return None
    if notice.main_category.lower() == "works":
        return notice.value >= t.works
    if notice.value >= t.sub_central:
        return True
    if notice.value < t.central:
        return False
    return None  # between the central and sub-central thresholds: depends on the buyer


def is_electronic(notice: Notice) -> bool:
    """Electronic submission unless the notice lists only paper or in-person methods (e-
    communication is the default under PCR 2015 since 18 Oct 2018 and PA 2023 s.96)."""
    methods = {m.lower() for m in notice.submission_methods}
    if not methods:
        return True
    return bool(methods & {"electronicsubmission", "electronicauction"})


def period_rule(regime: str, procedure: str, electronic: bool) -> Optional[PeriodRule]:
    """The minimum period for `procedure` under `regime` (DOMAIN.md §2.11 table)."""
    if regime in ("uk-pcr2015", "eu"):
        refs = {"uk-pcr2015": ["pcr.27", "pcr.47"], "eu": ["eu.27"]}
        if procedure == "open":
            std = 30 if electronic else 35
            return PeriodRule(std, 15, "tenders",
                              f"open procedure: {std} days"
                              + (" with electronic submission" if electronic else "")
                              + "; 15 only with a qualifying prior information notice or "
                              "urgency", refs)
        if procedure in ("restricted", "negotiation"):
            return PeriodRule(30, 15, "requests to participate",
                              f"{procedure} procedure: requests to participate 30 days; 15 "
                              "only in urgency", refs)
        if procedure in ("dialogue", "innovation"):
            return PeriodRule(30, 30, "requests to participate",
                              f"{'competitive dialogue' if procedure == 'dialogue' else 'innovation partnership'}: "
                              "requests to participate 30 days", refs)
        return None
    if regime == "uk-pa2023":
        refs = {"uk-pa2023": ["pa.54"]}
        if procedure == "open":
            std = 25 if electronic else 30
            return PeriodRule(std, 10, "tenders",
                              f"open procedure tendering period: {std} days"
                              + (" with electronic submission" if electronic else " on paper")
                              + "; 10 only with a qualifying planned procurement notice or "
                              "urgency (s.54(4))", refs)
        if procedure in TWO_STAGE:
            return PeriodRule(25, 10, "requests to participate",
                              "competitive flexible procedure participation period: 25 days; "
                              "10 only in urgency (s.54(3))", refs)
    return None


# -- the checks ----------------------------------------------------------------------------------
def check_response_period(notice: Notice, regime: law.Regime) -> list[Finding]:
    days = notice.response_days
    if days is None:
        return []
    procedure = procedure_of(notice)
    if procedure == "direct":
        return []
    above = threshold_status(notice)
    if above is None and procedure in TWO_STAGE:
        above = True  # a regulated two-stage procedure was named
    rule = period_rule(regime.key, procedure, is_electronic(notice))
    evidence = notice.evidence("tender.datePublished", "tender.tenderPeriod.startDate", "date",
                               "tender.tenderPeriod.endDate", "tender.procurementMethod",
                               "tender.procurementMethodDetails", "tender.value.amount",
                               "tender.value.currency", "tender.aboveThreshold")
    if rule is not None and above is not False and days < rule.standard - TOLERANCE_DAYS:
        below_floor = days < rule.floor - TOLERANCE_DAYS
        certain = above is True
        summary = (f"{days} days from publication to the deadline for {rule.stage}; "
                   f"minimum {rule.standard} ({rule.describe})")
        if not certain:
            summary += "; applies if the procurement is above the threshold (value not given)"
        caveat = ("" if below_floor else
                  " This is lawful only if a qualifying earlier notice was published or urgency "
                  "was declared; check the notice.")
        return [_finding(
            notice, regime, category="timescale", rule="timescale.ocds_response_period",
            title="Response period shorter than the statutory minimum",
            severity="high" if below_floor else "medium",
            basis="breach" if certain else "proportionality",
            confidence=0.9 if certain else 0.6, evidence=evidence, references=rule.references,
            quantity=Quantity(kind="duration", value=float(days), unit="days",
                              text=f"{days} days", days=float(days)),
            assessment=Assessment(test="ocds_response_period", summary=summary,
                                  ratio=round(days / rule.standard, 3), limit=rule.standard,
                                  exceeded=True),
            message=(f"The notice allows {days} days for {rule.stage}, below the "
                     f"{rule.standard}-day minimum ({rule.describe}). Short periods shut out "
                     "suppliers without a bid team." + caveat),
            recommendation=(f"Allow at least {rule.standard} days from publication to the "
                            "deadline, and more for complex requirements or site visits."))]
    if above is not True and days < BELOW_THRESHOLD_SHORT_DAYS:
        working = working_days(notice.published.date(), notice.tender_end.date())  # type: ignore[union-attr]
        very_short = working < BELOW_THRESHOLD_VERY_SHORT_WORKING_DAYS
        return [_finding(
            notice, regime, category="timescale", rule="timescale.ocds_short_response_period",
            title="Very short response period",
            severity="high" if very_short else "medium", basis="proportionality",
            confidence=0.8, evidence=evidence,
            references={"uk-pcr2015": ["pcr.110.9"], "uk-pa2023": ["pa.87.6"],
                        "generic": ["eu.code"]},
            quantity=Quantity(kind="duration", value=float(days), unit="days",
                              text=f"{days} days", days=float(days)),
            assessment=Assessment(test="ocds_short_response_period",
                                  summary=(f"{days} calendar days ({working} working days) from "
                                           f"publication to the deadline; flag below "
                                           f"{BELOW_THRESHOLD_SHORT_DAYS} days"),
                                  ratio=round(days / BELOW_THRESHOLD_SHORT_DAYS, 3),
                                  limit=BELOW_THRESHOLD_SHORT_DAYS, exceeded=True),
            message=(f"The notice allows {days} days ({working} working days) to respond. Below "
                     "the threshold the period must still be reasonable; a small supplier "
                     "cannot prepare a bid this quickly."),
            recommendation=(f"Allow at least {BELOW_THRESHOLD_SHORT_DAYS} days, and longer "
                            "where a site visit or a detailed method statement is needed."))]
    return []


def check_framework_term(notice: Notice, regime: law.Regime) -> list[Finding]:
    if not notice.is_framework:
        return []
    years = notice.term_years
    if years is None:
        return []
    is_open = notice.framework_type == "open" and regime.key == "uk-pa2023"
    limit = OPEN_FRAMEWORK_MAX_YEARS if is_open else FRAMEWORK_MAX_YEARS
    if not _longer_than(notice, limit):
        return []
    reasons = notice.framework_rationale
    regulated = regime.key != "generic"
    evidence = notice.evidence(*_term_paths(notice), "tender.techniques.hasFrameworkAgreement",
                               "tender.techniques.frameworkAgreement.type",
                               "tender.techniques.frameworkAgreement.periodRationale",
                               "tender.procurementMethodDetails")
    ext = " including extensions" if notice.contract_end_includes_extensions else ""
    return [_finding(
        notice, regime, category="timescale", rule="timescale.ocds_framework_term",
        title="Framework longer than the statutory maximum",
        severity="medium" if reasons else "high",
        basis="breach" if (regulated and not reasons) else "proportionality",
        confidence=0.9, evidence=evidence,
        references={"uk-pcr2015": ["pcr.33.3"], "uk-pa2023": ["pa.47"], "eu": ["eu.33"],
                    "generic": ["eu.code"]},
        quantity=_years_quantity(years),
        assessment=Assessment(test="ocds_framework_term",
                              summary=f"framework term {years:.1f} years{ext}; maximum {limit}",
                              ratio=round(years / limit, 3), limit=limit, exceeded=True),
        message=(f"The framework runs {years:.1f} years{ext}, over the {limit}-year maximum. "
                 "Suppliers left off a long framework are shut out of the market for its life."
                 + (" Reasons are given in the notice; check they justify the length."
                    if reasons else " No reasons for the length were found in the notice data.")),
        recommendation=(f"Limit the framework to {limit} years, or state in the notice the "
                        "exceptional reasons that justify a longer term."))]


def check_contract_term(notice: Notice, regime: law.Regime) -> list[Finding]:
    if notice.is_framework:
        return []
    years = notice.term_years
    if years is None or not _longer_than(notice, CONTRACT_TERM_FLAG_YEARS):
        return []
    ext = " including extensions" if notice.contract_end_includes_extensions else ""
    return [_finding(
        notice, regime, category="timescale", rule="timescale.ocds_contract_term",
        title="Long contract term", severity="medium", basis="proportionality",
        confidence=0.8, evidence=notice.evidence(*_term_paths(notice)),
        references={"uk-pcr2015": ["pcr.18.1"], "uk-pa2023": ["pa.12.4"], "eu": ["eu.18"],
                    "generic": ["eu.code"]},
        quantity=_years_quantity(years),
        assessment=Assessment(test="ocds_contract_term",
                              summary=(f"contract term {years:.1f} years{ext}; flag over "
                                       f"{CONTRACT_TERM_FLAG_YEARS} [heuristic]"),
                              ratio=round(years / CONTRACT_TERM_FLAG_YEARS, 3),
                              limit=CONTRACT_TERM_FLAG_YEARS, exceeded=True),
        message=(f"The contract runs {years:.1f} years{ext}. A long term closes the market to "
                 "new and small suppliers until it ends (PA 2023 s.33 caps even reserved "
                 "mutual contracts at 5 years)."),
        recommendation=(f"Keep the term, with extensions, to {CONTRACT_TERM_FLAG_YEARS} years or "
                        "less, or explain why a longer one gives better value."))]


def check_no_lots(notice: Notice, regime: law.Regime) -> list[Finding]:
    if len(notice.lots) > 1 or notice.value is None:
        return []
    above = threshold_status(notice)
    if above is not True:
        return []
    if "tender.lots" not in notice.fields:
        lots_text = "tender.lots: (not given)"
    else:
        lots_text = f"tender.lots: {notice.fields['tender.lots']}"
    evidence = "\n".join(x for x in (notice.evidence("tender.value.amount", "tender.value.currency",
                                                     "tender.mainProcurementCategory",
                                                     "tender.aboveThreshold"), lots_text) if x)
    money = format_money(notice.value, notice.currency)
    regulated = regime.key != "generic"
    return [_finding(
        notice, regime, category="lots_scale", rule="lots_scale.ocds_no_lots",
        title="Large contract not divided into lots", severity="medium",
        basis="breach" if regulated else "proportionality", confidence=0.7, evidence=evidence,
        references={"uk-pcr2015": ["pcr.46"], "uk-pa2023": ["pa.18"], "eu": ["eu.46"],
                    "generic": ["eu.code"]},
        quantity=Quantity(kind="money", value=float(notice.value), unit=(notice.currency or ""),
                          text=money),
        assessment=Assessment(test="ocds_no_lots",
                              summary=f"{money} above the threshold and not divided into lots"),
        message=(f"The {money} contract is above the threshold and the notice does not divide it "
                 "into lots. The reasons were not found in the notice data; they may be in the "
                 "tender documents or the procurement report. One large lot is out of reach of "
                 "most small suppliers."),
        recommendation=("Divide the contract into lots by service or area sized for small "
                        "suppliers, or publish the main reasons for not doing so."))]


CHECKS: Sequence[Callable[[Notice, law.Regime], list[Finding]]] = (
    check_response_period, check_framework_term, check_contract_term, check_no_lots)


# -- helpers -------------------------------------------------------------------------------------
def _finding(notice: Notice, regime: law.Regime, *, category: str, rule: str, title: str,
             severity: str, basis: str, confidence: float, evidence: str,
             references: dict[str, list[str]], quantity: Quantity, assessment: Assessment,
             message: str, recommendation: str) -> Finding:
    citations = law.load_lawbook().cite(references, regime)
    enforceable: Optional[bool] = None
    if regime.key == "uk-pa2023":
        enforceable = basis == "breach" and any(c.enforceable for c in citations)
    clause = Clause(text=evidence, file=notice.key, page=0, start=0, end=len(evidence),
                    heading=("OCDS notice", notice.title or notice.ocid))
    return Finding(category=category, rule=rule, severity=severity,  # type: ignore[arg-type]
                   confidence=confidence, clause=clause, basis=basis,  # type: ignore[arg-type]
                   quantities=(quantity,), legal=tuple(c.text for c in citations),
                   message=message, recommendation=recommendation, assessment=assessment,
                   detector=DETECTOR, enforceable=enforceable, title=title)


def _term_paths(notice: Notice) -> list[str]:
    return sorted(p for p in notice.fields if ".contractPeriod." in p)


def _longer_than(notice: Notice, years: int) -> bool:
    """Term over `years`, with a day's tolerance, counted in calendar years where dates exist."""
    if notice.contract_start and notice.contract_end:
        limit = add_years(notice.contract_start.date(), years) + dt.timedelta(days=TOLERANCE_DAYS)
        return notice.contract_end.date() > limit
    days = notice.contract_duration_days
    return days is not None and days > years * 365.25 + TOLERANCE_DAYS


def _years_quantity(years: float) -> Quantity:
    return Quantity(kind="duration", value=round(years, 2), unit="years",
                    text=f"{years:.1f} years", days=round(years * 365.25, 1))


def add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def working_days(start: dt.date, end: dt.date) -> int:
    """Monday-to-Friday days after `start` up to and including `end` (bank holidays ignored)."""
    if end <= start:
        return 0
    full_weeks, rest = divmod((end - start).days, 7)
    count = full_weeks * 5
    day = start + dt.timedelta(days=full_weeks * 7)
    for _ in range(rest):
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            count += 1
    return count


def format_money(amount: float, currency: Optional[str]) -> str:
    symbol = {"GBP": "£", "EUR": "€", "USD": "$", "INR": "₹"}.get((currency or "").upper())
    number = f"{amount:,.0f}" if amount == int(amount) else f"{amount:,.2f}"
    return f"{symbol}{number}" if symbol else f"{number} {currency or ''}".strip()
