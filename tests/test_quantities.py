"""Table tests for barrier_scan.quantities: each row is (input, every Quantity expected).

Rows compare `Quantity.to_dict()` exactly, so value, unit, text, high, days and base are all
checked; offsets are checked for every row by `test_offsets_index_the_input`.
"""
from __future__ import annotations

import doctest
import math
import random
import time
from typing import Any, Optional

import pytest

from barrier_scan import quantities
from barrier_scan.quantities import (
    STAFF_UNITS,
    find_contract_value_statements,
    find_value_statements,
    format_money,
    parse_money,
    parse_quantities,
)


def money(value: float, unit: str, text: str, high: Optional[float] = None) -> dict[str, Any]:
    return _row("money", value, unit, text, high=high)


def duration(value: float, unit: str, text: str, days: float,
             high: Optional[float] = None) -> dict[str, Any]:
    return _row("duration", value, unit, text, high=high, days=days)


def percent(value: float, text: str, base: Optional[str] = None,
            high: Optional[float] = None) -> dict[str, Any]:
    return _row("percent", value, "%", text, high=high, base=base)


def count(value: float, unit: str, text: str, high: Optional[float] = None) -> dict[str, Any]:
    return _row("count", value, unit, text, high=high)


def multiple(value: float, text: str, base: Optional[str] = None,
             high: Optional[float] = None) -> dict[str, Any]:
    return _row("multiple", value, "x", text, high=high, base=base)


def _row(kind: str, value: float, unit: str, text: str, **extra: Any) -> dict[str, Any]:
    row = {"kind": kind, "value": float(value), "unit": unit, "text": text}
    row.update({k: float(v) if isinstance(v, int) else v
                for k, v in extra.items() if v is not None})
    return row


