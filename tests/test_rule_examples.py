"""Every rule's own examples: `match` must be reported, `no_match` must not (semgrep test)."""
from __future__ import annotations

import pytest

from barrier_scan.rulecheck import run_examples
from barrier_scan.rulepack import MIN_EXAMPLES, load_rules
from barrier_scan.model import CATEGORIES

RESULTS = run_examples()


@pytest.mark.parametrize("result", [r for r in RESULTS if not r.todo], ids=lambda r: r.id)
def test_rule_example(result) -> None:
    assert result.matched is result.expected, result.text


def test_every_category_has_rules_with_enough_examples() -> None:
    pack = load_rules()
    assert {r.category for r in pack.rules} == set(CATEGORIES)
    for rule in pack.rules:
        assert len(rule.examples_match) >= MIN_EXAMPLES, rule.id
        assert len(rule.examples_no_match) >= MIN_EXAMPLES, rule.id
