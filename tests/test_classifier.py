"""The clause classifier: training is reproducible, the model file is checked before it is
trusted, and findings carry the model's confidence and terms."""
from __future__ import annotations

import json
import random
import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest

from barrier_scan.corpus import load_corpus
from barrier_scan.detect import Detector
from barrier_scan.detect.classifier import (
    DATE_GAP_BINS,
    DURATION_BINS,
    MODEL_FILE,
    SIDECAR_FILE,
    TRUSTED_TYPES,
    ClauseClassifier,
    CompactTfidfVectorizer,
    CueFeatures,
    KeywordGate,
    ModelMismatchWarning,
    build_pipeline,
    choose_threshold,
    fold_ids,
)
from barrier_scan.errors import ModelError
from barrier_scan.model import Clause
from barrier_scan.resources import models_dir

SEED = 7

# Small synthetic corpus: a few sentence shapes per category, filled from word lists, each
# shape its own "pattern" so grouped CV has groups. Written for these tests only.
SHAPES = {
    "turnover": [
        "Bidders must show a minimum annual turnover of £{n} million in each of the last {y} years.",
        "Applicants with a yearly turnover below £{n}m will be excluded from the {w} stage.",
        "A turnover of at least {n} times the contract value is required from the {w} supplier.",
    ],
    "insurance": [
        "The contractor shall hold public liability insurance of £{n} million for the {w} works.",
        "Professional indemnity insurance cover of £{n}m must be in place when the {w} bid is submitted.",
        "Evidence of employers liability insurance at £{n} million is needed for {w} tenders.",
    ],
    "security_bond": [
        "A performance bond of {n} per cent of the {w} contract price must be provided.",
        "Tenderers shall lodge a bid security of £{n},000 with the {w} submission.",
        "A parent company guarantee covering {n} years is required for the {w} service.",
    ],
    None: [
        "There is no minimum turnover requirement for the {w} contract in year {y}.",
        "Insurance will only be required from the {w} supplier at contract award, {n} weeks later.",
        "The {w} service supports residents across the borough for {y} years with {n} visits.",
    ],
}
FILLERS = ["cleaning", "catering", "grounds", "transport", "software", "repairs", "security",
           "training", "printing", "waste"]