QUANTITY_ROWS: list[tuple[str, list[dict[str, Any]]]] = [
    # --- money: sterling in every spelling
    ("£1.5m", [money(1_500_000, "GBP", "£1.5m")]),
    ("£1.5 million", [money(1_500_000, "GBP", "£1.5 million")]),
    ("£1,500,000", [money(1_500_000, "GBP", "£1,500,000")]),
    ("£1.5M", [money(1_500_000, "GBP", "£1.5M")]),
    ("£500k", [money(500_000, "GBP", "£500k")]),
    ("£500K", [money(500_000, "GBP", "£500K")]),
    ("GBP 2,000,000", [money(2_000_000, "GBP", "GBP 2,000,000")]),
    ("2,000,000 GBP", [money(2_000_000, "GBP", "2,000,000 GBP")]),
    ("5 million GBP", [money(5_000_000, "GBP", "5 million GBP")]),
    ("£5,000,000.00", [money(5_000_000, "GBP", "£5,000,000.00")]),
    ("£ 5 000 000", [money(5_000_000, "GBP", "£ 5 000 000")]),
    ("£ 1.5m", [money(1_500_000, "GBP", "£ 1.5m")]),
    ("GBP2m", [money(2_000_000, "GBP", "GBP2m")]),
    ("£2.5bn", [money(2_500_000_000, "GBP", "£2.5bn")]),
    ("£750", [money(750, "GBP", "£750")]),
    ("£1,234.56", [money(1234.56, "GBP", "£1,234.56")]),
    ("300,000 pounds sterling", [money(300_000, "GBP", "300,000 pounds sterling")]),
    ("one hundred and fifty thousand pounds",
     [money(150_000, "GBP", "one hundred and fifty thousand pounds")]),
    ("a million pounds", [money(1_000_000, "GBP", "a million pounds")]),
    ("ten million pounds", [money(10_000_000, "GBP", "ten million pounds")]),
    # --- money: words and figures that restate each other are one quantity
    ("Five Million pounds (5,000,000 GBP)",
     [money(5_000_000, "GBP", "Five Million pounds (5,000,000 GBP)")]),
    ("£10m (ten million pounds)", [money(10_000_000, "GBP", "£10m (ten million pounds)")]),
    ("five million pounds (£5m)", [money(5_000_000, "GBP", "five million pounds (£5m)")]),
    ("five million (5,000,000) pounds",
     [money(5_000_000, "GBP", "five million (5,000,000) pounds")]),
    ("£2m (£3m with options)",
     [money(2_000_000, "GBP", "£2m"), money(3_000_000, "GBP", "£3m")]),
    # --- money: spacing and artefacts of extracted text
    ("cover of 10 000 000 GBP each claim", [money(10_000_000, "GBP", "10 000 000 GBP")]),
    ("cover of 2,000,000GBP", [money(2_000_000, "GBP", "2,000,000GBP")]),
    # OCDS text that lost its line breaks keeps a literal "rn" after the last word
    ("cover - GBP 5mrn o next item", [money(5_000_000, "GBP", "GBP 5m")]),
    ("cover = 2million GBPrn next", [money(2_000_000, "GBP", "2million GBP")]),
    # --- money: euro and dollars
    ("one million euro", [money(1_000_000, "EUR", "one million euro")]),
    ("€13,000,000", [money(13_000_000, "EUR", "€13,000,000")]),
    ("EUR 13m", [money(13_000_000, "EUR", "EUR 13m")]),
    ("13 million EUR", [money(13_000_000, "EUR", "13 million EUR")]),
    ("20,000 euros", [money(20_000, "EUR", "20,000 euros")]),
    ("€5.000.000,50", [money(5_000_000.5, "EUR", "€5.000.000,50")]),
    ("$2.5bn", [money(2_500_000_000, "USD", "$2.5bn")]),
    ("USD 250,000", [money(250_000, "USD", "USD 250,000")]),
    ("US$ 3m", [money(3_000_000, "USD", "US$ 3m")]),
    ("$2,500", [money(2_500, "USD", "$2,500")]),
    # --- money: rupees, lakh and crore, Indian grouping
    ("₹50 lakh", [money(5_000_000, "INR", "₹50 lakh")]),
    ("Rs. 5 crore", [money(50_000_000, "INR", "Rs. 5 crore")]),
    ("Rs.5 crore", [money(50_000_000, "INR", "Rs.5 crore")]),
    ("INR 2,50,000", [money(250_000, "INR", "INR 2,50,000")]),
    ("5 crore", [money(50_000_000, "INR", "5 crore")]),
    ("₹50,00,000", [money(5_000_000, "INR", "₹50,00,000")]),
    ("Rs 10 lakhs", [money(1_000_000, "INR", "Rs 10 lakhs")]),
    # --- money: ranges
    ("£1m - £2m", [money(1_000_000, "GBP", "£1m - £2m", high=2_000_000)]),
    ("£1m to £2m", [money(1_000_000, "GBP", "£1m to £2m", high=2_000_000)]),
    ("£1m–£2m", [money(1_000_000, "GBP", "£1m–£2m", high=2_000_000)]),
    ("between £100,000 and £250,000",
     [money(100_000, "GBP", "£100,000 and £250,000", high=250_000)]),
    ("£1-2m", [money(1_000_000, "GBP", "£1-2m", high=2_000_000)]),
    ("1 to 2 million pounds", [money(1_000_000, "GBP", "1 to 2 million pounds", high=2_000_000)]),
    ("£100k-£150k per annum", [money(100_000, "GBP", "£100k-£150k", high=150_000)]),
    ("£2m to £1m", [money(2_000_000, "GBP", "£2m"), money(1_000_000, "GBP", "£1m")]),
    # --- money: in a sentence
    ("£5m any one occurrence / each and every claim", [money(5_000_000, "GBP", "£5m")]),
    ("Public liability insurance of £10,000,000 for any one claim.",
     [money(10_000_000, "GBP", "£10,000,000")]),
    ("a minimum annual turnover of £2m in each of the last three financial years",
     [money(2_000_000, "GBP", "£2m"), duration(3, "years", "three financial years", 1095)]),
    # --- money: bare figures after a money word take the default currency
    ("turnover of 2,000,000", [money(2_000_000, "GBP", "2,000,000")]),
    ("a turnover of at least 5m", [money(5_000_000, "GBP", "5m")]),
    ("Value: 400000", [money(400_000, "GBP", "400000")]),
    ("Value: 400000 GBP", [money(400_000, "GBP", "400000 GBP")]),
    # --- money: the currency in a label or column heading
    ("Turnover (£): 1,500,000", [money(1_500_000, "GBP", "1,500,000")]),
    ("Amount (EUR) | 300,000", [money(300_000, "EUR", "300,000")]),
    ("Term (£) 5 years", [duration(5, "years", "5 years", 1825)]),
    # --- a share of the bidder's turnover (the hidden turnover floor)
    ("must not exceed 25% of the bidder's annual turnover",
     [percent(25, "25% of the bidder's annual turnover", base="annual turnover")]),
    ("no more than 40 per cent of the Tenderer’s turnover",
     [percent(40, "40 per cent of the Tenderer’s turnover", base="turnover")]),
    # --- multiples of a base
    ("two times the contract value",
     [multiple(2, "two times the contract value", "contract value")]),
    ("twice the annual contract value",
     [multiple(2, "twice the annual contract value", "annual contract value")]),
    ("3x the contract value", [multiple(3, "3x the contract value", "contract value")]),
    ("3 x the contract value", [multiple(3, "3 x the contract value", "contract value")]),
    ("1.5 times", [multiple(1.5, "1.5 times")]),
    ("one and a half times the contract value",
     [multiple(1.5, "one and a half times the contract value", "contract value")]),
    ("three times the value of the contract",
     [multiple(3, "three times the value of the contract", "contract value")]),
    ("double the estimated annual value",
     [multiple(2, "double the estimated annual value", "estimated annual value")]),
    ("2-3 times the contract sum",
     [multiple(2, "2-3 times the contract sum", "contract sum", high=3)]),
    ("twice the turnover", [multiple(2, "twice the turnover", "turnover")]),
    ("2 x extensions of 12 months", [duration(12, "months", "12 months", 360)]),
    ("4 x 12 month options", [duration(12, "months", "12 month", 360)]),
    ("a cap of 3x.", [multiple(3, "3x")]),
    # --- percentages
    ("10% of the contract value", [percent(10, "10% of the contract value", "contract value")]),
    ("ten percent (10%)", [percent(10, "ten percent (10%)")]),
    ("5 per cent", [percent(5, "5 per cent")]),
    ("0.5% per week", [percent(0.5, "0.5%")]),
    ("10 % of turnover", [percent(10, "10 % of turnover", "turnover")]),
    ("10-15%", [percent(10, "10-15%", high=15)]),
    ("between 5% and 10% of the annual contract value",
     [percent(5, "5% and 10% of the annual contract value", "annual contract value", high=10)]),
    ("twenty-five percent", [percent(25, "twenty-five percent")]),
    ("a bond of 10% of the estimated contract value",
     [percent(10, "10% of the estimated contract value", "estimated contract value")]),
    ("score 60% quality / 40% price", [percent(60, "60%"), percent(40, "40%")]),
    # --- durations, with calendar days
    ("three (3) years", [duration(3, "years", "three (3) years", 1095)]),
    ("36 months", [duration(36, "months", "36 months", 1080)]),
    ("10 working days", [duration(10, "working_days", "10 working days", 14)]),
    ("5 business days", [duration(5, "working_days", "5 business days", 7)]),
    ("1 working day", [duration(1, "working_days", "1 working day", 1)]),
    ("2 weeks", [duration(2, "weeks", "2 weeks", 14)]),
    ("30 calendar days", [duration(30, "days", "30 calendar days", 30)]),
    ("sixty (60) days", [duration(60, "days", "sixty (60) days", 60)]),
    ("4 (four) years", [duration(4, "years", "4 (four) years", 1460)]),
    ("3-5 years", [duration(3, "years", "3-5 years", 1095, high=5)]),
    ("3 to 5 years", [duration(3, "years", "3 to 5 years", 1095, high=5)]),
    ("between three and five years", [duration(3, "years", "three and five years", 1095, high=5)]),
    ("a 12-month contract", [duration(12, "months", "12-month", 360)]),
    ("a 3-year track record", [duration(3, "years", "3-year", 1095)]),
    ("within 48 hours", [duration(48, "hours", "48 hours", 2)]),
    ("two and a half years", [duration(2.5, "years", "two and a half years", 912.5)]),
    ("1 year", [duration(1, "years", "1 year", 365)]),
    ("twenty one days", [duration(21, "days", "twenty one days", 21)]),
    ("5 yrs", [duration(5, "years", "5 yrs", 1825)]),
    ("three financial years", [duration(3, "years", "three financial years", 1095)]),
    ("payment within 60 days of receipt of a valid invoice", [duration(60, "days", "60 days", 60)]),
    # --- counts of countable nouns
    ("a minimum of three references", [count(3, "reference", "three references")]),
    ("at least 5 contracts", [count(5, "contract", "5 contracts")]),
    ("no fewer than two (2) case studies", [count(2, "case study", "two (2) case studies")]),
    ("50 full-time employees", [count(50, "employee", "50 full-time employees")]),
    ("minimum of 10 FTE", [count(10, "FTE", "10 FTE")]),
    ("three satisfactory client references",
     [count(3, "reference", "three satisfactory client references")]),
    ("3 contracts of similar size", [count(3, "contract", "3 contracts")]),
    ("at least one reference", [count(1, "reference", "one reference")]),
    ("twenty-five employees", [count(25, "employee", "twenty-five employees")]),
    ("four hundred staff", [count(400, "staff", "four hundred staff")]),
    ("1,200 employees", [count(1200, "employee", "1,200 employees")]),
    ("5 members of staff", [count(5, "staff", "5 members of staff")]),
    ("12 qualified engineers", [count(12, "engineer", "12 qualified engineers")]),
    ("two hard copies", [count(2, "copy", "two hard copies")]),
    ("3 depots", [count(3, "depot", "3 depots")]),
    ("10,000+ employees", [count(10_000, "employee", "10,000+ employees")]),
    ("5+ years", [duration(5, "years", "5+ years", 1825)]),
    ("2 sites and 4 vehicles", [count(2, "site", "2 sites"), count(4, "vehicle", "4 vehicles")]),
    ("an office", []),
    ("the Supplier's 3 largest contracts", [count(3, "contract", "3 largest contracts")]),
    ("between 10 and 20 operatives", [count(10, "operative", "10 and 20 operatives", high=20)]),
    ("a minimum of 2 case studies and 3 references",
     [count(2, "case study", "2 case studies"), count(3, "reference", "3 references")]),
    # --- several kinds in one clause, sorted by offset
    ("A performance bond of 10% of the annual contract value for 2 years",
     [percent(10, "10% of the annual contract value", "annual contract value"),
      duration(2, "years", "2 years", 730)]),
    ("Minimum turnover of twice the estimated annual contract value, i.e. £800,000.",
     [multiple(2, "twice the estimated annual contract value", "estimated annual contract value"),
      money(800_000, "GBP", "£800,000")]),
    ("In 2019 the Council let 12 contracts.", [count(12, "contract", "12 contracts")]),
    ("Lot 3 requires 2 references", [count(2, "reference", "2 references")]),
]

