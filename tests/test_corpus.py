"""Loading the labelled corpus: every bad line is named, the hash ignores layout."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from barrier_scan.corpus import CorpusError, corpus_hash, default_corpus_dir, load_corpus
from barrier_scan.model import CATEGORIES

GOOD = [
    {"id": "t-1", "text": "A minimum turnover of £3m is required.", "labels": ["turnover"],
     "severity": "high", "pattern": "turnover.fixed", "source": "written"},
    {"id": "n-1", "text": "There is no minimum turnover.", "labels": ["none"],
     "severity": None, "pattern": "none.negation", "source": "written"},
    {"id": "m-1", "text": "Each consortium member must show turnover of £2m.",
     "labels": ["consortium_subcontracting", "turnover"], "severity": "medium",
     "pattern": "turnover.consortium", "source": "written"},
]


def write(path: Path, records: list, name: str = "a.jsonl") -> Path:
    path.mkdir(parents=True, exist_ok=True)
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    (path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_loads_and_sorts_by_id(tmp_path):
    corpus = load_corpus(write(tmp_path, GOOD))
    assert [c.id for c in corpus.clauses] == ["m-1", "n-1", "t-1"]
    assert corpus.clauses[1].labels == () and corpus.clauses[1].is_negative
    # labels are kept in CATEGORIES order, whatever order the line used
    assert corpus.clauses[0].labels == ("turnover", "consortium_subcontracting")
    assert corpus.counts()["turnover"] == 2 and corpus.negatives == 1
    assert corpus.groups == ["turnover.consortium", "none.negation", "turnover.fixed"]


def test_hash_ignores_layout_and_file_split_but_not_content(tmp_path):
    one = load_corpus(write(tmp_path / "one", GOOD))
    two_dir = write(tmp_path / "two", GOOD[:1], "x.jsonl")
    write(two_dir, list(reversed(GOOD[1:])), "y.jsonl")
    assert load_corpus(two_dir).sha256 == one.sha256
    changed = [dict(GOOD[0], text="A minimum turnover of £4m is required."), *GOOD[1:]]
    assert load_corpus(write(tmp_path / "three", changed)).sha256 != one.sha256
    assert corpus_hash(one.clauses) == one.sha256 and len(one.sha256) == 64


@pytest.mark.parametrize("line, message", [
    ("{not json", "a.jsonl:2: not valid JSON"),
    ('["a list"]', "a.jsonl:2: expected a JSON object"),
    ({"id": "x", "labels": ["turnover"]}, "a.jsonl:2: missing field 'text'"),
    ({"id": "x", "text": " ", "labels": ["turnover"]}, "clause x: field 'text' must be"),
    ({"id": "x", "text": "t", "labels": []}, "field 'labels' must be a non-empty list"),
    ({"id": "x", "text": "t", "labels": ["turnovr"]}, "unknown category 'turnovr'"),
    ({"id": "x", "text": "t", "labels": ["none", "turnover"]}, "'none' cannot be combined"),
    ({"id": "x", "text": "t", "labels": ["turnover"], "severity": "huge"}, "field 'severity'"),
    ({"id": "t-1", "text": "t", "labels": ["turnover"]}, "duplicate id 't-1'"),
])
def test_bad_lines_name_file_line_and_fix(tmp_path, line, message):
    write(tmp_path, [GOOD[0], line])
    with pytest.raises(CorpusError, match="^.*" + message.replace("(", r"\(").replace("[", r"\[")) as info:
        load_corpus(tmp_path)
    assert "\n" not in str(info.value)
    assert info.value.kind == "corpus"


def test_missing_and_empty_corpus_are_errors(tmp_path):
    with pytest.raises(CorpusError, match="corpus not found"):
        load_corpus(tmp_path / "nowhere")
    (tmp_path / "empty.jsonl").write_text("\n")
    with pytest.raises(CorpusError, match="no labelled clauses"):
        load_corpus(tmp_path)


def test_missing_pattern_falls_back_to_the_id(tmp_path):
    corpus = load_corpus(write(tmp_path, [{"id": "solo", "text": "t", "labels": "turnover"}]))
    assert corpus.clauses[0].pattern == "solo" and corpus.clauses[0].labels == ("turnover",)


def test_shipped_corpus_is_valid():
    if not default_corpus_dir().is_dir():
        pytest.skip("no shipped corpus")
    corpus = load_corpus()
    assert len(corpus) > 0
    assert set(corpus.counts()) == set(CATEGORIES)