def synthetic_records(per_shape: int = 12, seed: int = 3) -> list[dict]:
    rng = random.Random(seed)
    records = []
    for category, shapes in SHAPES.items():
        for s, shape in enumerate(shapes):
            for k in range(per_shape):
                text = shape.format(n=rng.randint(1, 20), y=rng.randint(2, 5), w=rng.choice(FILLERS))
                name = category or "none"
                records.append({"id": f"{name}-{s}-{k:02d}", "text": text,
                                "labels": [category] if category else ["none"],
                                "severity": "medium" if category else None,
                                "pattern": f"{name}.shape{s}", "source": "synthetic"})
    return records


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    lines = [json.dumps(r) for r in synthetic_records()]
    (root / "synthetic.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def gate() -> KeywordGate:
    return KeywordGate(("turnover", "insur", "indemnity", "bond", "guarant", "security"))


@pytest.fixture(scope="module")
def trained(corpus_dir, gate) -> ClauseClassifier:
    corpus = load_corpus(corpus_dir)
    return ClauseClassifier.train(corpus.texts, corpus.label_sets(), corpus.groups,
                                  corpus.sha256, seed=SEED, gate=gate, n_folds=3,
                                  min_positives=10)


@pytest.fixture()
def saved(trained, tmp_path) -> Path:
    trained.save(tmp_path)
    return tmp_path


def clause(text: str, start: int = 0) -> Clause:
    return Clause(text=text, file="tender.pdf", page=1, start=start, end=start + len(text))


def test_training_twice_gives_identical_predictions_and_probabilities(corpus_dir):
    corpus = load_corpus(corpus_dir)
    texts = corpus.texts[::2]  # a small slice keeps this fast
    y = np.array([[int("turnover" in l), int("insurance" in l)] for l in corpus.label_sets()[::2]])
    probe = ["A minimum turnover of £4m applies.", "Hold insurance of £10m.", "The park opens daily."]
    first = build_pipeline(SEED).fit(texts, y)
    second = build_pipeline(SEED).fit(texts, y)
    assert np.array_equal(first.predict(probe), second.predict(probe))
    assert np.array_equal(first.predict_proba(probe), second.predict_proba(probe))


@pytest.mark.parametrize("kind", ["lr", "svc", "lr-words"])
def test_every_pipeline_kind_is_seeded(kind, corpus_dir):
    corpus = load_corpus(corpus_dir)
    y = np.array([[int("turnover" in l), int("security_bond" in l)] for l in corpus.label_sets()])
    probe = ["A bond of 10 per cent is required.", "Turnover of £3m."]
    a = build_pipeline(SEED, kind).fit(corpus.texts, y).predict_proba(probe)
    b = build_pipeline(SEED, kind).fit(corpus.texts, y).predict_proba(probe)
    assert np.array_equal(a, b)


def test_unknown_pipeline_kind_is_a_model_error():
    with pytest.raises(ModelError, match="unknown pipeline 'forest'"):
        build_pipeline(SEED, "forest")


def test_classifier_is_a_detector(trained):
    assert isinstance(trained, Detector)
    assert trained.name == "model"
    assert trained.rule_id == f"model:clause_clf@{trained.corpus_sha256[:8]}"


def test_detect_finds_a_barrier_with_confidence_and_terms(trained):
    text = "Suppliers must have a minimum annual turnover of £9 million in each of the last 3 years."
    findings = trained.detect([clause(text)])
    assert [f.category for f in findings] == ["turnover"]
    f = findings[0]
    assert f.detector == "model" and f.severity == "medium" and f.basis is None
    assert f.rule == trained.rule_id
    assert f.confidence >= trained.thresholds["turnover"]
    assert f.message == "" and f.recommendation == ""
    assert "turnover" in f.terms
    cue_names = set(trained.pipeline.named_steps["features"].transformer_list[2][1].feature_names_)
    assert all(term.lower() in text.lower() or term in cue_names for term in f.terms)


def test_gate_keeps_plain_narrative_away_from_the_model(trained):
    narrative = clause("The library opens at nine and closes at five on weekdays.")
    assert trained.detect([narrative]) == []
    assert trained.predict_proba([narrative.text]).tolist() == [[0.0] * len(trained.categories)]


@pytest.mark.parametrize("text, passes", [
    ("Insurance cover of £5m.", True),
    ("INSURED for £5m.", True),
    ("We reinsure nothing.", False),  # terms must start a word
    ("The park is open daily.", False),
])
def test_keyword_gate_matches_word_prefixes(text, passes):
    assert KeywordGate(("insur", "bond")).passes(text) is passes


def test_shipped_gate_file_loads_and_covers_every_category():
    gate = KeywordGate.from_file()
    assert gate.passes("A minimum turnover of £2m is required.")
    assert gate.passes("Sub-contracting is not permitted.")
    assert not gate.passes("The garden is pleasant in spring.")


def test_detect_scores_a_whole_document_in_one_call(trained, monkeypatch):
    calls = []
    real = type(trained)._probabilities  # patched on the class: the fixture is shared

    def spy(self, x):
        calls.append(x.shape[0])
        return real(self, x)

    monkeypatch.setattr(type(trained), "_probabilities", spy)
    clauses = [clause(f"A performance bond of {i} per cent is required.", 100 * i) for i in range(30)]
    clauses += [clause("Residents enjoy the park.", 5000)]
    trained.detect(clauses)
    assert calls == [30]


def test_save_and_load_round_trip(trained, saved):
    loaded = ClauseClassifier.load(saved)
    probe = ["A minimum turnover of £6m is required.", "A bond of 5 per cent is payable."]
    assert np.allclose(loaded.predict_proba(probe), trained.predict_proba(probe))
    assert loaded.thresholds == trained.thresholds
    assert loaded.model_only_thresholds == trained.model_only_thresholds
    assert all(loaded.model_only_thresholds[c] >= loaded.thresholds[c] for c in loaded.categories)
    assert loaded.version.startswith(trained.corpus_sha256)
    meta = json.loads((saved / SIDECAR_FILE).read_text())
    assert {"scikit-learn", "skops", "numpy"} <= set(meta["versions"])
    assert meta["corpus_sha256"] == trained.corpus_sha256 and meta["cv"]["grouped_by"] == "pattern"


def test_tampered_model_file_is_refused(saved):
    path = saved / MODEL_FILE
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="sha256 does not match"):
        ClauseClassifier.load(saved)


def test_model_asking_for_untrusted_types_is_refused(saved, monkeypatch):
    import skops.io as sio

    monkeypatch.setattr(sio, "get_untrusted_types", lambda **kw: ["builtins.eval"])
    with pytest.raises(ModelError, match=r"outside the trusted list \(builtins.eval\)") as info:
        ClauseClassifier.load(saved)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("remove, message", [
    (MODEL_FILE, "model file missing"),
    (SIDECAR_FILE, "model sidecar missing"),
])
def test_missing_files_are_a_model_error(saved, remove, message):
    (saved / remove).unlink()
    with pytest.raises(ModelError, match=message):
        ClauseClassifier.load(saved)


def test_garbled_sidecar_is_a_model_error(saved):
    (saved / SIDECAR_FILE).write_text("{not json")
    with pytest.raises(ModelError, match="not valid JSON"):
        ClauseClassifier.load(saved)