# Numbers that are not quantities: references, standards, dates, times, phone numbers.
NOT_QUANTITY_ROWS: list[str] = [
    "ISO 9001:2015",
    "ISO 14001",
    "ISO/IEC 27001:2013 certified",
    "BS EN ISO 14001:2015 and 3 more",
    "SOC 2 contracts",
    "clause 4.2.1",
    "see paragraph 4.2 and Schedule 3, Part 2",
    "by 31 March 2025",
    "on 1st April 2024",
    "March 31, 2025",
    "March 2025 contracts",
    "in 2015",
    "2015 contracts were let",
    "financial year 2023-24",
    "at 12:00",
    "at 9am",
    "by 5 pm",
    "by 12.00 noon",
    "call 020 7946 0000",
    "call +44 (0)20 7946 0000",
    "SW1A 1AA",
    "B1 1YR",
    "Regulation 58(9)",
    "reg. 58 contracts",
    "PPN 02/13",
    "section 22(3)(a)",
    "s. 22 contracts",
    "Lot 3",
    "Lot 3 contracts",
    "Lots 1, 2 and 3 contracts",
    "page 4 references",
    "pages 3-5 of the ITT",
    "No. 5 contracts",
    "Procurement Act 2023 section 19",
    "24/7 cover",
    "1,2,3",
    "5m of cable",
    "a 5k run",
    "Part 2 of 3",
    "millions of pounds",
    "hundreds of references",
    "one of the bidders",
    "any one occurrence",
    "twice a year",
    "three times a week",
    "a double-glazed unit",
    "v2.1 of the form",
    "A4 pages",
    "9" * 400,
]

