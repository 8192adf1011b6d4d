"""The labelled clause corpus the classifier learns from: load, validate, hash.

The corpus lives in `corpus/clauses/*.jsonl`, one clause a line:

    {"id": "turnover-0001", "text": "...", "labels": ["turnover"], "severity": "high",
     "pattern": "turnover.min_multiple", "source": "written"}

`labels` holds category ids from `model.CATEGORIES`, or `["none"]` for a look-alike that must
not be flagged. `pattern` names the template or idea a clause was written from: clauses that
share it are near-twins, so cross-validation keeps them on the same side of every split.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

from .errors import BarrierScanError
from .model import CATEGORIES, SEVERITIES
from .resources import corpus_dir

NONE_LABEL = "none"
REQUIRED_FIELDS = ("id", "text", "labels")


class CorpusError(BarrierScanError):
    """A corpus file that cannot be used; names the file, the line and what to fix."""

    kind = "corpus"


@dataclass(frozen=True)
class LabelledClause:
    """One corpus line. `labels` is empty for a look-alike negative ("none")."""

    id: str
    text: str
    labels: tuple[str, ...]
    severity: Optional[str]
    pattern: str
    source: str

    @property
    def is_negative(self) -> bool:
        return not self.labels

    def canonical(self) -> dict[str, Any]:
        """The fields that define the clause, in a fixed shape (what the corpus hash covers)."""
        return {"id": self.id, "text": self.text,
                "labels": list(self.labels) or [NONE_LABEL],
                "severity": self.severity, "pattern": self.pattern, "source": self.source}


@dataclass(frozen=True)
class Corpus:
    """The loaded corpus: clauses sorted by id, plus where they came from."""

    clauses: tuple[LabelledClause, ...]
    files: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.clauses)

    @property
    def sha256(self) -> str:
        return corpus_hash(self.clauses)

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.clauses]

    @property
    def groups(self) -> list[str]:
        return [c.pattern for c in self.clauses]

    def label_sets(self) -> list[tuple[str, ...]]:
        return [c.labels for c in self.clauses]

    def counts(self) -> dict[str, int]:
        """Positive examples per category (every category present, zero if unused)."""
        counts = {cat: 0 for cat in CATEGORIES}
        for c in self.clauses:
            for label in c.labels:
                counts[label] += 1
        return counts

    @property
    def negatives(self) -> int:
        return sum(c.is_negative for c in self.clauses)

    def subset(self, indices: Iterable[int]) -> "Corpus":
        return Corpus(tuple(self.clauses[i] for i in indices), self.files)


def default_corpus_dir() -> Path:
    return corpus_dir() / "clauses"


def corpus_hash(clauses: Sequence[LabelledClause]) -> str:
    """sha256 over the canonical records sorted by id: layout and file order do not count,
    any change to a clause's text, labels, severity, pattern or source does."""
    digest = hashlib.sha256()
    for clause in sorted(clauses, key=lambda c: c.id):
        digest.update(json.dumps(clause.canonical(), sort_keys=True, ensure_ascii=False).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def load_corpus(path: Optional[Path | str] = None) -> Corpus:
    """Read every `*.jsonl` under `path` (a directory, or one file); validate every line.

    path (Path | str | None): defaults to the shipped `corpus/clauses/`.
    RETURNS (Corpus): clauses sorted by id.
    Raises CorpusError naming the file and line for the first bad record, duplicate ids
    across files, or a directory with no clauses.
    """
    root = Path(path) if path is not None else default_corpus_dir()
    if root.is_file():
        files = [root]
    elif root.is_dir():
        files = sorted(root.glob("*.jsonl"))
    else:
        raise CorpusError("corpus not found; pass --corpus DIR holding *.jsonl files", file=str(root))
    clauses: list[LabelledClause] = []
    seen: dict[str, str] = {}
    for file in files:
        for clause, where in _read_file(file):
            if clause.id in seen:
                raise CorpusError(f"duplicate id {clause.id!r} (first in {seen[clause.id]}); "
                                  "give every clause its own id", file=where)
            seen[clause.id] = where
            clauses.append(clause)
    if not clauses:
        raise CorpusError("no labelled clauses found; add *.jsonl files with one clause a line",
                          file=str(root))
    clauses.sort(key=lambda c: c.id)
    return Corpus(tuple(clauses), tuple(str(f) for f in files))


def _read_file(file: Path) -> Iterable[tuple[LabelledClause, str]]:
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpusError(f"cannot read ({exc.__class__.__name__}); save it as UTF-8 text",
                          file=str(file)) from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{file}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CorpusError(f"not valid JSON ({exc.msg}); write one JSON object a line",
                              file=where) from exc
        yield parse_record(record, where), where


def parse_record(record: Any, where: str = "<record>") -> LabelledClause:
    """Validate one corpus record and turn it into a LabelledClause."""
    if not isinstance(record, dict):
        raise CorpusError("expected a JSON object", file=where)
    for name in REQUIRED_FIELDS:
        if name not in record:
            raise CorpusError(f"missing field '{name}'", file=where)
    clause_id, text = record["id"], record["text"]
    if not isinstance(clause_id, str) or not clause_id.strip():
        raise CorpusError("field 'id' must be a non-empty string", file=where)
    if not isinstance(text, str) or not text.strip():
        raise CorpusError(f"clause {clause_id}: field 'text' must be a non-empty string", file=where)
    labels = _parse_labels(record["labels"], clause_id, where)
    severity = record.get("severity")
    if severity is not None and severity not in SEVERITIES:
        raise CorpusError(f"clause {clause_id}: field 'severity' must be one of "
                          f"{', '.join(SEVERITIES)} or null, not {severity!r}", file=where)
    pattern = record.get("pattern") or clause_id
    source = record.get("source") or ""
    if not isinstance(pattern, str) or not isinstance(source, str):
        raise CorpusError(f"clause {clause_id}: fields 'pattern' and 'source' must be strings",
                          file=where)
    return LabelledClause(clause_id, text, labels, severity, pattern, source)


def _parse_labels(raw: Any, clause_id: str, where: str) -> tuple[str, ...]:
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not raw or not all(isinstance(x, str) for x in raw):
        raise CorpusError(f"clause {clause_id}: field 'labels' must be a non-empty list of "
                          "category ids or [\"none\"]", file=where)
    if NONE_LABEL in raw:
        if len(raw) > 1:
            raise CorpusError(f"clause {clause_id}: 'none' cannot be combined with categories",
                              file=where)
        return ()
    unknown = [x for x in raw if x not in CATEGORIES]
    if unknown:
        raise CorpusError(f"clause {clause_id}: unknown category {unknown[0]!r}; use an id from "
                          "CATEGORIES.md or 'none'", file=where)
    # keep CATEGORIES order so the same labels always read the same way
    return tuple(cat for cat in CATEGORIES if cat in raw)
