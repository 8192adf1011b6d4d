"""Assess candidate findings: quantities against the contract value and the applicable law.

Each rule names a test (`assess: turnover_ratio`) and keeps its numbers as data
(`thresholds: {cap: 2.0}`); the tests here are generic over those numbers. A test returns a
`Verdict`: keep the finding (with severity, basis and the computed comparison) or record the
clause as checked and fair. Without a contract value the tests that need one still flag, with
lower confidence and a note of what the value would decide.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Optional, Sequence

from .law import Regime, load_lawbook
from .model import SEVERITY_RANK, Assessment, Clause, ContractValue, Document, Finding, Quantity
from .quantities import find_contract_value_statements, format_money, parse_quantities
from .rulepack import Rule, RulePack
from .settings import ScanSettings

if TYPE_CHECKING:
    from .detect.rule_engine import RuleEngine

NO_VALUE_CONFIDENCE = 0.75  # a value-dependent test that could not run is less certain
YEAR_DAYS = 365.0


@dataclass(frozen=True)
class Verdict:
    keep: bool
    summary: str = ""
    severity: Optional[str] = None
    basis: Optional[str] = None
    ratio: Optional[float] = None
    limit: Optional[float] = None
    exceeded: Optional[bool] = None
    needs_value: bool = False


@dataclass(frozen=True)
class Passed:
    """A clause a rule looked at and found fair, for the report's "checked and fair" list."""

    rule: str
    category: str
    clause: Clause
    summary: str

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "category": self.category, "text": self.clause.text,
                "page": self.clause.page, "clause": self.clause.number, "summary": self.summary}


@dataclass
class AssessContext:
    value: Optional[ContractValue]
    regime: Regime
    thresholds: Mapping[str, Any] = field(default_factory=dict)

    @property
    def annual_value(self) -> Optional[float]:
        if not self.value:
            return None
        years = self.value.term_years or 1.0
        return self.value.amount / max(years, 1.0)

    def money(self, amount: float) -> str:
        return format_money(amount, self.value.currency if self.value else "GBP")


Test = Callable[[Finding, AssessContext], Verdict]
TESTS: dict[str, Test] = {}


def test(name: str) -> Callable[[Test], Test]:
    def register(fn: Test) -> Test:
        TESTS[name] = fn
        return fn
    return register


def _money(f: Finding) -> list[Quantity]:
    return [q for q in f.quantities if q.kind == "money"]


def _of_kind(f: Finding, kind: str) -> list[Quantity]:
    return [q for q in f.quantities if q.kind == kind]


def _largest_money(f: Finding) -> Optional[Quantity]:
    money = _money(f)
    return max(money, key=lambda q: q.high or q.value) if money else None


def _years(q: Quantity) -> Optional[float]:
    """A duration in years, from its own unit where possible (48 months is 4 years, not 3.95)."""
    per_year = {"years": 1.0, "year": 1.0, "months": 12.0, "month": 12.0, "weeks": 52.0, "week": 52.0}
    if q.unit in per_year:
        return q.value / per_year[q.unit]
    return q.days / YEAR_DAYS if q.days else None


def _fmt_ratio(r: float) -> str:
    return f"{r:.2f}".rstrip("0").rstrip(".") + "x"


# --- tests --------------------------------------------------------------------------------

