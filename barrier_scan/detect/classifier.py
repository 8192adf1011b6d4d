"""The clause classifier: a seeded scikit-learn Pipeline from clause text to per-category
probabilities, behind the same `Detector` contract as the rule engine.

    text -> FeatureUnion(word 1-2-gram TF-IDF, char 3-5-gram TF-IDF, cues, rule signals)
         -> OneVsRest(LogisticRegression)          one binary model per category

The rule signals are the categories the rule engine flagged on the clause (a `RuledText`
carries them), so the model learns how far to trust each rule pack and spends its text
weights on what the rules miss: stacking, measured in docs/classifier.md.

It is trained on `corpus/clauses/*.jsonl` by `barrier-scan train` and shipped as
`models/clause_clf.skops` (skops, never pickle) with a JSON sidecar that stamps the file's
sha256, the corpus hash, the library versions, the categories, the per-category thresholds,
the keyword gate and the cross-validated scores. `ClauseClassifier.load()` refuses a file
whose hash or types do not check out (ModelError) and warns when versions or corpus differ.

Only clauses that pass a keyword gate (models/clause_gate.yaml) are vectorised, and all of a
document's gated clauses are scored in one `predict_proba` call.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import chain, repeat
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Optional, Sequence

import numpy as np
import yaml
from scipy.special import expit
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer

from ..docmeta import find_dates
from ..errors import ModelError
from . import PIPELINE_KINDS  # noqa: F401 - re-exported; kept light for the CLI
from ..prefilter import Prefilter, fold_case, literal_check, requirement
from ..model import CATEGORIES, CATEGORY_TITLES, Clause, Finding
from ..resources import models_dir

MODEL_NAME = "clause_clf"
MODEL_FILE = f"{MODEL_NAME}.skops"
SIDECAR_FILE = f"{MODEL_NAME}.json"
GATE_FILE = "clause_gate.yaml"
SIDECAR_FORMAT = 1

DEFAULT_SEED = 20240611
DEFAULT_KIND = "lr-rules"
# A category needs this many positive clauses before the model learns it; below that its
# cross-validated scores are noise and the rules alone cover it.
MIN_POSITIVES = 15
N_FOLDS = 5
# Inverse regularisation of the logistic regression. Measured flat from 4 to 50 on grouped CV
# averaged over four fold assignments (docs/classifier.md); 1-2 lose 0.01 macro F1.
LR_C = 20.0
# Two thresholds per category, both chosen on out-of-fold corpus probabilities (never on the
# evaluation tenders): `thresholds`, the best-F1 point, at which the model reports a finding
# and may confirm a rule's; `model_only_thresholds`, the lowest point reaching
# MODEL_ONLY_PRECISION, which a finding no rule caught must clear to be kept. A look-alike
# flagged by the model alone costs the reader's trust, hence the higher bar.
MODEL_ONLY_PRECISION = 0.90
THRESHOLD_BOUNDS = (0.30, 0.95)
# Best-F1 thresholds are taken from the middle of the thresholds within this much F1 of the
# best (see choose_threshold); one value, set before measuring, not tuned.
F1_PLATEAU = 0.01
TOP_TERMS = 5

# Everything a shipped model file may contain beyond what skops trusts by default: this
# module's own CompactTfidfVectorizer, CueFeatures and RuleSignals, and the calibration classes of the calibrated-SVM alternative.
# A file asking for any other type is refused.
TRUSTED_TYPES: tuple[str, ...] = (
    "barrier_scan.detect.classifier.CompactTfidfVectorizer",
    "barrier_scan.detect.classifier.CueFeatures",
    "barrier_scan.detect.classifier.RuleSignals",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
)
VERSIONED_LIBRARIES = ("scikit-learn", "skops", "numpy", "scipy")


class ModelMismatchWarning(UserWarning):
    """The model was built with other library versions or from another corpus."""


# ---------------------------------------------------------------------------------------
# The pipeline


class CompactTfidfVectorizer(TfidfVectorizer):  # type: ignore[misc]
    """TfidfVectorizer whose saved state holds the vocabulary as one array of terms.

    skops writes a dict entry by entry into its JSON schema: a 20,000-term vocabulary made
    an 18 MB schema and a multi-second load. An array is one .npy member."""

    def __getstate__(self) -> dict[str, Any]:
        state = dict(super().__getstate__())
        vocabulary = state.pop("vocabulary_", None)
        if vocabulary is not None:
            terms = sorted(vocabulary, key=vocabulary.__getitem__)
            state["vocabulary_terms_"] = np.asarray(terms, dtype=str)
        state.pop("stop_words_", None)  # introspection only, and can be huge
        state.pop("_word_ids", None)  # a run-time cache
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        terms = state.pop("vocabulary_terms_", None)
        if terms is not None:
            state["vocabulary_"] = {str(t): i for i, t in enumerate(terms.tolist())}
        super().__setstate__(state)

    def _plain(self) -> bool:
        """Settings the fast paths reproduce exactly (the ones this package uses)."""
        return (self.preprocessor is None and self.lowercase and self.strip_accents is None
                and self.input == "content" and not self.binary)

    def _plain_char_wb(self) -> bool:
        return self.analyzer == "char_wb" and self._plain()

    def _plain_words(self) -> bool:
        return (self.analyzer == "word" and self._plain() and self.tokenizer is None
                and self.stop_words is None)

    def transform(self, raw_documents: Any) -> Any:
        """sklearn's transform, with the counting done faster for our two analyzers: "char_wb"
        n-gram ids are looked up once per distinct word, word n-grams skip the intermediate
        string lists, and the count matrix is built in one go. Same matrix, to the bit
        (tests/test_classifier_fast_paths.py)."""
        if isinstance(raw_documents, str) or not hasattr(self, "vocabulary_"):
            return super().transform(raw_documents)
        if self._plain_char_wb():
            ids = self._char_wb_ids(raw_documents)
        elif self._plain_words():
            ids = self._word_ids_of(raw_documents)
        else:
            return super().transform(raw_documents)
        return self._tfidf.transform(self._count_matrix(ids), copy=False)

    def _count_matrix(self, ids_per_doc: Iterable[list[int]]) -> Any:
        """The document-term count matrix CountVectorizer.transform would build, from each
        document's in-vocabulary feature ids (repeats counted)."""
        import scipy.sparse as sp

        columns: list[int] = []
        lengths: list[int] = []
        for ids in ids_per_doc:
            columns.extend(ids)
            lengths.append(len(ids))
        rows = np.repeat(np.arange(len(lengths), dtype=np.int32), lengths)
        cols = np.asarray(columns, dtype=np.int32)
        known = cols != _NOT_IN_VOCABULARY
        if not known.all():
            rows, cols = rows[known], cols[known]
        matrix = sp.csr_matrix(
            (np.ones(len(cols), dtype=self.dtype), (rows, cols)),
            shape=(len(lengths), len(self.vocabulary_)), dtype=self.dtype)
        matrix.sum_duplicates()  # counts, with sorted indices
        return matrix

    def _char_wb_ids(self, raw_documents: Any) -> Iterator[list[int]]:
        vocabulary = self.vocabulary_
        cache = getattr(self, "_word_ids", None)
        if cache is None or cache[0] is not vocabulary or len(cache[1]) > WORD_CACHE_LIMIT:
            cache = self._word_ids = (vocabulary, {})
        ids_of: dict[str, tuple[int, ...]] = cache[1]
        min_n, max_n = self.ngram_range
        for doc in raw_documents:
            words = self._words(doc)
            per_word = list(map(ids_of.get, words))  # most words are met before
            if None in per_word:
                for k, word_ids in enumerate(per_word):
                    if word_ids is None:
                        word = words[k]
                        per_word[k] = ids_of[word] = tuple(
                            vocabulary[g] for g in _char_wb_ngrams(word, min_n, max_n)
                            if g in vocabulary)
            yield list(chain.from_iterable(per_word))

    def _word_ids_of(self, raw_documents: Any) -> Iterator[list[int]]:
        """Word n-gram ids as sklearn's `_word_ngrams` would name them ("a b" for a bigram)."""
        vocabulary = self.vocabulary_
        get = vocabulary.get
        missing = repeat(_NOT_IN_VOCABULARY)
        tokenize = self.build_tokenizer()
        min_n, max_n = self.ngram_range
        for doc in raw_documents:
            tokens = tokenize(self.decode(doc).lower())
            ids: list[int] = []
            for n in range(min_n, min(max_n, len(tokens)) + 1):
                if n == 1:
                    grams: Iterable[str] = tokens
                elif n == 2:
                    grams = map(" ".join, zip(tokens, tokens[1:]))
                else:
                    grams = (" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
                # unknown n-grams are dropped in numpy by _count_matrix, not one by one here
                ids.extend(map(get, grams, missing))
            yield ids

    def build_analyzer(self) -> Any:
        """sklearn's analyzer, except that "char_wb" n-grams are made once per distinct word
        (tenders repeat their words endlessly) instead of once per occurrence."""
        if not self._plain_char_wb():
            return super().build_analyzer()
        min_n, max_n = self.ngram_range

        def analyze(doc: str) -> list[str]:
            grams: list[str] = []
            for word in self._words(doc):
                grams.extend(_char_wb_ngrams(word, min_n, max_n))
            return grams

        return analyze

    def _words(self, doc: Any) -> list[str]:
        """The words sklearn's "char_wb" analyzer makes n-grams of."""
        return self._white_spaces.sub(" ", self.decode(doc).lower()).split()


_NOT_IN_VOCABULARY = -1  # the id `_word_ids_of` gives an n-gram outside the vocabulary
WORD_CACHE_LIMIT = 200_000  # distinct words kept per vectorizer before the cache restarts


@lru_cache(maxsize=50_000)
def _char_wb_ngrams(word: str, min_n: int, max_n: int) -> tuple[str, ...]:
    """The n-grams sklearn's `_char_wb_ngrams` makes of one word, in its order."""
    padded = f" {word} "
    grams = []
    for n in range(min_n, max_n + 1):
        if len(padded) <= n:  # sklearn counts a word no longer than n once, whole, then stops
            grams.append(padded)
            break
        grams.extend(padded[i:i + n] for i in range(len(padded) - n + 1))
    return tuple(grams)


def _word_features() -> Any:
    # Word uni- and bigrams carry the phrases ("minimum turnover", "performance bond");
    # sublinear tf stops a long clause that repeats a word from dominating.
    return CompactTfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True,
                           token_pattern=r"(?u)\b\w[\w'&-]*\b", dtype=np.float32)


