"""Computed tests at their boundaries: 2.0x is not above a 2x cap; 2.01x is."""
from __future__ import annotations

import datetime as dt

import pytest

from barrier_scan.assess import AssessContext, TESTS, find_contract_value
from barrier_scan.law import Regime
from barrier_scan.model import Clause, ContractValue, Document, Block, Finding, Quantity
from barrier_scan.settings import ScanSettings

PCR = Regime("uk-pcr2015", "PCR 2015")
PA = Regime("uk-pa2023", "PA 2023")


def finding(text: str, *quantities: Quantity, category: str = "turnover") -> Finding:
    clause = Clause(text=text, file="t.pdf", page=1, start=0, end=len(text))
    return Finding(category=category, rule="x.y", severity="medium", confidence=0.8,
                   clause=clause, quantities=quantities)


def money(amount: float) -> Quantity:
    return Quantity("money", amount, "GBP", f"£{amount:,.0f}")


def days(n: float) -> Quantity:
    return Quantity("duration", n, "days", f"{n:g} days", days=n)


def years(n: float, start: int = 0) -> Quantity:
    return Quantity("duration", n, "years", f"{n:g} years", start=start, days=n * 365)


def run(test: str, f: Finding, value: "float | None" = None, regime: Regime = PCR,
        term: "float | None" = None, **thresholds: object):
    v = ContractValue(value, "GBP", "cli", term_years=term) if value else None
    return TESTS[test](f, AssessContext(v, regime, thresholds))


# (turnover, value, flagged above the 2x cap)
TURNOVER_ROWS = [
    (800_000, 400_000, False),     # exactly 2.0x: at the cap, not above it
    (804_000, 400_000, True),      # 2.01x
    (5_000_000, 400_000, True),    # 12.5x
    (100_000, 400_000, False),
]


@pytest.mark.parametrize("turnover,value,flagged", TURNOVER_ROWS)
def test_turnover_ratio_boundary(turnover: float, value: float, flagged: bool) -> None:
    v = run("turnover_ratio", finding("minimum turnover", money(turnover)), value, cap=2.0)
    assert v.keep is flagged
    if flagged:
        assert v.severity == "high" and v.basis == "breach" and v.exceeded


@pytest.mark.parametrize("share,flagged", [(50.0, False), (49.0, True), (25.0, True)])
def test_value_capped_at_a_share_of_turnover_is_an_implied_floor(share: float, flagged: bool) -> None:
    # "the value must not exceed X% of turnover" sets turnover >= value x 100/X: 50% is 2.0x
    q = Quantity("percent", share, "%", f"{share:g}% of the bidder's annual turnover",
                 base="annual turnover")
    v = run("turnover_ratio", finding("value capped at a share of turnover", q), None, cap=2.0)
    assert v.keep is flagged and v.ratio == pytest.approx(100 / share)


def test_turnover_ratio_message_names_the_numbers() -> None:
    v = run("turnover_ratio", finding("t", money(5_000_000)), 400_000, cap=2.0)
    assert v.summary == "turnover £5,000,000 = 12.5x the £400,000 value; cap 2x"


def test_turnover_under_the_act_is_proportionality_not_breach() -> None:
    v = run("turnover_ratio", finding("t", money(5_000_000)), 400_000, PA, cap=2.0)
    assert v.keep and v.basis == "proportionality"


def test_turnover_without_value_still_flags_and_says_what_value_decides() -> None:
    v = run("turnover_ratio", finding("t", money(5_000_000)), None, cap=2.0)
    assert v.keep and v.needs_value
    assert "less than £2,500,000" in v.summary


def test_turnover_multiple_of_value() -> None:
    q = Quantity("multiple", 3.0, "x", "three times the contract value", base="contract value")
    assert run("turnover_ratio", finding("t", q), None, cap=2.0).exceeded
    q2 = Quantity("multiple", 2.0, "x", "twice the contract value", base="contract value")
    assert not run("turnover_ratio", finding("t", q2), None, cap=2.0).keep


def test_turnover_within_cap_on_whole_value_but_high_on_annual_value() -> None:
    # £1.5m turnover on a £1m, 4-year contract: 1.5x the whole value, 6x the annual value
    v = run("turnover_ratio", finding("t", money(1_500_000)), 1_000_000, term=4, cap=2.0)
    assert v.keep and v.severity == "medium" and v.basis == "proportionality"


@pytest.mark.parametrize("pct,flag", [(10.0, False), (10.01, True), (15.0, True)])
def test_bond_percent_boundary(pct: float, flag: bool) -> None:
    q = Quantity("percent", pct, "%", f"{pct}%", base="contract value")
    v = run("percent_of_value", finding("bond", q, category="security_bond"), 400_000, limit_percent=10)
    assert v.keep and bool(v.exceeded) is flag


def test_retention_within_limit_is_fair_when_rule_says_so() -> None:
    q = Quantity("percent", 5.0, "%", "5%")
    v = run("percent_of_value", finding("retention", q), None, limit_percent=5, fair_within_limit=True)
    assert not v.keep
    q = Quantity("percent", 5.01, "%", "5.01%")
    assert run("percent_of_value", finding("retention", q), None, limit_percent=5, fair_within_limit=True).keep


def test_bond_money_against_value() -> None:
    v = run("percent_of_value", finding("bond", money(60_000)), 400_000, limit_percent=10)
    assert v.exceeded and "15%" in v.summary


@pytest.mark.parametrize("n,flag", [(30, False), (31, True), (60, True)])
def test_payment_days_boundary(n: float, flag: bool) -> None:
    v = run("days_limit", finding(f"paid within {n} days", days(n)), None, max_days=30)
    assert v.keep is flag