@test("turnover_ratio")
def turnover_ratio(f: Finding, ctx: AssessContext) -> Verdict:
    """PCR 2015 reg 58(9): minimum yearly turnover at most twice the estimated value."""
    cap = float(ctx.thresholds.get("cap", 2.0))
    multiples = [q for q in _of_kind(f, "multiple")]
    hidden = [q for q in _of_kind(f, "percent") if q.base and "turnover" in q.base]
    ratio: Optional[float] = None
    summary = ""
    if multiples:
        ratio = max(q.value for q in multiples)
        summary = f"turnover of {_fmt_ratio(ratio)} the contract value"
    elif hidden:
        ratio = 100.0 / max(min(q.value for q in hidden), 0.01)
        summary = f"value capped at {min(q.value for q in hidden):g}% of turnover implies turnover of {_fmt_ratio(ratio)} the value"
    amount = _largest_money(f)
    if ratio is None and amount is not None:
        if not ctx.value:
            return Verdict(True, f"minimum turnover {format_money(amount.value, amount.unit)}; "
                           f"above the {cap:g}x cap if the contract is worth less than "
                           f"{format_money(amount.value / cap, amount.unit)}", needs_value=True)
        ratio = amount.value / ctx.value.amount
        summary = (f"turnover {format_money(amount.value, amount.unit)} = {_fmt_ratio(ratio)} "
                   f"the {ctx.money(ctx.value.amount)} value")
    if ratio is None:
        return Verdict(True, "a turnover threshold without a stated figure", needs_value=not ctx.value)
    if ratio > cap:
        basis = "breach" if ctx.regime.key in ("uk-pcr2015", "eu") else "proportionality"
        return Verdict(True, f"{summary}; cap {cap:g}x", "high", basis, ratio, cap, True)
    av = ctx.annual_value
    if amount is not None and av and ctx.value and ctx.value.term_years and amount.value / av > cap:
        r = amount.value / av
        return Verdict(True, f"{summary}; within the {cap:g}x cap on the whole value but "
                       f"{_fmt_ratio(r)} the annual value", "medium", "proportionality", r, cap, True)
    return Verdict(False, f"{summary}; within the {cap:g}x cap", ratio=ratio, limit=cap, exceeded=False)


@test("percent_of_value")
def percent_of_value(f: Finding, ctx: AssessContext) -> Verdict:
    """Bonds, guarantees, deposits and retentions as a share of the contract value."""
    limit = float(ctx.thresholds.get("limit_percent", 10.0))
    pcts = [q for q in _of_kind(f, "percent")]
    pct: Optional[float] = max((q.value for q in pcts), default=None)
    amount = _largest_money(f)
    if pct is None and amount is not None and ctx.value:
        pct = 100.0 * amount.value / ctx.value.amount
    if pct is None:
        if amount is not None:
            return Verdict(True, f"{format_money(amount.value, amount.unit)} required; above {limit:g}% "
                           f"of the value if the contract is worth less than "
                           f"{format_money(amount.value * 100 / limit, amount.unit)}", needs_value=True)
        return Verdict(True, "required of every bidder with no amount stated")
    summary = f"{pct:.3g}% of the contract value"
    if amount is not None and ctx.value and not pcts:
        summary = f"{format_money(amount.value, amount.unit)} = {summary} ({ctx.money(ctx.value.amount)})"
    if pct > limit:
        return Verdict(True, f"{summary}; above {limit:g}%", "high", None, pct, limit, True)
    if ctx.thresholds.get("fair_within_limit"):
        return Verdict(False, f"{summary}; within {limit:g}%", ratio=pct, limit=limit, exceeded=False)
    return Verdict(True, f"{summary}; within {limit:g}% but still cash or credit locked up before any work is paid",
                   None, None, pct, limit, False)


