"""Merge rule findings and classifier findings so one clause and category gives one finding.

- A rule finding keeps its severity, basis, quantities and assessment: the rule computed them.
- Where the classifier agrees (same file, overlapping clause span, same category) the two
  become one finding marked "rules+model" whose confidence rises as for two independent
  signals, 1 - (1 - a)(1 - b), and which carries the model's terms.
- A classifier finding that no rule caught stays, marked "model", only if its confidence
  reaches the category's model-only threshold (chosen on cross-validated corpus data; see
  docs/classifier.md) and the clause shows none of the exclusion contexts (negation, "or
  equivalent", award stage ...) that the category's rules are written `unless:`. The model
  cannot see why a look-alike is fair; the rule pack already says, so it has the last word.
- A model-only finding must also read as a requirement: at least `MODEL_ONLY_MIN_WORDS` words
  and a cue of the pack's `requirement` context ("must", "minimum", "will be rejected" ...).
  Headings, list fragments ("- Current Ratio") and questions are not barriers on their own.
"""
from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Mapping, Optional, Pattern, Sequence

from ..model import Clause, Finding
from ..prefilter import AnyOf
from .rule_engine import compile_any

if TYPE_CHECKING:
    from ..rulepack import RulePack

COMBINED_DETECTOR = "rules+model"
REQUIREMENT_CONTEXT = "requirement"
MODEL_ONLY_MIN_WORDS = 8  # shorter clauses are headings, table labels or list fragments


def agreed_confidence(rule_confidence: float, model_confidence: float) -> float:
    """Two detectors that both flag a clause: the chance both are wrong shrinks."""
    return 1.0 - (1.0 - rule_confidence) * (1.0 - model_confidence)


def exclusion_vetoes(pack: "RulePack") -> dict[str, Pattern[str]]:
    """Per category, one regex over the cues of every context its rules list under `unless`,
    and over their own `unless_patterns` (statutory registrations, source-code escrow ...).

    Built once per rule pack (e.g. in Scanner.__init__) and passed to `combine(vetoes=...)`.
    """
    names: dict[str, set[str]] = defaultdict(set)
    own: dict[str, list[str]] = defaultdict(list)  # rule-specific look-alikes (unless_patterns)
    for rule in pack.rules:
        names[rule.category].update(rule.unless)
        own[rule.category].extend(p for p in rule.unless_patterns if p not in own[rule.category])
    vetoes = {}
    for category in set(names) | set(own):
        veto = compile_any([cue for name in sorted(names[category])
                            for cue in pack.contexts[name].cues] + own[category])
        if veto:
            vetoes[category] = veto
    return vetoes


def requirement_gate(pack: "RulePack") -> Optional[AnyOf]:
    """The pack's `requirement` cues, or None if the pack has none."""
    context = pack.contexts.get(REQUIREMENT_CONTEXT)
    return AnyOf(context.cues) if context and context.cues else None


def combine(rule_findings: Sequence[Finding], model_findings: Sequence[Finding],
            thresholds: Optional[Mapping[str, float]] = None,
            vetoes: Optional[Mapping[str, Pattern[str]]] = None,
            requirement: Optional[AnyOf] = None) -> list[Finding]:
    """One list of findings, sorted by file, position and category.

    rule_findings: from the rule engine (any detector other than the model).
    model_findings: from `ClauseClassifier.detect()`.
    thresholds: per-category minimum confidence for a model-only finding to be kept
        (`ClauseClassifier.model_only_thresholds`); None keeps every model finding.
    vetoes: per-category exclusion regexes (`exclusion_vetoes(pack)`); a model-only finding
        whose clause matches its category's veto is dropped. Agreement is never vetoed: the
        rule has already checked its own exclusions.
    requirement: `requirement_gate(pack)`; when given, a model-only finding needs a cue of it
        and at least MODEL_ONLY_MIN_WORDS words.
    """
    by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, f in enumerate(rule_findings):
        by_key[(f.clause.file, f.category)].append(i)

    merged = list(rule_findings)
    model_only: list[Finding] = []
    for m in model_findings:
        agreeing = [i for i in by_key.get((m.clause.file, m.category), ())
                    if _overlaps(rule_findings[i], m)]
        for i in agreeing:
            merged[i] = _agree(merged[i], m)
        if not agreeing and _keeps(m, thresholds) and not _vetoed(m, vetoes) \
                and reads_as_requirement(m.clause.text, requirement):
            model_only.append(m)
    return sorted(merged + model_only, key=_position)


def _agree(rule: Finding, model: Finding) -> Finding:
    return rule.with_(confidence=agreed_confidence(rule.confidence, model.confidence),
                      detector=COMBINED_DETECTOR, terms=rule.terms or model.terms)


def _keeps(finding: Finding, thresholds: Optional[Mapping[str, float]]) -> bool:
    if thresholds is None:
        return True
    return finding.confidence >= thresholds.get(finding.category, 1.0)


def _vetoed(finding: Finding, vetoes: Optional[Mapping[str, Pattern[str]]]) -> bool:
    veto = vetoes.get(finding.category) if vetoes else None
    return bool(veto and veto.search(finding.clause.text))


def reads_as_requirement(text: str, requirement: Optional[AnyOf]) -> bool:
    """Could a model-only finding on this clause be kept? (None: no requirement gate.)"""
    if requirement is None:
        return True
    return len(text.split()) >= MODEL_ONLY_MIN_WORDS and requirement.occurs_in(text)


def worth_classifying(clauses: Sequence[Clause], rule_findings: Sequence[Finding],
                      requirement: Optional[AnyOf]) -> list[Clause]:
    """The clauses whose model scores can change the combined result: those a rule found
    (agreement raises confidence) and those where a model-only finding would be kept. The
    rest are not scored at all, which halves the classifier's cost on a typical tender."""
    ruled = {(f.clause.file, f.clause.start) for f in rule_findings}
    return [c for c in clauses
            if (c.file, c.start) in ruled or reads_as_requirement(c.text, requirement)]


def _overlaps(a: Finding, b: Finding) -> bool:
    return a.clause.start < b.clause.end and b.clause.start < a.clause.end or (
        a.clause.start == b.clause.start and a.clause.end == b.clause.end)


def _position(f: Finding) -> tuple[str, int, int, str, str]:
    return (f.clause.file, f.clause.start, f.clause.end, f.category, f.rule)
