"""Stacking: the classifier reads which categories the rule engine flagged on a clause
(`RuledText` into `RuleSignals`), and the model-only bar is chosen on clauses no rule flagged."""
from __future__ import annotations

import numpy as np
import pytest

from barrier_scan.detect.classifier import (
    ClauseClassifier,
    KeywordGate,
    RuledText,
    RuleSignals,
    build_pipeline,
    choose_thresholds,
    ruled_matrix,
    ruled_texts,
    uses_rule_signals,
)
from barrier_scan.assess import signal_categories
from barrier_scan.detect.rule_engine import RuleEngine
from barrier_scan.model import CATEGORIES, Clause, Finding


def clause(text: str, start: int = 0) -> Clause:
    return Clause(text=text, file="tender.pdf", page=1, start=start, end=start + len(text))


def test_ruled_text_is_the_plain_string_plus_its_categories() -> None:
    text = RuledText("A bond of 10% is required.", {"security_bond"})
    assert text == "A bond of 10% is required." and text.lower() == "a bond of 10% is required."
    assert text.ruled == frozenset({"security_bond"})
    assert ruled_matrix([text, "plain"], ["turnover", "security_bond"]).tolist() == [
        [False, True], [False, False]]


def test_rule_signals_has_one_named_column_per_category() -> None:
    signals = RuleSignals(["turnover", "insurance"]).fit([])
    x = signals.transform([RuledText("x", {"insurance", "liability"}), "y"]).toarray()
    assert x.tolist() == [[0.0, 1.0], [0.0, 0.0]]  # a category without a column is ignored
    assert list(signals.get_feature_names_out()) == ["rule:turnover", "rule:insurance"]


def test_signal_categories_read_each_text_as_one_clause_after_its_test() -> None:
    engine = RuleEngine.from_dir()
    flagged = signal_categories([
        "Bidders must have a minimum annual turnover of £5 million.",
        "There is no minimum turnover requirement.",
        "Payment will be made within 60 days of receipt of a valid invoice.",
        "Payment will be made within 30 days of receipt of a valid invoice.",
    ], engine)
    assert "turnover" in flagged[0] and flagged[1] == frozenset()
    # both payment terms are found by the "beyond 30 days" rule; its test clears 30 days
    assert "payment_terms" in flagged[2] and "payment_terms" not in flagged[3]


def test_model_only_thresholds_leave_out_clauses_a_rule_flagged() -> None:
    # ruled positives score high and would let the model-only bar sit low; unruled clauses
    # (the only ones a model-only finding can come from) need a higher bar for 0.9 precision
    proba = np.array([[0.95]] * 10 + [[0.6], [0.6], [0.8], [0.8]])
    y = np.array([[1]] * 10 + [[1], [0], [1], [1]])
    ruled = np.array([[True]] * 10 + [[False]] * 4)
    assert choose_thresholds(proba, y, ["c"], precision_floor=0.9)["c"] == 0.6
    assert choose_thresholds(proba, y, ["c"], precision_floor=0.9, exclude=ruled)["c"] == 0.8


@pytest.fixture(scope="module")
def stacked() -> ClauseClassifier:
    """Trained on a small labelled set whose rule signals come from the shipped rule pack;
    the turnover clauses of one shape carry no telling words, so only the signal helps."""
    texts, labels, groups = [], [], []
    for k in range(12):
        texts.append(f"Applicants need a minimum annual turnover of £{k + 2} million.")
        labels.append(("turnover",)); groups.append("t0")
        texts.append(f"The yearly turnover of the bidder must be at least £{k + 3}m in each year.")
        labels.append(("turnover",)); groups.append("t1")
        texts.append(f"A performance bond of {k + 5} per cent of the contract price is required.")
        labels.append(("security_bond",)); groups.append("b0")
        texts.append(f"The bidder shall lodge a bid security of £{k + 1},000 with the tender.")
        labels.append(("security_bond",)); groups.append("b1")
        texts.append(f"There is no minimum turnover requirement for lot {k}.")
        labels.append(()); groups.append("n0")
        texts.append(f"The service runs {k + 2} days a week across the borough.")
        labels.append(()); groups.append("n1")
    engine = RuleEngine.from_dir()
    ruled = ruled_texts(texts, signal_categories(texts, engine))
    return ClauseClassifier.train(ruled, labels, groups, "0" * 64, kind="lr-rules",
                                  gate=KeywordGate(("",)), n_folds=3, min_positives=5,
                                  rules_version=engine.version)


def test_the_shipped_kind_reads_rule_signals() -> None:
    assert uses_rule_signals("lr-rules") and not uses_rule_signals("lr")
    names = [n for n, _ in build_pipeline(kind="lr-rules").named_steps["features"].transformer_list]
    assert names[-1] == "rules"


def test_a_rule_finding_raises_the_score_and_is_named_among_the_terms(stacked) -> None:
    text = "Each applicant must evidence a minimum annual turnover of £7 million."
    c = clause(text)
    rule = Finding(category="turnover", rule="turnover.min_fixed", severity="medium",
                   confidence=0.8, clause=c)
    with_rule = stacked.predict_proba([RuledText(text, {"turnover"})])
    without = stacked.predict_proba([text])
    j = stacked.categories.index("turnover")
    assert with_rule[0, j] > without[0, j]
    found = [f for f in stacked.detect([c], [rule]) if f.category == "turnover"]
    assert found and "rule:turnover" in found[0].terms
    assert stacked.meta["rules_version"] == RuleEngine.from_dir().version


def test_detect_without_rule_findings_scores_plain_text(stacked) -> None:
    c = clause("The service runs five days a week across the borough.")
    assert stacked.detect([c]) == stacked.detect([c], [])
    assert all(col in CATEGORIES for col in stacked.categories)
