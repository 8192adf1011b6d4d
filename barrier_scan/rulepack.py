"""Load and validate rule packs (`rules/*.yaml`) into `Rule` objects.

A pack is one YAML file per category. Validation happens once, here, and every problem names
the file, the rule and the field (RuleFileError). `lint()` goes further than loading: it also
reports thin examples and missing guidance, as `barrier-scan rules lint` shows users.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence

import jsonschema
import yaml

from .errors import RuleFileError
from .model import BASES, CATEGORIES, SEVERITIES
from .resources import rules_dir

CONTEXT_FILE = "_context.yaml"
KEYWORDS_FILE = "_keywords.yaml"
MIN_EXAMPLES = 5  # per rule, both match and no_match (issue: rule packs)
QUANTITY_KINDS = ("money", "percent", "duration", "count", "multiple")
REGIME_KEYS = ("uk-pcr2015", "uk-pa2023", "eu", "generic")

_BASIS_SCHEMA: dict[str, Any] = {
    "oneOf": [
        {"enum": list(BASES)},
        {"type": "object", "propertyNames": {"enum": [*REGIME_KEYS, "default"]},
         "additionalProperties": {"enum": list(BASES)}},
    ]
}
_PATTERN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"regex": {"type": "string"}, "tokens": {"type": "array", "items": {"type": "object"}}},
    "minProperties": 1, "maxProperties": 1, "additionalProperties": False,
}
RULE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "title", "description", "patterns", "message", "recommendation",
                 "references", "examples"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "pattern": r"^[a-z_]+\.[a-z0-9_]+$"},
        "title": {"type": "string", "minLength": 3},
        "description": {"type": "string", "minLength": 10},
        "patterns": {"type": "array", "minItems": 1, "items": _PATTERN_SCHEMA},
        "requires": {"type": "array", "items": {"type": "string"}},
        "unless": {"type": "array", "items": {"type": "string"}},
        "unless_patterns": {"type": "array", "items": {"type": "string"}},
        "downgrade_if": {"type": "array", "items": {"type": "string"}},
        "quantities": {"type": "array", "items": {"enum": list(QUANTITY_KINDS)}},
        "assess": {"type": "string"},
        "thresholds": {"type": "object", "additionalProperties": {"type": ["number", "string", "boolean"]}},
        "severity": {"enum": list(SEVERITIES)},
        "basis": _BASIS_SCHEMA,
        "confidence": {"type": "number", "minimum": 0, "maximum": 1},
        "message": {"type": "string", "minLength": 10},
        "recommendation": {"type": "string", "minLength": 10},
        "references": {"type": "object", "propertyNames": {"enum": list(REGIME_KEYS)},
                       "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        "examples": {
            "type": "object", "required": ["match", "no_match"], "additionalProperties": False,
            "properties": {
                "value": {"type": "number", "exclusiveMinimum": 0},
                "match": {"type": "array", "items": {"type": "string"}},
                "no_match": {"type": "array", "items": {"type": "string"}},
                "todo_match": {"type": "array", "items": {"type": "string"}},
                "todo_no_match": {"type": "array", "items": {"type": "string"}},
            },
        },
    },
}
PACK_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["category", "rules"],
    "additionalProperties": False,
    "properties": {
        "category": {"enum": list(CATEGORIES)},
        "description": {"type": "string"},
        "defaults": {"type": "object"},
        "rules": {"type": "array", "minItems": 1},
    },
}


@dataclass(frozen=True)
class Rule:
    """One rule as data. The engine compiles `patterns`; assess reads `assess`/`thresholds`."""

    id: str
    category: str
    title: str
    description: str
    patterns: tuple[Mapping[str, Any], ...]
    message: str
    recommendation: str
    references: Mapping[str, tuple[str, ...]]
    examples_match: tuple[str, ...]
    examples_no_match: tuple[str, ...]
    requires: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    unless_patterns: tuple[str, ...] = ()
    downgrade_if: tuple[str, ...] = ()
    quantities: tuple[str, ...] = ()
    assess: Optional[str] = None
    thresholds: Mapping[str, Any] = field(default_factory=dict)
    severity: str = "medium"
    basis: Any = "proportionality"
    confidence: float = 0.8
    todo_match: tuple[str, ...] = ()
    todo_no_match: tuple[str, ...] = ()
    example_value: Optional[float] = None  # contract value the examples are assessed against
    file: str = ""

    def basis_for(self, regime_key: str) -> Optional[str]:
        if isinstance(self.basis, str):
            return self.basis
        return self.basis.get(regime_key) or self.basis.get("default")

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "category": self.category, "title": self.title,
            "description": self.description, "patterns": list(self.patterns),
            "requires": list(self.requires), "unless": list(self.unless),
            "unless_patterns": list(self.unless_patterns), "downgrade_if": list(self.downgrade_if),
            "quantities": list(self.quantities), "assess": self.assess,
            "thresholds": dict(self.thresholds), "severity": self.severity, "basis": self.basis,
            "confidence": self.confidence, "message": self.message,
            "recommendation": self.recommendation,
            "references": {k: list(v) for k, v in self.references.items()},
            "examples": {"match": list(self.examples_match), "no_match": list(self.examples_no_match)},
            "file": self.file,
        }


@dataclass(frozen=True)
class ContextCue:
    """A named exclusion context (negation, equivalence ...) and its cue patterns."""

    name: str
    description: str
    cues: tuple[str, ...]


@dataclass(frozen=True)
class RulePack:
    rules: tuple[Rule, ...]
    contexts: Mapping[str, ContextCue]
    directory: str
    version: str  # sha256 of every pack file: changes whenever a rule does
    # per category, the word prefixes one of which a clause must contain to be tried
    keywords: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def by_id(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def for_category(self, category: str) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.category == category)


# Built once: jsonschema.validate() re-checks the schema itself on every call, which made
# loading the packs take seconds.
RULE_VALIDATOR = jsonschema.Draft202012Validator(RULE_SCHEMA)
PACK_VALIDATOR = jsonschema.Draft202012Validator(PACK_SCHEMA)


def _first_error(validator: jsonschema.Draft202012Validator, data: Any) -> Optional[jsonschema.ValidationError]:
    return jsonschema.exceptions.best_match(validator.iter_errors(data))


def _error_path(error: jsonschema.ValidationError) -> str:
    return ".".join(str(p) for p in error.absolute_path) or "(top level)"


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise RuleFileError(str(path), None, None, f"not valid YAML{where}: {getattr(exc, 'problem', exc)}") from exc
    except OSError as exc:
        raise RuleFileError(str(path), None, None, f"cannot be read: {exc.strerror}") from exc


def _check_regex(path: Path, rule_id: str, field_name: str, pattern: str) -> None:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise RuleFileError(str(path), rule_id, field_name, f"invalid regular expression: {exc}") from exc


def load_contexts(directory: Path) -> dict[str, ContextCue]:
    path = directory / CONTEXT_FILE
    data = _read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("contexts"), dict):
        raise RuleFileError(str(path), None, "contexts", "expected a mapping of context names")
    contexts = {}
    for name, spec in data["contexts"].items():
        if not isinstance(spec, dict) or not isinstance(spec.get("cues"), list) or not spec["cues"]:
            raise RuleFileError(str(path), name, "cues", "each context needs a non-empty list of cue patterns")
        for i, cue in enumerate(spec["cues"]):
            _check_regex(path, name, f"cues[{i}]", cue)
        contexts[name] = ContextCue(name, spec.get("description", ""), tuple(spec["cues"]))
    return contexts


def load_keywords(directory: Path) -> dict[str, tuple[str, ...]]:
    path = directory / KEYWORDS_FILE
    if not path.exists():
        return {}
    data = _read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("keywords"), dict):
        raise RuleFileError(str(path), None, "keywords", "expected a mapping of category to word prefixes")
    out = {}
    for category, words in data["keywords"].items():
        if category not in CATEGORIES:
            raise RuleFileError(str(path), category, "keywords", f"unknown category '{category}'")
        if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
            raise RuleFileError(str(path), category, "keywords", "give a non-empty list of word prefixes")
        out[category] = tuple(w.strip().lower() for w in words)
    return out


def _build_rule(path: Path, category: str, raw: Any, index: int, contexts: Mapping[str, ContextCue]) -> Rule:
    rule_id = raw.get("id") if isinstance(raw, dict) else None
    label = rule_id or f"#{index + 1}"
    error = _first_error(RULE_VALIDATOR, raw)
    if error is not None:
        raise RuleFileError(str(path), label, _error_path(error), error.message)
    if not rule_id.startswith(category + "."):
        raise RuleFileError(str(path), rule_id, "id", f"must start with the pack's category '{category}.'")
    for i, pattern in enumerate(raw["patterns"]):
        if "regex" in pattern:
            _check_regex(path, rule_id, f"patterns[{i}].regex", pattern["regex"])
    for name in ("requires", "unless_patterns"):
        for i, pattern in enumerate(raw.get(name, [])):
            _check_regex(path, rule_id, f"{name}[{i}]", pattern)
    for name in ("unless", "downgrade_if"):
        for ctx in raw.get(name, []):
            if ctx not in contexts:
                raise RuleFileError(str(path), rule_id, name,
                                    f"unknown context '{ctx}'; known: {', '.join(sorted(contexts))}")
    ex = raw["examples"]
    return Rule(
        id=rule_id, category=category, title=raw["title"], description=raw["description"].strip(),
        patterns=tuple(raw["patterns"]), message=raw["message"].strip(),
        recommendation=raw["recommendation"].strip(),
        references={k: tuple(v) for k, v in raw["references"].items()},
        examples_match=tuple(ex["match"]), examples_no_match=tuple(ex["no_match"]),
        requires=tuple(raw.get("requires", ())), unless=tuple(raw.get("unless", ())),
        unless_patterns=tuple(raw.get("unless_patterns", ())),
        downgrade_if=tuple(raw.get("downgrade_if", ())),
        quantities=tuple(raw.get("quantities", ())), assess=raw.get("assess"),
        thresholds=dict(raw.get("thresholds", {})), severity=raw.get("severity", "medium"),
        basis=raw.get("basis", "proportionality"), confidence=float(raw.get("confidence", 0.8)),
        todo_match=tuple(ex.get("todo_match", ())), todo_no_match=tuple(ex.get("todo_no_match", ())),
        example_value=ex.get("value"),
        file=str(path),
    )


def load_pack_file(path: Path, contexts: Mapping[str, ContextCue]) -> list[Rule]:
    data = _read_yaml(path)
    error = _first_error(PACK_VALIDATOR, data)
    if error is not None:
        raise RuleFileError(str(path), None, _error_path(error), error.message)
    return [_build_rule(path, data["category"], raw, i, contexts) for i, raw in enumerate(data["rules"])]


def pack_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.yaml") if not p.name.startswith("_"))


def load_rules(directory: Optional[Path] = None) -> RulePack:
    """Load every pack in `directory` (default: the shipped `rules/`)."""
    directory = Path(directory) if directory else rules_dir()
    if not directory.is_dir():
        raise RuleFileError(str(directory), None, None, "rule directory not found")
    contexts = load_contexts(directory)
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    digest = hashlib.sha256()
    for path in pack_files(directory) + [directory / CONTEXT_FILE, directory / KEYWORDS_FILE]:
        if path.exists():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for path in pack_files(directory):
        for rule in load_pack_file(path, contexts):
            if rule.id in seen:
                raise RuleFileError(str(path), rule.id, "id", f"duplicate id (also in {seen[rule.id]})")
            seen[rule.id] = str(path)
            rules.append(rule)
    if not rules:
        raise RuleFileError(str(directory), None, None, "no rule packs (*.yaml) found")
    return RulePack(tuple(rules), contexts, str(directory), digest.hexdigest()[:16],
                    load_keywords(directory))


def lint(pack: RulePack, known_citations: Sequence[str] = ()) -> list[str]:
    """Problems that do not stop loading but should stop a rule shipping."""
    problems = []
    pattern_owner: dict[str, str] = {}
    for rule in pack.rules:
        where = f"{rule.file}: rule {rule.id}"
        if len(rule.examples_match) < MIN_EXAMPLES:
            problems.append(f"{where}: field 'examples.match': has {len(rule.examples_match)}, add at least {MIN_EXAMPLES}")
        if len(rule.examples_no_match) < MIN_EXAMPLES:
            problems.append(f"{where}: field 'examples.no_match': has {len(rule.examples_no_match)}, add at least {MIN_EXAMPLES}")
        if not rule.references:
            problems.append(f"{where}: field 'references': add at least one citation")
        for regime, ids in rule.references.items():
            for cid in ids:
                if known_citations and cid not in known_citations:
                    problems.append(f"{where}: field 'references.{regime}': unknown citation '{cid}' (see rules/law/citations.yaml)")
        for pattern in rule.patterns:
            key = repr(sorted(pattern.items()))
            if key in pattern_owner and pattern_owner[key] != rule.id:
                problems.append(f"{where}: field 'patterns': duplicates a pattern of {pattern_owner[key]}")
            pattern_owner.setdefault(key, rule.id)
    return problems