@test("insurance_level")
def insurance_level(f: Finding, ctx: AssessContext) -> Verdict:
    """Cover levels against the annual value.

    Below `statutory_el` (£5m) no level is a barrier: Employers' Liability at £5m is the
    statutory minimum (ELCI Regs 1998 reg 3) and lower PL/PI levels are routine. From £5m,
    PL/PI is flagged at `ratio_flag` (10x) the annual value or more (DOMAIN.md 2.6). Below it,
    cover under `large_cover` (£10m) is checked and fair on level grounds (holding cover at
    bid stage is the separate `insurance.in_place_at_bid` rule); £10m and more, and EL above
    the £5m the law asks for, stay flagged (medium) whatever the value. Without the value,
    £5m+ PL/PI is flagged with a note of what the value would decide.
    """
    floor = float(ctx.thresholds.get("statutory_el", 5_000_000))
    big = float(ctx.thresholds.get("large_cover", 10_000_000))
    ratio_flag = float(ctx.thresholds.get("ratio_flag", 10.0))
    amount = _largest_money(f)
    if amount is None:
        return Verdict(False, "cover asked for with no level stated")
    cover = format_money(amount.value, amount.unit)
    text = f.clause.text.lower()
    el_only = bool(EMPLOYERS_LIABILITY_RE.search(text)) and not OTHER_COVER_RE.search(text)
    if amount.value < floor or (el_only and amount.value <= floor):
        what = "Employers' Liability at the statutory minimum" if el_only else "a routine level of cover"
        return Verdict(False, f"{cover}: {what}")
    av = ctx.annual_value
    if av:
        r = amount.value / av
        summary = f"cover {cover} = {_fmt_ratio(r)} the annual value {ctx.money(av)}"
        if r >= ratio_flag:
            sev = "high" if amount.value >= big and ctx.value and ctx.value.amount < 1_000_000 else "medium"
            return Verdict(True, f"{summary}; flag at {ratio_flag:g}x", sev, "proportionality", r, ratio_flag, True)
        if el_only or amount.value >= big:
            return Verdict(True, f"{summary}; below {ratio_flag:g}x, but {_large_cover_note(el_only, big)}",
                           "medium", "proportionality", r, ratio_flag, False)
        return Verdict(False, f"{summary}; below {ratio_flag:g}x", ratio=r, limit=ratio_flag,
                       exceeded=False)
    if el_only:
        return Verdict(True, f"Employers' Liability {cover}, above the £5m statutory minimum", "medium")
    # From £5m PL/PI is disproportionate on a contract worth a tenth of it or less; without
    # the value that cannot be ruled out, so it is flagged (low, less confident) with the note
    sev = "medium" if amount.value >= big else "low"
    return Verdict(True, f"cover {cover}; {ratio_flag:g}x the annual value or more would be disproportionate",
                   sev, needs_value=True)


def _large_cover_note(el_only: bool, big: float) -> str:
    if el_only:
        return "above the £5m Employers' Liability statutory minimum"
    return f"{format_money(big, 'GBP')} or more is a level few small suppliers carry"


EMPLOYERS_LIABILITY_RE = re.compile(r"employer'?s'?\s+liability")
OTHER_COVER_RE = re.compile(r"public|professional|products?\s+liability|motor|cyber|all risks|contract works")


@test("minimum_years")
def minimum_years(f: Finding, ctx: AssessContext) -> Verdict:
    """Years of trading, accounts or experience demanded; `high_years` and above is high."""
    high_years = float(ctx.thresholds.get("high_years", 3))
    years = [y for q in _of_kind(f, "duration") if (y := _years(q))]
    counts = [q.value for q in _of_kind(f, "count") if q.unit.startswith("year")]
    n = max(years + counts, default=None)
    if n is None:
        return Verdict(True, "a period is demanded without a stated length")
    sev = "high" if n >= high_years else "medium"
    return Verdict(True, f"{n:g} years demanded; {high_years:g} or more shuts out most new entrants"
                   if n >= high_years else f"{n:g} year(s) demanded", sev, None, n, high_years, n >= high_years)


@test("references")
def references(f: Finding, ctx: AssessContext) -> Verdict:
    """Number of references over `max_count`, or each worth the contract value or more."""
    max_count = float(ctx.thresholds.get("max_count", 3))
    counts = [q.value for q in _of_kind(f, "count")]
    n = max(counts, default=None)
    amount = _largest_money(f)
    parts, sev, exceeded = [], None, False
    if n is not None:
        parts.append(f"{n:g} references or contracts demanded")
        if n > max_count:
            sev, exceeded = "high", True
            parts[-1] += f" (more than {max_count:g})"
    if amount is not None:
        if ctx.value:
            r = amount.value / ctx.value.amount
            parts.append(f"each worth {format_money(amount.value, amount.unit)} = {_fmt_ratio(r)} the value")
            if r >= 1:
                sev, exceeded = "high", True
        else:
            parts.append(f"each worth {format_money(amount.value, amount.unit)}; a barrier if that is the contract's value or more")
    return Verdict(True, "; ".join(parts) or "similar-contract experience demanded", sev,
                   ratio=n, limit=max_count, exceeded=exceeded or None,
                   needs_value=amount is not None and not ctx.value)