def _char_features() -> Any:
    # Character n-grams inside word boundaries survive inflection, hyphenation and the
    # run-together words PDF extraction produces ("sub-contracting", "subcontractors").
    return CompactTfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2,
                           sublinear_tf=True, max_features=60000, dtype=np.float32)


# Durations are binned so the model can tell a 6-day tender window or a 10-year term from
# ordinary ones; TF-IDF alone sees "6" and "35" as unrelated tokens. Upper edges in days, at
# the lines the law draws (docs/DOMAIN.md): below-threshold response < 10 days, PA tendering
# period 25 days, payment and PCR periods 30 days (31 so "one month" counts as 30), PCR open
# 35 days, framework term 4 years, contract term 5 years.
DURATION_BINS: tuple[tuple[str, float], ...] = (
    ("hours", 1), ("days<=3", 3), ("days<=7", 7), ("days<=10", 10), ("days<=14", 14),
    ("days<=24", 24), ("days<=31", 31), ("days<=35", 35), ("days<=90", 90), ("year<=1", 366),
    ("years<=4", 4 * 366), ("years<=5", 5 * 366), ("years<=7", 7 * 366),
    ("years>7", float("inf")),
)
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14,
                "fifteen": 15, "eighteen": 18, "twenty": 20, "twenty-one": 21, "twenty-four": 24,
                "twenty-five": 25, "twenty-eight": 28, "thirty": 30, "thirty-five": 35,
                "thirty-six": 36, "forty": 40, "forty-five": 45, "forty-eight": 48, "sixty": 60,
                "ninety": 90}
UNIT_DAYS = {"hour": 1 / 24, "hr": 1 / 24, "day": 1, "week": 7, "month": 30.4, "year": 365.25}
_DURATION_NUMBER = (r"\d{1,3}(?:\.\d)?|"
                    + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)))
_DURATION_UNIT = r"hours?|hrs?|days?|weeks?|months?|years?"
_DURATION_QUALIFIER = (r"(?:\s*\(\d{1,3}\))?[\s-]*"
                       r"(?:working\s+|calendar\s+|clear\s+|business\s+)?")
# "45 days", "forty-five (45) working days", and the notice form "Duration in months: 84".
# Both orders give group 1 the number and group 2 the unit, so both are read from lookaheads
# (the match itself is empty); a number word right after "letter-" ("forty-five") is skipped.
DURATION_RE = re.compile(
    r"(?<!\w)(?<![A-Za-z]-)"
    rf"(?=(?:(?:{_DURATION_UNIT})\s*:\s*)?({_DURATION_NUMBER})\b)"
    rf"(?=(?:(?:{_DURATION_NUMBER}){_DURATION_QUALIFIER})?({_DURATION_UNIT})\b)",
    re.IGNORECASE)
# "must be Dell", "shall be from the Diversey range": a capitalised name right after a
# requirement verb is how named products and brands are usually demanded.
NAMED_PRODUCT_RE = re.compile(
    r"\b(?:must|shall|will|is to|are to)\s+(?:be|use|run on|carry|be from|be supplied by)\s+"
    r"(?:the\s+|a\s+|an\s+)?(?:[A-Z][A-Za-z0-9]+|[A-Z]{2,})(?:\s+[A-Z0-9][A-Za-z0-9]*)*")
MONEY_RE = re.compile(r"(?:[£€$₹]|\b(?:GBP|EUR|USD|INR|Rs\.?|AUD)\s?)\s?\d", re.IGNORECASE)


