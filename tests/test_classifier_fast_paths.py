"""The classifier's fast paths must give exactly what the plain sklearn / regex code gives."""
from __future__ import annotations

import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from barrier_scan.corpus import load_corpus
from barrier_scan.detect.classifier import (DURATION_RE, ClauseClassifier, KeywordGate,
                                            _char_features, _duration_bins, _word_features)

ODD = ["", "   ", "a b", "İstanbul ſtrange ﬁne", "ISO-9001 or equivalent; sub-contracting",
       "x" * 50, "Tab\there\nnew line  double  spaces", "I am a"]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return load_corpus().texts + ODD


def test_char_ngrams_are_sklearns(texts) -> None:
    ours = _char_features().build_analyzer()
    reference = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5)).build_analyzer()
    assert all(ours(t) == reference(t) for t in texts)


def test_char_matrix_is_sklearns(texts) -> None:
    vectorizer = _char_features().fit(texts[:1500])
    ours = vectorizer.transform(texts)
    reference = TfidfVectorizer.transform(vectorizer, texts)
    assert type(ours) is type(reference) and ours.dtype == reference.dtype
    assert (ours != reference).nnz == 0
    assert ours.nnz > 100_000
    again = vectorizer.transform(texts)  # from the per-word cache this time
    assert (again != reference).nnz == 0


def test_word_matrix_is_sklearns(texts) -> None:
    vectorizer = _word_features().fit(texts[:1500])
    ours = vectorizer.transform(texts)
    reference = TfidfVectorizer.transform(vectorizer, texts)
    assert type(ours) is type(reference) and ours.dtype == reference.dtype
    assert (ours != reference).nnz == 0 and ours.nnz > 50_000
    assert ours.has_sorted_indices


def test_shipped_model_scores_are_unchanged_by_the_fast_paths(texts) -> None:
    model = ClauseClassifier.load()
    sample = texts[::7]
    for name in ("words", "chars"):
        vectorizer = dict(model._features.transformer_list)[name]
        assert (vectorizer.transform(sample) != TfidfVectorizer.transform(vectorizer, sample)).nnz == 0


def test_keyword_gate_automaton_agrees_with_its_regex(texts) -> None:
    gate = KeywordGate.from_file()
    assert gate._automaton is not None
    assert [gate.passes(t) for t in texts] == [gate.regex.search(t) is not None for t in texts]
    assert sum(map(gate.passes, texts)) > len(texts) / 2  # and it is a real gate
    assert not gate.passes("The weather was mild.")


def test_duration_shortcut_skips_only_clauses_without_durations(texts) -> None:
    for t in texts:
        if not DURATION_RE.search(t):
            assert _duration_bins(t) == set()
    assert _duration_bins("The term is five (5) years.") and _duration_bins("within 10 working days")


def test_probabilities_are_sklearns_predict_proba(texts) -> None:
    import numpy as np

    model = ClauseClassifier.load()
    assert model._stacked_logistic is not None  # the shipped model takes the fast path
    x = model._features.transform(texts[::5]).tocsr()
    ours = model._probabilities(x)
    reference = np.asarray(model._clf.predict_proba(x))
    assert ours.shape == reference.shape and np.array_equal(ours, reference)


def test_stacked_blocks_are_the_feature_unions_matrix(texts) -> None:
    model = ClauseClassifier.load()
    sample = texts[::5]
    ours = model._vectorise(sample)
    reference = model._features.transform(sample).tocsr()
    assert ours.format == "csr" and ours.dtype == reference.dtype and ours.shape == reference.shape
    assert (ours != reference).nnz == 0 and ours.nnz > 10_000


def _capitalised_reference(text: str) -> int:
    """The first, plain reading of `_capitalised_words`: every token looked at in full."""
    from barrier_scan.detect.classifier import _CLOSING, _OPENING, _ROLE_WORDS

    count, after_stop = 0, True
    for token in text.split():
        word = token.lstrip(_OPENING)
        if word and not after_stop and word[0].isupper() and not word.isupper() \
                and word.rstrip(_CLOSING).lower() not in _ROLE_WORDS:
            count += 1
        after_stop = token[-1] in ".!?:;|"
    return count


def test_capitalised_word_count_is_the_plain_readings(texts) -> None:
    from barrier_scan.detect.classifier import _capitalised_words

    extra = ["“Quoted Name” here and (Bracketed Brand) too", "a: Colon Start | Cell Start", "(((", "Ä Öl"]
    counts = [_capitalised_words(t) for t in texts + extra]
    assert counts == [_capitalised_reference(t) for t in texts + extra]
    assert sum(counts) > 1_000
