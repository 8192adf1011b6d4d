"""The corpus must stay independent of the held-out evaluation text."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "clauses"
EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev"
# The evaluation notices come from this repository; clauses modelled on it would leak.
EVAL_SOURCE_REPO = "apa999/CFServer1"


def corpus_rows() -> list[dict]:
    return [json.loads(line) for f in sorted(CORPUS.glob("*.jsonl"))
            for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_no_clause_follows_the_evaluation_source() -> None:
    assert not [r["id"] for r in corpus_rows() if EVAL_SOURCE_REPO in r.get("source", "")]


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s.lower()).strip()


def _eval_runs(n: int) -> set[str]:
    words = " ".join(_norm(p.read_text(encoding="utf-8")) for p in (EVAL / "docs").glob("*.txt")).split()
    return {" ".join(words[i:i + n]) for i in range(len(words) - n + 1)}


def _shares_run(text: str, runs: set[str], n: int) -> bool:
    w = _norm(text).split()
    return any(" ".join(w[i:i + n]) in runs for i in range(len(w) - n + 1))


@pytest.mark.skipif(not EVAL.is_dir(), reason="../shared/eval not present")
def test_no_twelve_word_run_of_eval_text_in_corpus() -> None:
    runs = _eval_runs(12)
    assert [r["id"] for r in corpus_rows() if _shares_run(r["text"], runs, 12)] == []


@pytest.mark.skipif(not EVAL.is_dir(), reason="../shared/eval not present")
def test_no_eight_word_run_of_eval_text_in_rule_examples() -> None:
    """Rule examples are few and hand-written, so the bar is stricter than the corpus's."""
    from barrier_scan.rulepack import load_rules

    runs = _eval_runs(8)
    examples = [(r.id, e) for r in load_rules().rules for e in (*r.examples_match, *r.examples_no_match)]
    assert [f"{rule}: {e}" for rule, e in examples if _shares_run(e, runs, 8)] == []


def test_readme_counts_match_the_files() -> None:
    """corpus/README.md's counts table is checked against the data, so it cannot drift."""
    import collections

    readme = (CORPUS.parent / "README.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| (\w+) \| (\d+) \| \d+ \|$", readme, re.M))
    counts = collections.Counter(r["labels"][0] for r in corpus_rows())
    assert {k: int(v) for k, v in table.items()} == dict(counts)
    assert f"{sum(counts.values()):,} clauses" in readme
    assert sum(counts.values()) >= 2000