def test_payment_end_of_month_counts_worst_case() -> None:
    v = run("days_limit", finding("30 days from the end of the month", days(30)), None, max_days=30)
    assert v.keep and v.ratio == 60


@pytest.mark.parametrize("parts,flag", [((4,), False), ((4.01,), True), ((2, 2), False), ((4, 2), True)])
def test_framework_term_boundary(parts: tuple, flag: bool) -> None:
    text = "framework for an initial period with an option to extend for a further period"
    # the first duration sits before "extend", the others after it
    v = run("term_years", finding(text, *(years(p, start=i * 60) for i, p in enumerate(parts))), None, limit_years=4)
    assert v.keep is flag


@pytest.mark.parametrize("d,flag", [(10, False), (9, True), (3, True)])
def test_short_period_boundary(d: float, flag: bool) -> None:
    assert run("short_period", finding("returned within", days(d)), None, min_days=10).keep is flag


@pytest.mark.parametrize("cap,flag", [(300_000, False), (301_000, True)])
def test_liability_cap_boundary(cap: float, flag: bool) -> None:
    # annual value 100k (300k over 3 years); limit 3x the annual value
    v = run("liability_cap", finding("cap", money(cap)), 300_000, term=3, max_ratio=3)
    assert v.keep is flag


def test_employers_liability_at_statutory_minimum_is_fair() -> None:
    f = finding("Employers' Liability insurance of £5,000,000", money(5_000_000), category="insurance")
    assert not run("insurance_level", f, 200_000).keep
    f = finding("Employers' Liability insurance of £10,000,000", money(10_000_000), category="insurance")
    v = run("insurance_level", f, None)
    assert v.keep and v.severity == "medium"


@pytest.mark.parametrize("cover,flag", [(4_999_999, False), (5_000_000, True)])
def test_insurance_level_ratio_and_floor(cover: float, flag: bool) -> None:
    # annual value £100k: 10x is £1m, so the £5m floor decides
    f = finding("Public Liability insurance", money(cover), category="insurance")
    v = run("insurance_level", f, 100_000, ratio_flag=10.0, statutory_el=5_000_000)
    assert bool(v.exceeded) is flag


@pytest.mark.parametrize("cover,annual,keep", [
    (5_000_000, 500_000, True), (5_000_000, 500_001, False),   # 10x the annual value is the line
    (9_999_999, 1_000_000, False), (10_000_000, 2_000_000, True)])  # £10m+ stays flagged
def test_insurance_level_below_ten_times_the_value_is_fair_under_ten_million(cover, annual, keep) -> None:
    f = finding("Public Liability insurance", money(cover), category="insurance")
    v = run("insurance_level", f, annual, ratio_flag=10.0, statutory_el=5_000_000)
    assert v.keep is keep
    assert "10x" in v.summary


def test_employers_liability_above_the_statutory_minimum_is_flagged_whatever_the_value() -> None:
    f = finding("Employers' Liability insurance of £10,000,000", money(10_000_000), category="insurance")
    v = run("insurance_level", f, 50_000_000, ratio_flag=10.0, statutory_el=5_000_000)
    assert v.keep and v.severity == "medium" and "statutory minimum" in v.summary


@pytest.mark.parametrize("cover,keep,severity", [
    (4_999_999, False, None), (5_000_000, True, "low"), (10_000_000, True, "medium")])
def test_insurance_level_without_a_value_flags_from_five_million(cover, keep, severity) -> None:
    # no value: £5m PL/PI may be 10x the contract, so it is kept, less confident, with a note
    f = finding("Public Liability insurance", money(cover), category="insurance")
    v = run("insurance_level", f, None, ratio_flag=10.0, statutory_el=5_000_000)
    assert v.keep is keep
    if keep:
        assert v.severity == severity and v.needs_value and "10x the annual value" in v.summary


@pytest.mark.parametrize("n,flag", [(3, None), (4, True)])
def test_references_count_boundary(n: float, flag: object) -> None:
    q = Quantity("count", n, "reference", f"{n:g} references")
    assert run("references", finding("refs", q, category="experience"), None, max_count=3).exceeded is flag


@pytest.mark.parametrize("n,sev", [(2, "medium"), (3, "high")])
def test_minimum_years_boundary(n: float, sev: str) -> None:
    assert run("minimum_years", finding("trading", years(n)), None, high_years=3).severity == sev


def test_contract_value_from_settings_wins() -> None:
    doc = Document("d", [], 1, "0")
    v = find_contract_value(doc, [], ScanSettings(value=250_000, currency="EUR"))
    assert (v.amount, v.currency, v.source) == (250_000, "EUR", "cli")


def test_contract_value_from_document_text() -> None:
    text = "The estimated total contract value is £400,000 over the initial three-year term."
    clause = Clause(text=text, file="d", page=2, start=0, end=len(text))
    doc = Document("d", [Block(text, "d", 2, 0, len(text))], 2, "0")
    v = find_contract_value(doc, [clause], ScanSettings())
    assert v is not None and v.amount == 400_000 and v.source == "document" and v.page == 2


def test_term_breakdown_in_brackets_is_not_counted_twice() -> None:
    from barrier_scan.assess import find_contract_term

    text = "3 years with the option to extend for a further 2 years (1 year plus 1 year)"
    clause = Clause(text=text, file="t", page=1, start=0, end=len(text), heading=("Duration of the contract",))
    assert find_contract_term([clause]) == 5