@test("days_limit")
def days_limit(f: Finding, ctx: AssessContext) -> Verdict:
    """Payment beyond `max_days` (PCR reg 113 / PA s.68: 30 days)."""
    max_days = float(ctx.thresholds.get("max_days", 30))
    days = [q.days for q in _of_kind(f, "duration") if q.days]
    if not days:
        return Verdict(True, "payment is conditional or open-ended")
    worst = max(days)
    # "30 days from the end of the month" can mean up to a month more
    if re.search(r"end of (?:the )?month|month[- ]end", f.clause.text, re.I):
        worst += 30
    if worst > max_days:
        return Verdict(True, f"up to {worst:g} days to pay; limit {max_days:g}", "high", None, worst, max_days, True)
    return Verdict(False, f"{worst:g} days to pay; within {max_days:g}")


@test("term_years")
def term_years(f: Finding, ctx: AssessContext) -> Verdict:
    """Framework (4 years) or contract (5 years) term, counting extensions."""
    limit = float(ctx.thresholds.get("limit_years", 4))
    durations = [(q.start, y) for q in _of_kind(f, "duration") if (y := _years(q)) and y >= 0.5]
    if not durations:
        return Verdict(True, "a long term without a stated length")
    total = total_term(f.clause.text, durations)
    if round(total, 3) > limit:
        return Verdict(True, f"term of {total:g} years including extensions; limit {limit:g}", "high" if total >= limit + 2 else "medium",
                       None, total, limit, True)
    return Verdict(False, f"term of {total:g} years; within {limit:g}")


@test("short_period")
def short_period(f: Finding, ctx: AssessContext) -> Verdict:
    """Response periods shorter than `min_days`."""
    min_days = float(ctx.thresholds.get("min_days", 10))
    days = [q.days for q in _of_kind(f, "duration") if q.days]
    if not days:
        return Verdict(True, "a short response period")
    d = min(days)
    if d < min_days:
        return Verdict(True, f"{d:g} days to respond; under {min_days:g}", "high" if d < 5 else "medium", None, d, min_days, True)
    return Verdict(False, f"{d:g} days to respond")


@test("liability_cap")
def liability_cap(f: Finding, ctx: AssessContext) -> Verdict:
    """Caps above `max_ratio` times the annual value; uncapped is high."""
    max_ratio = float(ctx.thresholds.get("max_ratio", 3))
    amount = _largest_money(f)
    if amount is None:
        return Verdict(True, "liability without a cap", "high")
    av = ctx.annual_value
    if not av:
        return Verdict(True, f"cap {format_money(amount.value, amount.unit)}; over {max_ratio:g}x the annual value would be disproportionate",
                       needs_value=True)
    r = amount.value / av
    if r > max_ratio:
        return Verdict(True, f"cap {format_money(amount.value, amount.unit)} = {_fmt_ratio(r)} the annual value; limit {max_ratio:g}x",
                       "high", None, r, max_ratio, True)
    return Verdict(False, f"cap {format_money(amount.value, amount.unit)} = {_fmt_ratio(r)} the annual value")


@test("value_at_least")
def value_at_least(f: Finding, ctx: AssessContext) -> Verdict:
    """A barrier only on contracts worth `min_value` or more (e.g. no lots on a large contract)."""
    min_value = float(ctx.thresholds.get("min_value", 213_477))
    if not ctx.value:  # still flagged, less confident, saying what the value would decide
        return Verdict(True, f"a barrier if the contract is worth {format_money(min_value, 'GBP')} or more",
                       needs_value=True)
    if ctx.value.amount >= min_value:
        return Verdict(True, f"contract value {ctx.money(ctx.value.amount)} is at or above "
                       f"{ctx.money(min_value)}", None, None, ctx.value.amount / min_value, 1.0, True)
    return Verdict(False, f"contract value {ctx.money(ctx.value.amount)} is below {ctx.money(min_value)}")


