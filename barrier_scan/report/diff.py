"""Compare two versions of a tender: which barriers a revision fixed, introduced or left.

A commissioner who redrafts a tender wants to see that the revision worked. Findings are
matched first on the exact clause text (normalised for case and spacing) within a category:
those are *unchanged*. Then, within a category, the most similar remaining clauses are
paired if they are alike enough: those are *changed* (reworded, still a barrier; the
severity may have moved). What is left is *fixed* (only in the old draft) or *introduced*
(only in the new one).
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any, Literal, Optional, Sequence

from ..model import CATEGORY_TITLES, SEVERITY_RANK, DocumentResult, Finding, ScanReport
from .case import BarrierScore, barrier_score, case_reference, location_of, metadata_value
from .templates import PathLike, render_template

Status = Literal["fixed", "introduced", "changed", "unchanged"]
STATUSES: tuple[Status, ...] = ("fixed", "introduced", "changed", "unchanged")
# Two clauses in the same category whose normalised texts are at least this similar
# (difflib ratio) are one requirement reworded rather than one removed and one added.
# 0.6 pairs "ISO 9001 certification" with "ISO 9001 certification or equivalent" and keeps
# unrelated sentences of similar length apart.
SIMILAR = 0.6
DIFF_FORMATS = ("md", "html", "json")


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().strip(".;:,").lower()


@dataclass(frozen=True)
class FindingChange:
    status: Status
    old: Optional[Finding]
    new: Optional[Finding]
    similarity: float = 1.0

    @property
    def finding(self) -> Finding:
        """The current finding where there is one, else the old one."""
        return self.new or self.old  # type: ignore[return-value]

    @property
    def category(self) -> str:
        return self.finding.category

    @property
    def category_title(self) -> str:
        return CATEGORY_TITLES.get(self.category, self.category)

    @property
    def severity_change(self) -> str:
        """"high → low" when both drafts have the finding and its severity moved, else ""."""
        if self.old and self.new and self.old.severity != self.new.severity:
            return f"{self.old.severity} → {self.new.severity}"
        return ""

    @property
    def severity_moved(self) -> int:
        if not (self.old and self.new):
            return 0
        return SEVERITY_RANK[self.new.severity] - SEVERITY_RANK[self.old.severity]

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "category": self.category, "similarity": round(self.similarity, 3),
                "old": self.old.to_dict() if self.old else None,
                "new": self.new.to_dict() if self.new else None}


@dataclass(frozen=True)
class DraftDiff:
    old: DocumentResult
    new: DocumentResult
    changes: tuple[FindingChange, ...]
    date: dt.date = field(default_factory=dt.date.today)

    def with_status(self, status: Status) -> list[FindingChange]:
        return [c for c in self.changes if c.status == status]

    @property
    def counts(self) -> dict[str, int]:
        return {s: len(self.with_status(s)) for s in STATUSES}

    @property
    def old_score(self) -> BarrierScore:
        return barrier_score(self.old.findings)

    @property
    def new_score(self) -> BarrierScore:
        return barrier_score(self.new.findings)

    @property
    def title(self) -> str:
        return metadata_value(self.new.metadata, "title") or metadata_value(self.old.metadata, "title") or self.new.path

    @property
    def authority(self) -> str:
        return metadata_value(self.new.metadata, "authority", "buyer") or metadata_value(self.old.metadata, "authority", "buyer")

    @property
    def verdict(self) -> str:
        """One sentence a commissioner can read out."""
        n = self.counts
        old, new = self.old_score.value, self.new_score.value
        if not self.changes:
            return "Neither draft has any barrier finding."
        parts = [f"{n['fixed']} fixed", f"{n['introduced']} introduced", f"{n['changed']} reworded but still flagged",
                 f"{n['unchanged']} unchanged"]
        trend = "improved" if new < old else "got worse" if new > old else "kept the same barrier score"
        moved = "" if new == old else f" ({old} → {new})"
        return f"The revision {trend}{moved}: {', '.join(parts)}."

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": {"path": self.old.path, "sha256": self.old.sha256, "case": case_reference(self.old.sha256),
                    "score": self.old_score.to_dict()},
            "new": {"path": self.new.path, "sha256": self.new.sha256, "case": case_reference(self.new.sha256),
                    "score": self.new_score.to_dict()},
            "counts": self.counts,
            "verdict": self.verdict,
            "changes": [c.to_dict() for c in self.changes],
        }


def _pair_exact(old: list[Finding], new: list[Finding]) -> list[FindingChange]:
    pairs = []
    for o in list(old):
        key = (o.category, normalise(o.clause.text))
        match = next((n for n in new if (n.category, normalise(n.clause.text)) == key), None)
        if match is not None:
            old.remove(o)
            new.remove(match)
            pairs.append(FindingChange("unchanged", o, match))
    return pairs


def _pair_similar(old: list[Finding], new: list[Finding]) -> list[FindingChange]:
    scored = sorted(((SequenceMatcher(None, normalise(o.clause.text), normalise(n.clause.text)).ratio(), i, j)
                     for i, o in enumerate(old) for j, n in enumerate(new) if o.category == n.category),
                    key=lambda t: (-t[0], t[1], t[2]))
    used_old: set[int] = set()
    used_new: set[int] = set()
    pairs = []
    for ratio, i, j in scored:
        if ratio < SIMILAR:
            break
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        pairs.append(FindingChange("changed", old[i], new[j], ratio))
    old[:] = [o for i, o in enumerate(old) if i not in used_old]
    new[:] = [n for j, n in enumerate(new) if j not in used_new]
    return pairs


def _position(change: FindingChange) -> tuple[int, int, int]:
    f = change.finding
    return (STATUSES.index(change.status), f.clause.page, f.clause.start)


def diff_results(old: DocumentResult, new: DocumentResult, *, today: Optional[dt.date] = None) -> DraftDiff:
    """What changed between two scans of drafts of the same tender."""
    old_left = list(old.findings)
    new_left = list(new.findings)
    changes = _pair_exact(old_left, new_left) + _pair_similar(old_left, new_left)
    changes += [FindingChange("fixed", o, None, 0.0) for o in old_left]
    changes += [FindingChange("introduced", None, n, 0.0) for n in new_left]
    return DraftDiff(old, new, tuple(sorted(changes, key=_position)), today or dt.date.today())


def merged(report: ScanReport) -> DocumentResult:
    """A report's documents as one (a tender pack of several files is one draft)."""
    if len(report.documents) == 1:
        return report.documents[0]
    if not report.documents:
        return DocumentResult(path="(no documents)", pages=0, sha256="")
    first = report.documents[0]
    return DocumentResult(path=", ".join(d.path for d in report.documents),
                          pages=sum(d.pages for d in report.documents), sha256=first.sha256,
                          findings=[f for d in report.documents for f in d.findings],
                          errors=[e for d in report.documents for e in d.errors], value=first.value,
                          metadata=first.metadata, jurisdiction=first.jurisdiction, regime=first.regime,
                          regime_title=first.regime_title)


def diff_reports(old: ScanReport, new: ScanReport, *, today: Optional[dt.date] = None) -> DraftDiff:
    return diff_results(merged(old), merged(new), today=today)


def render_diff(diff: DraftDiff, fmt: str = "md", *, template_dir: Optional[PathLike] = None) -> str:
    """fmt: md | html | json."""
    if fmt == "json":
        return json.dumps(diff.to_dict(), indent=2, ensure_ascii=False) + "\n"
    language = {"md": "markdown", "html": "html"}.get(fmt)
    if language is None:
        from . import ReportFormatError
        raise ReportFormatError(f"unknown diff format {fmt!r}; use one of {', '.join(DIFF_FORMATS)}")
    return render_template(language, f"diff.{fmt}.j2", template_dir, diff=diff, location_of=location_of,
                           statuses=STATUSES)


__all__: Sequence[str] = ("DraftDiff", "FindingChange", "diff_reports", "diff_results", "render_diff")
