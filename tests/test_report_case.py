"""The case view-model every report format reads: reference, score, classification, lists."""
from __future__ import annotations

import datetime as dt

import pytest

from barrier_scan.model import CATEGORIES
from barrier_scan.report.case import (
    build_case,
    case_reference,
    first_sentence,
    money,
    readable_date,
    subject_for,
)
from report_fixtures import TODAY, clean_report, riverside_findings, riverside_result, unreadable_report


def test_case_reference_is_bs_and_first_ten_hex_of_the_hash():
    assert case_reference("36E4FB9AECBFDBC868884FB3D7E508A2") == "BS-36e4fb9aec"


def test_case_reference_drops_anything_but_hex():
    # a results file read back from disk could carry markup in its sha256 field
    assert case_reference("</style><script>ab12") == "BS-ecab12"
    assert case_reference("") == "BS-0000000000"


def test_case_reference_is_stable_across_builds():
    assert build_case(riverside_result()).reference == build_case(riverside_result()).reference


@pytest.mark.parametrize("category, rule, subject", [
    ("payment_terms", "payment_terms.over_30_days", "Payment"),
    ("lots_scale", "lots_scale.no_lots", "Procurement Strategy"),
    ("consortium_subcontracting", "consortium_subcontracting.ban", "Procurement Strategy"),
    ("timescale", "timescale.framework_term", "Procurement Strategy"),
    ("timescale", "timescale.short_response", "Procurement Process"),
    ("turnover", "turnover.minimum", "Procurement Process"),
    ("insurance", "insurance.level_at_bid", "Procurement Process"),
])
def test_subject_follows_the_review_service_classification(category, rule, subject):
    finding = riverside_findings()[0].with_(category=category, rule=rule)
    assert subject_for(finding) == subject


def test_barrier_score_shows_its_formula():
    case = build_case(riverside_result(), today=TODAY)
    assert case.counts == {"high": 3, "medium": 4, "low": 1}
    assert case.score.value == 47
    assert case.score.formula == "10 × 3 high + 4 × 4 medium + 1 × 1 low = 47"
    assert case.score.band == "high"


@pytest.mark.parametrize("severities, value, band", [
    ((), 0, "none found"),
    (("low",), 1, "low"),
    (("medium", "medium", "low"), 9, "low"),
    (("high",), 10, "moderate"),
    (("high", "medium", "medium"), 18, "moderate"),
    (("high", "high"), 20, "high"),
])
def test_score_bands_boundaries(severities, value, band):
    template = riverside_findings()[0]
    findings = [template.with_(severity=s) for s in severities]
    case = build_case(riverside_result(findings))
    assert (case.score.value, case.score.band) == (value, band)


def test_findings_are_numbered_in_document_order_and_worst_three_picked_by_severity():
    case = build_case(riverside_result(), today=TODAY)
    assert [f.finding.clause.page for f in case.findings] == sorted(f.finding.clause.page for f in case.findings)
    assert [f.id for f in case.findings][:2] == ["BS-36e4fb9aec-01", "BS-36e4fb9aec-02"]
    assert [f.finding.category for f in case.worst] == ["turnover", "payment_terms", "insurance"]


def test_finding_view_carries_issue_location_and_computed_test():
    turnover = next(f for f in build_case(riverside_result()).findings if f.finding.category == "turnover")
    assert turnover.issue == "A minimum annual or average turnover set as a pass/fail selection condition."
    assert turnover.why.startswith("Asks for a minimum turnover of £5,000,000")
    assert turnover.assessment == "turnover £5,000,000 = 12.5x the £400,000 value; cap 2x"
    assert turnover.location == ("riverside-itt.pdf, page 4, clause 4.2 "
                                 "(Section 4 Selection > Economic and financial standing)")
    assert turnover.sub_issue == "Financial Requirement"


def test_checked_and_found_fair_is_checked_minus_flagged_categories():
    case = build_case(riverside_result())
    flagged = {f.category for f in riverside_findings()}
    assert [c.category for c in case.fair] == [c for c in CATEGORIES if c not in flagged]


