"""Batch audits: many tender documents and OCDS notices into one SQLite database.

    >>> from barrier_scan.audit import audit, AuditOptions
    >>> summary = audit(["tenders/", "notices.jsonl"], "audit.sqlite", options=AuditOptions(jobs=4))
    >>> print(summary.render())

Stages, one module each: `discover` (paths, ZIP packs, OCDS) -> `ocds` (notices) and
`notice_checks` (findings from OCDS fields) -> `executors` (local process pool or Dask) ->
`store` (the SQLite schema, one transaction per document) -> `export` (CSV, JSON Lines and the
batch summary). `runner.audit()` ties them together; `commands` is the thin click layer.
"""
from __future__ import annotations

from .runner import AuditOptions, AuditSummary, audit
from .store import AuditStore, AuditStoreError

__all__ = ["AuditOptions", "AuditStore", "AuditStoreError", "AuditSummary", "audit"]
