"""combine(): rule and model findings for one clause and category become one finding."""
from __future__ import annotations

import pytest

from barrier_scan.detect.combine import agreed_confidence, combine
from barrier_scan.model import Assessment, Clause, Finding

MODEL_RULE = "model:clause_clf@0123abcd"


def clause(start: int, end: int, file: str = "t.pdf") -> Clause:
    return Clause(text="x" * (end - start), file=file, page=1, start=start, end=end)


def rule_finding(category: str, start: int, end: int, *, severity="high", confidence=0.8,
                 file="t.pdf") -> Finding:
    return Finding(category=category, rule=f"{category}.minimum", severity=severity,
                   confidence=confidence, clause=clause(start, end, file), basis="proportionality",
                   assessment=Assessment(test="ratio", summary="12x the value", exceeded=True))


def model_finding(category: str, start: int, end: int, confidence=0.7, file="t.pdf") -> Finding:
    return Finding(category=category, rule=MODEL_RULE, severity="medium", confidence=confidence,
                   clause=clause(start, end, file), detector="model", terms=("minimum turnover",))


def test_agreement_merges_into_the_rule_finding_and_raises_confidence():
    [merged] = combine([rule_finding("turnover", 0, 50)], [model_finding("turnover", 0, 50)])
    assert merged.detector == "rules+model"
    assert merged.confidence == pytest.approx(1 - 0.2 * 0.3)
    assert merged.severity == "high" and merged.basis == "proportionality"
    assert merged.rule == "turnover.minimum" and merged.assessment.summary == "12x the value"
    assert merged.terms == ("minimum turnover",)


@pytest.mark.parametrize("a, b, expected", [
    (0.0, 0.0, 0.0), (0.5, 0.5, 0.75), (0.9, 0.0, 0.9), (1.0, 0.3, 1.0),
])
def test_agreed_confidence_never_falls_below_either(a, b, expected):
    assert agreed_confidence(a, b) == pytest.approx(expected)
    assert agreed_confidence(a, b) >= max(a, b)


@pytest.mark.parametrize("model, detectors", [
    (model_finding("insurance", 0, 50), ["rules", "model"]),          # other category
    (model_finding("turnover", 60, 90), ["rules", "model"]),          # other clause
    (model_finding("turnover", 0, 50, file="u.pdf"), ["rules", "model"]),  # other file
    (model_finding("turnover", 10, 40), ["rules+model"]),             # span inside the rule's
])
def test_only_the_same_clause_and_category_merge(model, detectors):
    found = combine([rule_finding("turnover", 0, 50)], [model])
    assert sorted(f.detector for f in found) == sorted(detectors)


def test_model_only_findings_below_their_threshold_are_dropped():
    model = [model_finding("turnover", 0, 50, 0.55), model_finding("insurance", 60, 90, 0.55)]
    found = combine([], model, thresholds={"turnover": 0.5, "insurance": 0.6})
    assert [(f.category, f.detector) for f in found] == [("turnover", "model")]


def test_agreement_counts_even_below_the_model_only_threshold():
    [merged] = combine([rule_finding("turnover", 0, 50)], [model_finding("turnover", 0, 50, 0.4)],
                       thresholds={"turnover": 0.9})
    assert merged.detector == "rules+model"


def test_rule_findings_without_agreement_are_untouched_and_output_is_in_text_order():
    rules = [rule_finding("insurance", 100, 150), rule_finding("turnover", 0, 50)]
    found = combine(rules, [model_finding("liability", 60, 90)])
    assert [f.clause.start for f in found] == [0, 60, 100]
    assert found[0] == rules[1] and found[2] == rules[0]


def test_nothing_in_nothing_out():
    assert combine([], []) == []


def test_model_only_finding_in_an_exclusion_context_is_vetoed():
    import re

    vetoes = {"turnover": re.compile(r"\bno minimum\b", re.I)}
    fair = Finding(category="turnover", rule=MODEL_RULE, severity="medium", confidence=0.99,
                   clause=Clause(text="There is no minimum turnover.", file="t.pdf", page=1,
                                 start=0, end=29), detector="model")
    assert combine([], [fair], vetoes=vetoes) == []
    # another category's veto does not apply, and agreement is never vetoed
    assert combine([], [fair.with_(category="insurance")], vetoes=vetoes)[0].detector == "model"
    rule = rule_finding("turnover", 0, 29)
    assert combine([rule], [fair], vetoes=vetoes)[0].detector == "rules+model"


def test_exclusion_vetoes_join_the_contexts_each_category_is_written_unless():
    from barrier_scan.detect.combine import exclusion_vetoes
    from barrier_scan.rulepack import load_rules

    pack = load_rules()
    vetoes = exclusion_vetoes(pack)
    # whichever category's rules are written `unless: [equivalence]` gets the equivalence cues
    category = next(r.category for r in pack.rules if "equivalence" in r.unless)
    assert vetoes[category].search("ISO 9001 or equivalent is required.")
    assert not vetoes[category].search("ISO 9001 certification is required.")