VALUE_STATEMENT_ROWS: list[tuple[str, list[tuple[float, Optional[float], str, str, str]]]] = [
    ("The estimated value of the contract is £400,000 per annum.",
     [(400_000, None, "GBP", "annual", "estimated value of the contract")]),
    ("The total contract value is estimated at £1.2m over four years.",
     [(1_200_000, None, "GBP", "total", "total contract value")]),
    ("Estimated value excluding VAT: £250,000",
     [(250_000, None, "GBP", "total", "estimated value")]),
    ("Value: 400000 GBP", [(400_000, None, "GBP", "total", "value")]),
    ("Value excluding VAT: 1,234,567 GBP",
     [(1_234_567, None, "GBP", "total", "value excluding vat")]),
    ("Total value of the procurement (excluding VAT)\nValue: 1,234,567 GBP",
     [(1_234_567, None, "GBP", "total", "value")]),
    ("The budget for this contract is £80,000.",
     [(80_000, None, "GBP", "total", "budget for this contract")]),
    ("There is a maximum budget of £60,000 for the work.",
     [(60_000, None, "GBP", "total", "maximum budget")]),
    ("The annual value of the framework is expected to be £2m.",
     [(2_000_000, None, "GBP", "annual", "annual value of the framework")]),
    ("The contract is valued at between £1m and £2m.",
     [(1_000_000, 2_000_000, "GBP", "total", "valued at")]),
    ("The contract value is £500k (excluding VAT) per annum.",
     [(500_000, None, "GBP", "annual", "contract value")]),
    ("The contract sum will be £3,250,000.", [(3_250_000, None, "GBP", "total", "contract sum")]),
    ("Estimated total value: 5 million GBP",
     [(5_000_000, None, "GBP", "total", "estimated total value")]),
    ("The maximum value of the framework is €20m.",
     [(20_000_000, None, "EUR", "total", "maximum value of the framework")]),
    ("An anticipated annual spend of £5m.",
     [(5_000_000, None, "GBP", "annual", "anticipated annual spend")]),
    ("The estimated value is £400,000. Bidders must hold insurance of £5m.",
     [(400_000, None, "GBP", "total", "estimated value")]),
    ("Lot 1 has an estimated value of £200k and indemnity insurance of £1m is required.",
     [(200_000, None, "GBP", "total", "estimated value")]),
    ("The estimated contract value is Rs. 5 crore.",
     [(50_000_000, None, "INR", "total", "estimated contract value")]),
    ("Estimated value: 400,000", [(400_000, None, "GBP", "total", "estimated value")]),
    # not statements of the contract's value
    ("Bidders must have an annual turnover of £5m.", []),
    ("Insurance of £10m is required.", []),
    ("Employer's liability insurance cover of £10m.", []),
    ("Bidders must have delivered 3 contracts of a similar value of at least £1m.", []),
    ("Minimum turnover of twice the contract value (£800,000).", []),
    ("The Council's annual budget is £240m.", []),
    ("Contracts with a value above £100,000 must be advertised.", []),
    ("A performance bond of £50,000 is required.", []),
    ("Professional indemnity of £2m for each claim.", []),
    ("The Supplier shall pay £500 per day in liquidated damages.", []),
]