def read_contexts(path: Optional[Path] = None) -> dict[str, list[str]]:
    """The shared exclusion contexts of the rule pack (rules/_context.yaml), name -> cues.

    The classifier uses them as features, so the same list of "or equivalent", negation and
    award-stage wordings teaches both detectors."""
    from ..resources import rules_dir

    path = path or rules_dir() / "_context.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return {name: [str(c) for c in ctx["cues"]] for name, ctx in data["contexts"].items()}
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError) as exc:
        raise ModelError(f"cannot read the exclusion contexts ({exc.__class__.__name__}); "
                         "restore rules/_context.yaml", file=str(path)) from exc


class CueFeatures(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Binary features a bag of n-grams cannot see: which exclusion context a clause is in,
    how long the durations it states are, whether it names money or a branded product.

    contexts (dict[str, list[str]]): context name -> regex cues (from rules/_context.yaml);
        stored with the model so the features do not shift when the rule pack changes.
    """

    def __init__(self, contexts: Optional[dict[str, list[str]]] = None,
                 extended: bool = False) -> None:
        self.contexts = contexts
        self.extended = extended

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        self.__dict__.setdefault("extended", False)  # models saved before `extended` existed

    def fit(self, texts: Sequence[str], y: Any = None) -> "CueFeatures":
        self.feature_names_ = (
            [f"ctx:{name}" for name in sorted(self.contexts or {})]
            + [f"duration:{name}" for name, _ in DURATION_BINS]
            + ["money", "named_product"]
            + [f"dates:{name}" for name, _ in DATE_GAP_BINS]
            + (EXTENDED_CUE_NAMES if self.extended else []))
        return self

    def transform(self, texts: Sequence[str]) -> Any:
        import scipy.sparse as sp

        contexts = self.contexts or {}
        names = sorted(contexts)
        cues, prefilter = _context_matchers(tuple((n, tuple(contexts[n])) for n in names))
        offset = len(names)
        with_dates = len(self.feature_names_) > offset + len(DURATION_BINS) + 2
        extended_offset = len(self.feature_names_) - len(EXTENDED_CUE_NAMES)
        rows, cols = [], []
        for i, text in enumerate(texts):
            hits = set()
            for k in prefilter.candidates(text):
                j, cue = cues[k]
                if j not in hits and cue.search(text):
                    hits.add(j)
            duration_bins = _duration_bins(text)
            hits.update(offset + b for b in duration_bins)
            if _DIGIT_RE.search(text) and MONEY_RE.search(text):  # an amount needs a digit
                hits.add(offset + len(DURATION_BINS))
            if NAMED_PRODUCT_RE.search(text):
                hits.add(offset + len(DURATION_BINS) + 1)
            if with_dates:  # models trained before these features have no columns for them
                span = _date_span(text)
                date_bins = _date_gap_bins(span)
                hits.update(offset + len(DURATION_BINS) + 2 + b for b in date_bins)
                if self.extended:
                    hits.update(extended_offset + k
                                for k in _extended_cues(text, duration_bins, date_bins, span))
            rows += [i] * len(hits)
            cols += sorted(hits)
        data = np.ones(len(rows), dtype=np.float32)
        return sp.csr_matrix((data, (rows, cols)), shape=(len(texts), len(self.feature_names_)))

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.asarray(self.feature_names_, dtype=object)


class RuledText(str):
    """A clause's text that also carries the categories the rule engine flagged on it.

    It is the plain string to every text feature; only `RuleSignals` reads `ruled`. A plain
    `str` is a clause no rule flagged."""

    ruled: frozenset[str]

    def __new__(cls, text: str, ruled: Iterable[str] = ()) -> "RuledText":
        obj = super().__new__(cls, text)
        obj.ruled = frozenset(ruled)
        return obj


def ruled_texts(texts: Sequence[str], flagged: Sequence[Iterable[str]]) -> list[RuledText]:
    """Each text with the categories the rules flagged on it (`assess.signal_categories`)."""
    return [RuledText(t, cats) for t, cats in zip(texts, flagged)]


def ruled_matrix(texts: Sequence[str], categories: Sequence[str]) -> np.ndarray:
    """Clause x category: True where a rule flagged that category (False for plain strings)."""
    flags = np.zeros((len(texts), len(categories)), dtype=bool)
    column = {c: j for j, c in enumerate(categories)}
    for i, text in enumerate(texts):
        for cat in getattr(text, "ruled", ()):
            if cat in column:
                flags[i, column[cat]] = True
    return flags


class RuleSignals(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """One binary feature per category: did a rule flag it on this clause? (`RuledText.ruled`)

    categories (list[str]): the columns, fixed when the pipeline is built, so a rule pack that
        gains a category later adds no column the model never saw.
    """

    def __init__(self, categories: Optional[list[str]] = None) -> None:
        self.categories = categories

    def fit(self, texts: Sequence[str], y: Any = None) -> "RuleSignals":
        self.feature_names_ = [f"rule:{c}" for c in self.categories or ()]
        return self

    def transform(self, texts: Sequence[str]) -> Any:
        import scipy.sparse as sp

        flags = ruled_matrix(texts, self.categories or ())
        return sp.csr_matrix(flags.astype(np.float32))

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.asarray(self.feature_names_, dtype=object)


def uses_rule_signals(kind: str) -> bool:
    """Does this pipeline kind read the rule engine's verdicts (so needs `RuledText` input)?"""
    return kind == "lr-rules"


@lru_cache(maxsize=8)
def _context_matchers(contexts: tuple[tuple[str, tuple[str, ...]], ...]
                      ) -> tuple[list[tuple[int, re.Pattern[str]]], Prefilter]:
    """(context index, cue regex) for every cue, and the literal prefilter that skips most.
    Cached here rather than on the transformer, whose state is saved with the model."""
    cues = [(j, re.compile(cue, re.IGNORECASE)) for j, (_, texts) in enumerate(contexts) for cue in texts]
    prefilter = Prefilter([requirement(rx.pattern) for _, rx in cues])
    return cues, prefilter


# Two dates in one clause ("issued 14/10/2024, closing 18/10/2024") state a period the
# duration words do not: the days between the first and the last date, binned. Upper edges.
DATE_GAP_BINS: tuple[tuple[str, float], ...] = (
    ("days<=10", 10), ("days<=24", 24), ("days<=35", 35), ("days>35", float("inf")))
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def _date_span(text: str) -> Optional[int]:
    """Days between the earliest and the latest full date of `text`; None with fewer than two."""
    # every date pattern read here carries a year, and each year starts "19" or "20"
    if text.count("20") + text.count("19") < 2 or len(_YEAR.findall(text)) < 2:
        return None
    dates = find_dates(text)
    if len(dates) < 2:
        return None
    return (max(dates) - min(dates)).days


def _date_gap_bins(span: Optional[int]) -> set[int]:
    """The DATE_GAP_BINS index of a `_date_span`, as a set (empty without a span)."""
    if span is None:
        return set()
    return {next(i for i, (_, edge) in enumerate(DATE_GAP_BINS) if span <= edge)}


def _duration_bins(text: str) -> set[int]:
    bins: set[int] = set()
    low = text.lower()
    # DURATION_RE needs a unit; most clauses have none, and the regex is dear to run
    if not any(unit in low for unit in UNIT_DAYS):
        return bins
    for m in DURATION_RE.finditer(text):
        number = m.group(1).lower()
        value = NUMBER_WORDS.get(number) or float(number)
        unit = m.group(2).lower().rstrip("s")
        days = value * UNIT_DAYS.get(unit, 1)
        bins.add(next(i for i, (_, edge) in enumerate(DURATION_BINS) if days <= edge))
    return bins


# Extended cues (CueFeatures(extended=True), the shipped pipeline's). A duration means
# different things by topic: 45 days is a barrier as a payment period (> 30, PCR 113) and an
# ordinary tender window; 5 years is ordinary for a contract and long for a framework. So each
# duration bin and date-gap bin is also counted per topic word present in the clause
# ("pay:days<=90", "period:days<=7", "term:years>7"). Then: the gap between day-month dates
# written without a year ("issued 19 December, closes 3 January"; a month earlier than the
# last one seen moves to the next year), full-date spans over a year binned at the 4- and
# 5-year lines, "by return / the next day" notice, and capitalised words inside a sentence
# (brands, schemes, named bodies: case is lost to the lower-cased n-grams).
CUE_TOPICS: tuple[tuple[str, str], ...] = (
    ("pay", r"\b(?:pay|paid|payments?|payable|invoices?|invoiced|settle\w*|remittance)\b"),
    ("period", r"\b(?:tenders?|bids?|quot\w*|responses?|submissions?|submit\w*|returned|return|"
               r"clos\w+|deadline|clarifications?|quer\w+|questions|expressions? of interest|"
               r"rfq|itt|pqq|published|issued?)\b"),
    ("term", r"\b(?:contract|framework|agreement|term|run|extend\w*|extensions?|renew\w*|"
             r"duration|licence|expir\w*)\b"),
    ("start", r"\b(?:mobilis\w*|mobiliz\w*|commence\w*|start\w*|lead-in|install\w*|in service|"
              r"award\w*|orders?)\b"),
)
_TOPIC_RES = tuple((name, re.compile(rx, re.IGNORECASE)) for name, rx in CUE_TOPICS)
# substring tests in front of the topic regexes: a clause without the words a topic needs
# skips its regex
_TOPIC_MAY_MATCH = tuple(literal_check(rx) for _, rx in _TOPIC_RES)
LONG_SPAN_BINS: tuple[tuple[str, float], ...] = (
    ("years<=4", 4 * 366), ("years<=5", 5 * 366), ("years>5", float("inf")))
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_MONTH_ALT = "|".join(_MONTHS)
_DAY_MONTH_RE = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_ALT})\b(?!,?\s+(?:19|20)\d\d)"
    rf"|\b({_MONTH_ALT})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!,?\s+(?:19|20)\d\d)", re.IGNORECASE)