@test("value_below")
def value_below(f: Finding, ctx: AssessContext) -> Verdict:
    """A barrier only below `threshold` (e.g. a PQQ stage is barred below the thresholds)."""
    threshold = float(ctx.thresholds.get("threshold", 213_477))
    if not ctx.value:  # still flagged, less confident, saying what the value would decide
        return Verdict(True, f"barred if the contract is worth less than {format_money(threshold, 'GBP')}",
                       needs_value=True)
    if ctx.value.amount < threshold:
        return Verdict(True, f"contract value {ctx.money(ctx.value.amount)} is below the "
                       f"{ctx.money(threshold)} threshold", None, None, ctx.value.amount / threshold, 1.0, True)
    return Verdict(False, f"contract value {ctx.money(ctx.value.amount)} is above the {ctx.money(threshold)} threshold")


@test("present")
def present(f: Finding, ctx: AssessContext) -> Verdict:
    """No computation: the requirement itself is the barrier."""
    q = ", ".join(q.text for q in f.quantities)
    return Verdict(True, f"requirement found ({q})" if q else "")


# --- the stage ----------------------------------------------------------------------------

def _primary_rule(pack: RulePack, category: str) -> Optional[Rule]:
    rules = pack.for_category(category)
    return rules[0] if rules else None


def _judge(f: Finding, rule: Rule, value: Optional[ContractValue], regime: Regime) -> Verdict:
    fn = TESTS.get(rule.assess or "present", present)
    return fn(f, AssessContext(value, regime, rule.thresholds))


def _settle(f: Finding, rule: Rule, verdict: Verdict, regime: Regime) -> Finding:
    lawbook = load_lawbook()
    citations = lawbook.cite(rule.references, regime)
    basis = verdict.basis or rule.basis_for(regime.key)
    severity = verdict.severity or f.severity
    confidence = f.confidence * (NO_VALUE_CONFIDENCE if verdict.needs_value else 1.0)
    message = rule.message
    if verdict.summary:
        message = f"{message} {verdict.summary[0].upper()}{verdict.summary[1:]}."
    if verdict.needs_value:
        message += " Give the contract value (--value) to decide."
    assessment = Assessment(rule.assess or "present", verdict.summary, verdict.ratio, verdict.limit,
                            verdict.exceeded, verdict.needs_value)
    return f.with_(
        severity=severity, basis=basis, confidence=min(confidence, 0.99),
        legal=tuple(c.text for c in citations), message=message,
        recommendation=f.recommendation or rule.recommendation, assessment=assessment,
        title=f.title or rule.title,
        enforceable=basis == "breach" and any(c.enforceable for c in citations),
    )


