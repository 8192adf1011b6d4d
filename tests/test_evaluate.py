"""evaluate: span matching as the client's scorer does it, per-mode scores, and the
train/evaluate commands on a small generated corpus."""
from __future__ import annotations

import json

import numpy as np

import pytest
from click.testing import CliRunner

from barrier_scan.evaluate import F1_SUPPORT, format_report, score_findings, spans_match, word_set
from barrier_scan.model import Clause, Finding
from barrier_scan.train_commands import evaluate, train
from test_classifier import synthetic_records


@pytest.mark.parametrize("a, b, match", [
    ("Bidders must hold insurance of £5m.", "bidders must hold insurance of £5m", True),
    # the shorter span is mostly inside the longer one
    ("minimum turnover of £2m each year", "4.1 A minimum turnover of £2m each year is required from all bidders.", True),
    # too few shared words
    ("turnover of £2m", "Bidders need a turnover of £2m.", True),  # shorter has 3 words, all shared
    ("Insurance is required.", "Bonds are required of bidders.", False),
    ("", "anything", False),
])
def test_spans_match(a, b, match):
    assert spans_match(word_set(a), word_set(b)) is match


def test_word_set_rejoins_hyphenated_line_breaks_and_keeps_money():
    assert word_set("sub-\ncontracting of £5,000.") == {"subcontracting", "of", "£5,000"}


def finding(category: str, text: str) -> Finding:
    return Finding(category=category, rule=f"{category}.x", severity="high", confidence=0.9,
                   clause=Clause(text=text, file="d1", page=1, start=0, end=len(text)))


def test_score_findings_counts_recall_lookalikes_and_precision():
    labels = [
        {"doc": "d1", "text": "Bidders must have a turnover of £5m each year.", "label": "turnover", "severity": "high"},
        {"doc": "d1", "text": "Insurance of £10m is needed at bid stage.", "label": "insurance", "severity": "medium"},
        {"doc": "d1", "text": "There is no minimum turnover for this work.", "label": "none"},
        {"doc": "d2", "text": "Not scanned document.", "label": "turnover", "severity": "high"},
    ]
    found = {"d1": [finding("turnover", "Bidders must have a turnover of £5m each year."),
                    finding("turnover", "There is no minimum turnover for this work."),
                    finding("liability", "Unlimited liability applies to the contractor.")]}
    s = score_findings(found, labels, ["d1"])
    assert (s["found"], s["total"], s["recall"]) == (1, 2, 0.5)
    assert (s["negatives_flagged"], s["negatives"]) == (1, 1)
    assert s["findings"] == 3 and s["true_findings"] == 1
    assert s["precision"] == pytest.approx(1 / 3) or s["precision"] == 0.3333
    assert s["precision_labelled"] == 0.5
    assert s["categories"]["insurance"] == {"found": 0, "total": 1, "recall": 0.0, "flagged": 0,
                                            "true": 0, "precision": None}
    assert s["categories"]["liability"]["flagged"] == 1


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    (root / "c.jsonl").write_text("\n".join(json.dumps(r) for r in synthetic_records()) + "\n")
    return root


def test_train_command_writes_model_and_sidecar(corpus_dir, tmp_path):
    result = CliRunner().invoke(train, ["--corpus", str(corpus_dir), "--model-dir", str(tmp_path),
                                        "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["categories"] == ["turnover", "security_bond", "insurance"]
    assert (tmp_path / "clause_clf.skops").exists()
    sidecar = json.loads((tmp_path / "clause_clf.json").read_text())
    assert sidecar["model_sha256"] == summary["model_sha256"]
    assert set(sidecar["cv"]["scores"]) == set(summary["categories"])


def test_evaluate_command_reports_three_modes_per_category(corpus_dir):
    result = CliRunner().invoke(evaluate, ["--corpus", str(corpus_dir), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[result.output.index("{"):])
    cv = report["corpus"]
    assert cv["folds"] == 5 and cv["clauses"] == len(synthetic_records())
    row = cv["categories"]["turnover"]
    assert set(row) >= {"support", "rules", "model", "combined"}
    assert {"precision", "recall", "f1"} <= set(row["model"])
    text = format_report(report)
    assert "turnover" in text and f"macro F1 (categories with >= {F1_SUPPORT})" in text


def test_bad_corpus_is_one_line_and_exit_2(tmp_path):
    (tmp_path / "bad.jsonl").write_text("{oops\n")
    result = CliRunner().invoke(train, ["--corpus", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0 and "not valid JSON" in result.output


def test_commands_have_help_with_an_example():
    for command in (train, evaluate):
        result = CliRunner().invoke(command, ["--help"])
        assert result.exit_code == 0 and "Example:" in result.output


def test_shuffled_fold_assignments_keep_patterns_together_and_differ():
    from barrier_scan.detect.classifier import fold_ids

    groups = [f"p{i // 3}" for i in range(60)]  # 20 patterns of 3 clauses
    standard = fold_ids(groups)
    one, two = fold_ids(groups, shuffle_seed=1), fold_ids(groups, shuffle_seed=2)
    again = fold_ids(groups, shuffle_seed=1)
    for folds in (standard, one, two):
        assert all(len({f for g, f in zip(groups, folds) if g == p}) == 1 for p in set(groups))
        assert sorted(np.bincount(folds)) == [12] * 5  # balanced: four patterns per fold
    assert (one == again).all() and (one != two).any()


def test_evaluate_command_reports_the_spread_over_fold_assignments(corpus_dir):
    result = CliRunner().invoke(evaluate, ["--corpus", str(corpus_dir), "--fold-assignments", "2",
                                           "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[result.output.index("{"):])
    spread = report["corpus_spread"]
    assert spread["assignments"] == 2 and spread["fold_seeds"] == [None, 1]
    row = spread["model_f1"]["turnover"]
    assert row["min"] <= row["mean"] <= row["max"] and len(row["f1"]) == 2
    assert row["f1"][0] == report["corpus"]["categories"]["turnover"]["model"]["f1"]
    assert "Model F1 over 2 fold assignments" in format_report(report)