_DIGIT_RE = re.compile(r"\d")
_MONTH_WORD_RE = re.compile(_MONTH_ALT)
_SHORT_NOTICE_RE = re.compile(
    r"\b(?:by return|the (?:next|following) (?:working |business )?day|the day after|same day|"
    r"tomorrow|this (?:monday|tuesday|wednesday|thursday|friday|week))\b", re.IGNORECASE)
_SHORT_NOTICE_MAY_MATCH = literal_check(_SHORT_NOTICE_RE)
# words that are capitalised for their role, not because they name a brand or a body
_ROLE_WORDS = frozenset(
    "the a an any all each every this these no only if where when bidders bidder tenderers "
    "tenderer suppliers supplier contractor contractors council authority trust employer client "
    "buyer purchaser department provider providers consultant applicant applicants company firm "
    "agency university government i we you it they our your in for of on to by and or with from "
    "at as".split())
_OPENING = "(\"'[\u201c\u2018"
_CLOSING = ".,;:!?)\"'\u201d\u2019|]"
_STOPS = ".!?:;|"  # a token ending in one of these starts a new sentence (or cell) after it
EXTENDED_CUE_NAMES: list[str] = (
    [f"{t}:{b}" for t, _ in CUE_TOPICS for b, _ in DURATION_BINS]
    + [f"{t}:dates:{b}" for t, _ in CUE_TOPICS for b, _ in DATE_GAP_BINS]
    + [f"daymonth:{b}" for b, _ in DATE_GAP_BINS]
    + [f"dates:{b}" for b, _ in LONG_SPAN_BINS]
    + ["short_notice", "capitalised:1", "capitalised:2+"])
_EXT_INDEX = {name: i for i, name in enumerate(EXTENDED_CUE_NAMES)}


def _extended_cues(text: str, bins: set[int], date_bins: set[int], span: Optional[int]) -> set[int]:
    """Indices into EXTENDED_CUE_NAMES that `text` turns on, given its duration bins, its
    date-gap bins and the `_date_span` they came from."""
    hits: set[int] = set()
    low = fold_case(text)
    if bins or date_bins:
        for (topic, rx), may_match in zip(_TOPIC_RES, _TOPIC_MAY_MATCH):
            if may_match(low) and rx.search(text):
                hits.update(_EXT_INDEX[f"{topic}:{DURATION_BINS[b][0]}"] for b in bins)
                hits.update(_EXT_INDEX[f"{topic}:dates:{DATE_GAP_BINS[b][0]}"] for b in date_bins)
    gap = _day_month_gap(text, low)
    if gap is not None:
        hits.add(_EXT_INDEX["daymonth:" + next(n for n, e in DATE_GAP_BINS if gap <= e)])
    if span is not None and span > 366:
        hits.add(_EXT_INDEX["dates:" + next(n for n, e in LONG_SPAN_BINS if span <= e)])
    if _SHORT_NOTICE_MAY_MATCH(low) and _SHORT_NOTICE_RE.search(text):
        hits.add(_EXT_INDEX["short_notice"])
    capitals = _capitalised_words(text)
    if capitals:
        hits.add(_EXT_INDEX["capitalised:1" if capitals == 1 else "capitalised:2+"])
    return hits


def _day_month_gap(text: str, low: Optional[str] = None) -> Optional[int]:
    """Days between the first and last "19 December" / "January 3" date written without a
    year, in order of appearance (a month six or more before the previous one is next year)."""
    low = text.lower() if low is None else low
    if not _DIGIT_RE.search(text) or len(_MONTH_WORD_RE.findall(low)) < 2:
        return None
    found = []
    for m in _DAY_MONTH_RE.finditer(text):
        if m.group(1):
            day, month = int(m.group(1)), _MONTHS.index(m.group(2).lower()) + 1
        else:
            day, month = int(m.group(4)), _MONTHS.index(m.group(3).lower()) + 1
        if 1 <= day <= 31:
            found.append((month, day))
    if len(found) < 2:
        return None
    year, previous, dates = 2001, None, []
    for month, day in found:
        if previous and (month, day) < previous and previous[0] - month >= 6:
            year += 1
        try:
            dates.append(dt.date(year, month, min(day, 28) if month == 2 else day))
        except ValueError:
            continue
        previous = (month, day)
    if len(dates) < 2:
        return None
    return (max(dates) - min(dates)).days


