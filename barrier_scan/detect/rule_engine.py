"""The rule engine: applies a RulePack to clauses. It knows no individual rule.

A rule fires on a clause when any of its `patterns` matches, every `requires` regex matches,
no cue of its `unless` contexts and no `unless_patterns` regex occurs in the clause. Cues of
`downgrade_if` contexts keep the finding one severity lower with less confidence.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Optional, Pattern, Sequence

from ..model import SEVERITIES, Clause, Finding
from ..quantities import parse_quantities
from ..rulepack import Rule, RulePack, load_rules
from ..prefilter import Prefilter, requirement

DOWNGRADE_CONFIDENCE = 0.7  # a conditional requirement is real but less certain to bite


def _compile(pattern: str) -> Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def compile_any(patterns: Sequence[str]) -> Optional[Pattern[str]]:
    """One alternation for "any of these": one scan of the clause instead of one per pattern."""
    if not patterns:
        return None
    return _compile("|".join(f"(?:{p})" for p in patterns))


def lower_severity(severity: str) -> str:
    i = SEVERITIES.index(severity)  # type: ignore[arg-type]
    return SEVERITIES[max(0, i - 1)]


@dataclass
class CompiledRule:
    rule: Rule
    token_patterns: tuple[list[dict], ...]
    requires: tuple[Pattern[str], ...]  # each must match, so kept apart
    exclude: Optional[Pattern[str]]  # every unless cue and unless_pattern
    downgrade: Optional[Pattern[str]]


class RuleEngine:
    """Detector over a RulePack (`name="rules"`, `version` = the pack's content hash)."""

    name = "rules"

    def __init__(self, pack: RulePack) -> None:
        self.pack = pack
        self.version = pack.version
        self.compiled = [self._compile_rule(r) for r in pack.rules]
        # one regex per category over its keyword prefixes (rules/_keywords.yaml)
        self.gates: dict[str, Pattern[str]] = {
            category: re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + ")", re.IGNORECASE)
            for category, words in pack.keywords.items()
        }
        # Every regex pattern of every rule on its own, behind a literal prefilter that finds
        # what all of them need in one pass per clause: a rule is tried only through the
        # patterns that could match. Rules with token patterns are always tried.
        self.regexes: list[tuple[int, Pattern[str]]] = [
            (i, _compile(p["regex"])) for i, c in enumerate(self.compiled)
            for p in c.rule.patterns if "regex" in p]
        self.prefilter = Prefilter([requirement(rx.pattern) for _, rx in self.regexes])
        self._token_rules = [i for i, c in enumerate(self.compiled) if c.token_patterns]

    @classmethod
    def from_dir(cls, directory: Optional[Path] = None) -> "RuleEngine":
        return cls(load_rules(directory))

    def _compile_rule(self, rule: Rule) -> CompiledRule:
        contexts = self.pack.contexts
        excludes = [c for name in rule.unless for c in contexts[name].cues] + list(rule.unless_patterns)
        return CompiledRule(
            rule=rule,
            token_patterns=tuple(p["tokens"] for p in rule.patterns if "tokens" in p),
            requires=tuple(_compile(p) for p in rule.requires),
            exclude=compile_any(excludes),
            downgrade=compile_any([c for name in rule.downgrade_if for c in contexts[name].cues]),
        )

    @cached_property
    def _matcher(self):  # type: ignore[no-untyped-def]
        """A spaCy Matcher for the token patterns, built only if some rule has them."""
        from spacy.matcher import Matcher

        from ..segment import sentence_pipeline

        nlp = sentence_pipeline()
        matcher = Matcher(nlp.vocab, validate=True)
        for c in self.compiled:
            if c.token_patterns:
                matcher.add(c.rule.id, list(c.token_patterns))
        return nlp, matcher

    def _token_hits(self, text: str) -> set[str]:
        if not self._token_rules:
            return set()
        nlp, matcher = self._matcher
        doc = nlp.make_doc(text)
        return {nlp.vocab.strings[match_id] for match_id, _, _ in matcher(doc)}

    def _fires(self, c: CompiledRule, text: str, token_hits: set[str],
               regexes: Sequence[Pattern[str]]) -> bool:
        """Does rule `c` fire on `text`? `regexes`: those of its patterns that can match (the
        prefilter's candidates)."""
        if not (any(rx.search(text) for rx in regexes) or c.rule.id in token_hits):
            return False
        if not all(rx.search(text) for rx in c.requires):
            return False
        return not (c.exclude and c.exclude.search(text))

    def _finding(self, c: CompiledRule, clause: Clause) -> Finding:
        rule = c.rule
        severity, confidence = rule.severity, rule.confidence
        if c.downgrade and c.downgrade.search(clause.text):
            severity, confidence = lower_severity(severity), confidence * DOWNGRADE_CONFIDENCE
        quantities = tuple(q for q in parse_quantities(clause.text) if q.kind in rule.quantities) \
            if rule.quantities else ()
        return Finding(
            category=rule.category, rule=rule.id, severity=severity,  # type: ignore[arg-type]
            confidence=confidence, clause=clause, quantities=quantities,
            message=rule.message, recommendation=rule.recommendation, title=rule.title,
            detector=self.name,
        )

    def passes_gate(self, category: str, text: str) -> bool:
        gate = self.gates.get(category)
        return gate is None or gate.search(text) is not None

    def detect(self, clauses: Sequence[Clause]) -> list[Finding]:
        findings: list[Finding] = []
        for clause in clauses:
            text = clause.text
            token_hits = self._token_hits(text)  # empty at once when no rule has token patterns
            gate_open: dict[str, bool] = {}  # a category's keyword gate, searched once per clause
            for i, regexes in self._candidates(text):
                c = self.compiled[i]
                category = c.rule.category
                if category not in gate_open:
                    gate_open[category] = self.passes_gate(category, text)
                if gate_open[category] and self._fires(c, text, token_hits, regexes):
                    findings.append(self._finding(c, clause))
        return findings

    def _candidates(self, text: str) -> list[tuple[int, list[Pattern[str]]]]:
        """(rule index, its patterns that could match), in rule order."""
        # `self.regexes` lists rule by rule in rule order, so the prefilter's ordered indices
        # come grouped by rule already
        out: list[tuple[int, list[Pattern[str]]]] = []
        regexes = self.regexes
        for j in self.prefilter.candidates(text):
            i, rx = regexes[j]
            if out and out[-1][0] == i:
                out[-1][1].append(rx)
            else:
                out.append((i, [rx]))
        if self._token_rules:  # tried whatever the prefilter says
            listed = {i for i, _ in out}
            out += [(i, []) for i in self._token_rules if i not in listed]
            out.sort(key=lambda item: item[0])
        return out

    def detect_rule(self, rule_id: str, clauses: Sequence[Clause]) -> list[Finding]:
        """Only one rule: used by `rules test` so each example is checked against its own rule
        (through the same prefilter and gate as `detect`, so the examples exercise both)."""
        i, c = next((i, c) for i, c in enumerate(self.compiled) if c.rule.id == rule_id)
        out = []
        for clause in clauses:
            regexes = dict(self._candidates(clause.text)).get(i)
            if regexes is None or not self.passes_gate(c.rule.category, clause.text):
                continue
            if self._fires(c, clause.text, self._token_hits(clause.text), regexes):
                out.append(self._finding(c, clause))
        return out
