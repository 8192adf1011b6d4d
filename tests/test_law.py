from __future__ import annotations

import datetime as dt

import pytest

from barrier_scan.law import cite, load_lawbook, regime_for
from barrier_scan.rulepack import load_rules
from barrier_scan.settings import ScanSettings


@pytest.mark.parametrize("jurisdiction,date,key", [
    ("uk", dt.date(2025, 2, 23), "uk-pcr2015"),   # procurement started the day before the Act
    ("uk", dt.date(2025, 2, 24), "uk-pa2023"),
    ("uk", dt.date(2019, 6, 1), "uk-pcr2015"),
    ("eu", dt.date(2025, 6, 1), "eu"),
    ("generic", dt.date(2025, 6, 1), "generic"),
])
def test_regime_by_jurisdiction_and_date(jurisdiction: str, date: dt.date, key: str) -> None:
    assert regime_for(ScanSettings(jurisdiction=jurisdiction, procurement_date=date)).key == key


def test_turnover_rule_cites_reg_58_9_under_pcr_and_s22_under_the_act() -> None:
    rule = load_rules().by_id("turnover.minimum")
    pcr = cite(rule.references, regime_for(ScanSettings(procurement_date=dt.date(2024, 1, 1))))
    pa = cite(rule.references, regime_for(ScanSettings(procurement_date=dt.date(2025, 6, 1))))
    assert any("reg 58(9)" in c for c in pcr)
    assert any("s.22(1)" in c for c in pa)
    eu = cite(rule.references, regime_for(ScanSettings(jurisdiction="eu")))
    assert any("art 58(3)" in c for c in eu)


def test_every_reference_id_in_every_rule_exists() -> None:
    citations = load_lawbook().citations
    for rule in load_rules().rules:
        for regime, ids in rule.references.items():
            for cid in ids:
                assert cid in citations, f"{rule.id}: {regime}: unknown citation {cid}"