def _capitalised_words(text: str) -> int:
    """Capitalised, not all-capital words that do not start a sentence (or follow a colon,
    semicolon or table bar) and are not role words; words are split at white space."""
    tokens = text.split()
    count = 0
    for i, token in enumerate(tokens):
        word = token
        if word[0] in _OPENING:
            word = word.lstrip(_OPENING)
            if not word:
                continue
        # most words are lower case: decided on their first letter, before anything dearer
        if not word[0].isupper() or i == 0 or tokens[i - 1][-1] in _STOPS or word.isupper():
            continue
        if word.rstrip(_CLOSING).lower() not in _ROLE_WORDS:
            count += 1
    return count


def build_pipeline(seed: int = DEFAULT_SEED, kind: str = DEFAULT_KIND,
                   contexts: Optional[dict[str, list[str]]] = None) -> Any:
    """A fresh, unfitted multi-label pipeline: text in, one probability per label out.

    seed (int): random_state for every random part, so training twice gives one model.
    kind (str): "lr-rules" (the shipped choice: word and char n-grams, CueFeatures and the
        rule engine's verdicts as RuleSignals), "lr" (the same without rule signals: text
        only), "svc" (the text features, calibrated linear SVM), "lr-ngrams" (no cue
        features), "lr-words" (word n-grams only); the alternatives are kept so
        `barrier-scan evaluate --pipeline` can re-measure them (docs/classifier.md has the
        numbers).
    """
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.svm import LinearSVC

    if kind not in PIPELINE_KINDS:
        raise ModelError(f"unknown pipeline {kind!r}; use one of {', '.join(PIPELINE_KINDS)}")
    blocks: list[tuple[str, Any]] = [("words", _word_features())]
    if kind != "lr-words":
        blocks.append(("chars", _char_features()))
    if kind not in ("lr-words", "lr-ngrams"):
        blocks.append(("cues", CueFeatures(read_contexts() if contexts is None else contexts,
                                           extended=True)))
    if uses_rule_signals(kind):
        blocks.append(("rules", RuleSignals(list(CATEGORIES))))
    features = FeatureUnion(blocks)
    if kind == "svc":
        base: Any = CalibratedClassifierCV(
            LinearSVC(C=0.5, class_weight="balanced", random_state=seed), method="sigmoid", cv=3)
    else:
        # liblinear is deterministic for a fixed random_state, and its dual solver is ~15x
        # faster than the primal here (far more features than clauses); balanced weights
        # because each category is a few percent of the corpus.
        base = LogisticRegression(C=LR_C, class_weight="balanced", solver="liblinear",
                                  dual=True, max_iter=2000, random_state=seed)
    return Pipeline([("features", features), ("clf", OneVsRestClassifier(base))])


# ---------------------------------------------------------------------------------------
# The keyword gate


@dataclass(frozen=True)
class KeywordGate:
    """Word-prefix terms; a clause that contains none of them is not worth scoring."""

    terms: tuple[str, ...]

    @cached_property
    def regex(self) -> re.Pattern[str]:
        if "" in self.terms:
            return re.compile("")  # the open gate: everything passes
        if not self.terms:
            return re.compile(r"(?!)")  # nothing passes
        # longest first so "bid security" is tried before "bid"; a term must start a word
        alternatives = "|".join(re.escape(t) for t in sorted(set(self.terms), key=len, reverse=True))
        return re.compile(rf"(?<!\w)(?:{alternatives})", re.IGNORECASE)

    def passes(self, text: str) -> bool:
        if self._automaton is None:
            return self.regex.search(text) is not None
        low = fold_case(text)
        # a term must start a word: the character before it is not a word character
        for end, length in self._automaton.iter(low):
            start = end - length + 1
            if start == 0 or not _is_word_char(low[start - 1]):
                return True
        return False

    @cached_property
    def _automaton(self) -> Any:
        """All terms in one Aho-Corasick automaton (value: the term's length); None for the
        open and the closed gate, and for terms whose lower case is not plain ASCII."""
        terms = set(self.terms)
        if not terms or "" in terms or not all(t.isascii() and t == t.lower() for t in terms):
            return None
        import ahocorasick

        automaton = ahocorasick.Automaton()
        for term in terms:
            automaton.add_word(term, len(term))
        automaton.make_automaton()
        return automaton

    @classmethod
    def from_file(cls, path: Optional[Path] = None) -> "KeywordGate":
        path = path or models_dir() / GATE_FILE
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ModelError(f"cannot read the keyword gate ({exc.__class__.__name__}); "
                             "restore it from the package", file=str(path)) from exc
        if not isinstance(data, dict) or not all(isinstance(v, list) for v in data.values()):
            raise ModelError("the keyword gate must map category ids to lists of terms",
                             file=str(path))
        terms = [str(t).lower() for values in data.values() for t in values]
        return cls(tuple(dict.fromkeys(terms)))

    @classmethod
    def open(cls) -> "KeywordGate":
        """A gate that lets every clause through (for measuring the model without it)."""
        return cls(("",))


# ---------------------------------------------------------------------------------------
# Labels, out-of-fold probabilities and thresholds


def label_matrix(label_sets: Sequence[Sequence[str]], categories: Sequence[str]) -> np.ndarray:
    """0/1 matrix, one row per clause and one column per category."""
    index = {c: i for i, c in enumerate(categories)}
    y = np.zeros((len(label_sets), len(categories)), dtype=np.int8)
    for row, labels in enumerate(label_sets):
        for label in labels:
            if label in index:
                y[row, index[label]] = 1
    return y


def learnable_categories(label_sets: Sequence[Sequence[str]],
                         min_positives: int = MIN_POSITIVES) -> list[str]:
    counts = {c: 0 for c in CATEGORIES}
    for labels in label_sets:
        for label in labels:
            counts[label] = counts.get(label, 0) + 1
    return [c for c in CATEGORIES if counts[c] >= min_positives]


def fold_ids(groups: Sequence[str], n_folds: int = N_FOLDS,
             shuffle_seed: Optional[int] = None) -> np.ndarray:
    """Fold number per clause; clauses from one pattern always share a fold.

    shuffle_seed None: sklearn's GroupKFold (largest patterns first, each to the lightest fold),
        the assignment `train` and `evaluate` report. An int: the patterns in a seeded random
        order, each to the lightest fold so far, for a second opinion on how much the
        scores owe to one particular assignment.
    """
    from sklearn.model_selection import GroupKFold

    n_splits = min(n_folds, len(set(groups)))
    if n_splits < 2:
        raise ModelError("cross-validation needs clauses from at least two patterns")
    if shuffle_seed is not None:
        return _shuffled_fold_ids(groups, n_splits, shuffle_seed)
    folds = np.zeros(len(groups), dtype=np.int16)
    placeholder = np.zeros(len(groups))
    for k, (_, test) in enumerate(GroupKFold(n_splits=n_splits).split(placeholder, groups=groups)):
        folds[test] = k
    return folds


