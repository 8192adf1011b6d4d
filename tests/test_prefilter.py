"""The literal prefilter may skip a regex only where the regex cannot match."""
from __future__ import annotations

import re

import pytest

from barrier_scan.corpus import load_corpus
from barrier_scan.prefilter import Prefilter, requirement
from barrier_scan.detect.rule_engine import RuleEngine
from barrier_scan.model import Clause
from barrier_scan.rulepack import load_rules


def _holds(req, text: str) -> bool:
    low = text.lower()
    return all(any(atom in low for atom in orset) for orset in req)


@pytest.mark.parametrize("pattern, text, needed", [
    (r"\b(?:at least|minimum of)\s+\d+ years", "at least 3 years",
     {"at least", "minimum of", " years"}),
    (r"colou?r scheme", "the colour scheme", {"colour scheme", "color scheme"}),
    (r"ISO\s?9001", "ISO 9001", {"iso", "9001"}),
    (r"(?-i:Kärcher|HP) kit", "HP kit", {"hp kit", "kärcher kit"}),
    (r"[£€]\s?\d+m", "£5m", {"£", "€"}),
])
def test_requirement_reads_the_literals_a_pattern_needs(pattern, text, needed) -> None:
    req = requirement(pattern)
    assert set().union(*req) == needed
    assert re.search(pattern, text, re.I) and _holds(req, text)


@pytest.mark.parametrize("pattern", [
    r"\w+ \d+", r"(?:ab)?", r"x{0,3}y?", r"[a-z]+", r"\b(?:PL|PI)\b",  # too short or unknown
])
def test_patterns_without_literals_have_no_requirement(pattern) -> None:
    assert requirement(pattern) == ()


def test_case_folding_symbols_are_not_taken_as_atoms() -> None:
    # "ſ" (long s) matches "s" under re.IGNORECASE: the prefilter must still let it through
    pf = Prefilter([requirement("business")])
    assert re.search("business", "buſineſs", re.I)
    assert pf.candidates("buſineſs") == [0]
    assert pf.candidates("company") == []


def _all_texts() -> list[str]:
    pack = load_rules()
    texts = [e for r in pack.rules for e in (*r.examples_match, *r.examples_no_match)]
    return texts + [c.text for c in load_corpus().clauses]


def test_prefilter_never_skips_a_pattern_that_matches() -> None:
    """Every regex of every rule, over every rule example and corpus clause (about 3,500)."""
    pack = load_rules()
    patterns = [p["regex"] for r in pack.rules for p in r.patterns if "regex" in p]
    compiled = [re.compile(p, re.IGNORECASE) for p in patterns]
    prefilter = Prefilter([requirement(p) for p in patterns])
    skipped = checked = 0
    for text in _all_texts():
        candidates = set(prefilter.candidates(text))
        for i, rx in enumerate(compiled):
            if i not in candidates:
                skipped += 1
                assert not rx.search(text), f"prefilter skipped {patterns[i]!r} on {text!r}"
            checked += 1
    assert skipped > checked * 0.8  # and it does skip most of the work


def test_engine_findings_are_the_same_with_and_without_the_prefilter() -> None:
    engine = RuleEngine.from_dir()
    clauses = [Clause(text=t, file="x", page=1, start=0, end=len(t)) for t in _all_texts()]
    fast = [(f.rule, f.clause.text) for f in engine.detect(clauses)]
    engine.prefilter = Prefilter([() for _ in engine.regexes])  # every pattern always a candidate
    slow = [(f.rule, f.clause.text) for f in engine.detect(clauses)]
    assert fast == slow and len(fast) > 500


def test_literal_checks_in_front_of_single_regexes_never_skip_a_match() -> None:
    """The substring checks the value parser, the metadata reader and the classifier's cues
    put in front of one regex each (`literal_check`) are False only where it cannot match."""
    from barrier_scan import docmeta, quantities
    from barrier_scan.detect import classifier
    from barrier_scan.prefilter import fold_case, literal_check

    regexes = [quantities._VALUE_CUE, docmeta.ORGANISATION, classifier._SHORT_NOTICE_RE]
    regexes += [rx for _, rx in classifier._TOPIC_RES]
    texts = _all_texts() + ["Estimated contract value: £2m", "Royal Borough of Greenwich",
                            "Reply by return.", "Invoices are paid in 45 days."]
    for rx in regexes:
        check = literal_check(rx)
        matching = [t for t in texts if rx.search(t)]
        assert matching, rx.pattern[:60]
        assert all(check(fold_case(t)) for t in matching), rx.pattern[:60]
        assert not check(fold_case("zzz")), rx.pattern[:60]  # it does filter something


def test_any_of_answers_as_one_alternation_does() -> None:
    """The classifier's requirement gate, every context of the pack and the category gates,
    each as AnyOf and as one regex, over every rule example and corpus clause."""
    from barrier_scan.detect.rule_engine import compile_any
    from barrier_scan.prefilter import AnyOf

    pack = load_rules()
    groups = [ctx.cues for ctx in pack.contexts.values() if ctx.cues]
    groups += [[r"\b" + re.escape(w) for w in words] for words in pack.keywords.values()]
    texts = _all_texts() + ["", "MUST", "pass/fail", "Lots are not divided."]
    seen_true = 0
    for cues in groups:
        one_regex, any_of = compile_any(cues), AnyOf(cues)
        answers = [bool(one_regex.search(t)) for t in texts]
        assert [any_of.occurs_in(t) for t in texts] == answers, cues[0][:60]
        seen_true += sum(answers)
    assert seen_true > 1_000