def _dedupe(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per clause and category: the most severe, then the most confident."""
    best: dict[tuple[str, int, int, str], Finding] = {}
    for f in findings:
        key = (f.clause.file, f.clause.start, f.clause.end, f.category)
        cur = best.get(key)
        if cur is None or (SEVERITY_RANK[f.severity], f.confidence) > (SEVERITY_RANK[cur.severity], cur.confidence):
            best[key] = f
    return sorted(best.values(), key=lambda f: (f.clause.file, f.clause.start, f.category))


def assess_all(findings: Sequence[Finding], pack: RulePack, value: Optional[ContractValue],
               regime: Regime) -> tuple[list[Finding], list[Passed]]:
    """Settle every finding; return the barriers and the clauses checked and found fair."""
    kept, passed = [], []
    for f in findings:
        rule = _rule_for(f, pack)
        if rule is None:
            kept.append(f)
            continue
        verdict = _judge(f, rule, value, regime)
        if verdict.keep:
            kept.append(_settle(f, rule, verdict, regime))
        else:
            passed.append(Passed(rule.id, rule.category, f.clause, verdict.summary))
    return _dedupe(kept), passed


def _rule_for(f: Finding, pack: RulePack) -> Optional[Rule]:
    try:
        return pack.by_id(f.rule)
    except KeyError:
        return _primary_rule(pack, f.category)  # model findings borrow the category's guidance


def rule_signals(findings: Sequence[Finding], pack: RulePack) -> list[Finding]:
    """The rule findings that stand after their computed test with no contract value: the
    verdicts the classifier reads as rule signals (a 30-day payment term found by the
    "beyond 30 days" pattern is checked and fair, so it sends none).

    No value, so that lone corpus clauses at training and a document's clauses at scan time
    give the same signal. The regime only words a verdict, never decides keep, so the
    default one serves."""
    from .law import regime_for

    regime = regime_for()
    kept = []
    for f in findings:
        rule = _rule_for(f, pack)
        if rule is None or _judge(f, rule, None, regime).keep:
            kept.append(f)
    return kept


def signal_categories(texts: Sequence[str], engine: "RuleEngine") -> list[frozenset[str]]:
    """For each text, read as one clause on its own, the categories of its `rule_signals`."""
    clauses = [Clause(text=t, file=str(i), page=1, start=0, end=len(t)) for i, t in enumerate(texts)]
    flagged: list[set[str]] = [set() for _ in texts]
    for f in rule_signals(engine.detect(clauses), engine.pack):
        flagged[int(f.clause.file)].add(f.category)
    return [frozenset(cats) for cats in flagged]


def assess(findings: Sequence[Finding], pack: RulePack, value: Optional[ContractValue],
           regime: Regime) -> list[Finding]:
    return assess_all(findings, pack, value, regime)[0]


# --- the contract's value -----------------------------------------------------------------

CONTRACT_TERM_RE = re.compile(
    r"\b(?:contract|agreement|framework|service|services)\b[^.;]{0,60}\b(?:term|period|duration|run|last|for|over)\b"
    r"|\b(?:option|options) to extend\b|\bextension periods?\b", re.I)
TERM_HEADING_RE = re.compile(r"\b(?:duration|term|contract period|period of (?:the )?contract)\b", re.I)
EXTEND_RE = re.compile(r"\b(?:extend|extension|further|plus)\b|\+", re.I)
NOT_A_TERM_RE = re.compile(r"experience|trading|accounts|established|insurance|turnover|warranty|defects", re.I)


def total_term(text: str, durations: Sequence[tuple[int, float]]) -> float:
    """Initial term plus the first extension stated after "extend"; a breakdown in brackets
    ("2 years (1 year plus 1 year)") is not counted twice. `durations`: (offset, years)."""
    if not durations:
        return 0.0
    m = EXTEND_RE.search(text)
    if not m or len(durations) == 1:
        return max(y for _, y in durations)
    before = [y for pos, y in durations if pos < m.start()]
    after = [y for pos, y in durations if pos >= m.start()]
    if not before or not after:
        return max(y for _, y in durations)
    return before[0] + after[0]


def find_contract_term(clauses: Sequence[Clause]) -> Optional[float]:
    """The contract's term in years, with extensions, from the first clause that states it."""
    for clause in clauses:
        stated = CONTRACT_TERM_RE.search(clause.text) or any(TERM_HEADING_RE.search(h) for h in clause.heading)
        if not stated or NOT_A_TERM_RE.search(clause.text):
            continue
        durations = [(q.start, y) for q in parse_quantities(clause.text) if q.kind == "duration"
                     and (y := _years(q)) and 0.5 <= y <= 25]
        if durations:
            return total_term(clause.text, durations)
    return None


def find_contract_value(document: Document, clauses: Sequence[Clause],
                        settings: ScanSettings) -> Optional[ContractValue]:
    """The value the tests compare against: from the caller (CLI/OCDS) or the document.

    The term (for the annual value) comes from the caller's metadata or the document.
    """
    if settings.value:
        term = (settings.metadata or {}).get("term_years") or find_contract_term(clauses)
        return ContractValue(settings.value, settings.currency, settings.value_source, term_years=term)
    first_annual: Optional[tuple[Quantity, Clause]] = None
    for clause in clauses:  # a total value wins over an annual one stated earlier
        for q, kind in find_contract_value_statements(clause.text, settings.currency):
            if "annual" in kind:
                first_annual = first_annual or (q, clause)
                continue
            return ContractValue(q.high or q.value, q.unit, "document", text=clause.text, page=clause.page,
                                 term_years=find_contract_term([clause]) or find_contract_term(clauses))
    if first_annual:
        q, clause = first_annual
        term = find_contract_term([clause]) or 1.0
        return ContractValue((q.high or q.value) * term, q.unit, "document", text=clause.text,
                             page=clause.page, term_years=term)
    return None
