"""Notice-level checks from OCDS fields: response period, framework and contract term, lots.

Each row is one notice and the finding it must (or must not) give; boundaries are explicit
rows (a day inside the tolerance is fair, a day beyond it is flagged).
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional

import pytest

from barrier_scan.audit.notice_checks import check_notice, working_days
from barrier_scan.audit.ocds import notice_from_release
from barrier_scan.settings import ScanSettings


def notice(published: str = "2024-03-01", end: Optional[str] = None,
           details: str = "Open procedure", value: Optional[float] = 2_500_000,
           currency: str = "GBP", lots: int = 3, **tender: Any):
    t: dict[str, Any] = {"id": "T-1", "title": "Cleaning", "procurementMethodDetails": details,
                         "tenderPeriod": {"startDate": f"{published}T09:00:00Z"},
                         "lots": [{"id": str(i), "title": f"Lot {i}"} for i in range(1, lots + 1)]}
    if end:
        t["tenderPeriod"]["endDate"] = f"{end}T12:00:00Z"
    if value is not None:
        t["value"] = {"amount": value, "currency": currency}
    t.update(tender)
    rel = {"ocid": "ocds-t-1", "id": "r1", "date": f"{published}T09:00:00Z", "tag": ["tender"],
           "tender": t}
    return notice_from_release(rel, source="notices.json")


def only(findings, prefix: str):
    found = [f for f in findings if f.rule.startswith(prefix)]
    assert len(found) <= 1
    return found[0] if found else None


RESPONSE = [
    # id, notice kwargs, jurisdiction, expected (rule suffix, severity, basis) or None
    ("PCR open 30 days is fair", dict(end="2024-03-31"), "uk", None),
    ("PCR open 29 days is within the tolerance", dict(end="2024-03-30"), "uk", None),
    ("PCR open 28 days", dict(end="2024-03-29"), "uk", ("response_period", "medium", "breach")),
    ("PCR open 13 days is below the PIN floor", dict(end="2024-03-14"), "uk",
     ("response_period", "high", "breach")),
    ("PCR open on paper needs 35", dict(end="2024-04-03", submissionMethod=["written"]), "uk",
     ("response_period", "medium", "breach")),
    ("PCR restricted 20 days", dict(end="2024-03-21", details="Restricted procedure"), "uk",
     ("response_period", "medium", "breach")),
    ("PCR competitive dialogue has no reduction", dict(end="2024-03-21",
                                                       details="Competitive dialogue"), "uk",
     ("response_period", "high", "breach")),
    ("PA open 24 days is within the tolerance", dict(published="2025-03-03", end="2025-03-27"),
     "uk", None),
    ("PA open 23 days", dict(published="2025-03-03", end="2025-03-26"), "uk",
     ("response_period", "medium", "breach")),
    ("PA open 8 days", dict(published="2025-03-03", end="2025-03-11"), "uk",
     ("response_period", "high", "breach")),
    ("PA competitive flexible 20 days", dict(published="2025-03-03", end="2025-03-23",
                                             details="Competitive flexible procedure"), "uk",
     ("response_period", "medium", "breach")),
    ("below threshold, 9 days", dict(published="2024-03-04", end="2024-03-13", value=50_000),
     "uk", ("short_response_period", "medium", "proportionality")),
    ("below threshold, 4 days over a weekend", dict(published="2024-03-08", end="2024-03-12",
                                                    value=50_000), "uk",
     ("short_response_period", "high", "proportionality")),
    ("below threshold, 12 days is fair", dict(published="2024-03-04", end="2024-03-16",
                                              value=50_000), "uk", None),
    ("no value, open: flagged for a human", dict(end="2024-03-21", value=None), "uk",
     ("response_period", "medium", "proportionality")),
    ("no value, restricted: a regulated procedure", dict(end="2024-03-21", value=None,
                                                         details="Restricted procedure"), "uk",
     ("response_period", "medium", "breach")),
    ("negotiated without publication has no minimum",
     dict(end="2024-03-04", details="Negotiated procedure without prior publication"), "uk", None),
    ("EU open 20 days", dict(end="2024-03-21", currency="EUR"), "eu",
     ("response_period", "medium", "breach")),
]


@pytest.mark.parametrize("case, kwargs, jurisdiction, expected", RESPONSE,
                         ids=[r[0] for r in RESPONSE])
def test_response_period(case, kwargs, jurisdiction, expected):
    n = notice(**kwargs)
    f = only(check_notice(n, ScanSettings(jurisdiction=jurisdiction)), "timescale.ocds_")
    if expected is None:
        assert f is None
        return
    rule, severity, basis = expected
    assert (f.rule, f.severity, f.basis) == (f"timescale.ocds_{rule}", severity, basis)
    assert f.clause.file == "notices.json#ocds-t-1" and f.clause.page == 0
    assert f'tender.tenderPeriod.endDate: "{kwargs["end"]}T12:00:00Z"' in f.clause.text
    assert f.quantities[0].unit == "days"


@pytest.mark.parametrize("published, citation", [
    ("2024-03-01", "PCR 2015 regs 27-31"), ("2025-03-03", "Procurement Act 2023 s.54")])
def test_the_regime_comes_from_the_publication_date(published, citation):
    end = (dt.date.fromisoformat(published) + dt.timedelta(days=12)).isoformat()
    f = only(check_notice(notice(published=published, end=end)), "timescale.ocds_response")
    assert any(citation in ref for ref in f.legal)
    assert f.enforceable is (True if published.startswith("2025") else None)


TERMS = [
    ("framework of exactly 4 years", dict(techniques={"hasFrameworkAgreement": True},
                                          contractPeriod={"startDate": "2024-04-01",
                                                          "endDate": "2028-04-01"}), None),
    ("framework of 4 years and 4 days", dict(techniques={"hasFrameworkAgreement": True},
                                             contractPeriod={"startDate": "2024-04-01",
                                                             "endDate": "2028-04-05"}),
     ("timescale.ocds_framework_term", "high", "breach")),
    ("framework with stated reasons", dict(techniques={"hasFrameworkAgreement": True,
                                                       "frameworkAgreement": {
                                                           "periodRationale": "asset life"}},
                                           contractPeriod={"startDate": "2024-04-01",
                                                           "endDate": "2030-04-01"}),
     ("timescale.ocds_framework_term", "medium", "proportionality")),
    ("framework named only in the procedure text",
     dict(details="Open procedure (framework agreement)",
          contractPeriod={"startDate": "2024-04-01", "endDate": "2030-04-01"}),
     ("timescale.ocds_framework_term", "high", "breach")),
    ("contract of 3 years plus 2 in extensions", dict(contractPeriod={
        "startDate": "2024-04-01", "endDate": "2027-03-31", "maxExtentDate": "2029-03-31"}), None),
    ("contract of 3 years plus 4 in extensions", dict(contractPeriod={
        "startDate": "2024-04-01", "endDate": "2027-03-31", "maxExtentDate": "2031-03-31"}),
     ("timescale.ocds_contract_term", "medium", "proportionality")),
    ("contract given in days", dict(contractPeriod={"durationInDays": 2200}),
     ("timescale.ocds_contract_term", "medium", "proportionality")),
]


@pytest.mark.parametrize("case, tender, expected", TERMS, ids=[t[0] for t in TERMS])
def test_terms(case, tender, expected):
    details = tender.pop("details", "Open procedure")
    f = only(check_notice(notice(details=details, **tender)), "timescale.ocds_")
    if expected is None:
        assert f is None
        return
    assert (f.rule, f.severity, f.basis) == expected
    assert "contractPeriod" in f.clause.text


@pytest.mark.parametrize("years, flagged", [(6, False), (9, True)])
def test_pa_open_frameworks_may_run_to_eight_years(years, flagged):
    n = notice(published="2025-03-03", techniques={"hasFrameworkAgreement": True,
                                                   "frameworkAgreement": {"type": "open"}},
               contractPeriod={"startDate": "2025-06-01", "endDate": f"{2025 + years}-06-01"})
    assert (only(check_notice(n), "timescale.ocds_framework") is not None) is flagged


LOTS = [
    ("£2.5m services in one lot", dict(value=2_500_000, lots=1), True),
    ("£2.5m services, lots not given", dict(value=2_500_000, lots=0), True),
    ("£2.5m in three lots", dict(value=2_500_000, lots=3), False),
    ("£100k: below the threshold", dict(value=100_000, lots=0), False),
    ("£180k: between thresholds, buyer unknown", dict(value=180_000, lots=0), False),
    ("£3m works: below the works threshold", dict(value=3_000_000, lots=0,
                                                  mainProcurementCategory="works"), False),
    ("£100k marked above threshold", dict(value=100_000, lots=0, aboveThreshold=True), True),
    ("no value", dict(value=None, lots=0), False),
]


@pytest.mark.parametrize("case, kwargs, flagged", LOTS, ids=[x[0] for x in LOTS])
def test_no_lots_on_a_large_contract(case, kwargs, flagged):
    f = only(check_notice(notice(**kwargs)), "lots_scale.")
    assert (f is not None) is flagged
    if f:
        assert (f.category, f.basis, f.severity) == ("lots_scale", "breach", "medium")
        assert "tender.value.amount: " in f.clause.text and "tender.lots: " in f.clause.text
        assert any("reg 46" in ref for ref in f.legal)


@pytest.mark.parametrize("start, end, expected", [
    ("2024-03-08", "2024-03-12", 2),  # Fri -> Tue: Mon, Tue
    ("2024-03-04", "2024-03-11", 5),
    ("2024-03-04", "2024-03-04", 0),
])
def test_working_days(start, end, expected):
    assert working_days(dt.date.fromisoformat(start), dt.date.fromisoformat(end)) == expected