def test_clean_report_lists_every_category_as_fair():
    case = build_case(clean_report().documents[0])
    assert len(case.fair) == len(CATEGORIES)
    assert case.score.value == 0 and case.worst == ()


def test_fair_list_quotes_clauses_the_rules_passed():
    result = riverside_result([])
    result.metadata["checked_fair"] = [{"rule": "turnover.minimum", "category": "turnover", "page": 4,
                                        "clause": "4.2", "text": "Minimum turnover of £600,000.",
                                        "summary": "turnover £600,000 = 1.5x the £400,000 value; cap 2x"}]
    turnover = next(c for c in build_case(result).fair if c.category == "turnover")
    assert turnover.evidence[0].summary.endswith("cap 2x")


def test_unreadable_document_claims_nothing_was_fair():
    case = build_case(unreadable_report().documents[0])
    assert case.unreadable and case.fair == ()


def test_one_recommendation_per_category_most_serious_first():
    case = build_case(riverside_result())
    assert [r.category for r in case.recommendations][:3] == ["turnover", "payment_terms", "insurance"]
    assert len(case.recommendations) == len({f.category for f in riverside_findings()})


def test_explanation_drops_the_computed_test_the_message_repeats():
    finding = riverside_findings()[0].with_(
        message="A turnover floor shuts small firms out. Turnover £5,000,000 = 12.5x the £400,000 value; cap 2x.")
    view = build_case(riverside_result([finding])).findings[0]
    assert view.why == "A turnover floor shuts small firms out."


def test_finding_without_title_uses_the_first_sentence_of_its_message():
    finding = riverside_findings()[0].with_(title="")
    assert build_case(riverside_result([finding])).findings[0].issue.startswith("Asks for a minimum turnover")


def test_requirement_without_a_quantity_says_so():
    finding = riverside_findings()[0].with_(assessment=None, quantities=())
    assert "no quantity to measure" in build_case(riverside_result([finding])).findings[0].assessment


def test_authority_from_pdf_author_and_title_without_itt_lead():
    result = riverside_result()
    result.metadata = {"title": "Invitation to Tender: Community Wellbeing Service",
                       "author": "Riverside Borough Council, Procurement Services"}
    case = build_case(result)
    assert (case.authority, case.title) == ("Riverside Borough Council", "Community Wellbeing Service")


def test_missing_value_is_said_plainly():
    case = build_case(riverside_result(value=None))
    assert case.value_text == "not found"
    assert "--value" in case.value_source


def test_ocds_style_metadata_keys_are_understood():
    result = riverside_result()
    result.metadata = {"buyer": {"name": "Eastmoor NHS Foundation Trust"}, "ocid": "ocds-abc123-0001",
                       "date": "2025-03-02T10:00:00Z"}
    case = build_case(result)
    assert (case.authority, case.procurement_reference, case.published) == (
        "Eastmoor NHS Foundation Trust", "ocds-abc123-0001", "2 March 2025")


@pytest.mark.parametrize("text, first, rest", [
    ("Asks for £5m. Floors shut firms out.", "Asks for £5m.", "Floors shut firms out."),
    ("Cover of 12.5x the value, e.g. for PI. Too high.", "Cover of 12.5x the value, e.g. for PI.", "Too high."),
    ("No full stop", "No full stop", ""),
])
def test_first_sentence(text, first, rest):
    assert first_sentence(text) == (first, rest)


@pytest.mark.parametrize("amount, currency, text", [
    (400000, "GBP", "£400,000"), (1250000.5, "EUR", "€1,250,000.50"), (10, "CHF", "10 CHF"),
])
def test_money(amount, currency, text):
    assert money(amount, currency) == text


@pytest.mark.parametrize("raw, shown", [("2024-11-18", "18 November 2024"), ("Spring 2025", "Spring 2025")])
def test_readable_date(raw, shown):
    assert readable_date(raw) == shown


def test_report_date_is_today_unless_given():
    assert build_case(riverside_result()).date == dt.date.today()
    assert build_case(riverside_result(), today=TODAY).date == TODAY