FORMAT_MONEY_ROWS: list[tuple[float, str, str]] = [
    (5_000_000, "GBP", "£5,000,000"),
    (13_000_000, "EUR", "€13,000,000"),
    (2_500, "USD", "$2,500"),
    (5_000_000, "INR", "₹50,00,000"),
    (250_000, "INR", "₹2,50,000"),
    (999, "INR", "₹999"),
    (1_234.5, "GBP", "£1,234.50"),
    (0, "GBP", "£0"),
    (-400_000, "GBP", "-£400,000"),
    (1_000, "CHF", "CHF 1,000"),
    (1_000, "gbp", "£1,000"),
    (0.004, "GBP", "£0"),
]


@pytest.mark.parametrize("text,expected", QUANTITY_ROWS, ids=[r[0][:40] for r in QUANTITY_ROWS])
def test_parse_quantities(text: str, expected: list[dict[str, Any]]) -> None:
    assert [q.to_dict() for q in parse_quantities(text)] == expected


def test_table_is_large_enough() -> None:
    assert len(QUANTITY_ROWS) >= 80


@pytest.mark.parametrize("text", NOT_QUANTITY_ROWS, ids=[r[:40] for r in NOT_QUANTITY_ROWS])
def test_numbers_that_are_not_quantities(text: str) -> None:
    assert parse_quantities(text) == []


@pytest.mark.parametrize("text,_", QUANTITY_ROWS, ids=[r[0][:40] for r in QUANTITY_ROWS])
def test_offsets_index_the_input(text: str, _: Any) -> None:
    prefix = "Clause 7.1: "
    found = parse_quantities(prefix + text)
    for q in found:
        assert (prefix + text)[q.start:q.end] == q.text
    assert [q.start for q in found] == sorted(q.start for q in found)


def test_parse_money_keeps_only_money() -> None:
    text = "A turnover of £2m over 3 years and 10% of the contract value"
    assert [q.text for q in parse_money(text)] == ["£2m"]


def test_default_currency_applies_to_bare_amounts_only() -> None:
    assert parse_money("turnover of 2,000,000", default_currency="eur")[0].unit == "EUR"
    assert parse_money("turnover of £2,000,000", default_currency="EUR")[0].unit == "GBP"


