"""The audit: discover, skip what is done, scan the rest in parallel, write each result.

    >>> from barrier_scan.audit import audit
    >>> summary = audit(["tenders/"], "audit.sqlite")
    >>> print(summary.ok, summary.failed, summary.skipped)

Resumable and idempotent: a document is done when the store holds a row for its content hash,
the workers' `Scanner.version` and its value settings; such documents are skipped. Results are
written by this process only, one transaction per document, so a run killed at any point
(Ctrl-C, SIGTERM or kill -9) can simply be started again.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Optional, Sequence, TextIO, Union

from .. import __version__
from ..law import load_lawbook
from ..settings import ScanSettings
from .discover import Discovery, WorkItem, discover
from .executors import DaskExecutor, Executor, LocalExecutor, Outcome, Task
from .notice_checks import check_notice, checks_version, regime_for_notice
from .progress import Progress
from .store import AuditStore, DocumentKey, DocumentRecord, NoticeRecord, RunCounts

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 300.0  # seconds per document
HASH_CHUNK = 1 << 20
REMEMBER_PATHS_EVERY = 500  # skipped documents' paths are written in batches
FAILURES_SHOWN = 20  # failures kept in the summary for the exit report
EXECUTORS = ("local", "dask")


@dataclass(frozen=True)
class AuditOptions:
    """How an audit runs (what it finds is in ScanSettings).

    jobs: worker processes for the local executor (default: all cores).
    executor: local | dask. scheduler: tcp://HOST:PORT for dask; client: an existing
        distributed.Client instead (tests, notebooks).
    timeout: seconds allowed per document. retry_failed: scan documents recorded as failed again.
    progress: auto | bar | log | none. documents_dirs: extra folders for OCDS document URLs.
    """

    jobs: Optional[int] = None
    executor: str = "local"
    scheduler: Optional[str] = None
    client: Any = None
    timeout: float = DEFAULT_TIMEOUT
    retry_failed: bool = False
    progress: str = "auto"
    log_interval: float = 10.0
    documents_dirs: tuple[Path, ...] = ()
    rules_dir: Optional[str] = None
    worker_memory_mb: Optional[int] = None
    max_tasks_per_worker: Optional[int] = None
    start_method: str = "auto"  # local workers: auto | fork | forkserver | spawn


@dataclass
class Failure:
    path: str
    kind: str
    message: str


@dataclass
class AuditSummary:
    """What one audit run did (the database holds everything, across runs)."""

    db: str
    run_id: int
    status: str = "running"  # finished | interrupted | error
    scanner_version: str = ""
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    pages: int = 0
    findings: int = 0
    notices: int = 0
    notice_findings: int = 0
    missing_documents: int = 0
    ignored: int = 0
    seconds: float = 0.0  # the whole run
    scan_seconds: float = 0.0  # from workers ready to the last result (rates use this)
    failures: list[Failure] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.ok + self.failed + self.skipped

    def to_dict(self) -> dict[str, Any]:
        d = {k: v for k, v in self.__dict__.items() if k != "failures"}
        d["failures"] = [f.__dict__ for f in self.failures]
        return d

    def render(self) -> str:
        rate = (f", {self.pages / self.scan_seconds:.1f} pages/s once started"
                if self.scan_seconds > 0 and self.pages else "")
        lines = [f"audit {self.status}: {self.ok} succeeded, {self.failed} failed, "
                 f"{self.skipped} skipped (already done) of {self.total} documents; "
                 f"{self.pages} pages, {self.findings} findings in {self.seconds:.1f}s{rate}"]
        if self.notices or self.notice_findings:
            lines.append(f"OCDS: {self.notices} notices checked, {self.notice_findings} "
                         f"notice-level findings, {self.missing_documents} listed documents "
                         "not found on disk")
        for f in self.failures:
            lines.append(f"  failed: {f.path}: {f.kind}: {f.message}")
        hidden = self.failed - len(self.failures)
        if hidden > 0:
            lines.append(f"  ... and {hidden} more; see `barrier-scan export --db {self.db} "
                         "--format csv --table documents`")
        lines.append(f"results: {self.db} (run {self.run_id})")
        return "\n".join(lines)


def audit(paths: Sequence[Union[str, os.PathLike[str]]], db: Union[str, os.PathLike[str]],
          settings: Union[ScanSettings, dict[str, Any], None] = None,
          options: Optional[AuditOptions] = None, *,
          progress_stream: Optional[TextIO] = None) -> AuditSummary:
    """Audit every document under `paths` into the SQLite database `db`.

    settings: ScanSettings (or a dict of its fields) for every document; the audit's default
        extractor is "fast". OCDS notices add each listed document's value, currency and date.
    RETURNS an AuditSummary; the run's status is "interrupted" when stopped by Ctrl-C/SIGTERM.
    Raises BarrierScanError subclasses for bad input: a missing path, a file that is not an
    audit database, workers that cannot start.
    """
    opts = options or AuditOptions()
    base = _base_settings(settings)
    db_path = Path(db)
    started = time.monotonic()
    discovery = discover(paths, documents_dirs=opts.documents_dirs,
                         exclude=[db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")])
    with AuditStore.open(db_path) as store:
        run_id = store.start_run(tool_version=__version__, executor=opts.executor,
                                 jobs=opts.jobs, paths=[str(p) for p in paths],
                                 settings=_settings_record(base, opts))
        summary = AuditSummary(db=str(db_path), run_id=run_id,
                               missing_documents=len(discovery.missing),
                               ignored=len(discovery.ignored))
        counts = RunCounts()
        progress: Optional[Progress] = None
        executor: Optional[Executor] = None
        ready: Optional[float] = None
        try:
            with _sigterm_as_interrupt():
                notice_rows = _record_notices(store, run_id, discovery, base, summary)
                counts.notices = summary.notices
                executor = _make_executor(opts, base)
                version = executor.start()
                ready = time.monotonic()
                summary.scanner_version = version
                store.set_run_scanner_version(run_id, version)
                done = store.done_keys(version, include_failed=not opts.retry_failed)
                progress = Progress(len(discovery.items) + len(discovery.ocds_failures),
                                    mode=opts.progress, stream=progress_stream,
                                    interval=opts.log_interval)
                _record_ocds_failures(store, run_id, discovery, version, done, summary, progress)
                skipped: list[tuple[DocumentKey, str]] = []
                tasks = _tasks(_largest_first(discovery.items), base, version, done, notice_rows,
                               store, run_id, skipped, summary, progress)
                for outcome in executor.run(tasks):
                    _record_outcome(store, run_id, outcome, version, opts, summary, progress)
                store.remember_paths(skipped, run_id)
                summary.status = "finished"
        except KeyboardInterrupt:
            summary.status = "interrupted"
        finally:
            if executor is not None:
                executor.close()
            if progress is not None:
                progress.close()
            summary.seconds = time.monotonic() - started
            if ready is not None:
                summary.scan_seconds = time.monotonic() - ready
            if summary.status == "running":  # an exception is on its way out
                summary.status = "error"
            counts.ok, counts.failed, counts.skipped = summary.ok, summary.failed, summary.skipped
            counts.pages = summary.pages
            store.finish_run(run_id, summary.status, counts)
    return summary


# -- settings ------------------------------------------------------------------------------------
def _base_settings(settings: Union[ScanSettings, dict[str, Any], None]) -> ScanSettings:
    if settings is None:
        return ScanSettings(extractor="fast")
    if isinstance(settings, dict):
        return ScanSettings(**{"extractor": "fast", **settings})
    return settings


def _settings_record(s: ScanSettings, opts: AuditOptions) -> dict[str, Any]:
    return {"value": s.value, "currency": s.currency, "jurisdiction": s.jurisdiction,
            "procurement_date": s.procurement_date.isoformat(), "use_model": s.use_model,
            "extractor": s.extractor, "max_pages": s.max_pages, "max_bytes": s.max_bytes,
            "timeout": opts.timeout, "executor": opts.executor, "jobs": opts.jobs,
            "retry_failed": opts.retry_failed}


def settings_sha256(base: ScanSettings, overrides: dict[str, Any]) -> str:
    """The part of a document's settings that can change its findings.

    The procurement date matters only through the regime it selects, so the regime is hashed,
    not the date (an audit without a date does not redo everything the next day). Limits
    (pages, bytes, time) are left out: raise them and use --retry-failed."""
    value = overrides.get("value", base.value)
    currency = overrides.get("currency", base.currency)
    date = overrides.get("procurement_date")
    when = dt.date.fromisoformat(date) if isinstance(date, str) else base.procurement_date
    regime = load_lawbook().regime_for(base.jurisdiction, when).key
    key = {"value": value, "currency": currency, "jurisdiction": base.jurisdiction,
           "regime": regime, "extractor": base.extractor}
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:16]


def _make_executor(opts: AuditOptions, base: ScanSettings) -> Executor:
    if opts.executor == "dask":
        return DaskExecutor(settings=base, scheduler=opts.scheduler, client=opts.client,
                            rules_dir=opts.rules_dir, timeout=opts.timeout)
    jobs = opts.jobs or os.cpu_count() or 1
    return LocalExecutor(jobs=jobs, settings=base, rules_dir=opts.rules_dir, timeout=opts.timeout,
                         memory_mb=opts.worker_memory_mb,
                         max_tasks_per_worker=opts.max_tasks_per_worker,
                         start_method=opts.start_method)


# -- notices -------------------------------------------------------------------------------------
def _record_notices(store: AuditStore, run_id: int, discovery: Discovery, base: ScanSettings,
                    summary: AuditSummary) -> dict[str, int]:
    """Check each notice (in this process: no document text needed) and write it."""
    version = checks_version()
    rows: dict[str, int] = {}
    for notice in discovery.notices:
        findings = [f.to_dict() for f in check_notice(notice, base)]
        columns = notice.columns()
        columns["regime"] = regime_for_notice(notice, base).key
        record = NoticeRecord(source=notice.source, ocid=notice.ocid,
                              content_sha256=notice.content_sha256, checks_version=version,
                              columns=columns, documents=[d.to_dict() for d in notice.documents],
                              data=notice.to_dict(), findings=findings)
        row, created = store.record_notice(record, run_id)
        rows[notice.key] = row
        if created:
            summary.notices += 1
            summary.notice_findings += len(findings)
    return rows


def _record_ocds_failures(store: AuditStore, run_id: int, discovery: Discovery, version: str,
                          done: set[tuple[str, str]], summary: AuditSummary,
                          progress: Progress) -> None:
    for failure in discovery.ocds_failures:
        sha, size = _hash_file(failure.path)
        key = DocumentKey(sha, version, "ocds")
        if (key.content_sha256, key.settings_sha256) in done:
            summary.skipped += 1
            progress.advance("skipped")
            continue
        err = failure.error
        result = {"path": failure.display, "pages": 0,
                  "errors": [{"file": failure.display, "kind": err.kind, "message": err.message}]}
        store.record_document(DocumentRecord(key=key, path=failure.display, result=result,
                                             status="failed", size_bytes=size,
                                             error_kind=err.kind, error_message=err.message),
                              run_id, replace_failed=True)
        summary.failed += 1
        _keep_failure(summary, failure.display, err.kind, err.message)
        progress.advance("failed")


# -- documents -----------------------------------------------------------------------------------
def _largest_first(items: Sequence[WorkItem]) -> list[WorkItem]:
    """Biggest files first, so the pool does not end with one worker on a long tender while
    the others idle (longest-processing-time-first scheduling). Order is otherwise kept."""
    def size(item: WorkItem) -> int:
        try:
            return item.path.stat().st_size
        except OSError:
            return 0
    return sorted(items, key=size, reverse=True)


def _hash_file(path: Path) -> tuple[str, Optional[int]]:
    """(sha256, size); an unreadable file gets a stable key from its path instead."""
    h = hashlib.sha256()
    size = 0
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(HASH_CHUNK):
                h.update(chunk)
                size += len(chunk)
    except OSError:
        return "unreadable:" + hashlib.sha256(str(path.absolute()).encode()).hexdigest(), None
    return h.hexdigest(), size


def _tasks(items: Sequence[WorkItem], base: ScanSettings, version: str,
           done: set[tuple[str, str]], notice_rows: dict[str, int], store: AuditStore,
           run_id: int, skipped: list[tuple[DocumentKey, str]], summary: AuditSummary,
           progress: Progress) -> Iterator[Task]:
    """Hash each item as it is needed; yield those not done yet, count the rest as skipped."""
    queued: set[tuple[str, str]] = set()  # the same bytes twice in one run: scan once
    for n, item in enumerate(items):
        overrides = item.overrides()
        sha, size = _hash_file(item.path)
        key = DocumentKey(sha, version, settings_sha256(base, overrides))
        short = (key.content_sha256, key.settings_sha256)
        if short in done or short in queued:
            summary.skipped += 1
            progress.advance("skipped")
            skipped.append((key, item.display))
            if len(skipped) >= REMEMBER_PATHS_EVERY:
                store.remember_paths(skipped, run_id)
                skipped.clear()
            continue
        queued.add(short)
        notice = item.notice
        yield Task(id=n, path=str(item.path), display=item.display, overrides=overrides, key=key,
                   size=size, notice_row=notice_rows.get(notice.key) if notice else None,
                   ocid=notice.ocid if notice else None)


def _record_outcome(store: AuditStore, run_id: int, outcome: Outcome, version: str,
                    opts: AuditOptions, summary: AuditSummary, progress: Progress) -> None:
    task = outcome.task
    key: DocumentKey = task.key
    if outcome.version and outcome.version != version:
        log.warning("%s was scanned by a different barrier-scan (%s, expected %s); install the "
                    "same version on every worker", task.display, outcome.version, version)
        key = DocumentKey(key.content_sha256, outcome.version, key.settings_sha256)
    if outcome.result is not None and not outcome.error_kind:
        result = dict(outcome.result)
        errors = result.get("errors") or []
        readable = not (errors and not result.get("pages") and not result.get("findings"))
        status = "ok" if readable else "failed"
        kind = None if readable else errors[0].get("kind")
        message = None if readable else errors[0].get("message")
    else:
        status, kind, message = "failed", outcome.error_kind, outcome.error_message
        result = {"path": task.display, "pages": 0,
                  "errors": [{"file": task.display, "kind": kind, "message": message}]}
    timings = dict(result.get("timings") or {})
    if outcome.seconds is not None:
        timings["total"] = round(outcome.seconds, 4)
    result["timings"] = timings
    record = DocumentRecord(key=key, path=task.display, result=result, status=status,
                            size_bytes=task.size, error_kind=kind, error_message=message,
                            seconds=outcome.seconds, peak_rss_mb=outcome.peak_rss_mb,
                            worker=outcome.worker, notice_id=task.notice_row, ocid=task.ocid)
    row = store.record_document(record, run_id, replace_failed=opts.retry_failed)
    if row is None:  # another run on the same database wrote it first
        summary.skipped += 1
        progress.advance("skipped")
        return
    pages = int(result.get("pages") or 0)
    if status == "ok":
        summary.ok += 1
        summary.findings += len(result.get("findings") or [])
    else:
        summary.failed += 1
        _keep_failure(summary, task.display, kind or "error", message or "")
    summary.pages += pages
    progress.advance(status, pages)


def _keep_failure(summary: AuditSummary, path: str, kind: str, message: str) -> None:
    if len(summary.failures) < FAILURES_SHOWN:
        summary.failures.append(Failure(path, kind, message))


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """`kill PID` stops an audit as cleanly as Ctrl-C (the run is marked interrupted)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _raise(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, _raise)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
