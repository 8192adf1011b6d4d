"""Run rules against their own examples, and describe a rule for people.

An example "matches" when the rule, assessed against the pack's example contract value
(`examples.value`, default none), still reports it: so a
`no_match` example can rely on the rule's patterns, its exclusion contexts or its computed
test ("paid within 30 days" is checked and found fair).
"""
from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .assess import assess_all
from .detect.rule_engine import RuleEngine
from .law import load_lawbook
from .model import Clause, ContractValue
from .rulepack import Rule, load_rules

EXAMPLE_FILE = "<example>"


@dataclass(frozen=True)
class ExampleResult:
    id: str  # "turnover.minimum/match/1": readable in pytest ids and CLI output
    rule: str
    expected: bool
    matched: bool
    text: str
    todo: bool = False

    @property
    def ok(self) -> bool:
        return self.todo or self.expected == self.matched


def example_clause(text: str) -> Clause:
    return Clause(text=text, file=EXAMPLE_FILE, page=1, start=0, end=len(text))


def rule_matches(engine: RuleEngine, rule: Rule, text: str) -> bool:
    lawbook = load_lawbook()
    regime = lawbook.regime_for("uk", dt.date.today())
    candidates = engine.detect_rule(rule.id, [example_clause(text)])
    value = ContractValue(rule.example_value, "GBP", "cli") if rule.example_value else None
    kept, _ = assess_all(candidates, engine.pack, value, regime)
    return any(f.rule == rule.id for f in kept)


def run_examples(directory: Optional[Path] = None) -> list[ExampleResult]:
    engine = RuleEngine(load_rules(directory))
    results = []
    for rule in engine.pack.rules:
        groups = (("match", rule.examples_match, True, False),
                  ("no_match", rule.examples_no_match, False, False),
                  ("todo_match", rule.todo_match, True, True),
                  ("todo_no_match", rule.todo_no_match, False, True))
        for kind, texts, expected, todo in groups:
            for i, text in enumerate(texts, 1):
                matched = rule_matches(engine, rule, text)
                results.append(ExampleResult(f"{rule.id}/{kind}/{i}", rule.id, expected, matched, text, todo))
    return results


def describe_rule(rule: Rule) -> str:
    lawbook = load_lawbook()
    wrap = lambda s: textwrap.fill(s, 96, initial_indent="  ", subsequent_indent="  ")  # noqa: E731
    lines = [f"{rule.id}  ({rule.category})", f"  {rule.title}", "", "What it finds:", wrap(rule.description),
             "", "Why it matters:", wrap(rule.message), "", "Fairer wording:", wrap(rule.recommendation),
             "", f"Computed test: {rule.assess or 'none (the requirement itself is the barrier)'}"]
    if rule.thresholds:
        lines.append("  thresholds: " + ", ".join(f"{k}={v}" for k, v in rule.thresholds.items()))
    lines += ["", "References:"]
    for regime, ids in rule.references.items():
        for cid in ids:
            c = lawbook.citations.get(cid)
            lines.append(f"  [{regime}] {c.text if c else cid}")
    lines += ["", "Examples that must match:"] + [wrap("+ " + t) for t in rule.examples_match]
    lines += ["", "Examples that must not match:"] + [wrap("- " + t) for t in rule.examples_no_match]
    lines += ["", f"Defined in {rule.file}"]
    return "\n".join(lines)