def _shuffled_fold_ids(groups: Sequence[str], n_splits: int, seed: int) -> np.ndarray:
    sizes: dict[str, int] = {}
    for group in groups:
        sizes[group] = sizes.get(group, 0) + 1
    names = sorted(sizes)
    load = [0] * n_splits
    fold_of: dict[str, int] = {}
    for k in np.random.default_rng(seed).permutation(len(names)):
        fold = load.index(min(load))
        fold_of[names[k]] = fold
        load[fold] += sizes[names[k]]
    return np.array([fold_of[g] for g in groups], dtype=np.int16)


def out_of_fold_proba(texts: Sequence[str], y: np.ndarray, folds: np.ndarray, *,
                      seed: int = DEFAULT_SEED, kind: str = DEFAULT_KIND) -> np.ndarray:
    """Each clause's probabilities from a model that never saw its pattern."""
    proba = np.zeros(y.shape, dtype=np.float64)
    text_array = np.asarray(texts, dtype=object)
    with warnings.catch_warnings():
        # a fold may hold every example of a rare category; OneVsRest then predicts 0 for it
        warnings.filterwarnings("ignore", message=".*Label not .* is present in all training")
        for k in np.unique(folds):
            train, test = folds != k, folds == k
            pipeline = build_pipeline(seed, kind).fit(list(text_array[train]), y[train])
            proba[test] = _proba_matrix(pipeline, list(text_array[test]), y.shape[1])
    return proba


def _proba_matrix(pipeline: Any, texts: Sequence[str], n_labels: int) -> np.ndarray:
    proba = np.asarray(pipeline.predict_proba(list(texts)), dtype=np.float64)
    return proba.reshape(len(texts), n_labels)


def choose_threshold(scores: np.ndarray, truth: np.ndarray,
                     precision_floor: Optional[float] = None,
                     bounds: tuple[float, float] = THRESHOLD_BOUNDS) -> float:
    """A per-category threshold from scores and 0/1 truth.

    precision_floor None: the middle (median) of the thresholds whose F1 is within
        F1_PLATEAU of the best. The single best-F1 point sits on one clause's score and moves
        with every fold; the middle of the near-best plateau is steadier on unseen clauses
        (nested corpus CV: +0.002 to +0.004 macro F1 on each of three fold assignments).
    precision_floor p: the lowest threshold whose precision reaches p, which keeps the most
        recall at that precision; the upper bound when none does.
    Clamped to `bounds` so a category with few negatives cannot end up flagging everything.
    """
    low, high = bounds
    candidates = np.unique(np.clip(scores[scores >= low], low, high))
    f1s = np.zeros(len(candidates))
    positives = truth.sum()
    for k, t in enumerate(candidates):
        flagged = scores >= t
        tp = float((flagged & (truth == 1)).sum())
        n_flagged = float(flagged.sum())
        precision = tp / n_flagged if n_flagged else 0.0
        if precision_floor is not None:
            if tp and precision >= precision_floor:
                return round(float(t), 4)
            continue
        recall = tp / positives if positives else 0.0
        f1s[k] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    if precision_floor is not None or not len(candidates) or f1s.max() <= 0:
        return high
    return round(float(np.median(candidates[f1s >= f1s.max() - F1_PLATEAU])), 4)


def choose_thresholds(proba: np.ndarray, y: np.ndarray, categories: Sequence[str],
                      mask: Optional[np.ndarray] = None,
                      precision_floor: Optional[float] = None,
                      exclude: Optional[np.ndarray] = None) -> dict[str, float]:
    """Per-category thresholds on the rows in `mask` (default all).

    exclude: clause x category, rows to leave out of that category's choice. The model-only
        bar passes `ruled_matrix`: it only ever applies to clauses no rule flagged for the
        category, so it is chosen on those, not on the easy ones a rule signal lifted."""
    mask = np.ones(len(y), dtype=bool) if mask is None else mask
    thresholds = {}
    for i, cat in enumerate(categories):
        rows = mask if exclude is None else mask & ~exclude[:, i]
        thresholds[cat] = choose_threshold(proba[rows, i], y[rows, i], precision_floor)
    return thresholds


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def gate_mask(gate: KeywordGate, texts: Sequence[str]) -> np.ndarray:
    return np.fromiter((gate.passes(t) for t in texts), dtype=bool, count=len(texts))


# ---------------------------------------------------------------------------------------
# The detector


