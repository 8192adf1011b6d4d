"""Discovery: turn the paths given to `audit` into work items and OCDS notices.

A path may be a document (PDF, DOCX, HTML, TXT), a ZIP tender pack (scanned as one document,
its members named `pack.zip!member.pdf`), a directory (walked recursively, hidden entries
skipped) or OCDS data (JSON / JSON Lines). Documents listed by an OCDS notice carry the
notice's value, currency, date and metadata as per-document settings; a file both listed by
a notice and found by a walk is audited once, with the notice's settings.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

from ..errors import BarrierScanError
from ..settings import CURRENCIES
from .ocds import JSONL_SUFFIXES, Lot, Notice, NoticeDocument, OCDSError, looks_like_ocds, read_notices

# What a directory walk picks up; anything else in a folder is counted as ignored. A file
# named explicitly is always audited (an unsupported type is then recorded as failed).
DOCUMENT_SUFFIXES = (".pdf", ".docx", ".html", ".htm", ".xhtml", ".txt", ".md", ".zip")


class AuditInputError(BarrierScanError):
    kind = "not-found"


@dataclass(frozen=True)
class WorkItem:
    """One document to audit."""

    path: Path  # where to read it
    display: str  # the name recorded in the store and in findings
    notice: Optional[Notice] = None  # the OCDS notice that listed it
    document: Optional[NoticeDocument] = None
    lot: Optional[Lot] = None  # the one lot it relates to, when it names exactly one

    def overrides(self) -> dict[str, Any]:
        """Per-document ScanSettings changes, as plain data a worker can receive."""
        if self.notice is None:
            return {}
        n = self.notice
        changes: dict[str, Any] = {}
        amount, currency = n.value, n.currency
        if self.lot is not None and self.lot.value:
            amount, currency = self.lot.value, self.lot.currency or n.currency
        if amount and amount > 0 and (currency or "").upper() in CURRENCIES:
            changes.update(value=float(amount), currency=currency.upper(),  # type: ignore[union-attr]
                           value_source="ocds")
        if n.published:
            changes["procurement_date"] = n.published.date().isoformat()
        meta = n.metadata()
        if self.document is not None:
            meta["ocds_document"] = {k: v for k, v in self.document.to_dict().items()
                                     if k in ("id", "url", "title", "documentType") and v}
        if self.lot is not None:
            meta["lot"] = {"id": self.lot.id, "title": self.lot.title}
        changes["metadata"] = meta
        return changes


@dataclass
class OCDSFailure:
    path: Path
    display: str
    error: OCDSError


@dataclass
class Discovery:
    items: list[WorkItem] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    ocds_failures: list[OCDSFailure] = field(default_factory=list)
    missing: list[tuple[Notice, NoticeDocument]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def discover(paths: Iterable[os.PathLike[str] | str], *,
             documents_dirs: Sequence[Path] = (), exclude: Sequence[Path] = ()) -> Discovery:
    """Walk `paths` into work items, in a stable order.

    documents_dirs: extra folders searched for documents listed by OCDS URLs.
    exclude: files never to audit (the audit database and its -wal/-shm files).
    Raises AuditInputError for a path that does not exist.
    """
    skip = {_key(p) for p in exclude}
    out = Discovery()
    documents: list[tuple[Path, str]] = []
    ocds_files: list[tuple[Path, str]] = []
    for given in paths:
        p = Path(given)
        if not p.exists():
            raise AuditInputError("no such file or directory; check the path", str(given))
        if p.is_dir():
            for f in _walk(p):
                if _key(f) in skip:
                    continue
                if _is_ocds_name(f):
                    if looks_like_ocds(f):
                        ocds_files.append((f, str(f)))
                    else:
                        out.ignored.append(str(f))
                elif f.suffix.lower() in DOCUMENT_SUFFIXES:
                    documents.append((f, str(f)))
                else:
                    out.ignored.append(str(f))
        elif _is_ocds_name(p):
            ocds_files.append((p, str(given)))
        else:
            documents.append((p, str(given)))

    claimed: set[str] = set()
    for path, shown in ocds_files:
        try:
            notices = read_notices(path, display=shown, documents_dirs=documents_dirs)
        except OCDSError as exc:
            out.ocds_failures.append(OCDSFailure(path, shown, exc))
            continue
        for notice in notices:
            out.notices.append(notice)
            lots = {lot.id: lot for lot in notice.lots}
            for doc in notice.documents:
                if doc.local_path is None:
                    out.missing.append((notice, doc))
                    continue
                k = _key(doc.local_path)
                if k in claimed or k in skip:
                    continue
                claimed.add(k)
                lot = lots.get(doc.related_lots[0]) if len(doc.related_lots) == 1 else None
                out.items.append(WorkItem(doc.local_path, str(doc.local_path), notice, doc, lot))
    for path, shown in documents:
        k = _key(path)
        if k in claimed:
            continue
        claimed.add(k)
        out.items.append(WorkItem(path, shown))
    return out


def _walk(root: Path) -> Iterable[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(dirpath) / name


def _is_ocds_name(p: Path) -> bool:
    name = p.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return name.endswith(".json") or name.endswith(JSONL_SUFFIXES)


def _key(p: Path) -> str:
    try:
        return str(Path(p).resolve())
    except OSError:
        return str(Path(p).absolute())