def test_other_library_version_warns(saved):
    meta = json.loads((saved / SIDECAR_FILE).read_text())
    meta["versions"]["scikit-learn"] = "0.0.1"
    (saved / SIDECAR_FILE).write_text(json.dumps(meta))
    with pytest.warns(ModelMismatchWarning, match="built with scikit-learn 0.0.1"):
        loaded = ClauseClassifier.load(saved)
    assert len(loaded.mismatches) == 1


def test_other_corpus_warns(saved, trained):
    with pytest.warns(ModelMismatchWarning, match="trained on corpus"):
        ClauseClassifier.load(saved, corpus_sha256="f" * 64)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ClauseClassifier.load(saved, corpus_sha256=trained.corpus_sha256)


@pytest.mark.parametrize("scores, truth, floor, expected", [
    # best F1: 0.4 (P 5/6, R 1) beats 0.6 (P 1, R 0.8)
    ([0.95, 0.9, 0.8, 0.6, 0.5, 0.4, 0.2], [1, 1, 1, 1, 0, 1, 0], None, 0.4),
    # with a precision floor of 0.9 the lowest threshold that reaches it
    ([0.95, 0.9, 0.8, 0.6, 0.5, 0.4, 0.2], [1, 1, 1, 1, 0, 1, 0], 0.9, 0.6),
    # no threshold reaches the floor: the upper bound, so the model never flags alone
    ([0.9, 0.8, 0.7, 0.6], [0, 1, 0, 1], 0.9, 0.95),
    ([0.9, 0.8, 0.7, 0.6], [0, 1, 0, 1], None, 0.6),
    # nothing above the lower bound: the upper bound
    ([0.1, 0.2], [1, 0], None, 0.95),
])
def test_choose_threshold(scores, truth, floor, expected):
    assert choose_threshold(np.array(scores), np.array(truth), floor) == expected


def test_folds_never_split_a_pattern():
    groups = [f"p{i % 7}" for i in range(70)]
    folds = fold_ids(groups, 5)
    for g in set(groups):
        assert len({folds[i] for i, x in enumerate(groups) if x == g}) == 1


def test_shipped_model_loads_with_only_trusted_types():
    if not (models_dir() / MODEL_FILE).exists():
        pytest.skip("no shipped model yet: run `barrier-scan train`")
    import skops.io as sio

    untrusted = sio.get_untrusted_types(file=models_dir() / MODEL_FILE)
    assert set(untrusted) <= set(TRUSTED_TYPES)
    loaded = ClauseClassifier.load()
    assert loaded.categories and set(loaded.thresholds) == set(loaded.categories)


@pytest.mark.parametrize("text, bin_name", [
    ("Quotes are due within 48 hours.", "days<=3"),
    ("Respond within two hours of the call.", "hours"),
    ("Tenders close 6 days after publication.", "days<=7"),
    ("Payment within 60 days of invoice.", "days<=90"),
    ("An initial term of five (5) years.", "years<=5"),
    ("A six-year framework.", "years<=7"),
    ("Invoices are paid within 30 days of receipt.", "days<=31"),
    ("Payment within forty-five (45) days of invoice.", "days<=90"),
    ("Quotations within ten working days.", "days<=10"),
    ("The tendering period is 25 days.", "days<=31"),
    ("Duration in months: 84", "years<=7"),
    ("Duration in months: 48. Renewal: No.", "years<=4"),
    ("The concession runs for twenty years.", "years>7"),
    ("A two-year contract.", "years<=4"),
])
def test_cue_features_bin_durations(text, bin_name):
    cues = CueFeatures({}).fit([text])
    row = cues.transform([text]).toarray()[0]
    on = [name for name, v in zip(cues.get_feature_names_out(), row) if v]
    assert on == [f"duration:{bin_name}"]


@pytest.mark.parametrize("text, expected", [
    ("ISO 9001 or equivalent is accepted.", ["ctx:equivalence"]),
    ("Bidders must hold £5m cover.", ["money"]),
    ("All locks must be Yale.", ["named_product"]),
    ("The park opens daily.", []),
])
def test_cue_features_mark_contexts_money_and_named_products(text, expected):
    cues = CueFeatures({"equivalence": [r"\bor equivalent\b"]}).fit([text])
    row = cues.transform([text]).toarray()[0]
    assert [name for name, v in zip(cues.get_feature_names_out(), row) if v] == expected
    assert len(cues.get_feature_names_out()) == 1 + len(DURATION_BINS) + 2 + len(DATE_GAP_BINS)