@dataclass
class ClauseClassifier:
    """A fitted pipeline plus what it needs to turn probabilities into findings.

    pipeline: the fitted sklearn Pipeline (features + OneVsRest linear model).
    categories (list[str]): the label columns, in CATEGORIES order.
    thresholds (dict[str, float]): per category; a clause at or above it is a finding.
    model_only_thresholds (dict[str, float]): the higher bar a finding no rule caught must
        clear; pass them to `combine()`.
    gate (KeywordGate): clauses that fail it are never vectorised.
    corpus_sha256 (str): the corpus the model was trained on.
    meta (dict): the sidecar (versions, CV scores, trained date ...).
    """

    pipeline: Any
    categories: list[str]
    thresholds: dict[str, float]
    model_only_thresholds: dict[str, float]
    gate: KeywordGate
    corpus_sha256: str
    meta: dict[str, Any] = field(default_factory=dict)
    # what `load()` found that does not match (library versions, corpus); shown by the CLI
    mismatches: list[str] = field(default_factory=list)

    name = "model"

    @property
    def version(self) -> str:
        """Corpus hash plus model file hash: a retrain on the same corpus with another gate,
        seed or thresholds still changes it, so the audit store re-scans."""
        model_hash = self.meta.get("model_sha256", "")
        return f"{self.corpus_sha256}:{model_hash[:12]}" if model_hash else self.corpus_sha256

    @property
    def rule_id(self) -> str:
        return f"model:{MODEL_NAME}@{self.corpus_sha256[:8]}"

    # -- scoring -------------------------------------------------------------------------

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities (clauses x categories); clauses the gate blocks score 0 everywhere."""
        proba = np.zeros((len(texts), len(self.categories)), dtype=np.float64)
        keep, _, scored = self._score(texts)
        proba[keep] = scored
        return proba

    def _score(self, texts: Sequence[str]) -> tuple[np.ndarray, Any, np.ndarray]:
        """(indices of the texts the gate lets through, their CSR features, their
        probabilities), all texts vectorised and scored in one call."""
        keep = np.flatnonzero(gate_mask(self.gate, texts))
        if not keep.size:
            return keep, None, np.zeros((0, len(self.categories)))
        x = self._vectorise([texts[int(i)] for i in keep])
        return keep, x, self._probabilities(x)

    def _vectorise(self, texts: Sequence[str]) -> Any:
        """The feature union's CSR matrix of `texts`: its blocks' matrices side by side.

        `FeatureUnion.transform` dispatches through joblib and stacks through COO; stacking
        CSR blocks directly is the same matrix for about a twentieth less of the classifier's
        time. Unions this does not reproduce (weights, dropped blocks) go the long way."""
        import scipy.sparse as sp

        union = self._features
        blocks = [t for _, t in getattr(union, "transformer_list", ())]
        if (not blocks or getattr(union, "transformer_weights", None)
                or any(isinstance(t, str) for t in blocks)):
            return union.transform(texts).tocsr()
        return sp.hstack([t.transform(texts) for t in blocks], format="csr")

    def detect(self, clauses: Sequence[Clause],
               rule_findings: Sequence[Finding] = ()) -> list[Finding]:
        """Findings for every clause and category scoring at or above its threshold.

        rule_findings: the rule engine's findings on these clauses; a model with rule signals
            reads which categories they flagged on each clause (without them it scores as if
            no rule had fired).
        Severity is a provisional "medium" with no basis, and message and recommendation are
        left empty: `assess()` settles them as it does for rule findings.
        """
        keep, x, proba = self._score(self._texts(clauses, rule_findings))
        limits = np.array([self.thresholds.get(c, 1.0) for c in self.categories])
        findings = []
        for row, col in zip(*np.nonzero(proba >= limits)):
            category = self.categories[col]
            findings.append(Finding(
                category=category, rule=self.rule_id, severity="medium",
                confidence=float(proba[row, col]), clause=clauses[keep[row]], basis=None,
                detector=self.name, terms=self.top_terms(x, row, col),
                title=CATEGORY_TITLES[category]))
        return findings

    @staticmethod
    def _texts(clauses: Sequence[Clause], rule_findings: Sequence[Finding]) -> list[str]:
        if not rule_findings:
            return [c.text for c in clauses]
        ruled: dict[tuple[str, int], set[str]] = {}
        for f in rule_findings:
            ruled.setdefault((f.clause.file, f.clause.start), set()).add(f.category)
        return [RuledText(c.text, ruled[key]) if (key := (c.file, c.start)) in ruled else c.text
                for c in clauses]

    def top_terms(self, x: Any, row: int, col: int, n: int = TOP_TERMS) -> tuple[str, ...]:
        """The n-grams that pushed clause `row`'s score for category `col` up the most.

        x: the CSR feature matrix the scores came from.
        Word n-grams and cues ("duration:years>7") are preferred because a reader can check
        them against the clause; character n-grams fill in only when fewer than `n` did.
        """
        start, end = x.indptr[row], x.indptr[row + 1]
        indices = x.indices[start:end]
        contributions = x.data[start:end] * self._coefficients[col][indices]
        words: list[str] = []
        chars: list[str] = []
        for i in np.argsort(-contributions, kind="stable"):
            if contributions[i] <= 0 or len(words) >= n:
                break
            kind, _, term = self._feature_names[indices[i]].partition("__")
            (chars if kind == "chars" else words).append(term.strip())
        picked = list(dict.fromkeys(words))[:n]
        picked += [c for c in dict.fromkeys(chars) if c not in picked][: n - len(picked)]
        return tuple(picked)

    def _probabilities(self, x: Any) -> np.ndarray:
        """`predict_proba` of the one-vs-rest model (clauses x categories).

        For logistic regressions this is the sigmoid of one sparse product with all the
        categories' weights side by side: sklearn's own call validates and multiplies once
        per category, a fixed cost that dominated scoring a short document."""
        stacked = self._stacked_logistic
        if stacked is None:
            return np.asarray(self._clf.predict_proba(x)).reshape(x.shape[0], -1)
        weights, intercepts = stacked
        return expit(np.asarray(x @ weights) + intercepts)

    @cached_property
    def _stacked_logistic(self) -> Optional[tuple[np.ndarray, np.ndarray]]:
        from sklearn.linear_model import LogisticRegression

        estimators = getattr(self._clf, "estimators_", [])
        if not estimators or not all(isinstance(e, LogisticRegression) and e.coef_.shape[0] == 1
                                     and list(e.classes_) == [0, 1] for e in estimators):
            return None
        weights = np.column_stack(self._coefficients)  # one column per category
        intercepts = np.concatenate([np.ravel(e.intercept_) for e in estimators])
        return weights, intercepts

    @cached_property
    def _features(self) -> Any:
        return self.pipeline.named_steps["features"]

    @cached_property
    def _clf(self) -> Any:
        return self.pipeline.named_steps["clf"]

    @cached_property
    def _feature_names(self) -> np.ndarray:
        return np.asarray(self._features.get_feature_names_out(), dtype=object)

    @cached_property
    def _coefficients(self) -> list[np.ndarray]:
        return [_linear_coefficients(est) for est in self._clf.estimators_]

    # -- training ------------------------------------------------------------------------

    @classmethod
    def train(cls, texts: Sequence[str], label_sets: Sequence[Sequence[str]],
              groups: Sequence[str], corpus_sha256: str, *, seed: int = DEFAULT_SEED,
              kind: str = DEFAULT_KIND, gate: Optional[KeywordGate] = None,
              n_folds: int = N_FOLDS, min_positives: int = MIN_POSITIVES,
              rules_version: Optional[str] = None) -> "ClauseClassifier":
        """Cross-validate (grouped by pattern) to choose thresholds, then fit on everything.

        texts: for a kind with rule signals, `RuledText`s (`ruled_texts`) carrying what the
            rule pack flags on each clause; plain strings train it as if no rule ever fired.
        rules_version: the rule pack's version those signals came from, kept in the sidecar.
        The sidecar metadata records the out-of-fold scores at those thresholds, so the
        shipped file says how well it did on clauses it never saw.
        """
        gate = gate or KeywordGate.from_file()
        categories = learnable_categories(label_sets, min_positives)
        if not categories:
            raise ModelError(f"no category has {min_positives} or more examples; "
                             "add clauses to the corpus before training")
        y = label_matrix(label_sets, categories)
        folds = fold_ids(groups, n_folds)
        oof = out_of_fold_proba(texts, y, folds, seed=seed, kind=kind)
        passes = gate_mask(gate, texts)
        oof[~passes] = 0.0  # what the shipped detector would see
        thresholds = choose_thresholds(oof, y, categories)
        ruled = ruled_matrix(texts, categories)
        strict = choose_thresholds(oof, y, categories, precision_floor=MODEL_ONLY_PRECISION,
                                   exclude=ruled)
        model_only = {c: max(strict[c], thresholds[c]) for c in categories}
        pipeline = build_pipeline(seed, kind).fit(list(texts), y)
        meta = {
            "format": SIDECAR_FORMAT,
            "name": MODEL_NAME,
            "pipeline": kind,
            "seed": seed,
            "corpus_sha256": corpus_sha256,
            "rules_version": rules_version if uses_rule_signals(kind) else None,
            "clauses": len(texts),
            "categories": categories,
            "thresholds": thresholds,
            "model_only_thresholds": model_only,
            "model_only_precision": MODEL_ONLY_PRECISION,
            "gate": list(gate.terms),
            "gate_pass_rate_positives": round(float(passes[y.any(axis=1)].mean()), 4),
            "cv": {"folds": int(folds.max()) + 1, "grouped_by": "pattern",
                   "scores": scores_at(oof, y, categories, thresholds),
                   "scores_model_only": scores_at(oof, y, categories, model_only, ruled)},
            "versions": library_versions(),
            "trained": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        }
        return cls(pipeline, categories, thresholds, model_only, gate, corpus_sha256, meta)

    # -- persistence ---------------------------------------------------------------------

    def save(self, directory: Optional[Path] = None) -> tuple[Path, Path]:
        """Write `clause_clf.skops` and its sidecar; the sidecar carries the file's sha256."""
        import skops.io as sio

        directory = Path(directory) if directory else models_dir()
        directory.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        sio.dump(self.pipeline, buffer, compression=zipfile.ZIP_DEFLATED)
        data = buffer.getvalue()
        model_path, sidecar_path = directory / MODEL_FILE, directory / SIDECAR_FILE
        model_path.write_bytes(data)
        self.meta["model_sha256"] = hashlib.sha256(data).hexdigest()
        self.meta["thresholds"] = self.thresholds
        self.meta["model_only_thresholds"] = self.model_only_thresholds
        sidecar_path.write_text(json.dumps(self.meta, indent=1, sort_keys=True) + "\n",
                                encoding="utf-8")
        return model_path, sidecar_path

    @classmethod
    def load(cls, directory: Optional[Path | str] = None, *,
             corpus_sha256: Optional[str] = None) -> "ClauseClassifier":
        """Load the shipped (or given) model after checking it is the file that was trained.

        directory: holds clause_clf.skops and clause_clf.json (default: the package's models/).
        corpus_sha256: the corpus to compare with; by default, for the shipped model, the
            shipped corpus (hashing it takes milliseconds). When it differs from the one the
            model was trained on, a ModelMismatchWarning says to retrain.
        Raises ModelError (one line) when a file is missing or unreadable, the model's sha256
        differs from its sidecar, or the file asks for types outside TRUSTED_TYPES.
        """
        import skops.io as sio

        if directory is None and corpus_sha256 is None:
            corpus_sha256 = _shipped_corpus_sha256()
        directory = Path(directory) if directory else models_dir()
        model_path, sidecar_path = directory / MODEL_FILE, directory / SIDECAR_FILE
        meta = _read_sidecar(sidecar_path)
        try:
            data = model_path.read_bytes()
        except OSError as exc:
            raise ModelError("model file missing or unreadable; run `barrier-scan train` "
                             "or scan with --no-model", file=str(model_path)) from exc
        if hashlib.sha256(data).hexdigest() != meta.get("model_sha256"):
            raise ModelError(f"sha256 does not match {SIDECAR_FILE} (file changed or corrupted); "
                             "reinstall barrier-scan or run `barrier-scan train`",
                             file=str(model_path))
        try:
            untrusted = sio.get_untrusted_types(data=data)
        except Exception as exc:  # skops raises several types on a malformed archive
            raise ModelError(f"not a readable skops file ({exc.__class__.__name__}); "
                             "run `barrier-scan train`", file=str(model_path)) from exc
        unexpected = sorted(set(untrusted) - set(TRUSTED_TYPES))
        if unexpected:
            raise ModelError(f"holds types outside the trusted list ({', '.join(unexpected)}); "
                             "refusing to load it; run `barrier-scan train`", file=str(model_path))
        try:
            pipeline = sio.load(io.BytesIO(data), trusted=list(untrusted))
        except Exception as exc:
            raise ModelError(f"cannot be loaded ({exc.__class__.__name__}: {exc}); "
                             "run `barrier-scan train`", file=str(model_path)) from exc
        classifier = cls(pipeline, list(meta["categories"]),
                         {k: float(v) for k, v in meta["thresholds"].items()},
                         {k: float(v) for k, v in meta["model_only_thresholds"].items()},
                         KeywordGate(tuple(meta["gate"])), meta["corpus_sha256"], meta)
        classifier.mismatches = _mismatches(meta, corpus_sha256)
        for problem in classifier.mismatches:
            warnings.warn(f"{model_path}: {problem}", ModelMismatchWarning, stacklevel=2)
        return classifier


