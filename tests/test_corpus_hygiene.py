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


@pytest.mark.skipif(not EVAL.is_dir(), reason="../shared/eval not present")
def test_no_twelve_word_run_of_eval_text_in_corpus() -> None:
    def norm(s: str) -> str:
        return re.sub(r"\s+", " ", s.lower()).strip()
    eval_text = " ".join(norm(p.read_text(encoding="utf-8")) for p in (EVAL / "docs").glob("*.txt"))
    grams = set()
    words = eval_text.split()
    for i in range(len(words) - 11):
        grams.add(" ".join(words[i:i + 12]))
    leaks = []
    for r in corpus_rows():
        w = norm(r["text"]).split()
        if any(" ".join(w[i:i + 12]) in grams for i in range(len(w) - 11)):
            leaks.append(r["id"])
    assert leaks == []


def test_readme_counts_match_the_files() -> None:
    """corpus/README.md's counts table is checked against the data, so it cannot drift."""
    import collections

    readme = (CORPUS.parent / "README.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| (\w+) \| (\d+) \| \d+ \|$", readme, re.M))
    counts = collections.Counter(r["labels"][0] for r in corpus_rows())
    assert {k: int(v) for k, v in table.items()} == dict(counts)
    assert f"{sum(counts.values()):,} clauses" in readme
    assert sum(counts.values()) >= 2000