def test_staff_units_cover_the_workforce_nouns() -> None:
    units = {q.unit for q in parse_quantities(
        "5 employees, 5 staff, 5 FTE, 5 engineers, 5 operatives, 5 people, 5 references")}
    assert units - STAFF_UNITS == {"reference"}


def test_value_is_never_a_year_or_a_fraction_count() -> None:
    assert parse_quantities("2.5 references") == []
    assert parse_quantities("2020 employees") == []
    assert [q.value for q in parse_quantities("2,020 employees")] == [2020.0]


@pytest.mark.parametrize("text,expected", VALUE_STATEMENT_ROWS,
                         ids=[r[0][:40] for r in VALUE_STATEMENT_ROWS])
def test_find_value_statements(text: str, expected: list[tuple[Any, ...]]) -> None:
    found = [(s.quantity.value, s.quantity.high, s.quantity.unit, s.basis, s.label)
             for s in find_value_statements(text)]
    assert found == [(float(v), h, c, b, label) for v, h, c, b, label in expected]


def test_find_contract_value_statements_pairs_money_with_basis() -> None:
    text = "The estimated value is £400,000 per annum. Bidders need a turnover of £800k."
    (quantity, basis), = find_contract_value_statements(text)
    assert (quantity.text, quantity.value, basis) == ("£400,000", 400_000.0, "annual")


@pytest.mark.parametrize("amount,currency,expected", FORMAT_MONEY_ROWS)
def test_format_money(amount: float, currency: str, expected: str) -> None:
    assert format_money(amount, currency) == expected


def test_module_docstring_example() -> None:
    assert doctest.testmod(quantities).failed == 0


def test_rejects_non_text() -> None:
    with pytest.raises(TypeError, match="needs a str"):
        parse_quantities(None)  # type: ignore[arg-type]


def _check_invariants(text: str) -> None:
    found = parse_quantities(text)
    for q in found:
        assert text[q.start:q.end] == q.text
        assert math.isfinite(q.value) and q.value >= 0
        assert q.high is None or q.high >= q.value
        assert q.kind in {"money", "percent", "duration", "count", "multiple"}
        assert (q.days is not None) == (q.kind == "duration")
    assert [q.start for q in found] == sorted(q.start for q in found)
    for a, b in zip(found, found[1:]):
        assert a.end <= b.start
    find_value_statements(text)


def test_random_unicode_never_raises() -> None:
    rng = random.Random(42)
    tricky = "£€$₹0123456789 ,.-–()%xX/:;ampkKMBn\u00a0\u202f\u0660\u0663İ½\t\n"
    alphabet = tricky + "".join(chr(rng.randrange(0x20, 0x2FFFF)) for _ in range(200))
    for _ in range(3000):
        _check_invariants("".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 60))))


def test_shuffled_table_fragments_never_raise() -> None:
    rng = random.Random(7)
    fragments = [row[0] for row in QUANTITY_ROWS] + NOT_QUANTITY_ROWS[:-1]
    glue = [" ", " and ", " (", ") ", " - ", " to ", ", ", "", " between ", " of the "]
    for _ in range(1500):
        parts = rng.sample(fragments, rng.randrange(1, 5))
        _check_invariants("".join(p + rng.choice(glue) for p in parts))


HOSTILE_PIECES = [
    "1", "1,", "1.", "(1) ", "one (1) ", "one and ", "one two three ", "twenty one hundred ",
    "£", "£1m - ", "between 1 and ", "3 full time full time references ", "5% of the ",
]


@pytest.mark.parametrize("piece", HOSTILE_PIECES)
def test_hostile_input_stays_fast(piece: str) -> None:
    text = piece * (5000 // len(piece))
    started = time.perf_counter()
    _check_invariants(text)
    assert time.perf_counter() - started < 2.0


def test_clauses_without_numbers_are_fast() -> None:
    # The parser runs on every candidate clause; most have no number at all. Measured
    # ~50,000 clauses/s on the 2-core CI machine; the bound only catches a regression.
    clauses = [
        "The Supplier shall provide the services described in the specification.",
        "Bidders must demonstrate relevant experience of similar services.",
        "The Authority reserves the right not to award the contract.",
        "All tenderers must hold the accreditation named below or equivalent.",
    ] * 500
    started = time.perf_counter()
    for clause in clauses:
        assert parse_quantities(clause) == []
    assert time.perf_counter() - started < 1.0