def _shipped_corpus_sha256() -> Optional[str]:
    from ..corpus import CorpusError, load_corpus

    try:
        return load_corpus().sha256
    except CorpusError:
        return None  # an install without the corpus: nothing to compare with


def _read_sidecar(path: Path) -> dict[str, Any]:
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ModelError("model sidecar missing or unreadable; run `barrier-scan train` or "
                         "scan with --no-model", file=str(path)) from exc
    except json.JSONDecodeError as exc:
        raise ModelError(f"model sidecar is not valid JSON ({exc.msg}); run `barrier-scan train`",
                         file=str(path)) from exc
    required = ("model_sha256", "corpus_sha256", "categories", "thresholds",
                "model_only_thresholds", "gate", "versions")
    missing = [k for k in required if not isinstance(meta, dict) or k not in meta]
    if missing:
        raise ModelError(f"model sidecar lacks {', '.join(missing)}; run `barrier-scan train`",
                         file=str(path))
    unknown = [c for c in meta["categories"] if c not in CATEGORIES]
    if unknown:
        raise ModelError(f"model sidecar names unknown categories ({', '.join(unknown)}); "
                         "run `barrier-scan train`", file=str(path))
    return dict(meta)


def _mismatches(meta: Mapping[str, Any], corpus_sha256: Optional[str]) -> list[str]:
    problems = []
    current = library_versions()
    for lib, built in sorted(meta.get("versions", {}).items()):
        if lib in current and current[lib] != built:
            problems.append(f"built with {lib} {built}, running {current[lib]}; "
                            "run `barrier-scan train` to rebuild it")
    if corpus_sha256 and corpus_sha256 != meta.get("corpus_sha256"):
        problems.append(f"trained on corpus {str(meta.get('corpus_sha256'))[:8]}, the corpus "
                        f"is now {corpus_sha256[:8]}; run `barrier-scan train`")
    return problems


def _linear_coefficients(estimator: Any) -> np.ndarray:
    """One weight per feature for a binary linear model, calibrated or not."""
    if hasattr(estimator, "coef_"):
        return np.asarray(estimator.coef_).ravel()
    if hasattr(estimator, "calibrated_classifiers_"):
        return np.asarray(np.mean([np.asarray(c.estimator.coef_).ravel()
                                   for c in estimator.calibrated_classifiers_], axis=0))
    # a constant predictor (a label absent from a fold) has no features to name
    return np.zeros(0)


def library_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for lib in VERSIONED_LIBRARIES:
        try:
            found[lib] = version(lib)
        except PackageNotFoundError:
            continue
    return found


def scores_at(proba: np.ndarray, y: np.ndarray, categories: Sequence[str],
              thresholds: Mapping[str, float],
              exclude: Optional[np.ndarray] = None) -> dict[str, dict[str, float]]:
    """Per-category precision, recall, F1 and support at the given thresholds (on the rows
    `exclude` does not leave out for the category, as in `choose_thresholds`)."""
    out = {}
    for i, cat in enumerate(categories):
        rows = slice(None) if exclude is None else ~exclude[:, i]
        out[cat] = prf(proba[rows, i] >= thresholds[cat], y[rows, i] == 1)
    return out


def prf(flagged: np.ndarray, truth: np.ndarray) -> dict[str, float]:
    tp = int((flagged & truth).sum())
    fp = int((flagged & ~truth).sum())
    fn = int((~flagged & truth).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "support": int(truth.sum()), "tp": tp, "fp": fp, "fn": fn}