def test_compact_vectorizer_saves_its_vocabulary_as_one_array():
    import io

    import skops.io as sio

    vec = CompactTfidfVectorizer().fit(["minimum turnover", "performance bond", "turnover bond"])
    buffer = io.BytesIO()
    sio.dump(vec, buffer)
    data = buffer.getvalue()
    assert len(data) < 20_000
    loaded = sio.load(io.BytesIO(data), trusted=sio.get_untrusted_types(data=data))
    assert loaded.vocabulary_ == vec.vocabulary_
    assert (loaded.transform(["bond turnover"]) != vec.transform(["bond turnover"])).nnz == 0


def test_shipped_sidecar_matches_the_shipped_corpus_and_gate():
    if not (models_dir() / SIDECAR_FILE).exists():
        pytest.skip("no shipped model yet: run `barrier-scan train`")
    meta = json.loads((models_dir() / SIDECAR_FILE).read_text())
    assert meta["corpus_sha256"] == load_corpus().sha256, "corpus changed: run `barrier-scan train`"
    assert tuple(meta["gate"]) == KeywordGate.from_file().terms, "gate changed: run `barrier-scan train`"
    if meta["pipeline"] == "lr-rules":  # its rule signals must come from the shipped pack
        from barrier_scan.detect.rule_engine import RuleEngine

        assert meta["rules_version"] == RuleEngine.from_dir().version, \
            "rule pack changed: run `barrier-scan train`"


@pytest.mark.parametrize("text,bins", [
    ("Issued 14/10/2024 | Closing 18/10/2024", {"days<=10"}),
    ("Published 3 March 2025; tenders are due by 2 April 2025.", {"days<=35"}),
    ("The notice went out on 2025-01-06 and bids close on 2025-02-28.", {"days>35"}),
    ("The contract starts on 1 April 2025.", set()),  # one date states no period
    ("Submit by 30/02/2025 or 31/04/2025.", set()),  # impossible dates are not dates
])
def test_date_gap_bins(text: str, bins: set[str]) -> None:
    from barrier_scan.detect.classifier import _date_gap_bins, _date_span

    assert {DATE_GAP_BINS[i][0] for i in _date_gap_bins(_date_span(text))} == bins


def _extended_on(text: str) -> list[str]:
    from barrier_scan.detect.classifier import EXTENDED_CUE_NAMES

    cues = CueFeatures({}, extended=True).fit([text])
    row = cues.transform([text]).toarray()[0]
    names = list(cues.get_feature_names_out())
    extended = set(EXTENDED_CUE_NAMES)
    return [n for n, v in zip(names, row) if v and n in extended]


@pytest.mark.parametrize("text, expected", [
    # a duration counted again under each topic word of its clause
    ("Invoices will be paid within 60 days.", ["pay:days<=90"]),
    ("Quotes must be returned within 48 hours.", ["period:days<=3"]),
    ("The framework will run for ten years.", ["term:years>7"]),
    ("Mobilisation must be complete within two weeks of award.", ["start:days<=14"]),
    # dates without a year, rolling over the new year: 19 Dec -> 3 Jan is 15 days
    ("Issued 19 December, tenders close 3 January.", ["daymonth:days<=24"]),
    ("Respond by return of post.", ["short_notice"]),
    ("The park opens daily.", []),
])
def test_extended_cues(text, expected):
    on = _extended_on(text)
    assert [n for n in on if not n.startswith("capitalised")] == expected


def test_capitalised_names_are_counted_but_not_sentence_starts_or_roles():
    from barrier_scan.detect.classifier import _capitalised_words

    assert _capitalised_words("All locks must be Yale or Chubb.") == 2
    assert _capitalised_words("The Council requires cover. Bidders must comply.") == 0
    assert _capitalised_words("NHS trusts only.") == 0  # all capitals are acronyms, not names


def test_day_month_gap_rolls_over_the_year_and_needs_two_dates():
    from barrier_scan.detect.classifier import _day_month_gap

    assert _day_month_gap("Issued 19 December, closing 3 January.") == 15
    assert _day_month_gap("Issued March 2, closing March 9.") == 7
    assert _day_month_gap("Closing 3 January.") is None
    # dates with years are the date-gap cue's job
    assert _day_month_gap("Issued 19 December 2024, closing 3 January 2025.") is None


def test_models_saved_before_the_extended_cues_transform_as_before():
    text = "Invoices will be paid within 60 days by Acme."
    old = CueFeatures({}).fit([text])  # extended defaults to False, as in older model files
    assert old.transform([text]).shape[1] == len(DURATION_BINS) + 2 + len(DATE_GAP_BINS)
    state = dict(old.__getstate__())  # __getstate__ hands back the live __dict__
    state.pop("extended")  # a file written before the attribute existed
    restored = CueFeatures.__new__(CueFeatures)
    restored.__setstate__(state)
    assert (restored.transform([text]) != old.transform([text])).nnz == 0
