"""Rule packs load, and a malformed one is reported with its file, rule and field."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from barrier_scan.cli import cli
from barrier_scan.errors import RuleFileError
from barrier_scan.resources import rules_dir
from barrier_scan.rulepack import lint, load_rules


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(rules_dir(), target)
    return target


def break_rule(pack: Path, old: str, new: str, file: str = "turnover.yaml") -> None:
    path = pack / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_shipped_rules_load_and_lint_clean() -> None:
    pack = load_rules()
    assert len(pack.rules) >= 16
    assert lint(pack) == []
    assert len(pack.version) == 16


@pytest.mark.parametrize("old,new,rule,field", [
    ("    severity: medium\n    basis: proportionality\n    confidence: 0.85",
     "    severity: severe\n    basis: proportionality\n    confidence: 0.85", "turnover.minimum", "severity"),
    ("unless: [negation, information_only, authority_self, describes_law, sme_exemption]",
     "unless: [negation, not_a_context]", "turnover.minimum", "unless"),
    ("  - id: turnover.scored", "  - id: trading.scored", "trading.scored", "id"),
    ("    assess: turnover_ratio\n", "    assess: turnover_ratio\n    colour: red\n", "turnover.minimum", "(top level)"),
])
def test_malformed_rule_names_file_rule_and_field(pack: Path, old: str, new: str, rule: str, field: str) -> None:
    break_rule(pack, old, new)
    with pytest.raises(RuleFileError) as err:
        load_rules(pack)
    assert err.value.rule_file.endswith("turnover.yaml")
    assert err.value.rule == rule
    if field != "(top level)":
        assert err.value.field == field
    assert "turnover.yaml" in str(err.value) and rule in str(err.value)


def test_bad_regex_is_named(pack: Path) -> None:
    break_rule(pack, "      - regex: '\\b(?:minimum|min", "      - regex: '(\\b(?:minimum|min")
    with pytest.raises(RuleFileError) as err:
        load_rules(pack)
    assert err.value.field == "patterns[0].regex"
    assert "invalid regular expression" in str(err.value)


def test_broken_yaml_gives_line(pack: Path) -> None:
    (pack / "turnover.yaml").write_text("category: turnover\nrules: [\n", encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"turnover.yaml: not valid YAML at line"):
        load_rules(pack)


def test_duplicate_id_across_files(pack: Path) -> None:
    break_rule(pack, "  - id: trading_history.minimum_years", "  - id: trading_history.minimum_years\n", "trading_history.yaml")
    extra = (pack / "trading_history.yaml").read_text(encoding="utf-8").replace("category: trading_history", "category: trading_history", 1)
    (pack / "zz_copy.yaml").write_text(extra, encoding="utf-8")
    with pytest.raises(RuleFileError, match="duplicate id"):
        load_rules(pack)


def test_cli_reports_malformed_pack_in_one_line(pack: Path) -> None:
    break_rule(pack, "unless: [negation, information_only, authority_self, describes_law, sme_exemption]",
               "unless: [negation, not_a_context]")
    result = CliRunner().invoke(cli, ["rules", "test", "--pack", str(pack)])
    assert result.exit_code == 2
    assert "turnover.yaml: rule turnover.minimum: field 'unless': unknown context 'not_a_context'" in result.output
    assert "Traceback" not in result.output


def test_lint_reports_thin_examples(pack: Path) -> None:
    for example in ("Tenderers must have an annual turnover in excess of EUR 10 million.",
                    "The value of this contract must not exceed 25% of the bidder's annual turnover.",
                    "Annual contract value shall be no more than 40 per cent of the Tenderer's "
                    "turnover in the last financial year."):
        break_rule(pack, f"        - {example}\n", "")
    problems = lint(load_rules(pack))
    assert any("turnover.minimum: field 'examples.match': has 4, add at least 5" in p for p in problems)


def test_rules_cli_list_show_test() -> None:
    runner = CliRunner()
    listed = runner.invoke(cli, ["rules", "list"])
    assert listed.exit_code == 0 and "turnover.minimum" in listed.output
    shown = runner.invoke(cli, ["rules", "show", "turnover.minimum"])
    assert shown.exit_code == 0
    assert "Fairer wording:" in shown.output and "reg 58(9)" in shown.output
    missing = runner.invoke(cli, ["rules", "show", "no.such_rule"])
    assert missing.exit_code == 2 and "no rule with id" in missing.output
    tested = runner.invoke(cli, ["rules", "test"])
    assert tested.exit_code == 0, tested.output
    assert " passed, 0 failed" in tested.output


def test_keyword_gate_file_errors_name_the_category(pack: Path) -> None:
    (pack / "_keywords.yaml").write_text("keywords:\n  turnovr: [turnover]\n", encoding="utf-8")
    with pytest.raises(RuleFileError, match="_keywords.yaml: rule turnovr: field 'keywords': unknown category"):
        load_rules(pack)


def test_keyword_gate_skips_clauses_without_the_topic() -> None:
    from barrier_scan.detect.rule_engine import RuleEngine

    engine = RuleEngine(load_rules())
    assert engine.passes_gate("turnover", "A minimum annual TURNOVER of £1m")
    assert not engine.passes_gate("turnover", "The service runs from Monday to Friday.")
    assert engine.passes_gate("accreditation", "anything at all")  # no keywords: always tried
