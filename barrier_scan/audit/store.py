"""The audit store: one SQLite file (WAL mode) holding runs, documents, notices and findings.

Why SQLite: one file that opens in the `sqlite3` shell, Datasette or pandas, safe against a
killed process, and no server. Only the audit's parent process (or the Dask client) writes;
workers send back plain dicts. Each document is written in one transaction (its row, its
findings, its path) so `kill -9` at any moment leaves either the whole document or none of it.

Schema (version 1). Times are ISO 8601 UTC text; JSON columns hold `to_dict()` shapes.

    meta(key PRIMARY KEY, value)            schema_version, created_by
    runs(id, started_at, finished_at, status, tool_version, scanner_version, executor, jobs,
         paths JSON, settings JSON, host, pid, n_ok, n_failed, n_skipped, n_pages, n_notices)
        status: running | finished | interrupted | error | abandoned (its process died: kill -9)
    notices(id, run_id, source, ocid, release_id, notice_id, authority, title,
            value_amount, value_currency, procurement_method, procurement_method_details,
            main_category, published, tender_end, response_days, contract_start, contract_end,
            term_years, is_framework, n_lots, above_threshold, regime,
            content_sha256, checks_version, documents JSON, data JSON, created_at)
        UNIQUE (content_sha256, checks_version): a notice is checked once per checks version
    documents(id, run_id, path, content_sha256, scanner_version, settings_sha256, size_bytes,
              status, error_kind, error_message, pages, clauses, n_findings,
              value_amount, value_currency, value_source, regime, regime_title, jurisdiction,
              notice_id, ocid, seconds, timings JSON, peak_rss_mb, worker, metadata JSON,
              errors JSON, scanned_at)
        status: ok | failed.  UNIQUE (content_sha256, scanner_version, settings_sha256): the
        same bytes scanned by the same rules/model with the same value settings are done.
    document_paths(document_id, path, run_id)   every path the same content was seen at
    findings(id, document_id | notice_id, seq, category, rule, title, severity, basis,
             confidence, detector, text, file, page, clause, heading, span_start, span_end,
             quantities JSON, assessment JSON, legal JSON, enforceable, message,
             recommendation, terms JSON)
        every field of `Finding.to_dict()`; exactly one of document_id / notice_id is set.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import socket
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Optional, Sequence

from ..errors import BarrierScanError

SCHEMA_VERSION = 1
# How long a writer waits for another writer's lock (a second audit on the same file).
BUSY_TIMEOUT_MS = 60_000

FINDING_COLUMNS = (
    "category", "rule", "title", "severity", "basis", "confidence", "detector", "text", "file",
    "page", "clause", "heading", "span_start", "span_end", "quantities", "assessment", "legal",
    "enforceable", "message", "recommendation", "terms",
)

_SCHEMA_V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    tool_version TEXT NOT NULL,
    scanner_version TEXT,
    executor TEXT NOT NULL,
    jobs INTEGER,
    paths TEXT NOT NULL,
    settings TEXT NOT NULL,
    host TEXT,
    pid INTEGER,
    n_ok INTEGER NOT NULL DEFAULT 0,
    n_failed INTEGER NOT NULL DEFAULT 0,
    n_skipped INTEGER NOT NULL DEFAULT 0,
    n_pages INTEGER NOT NULL DEFAULT 0,
    n_notices INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE notices (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    source TEXT NOT NULL,
    ocid TEXT NOT NULL,
    release_id TEXT,
    notice_id TEXT,
    authority TEXT,
    title TEXT,
    value_amount REAL,
    value_currency TEXT,
    procurement_method TEXT,
    procurement_method_details TEXT,
    main_category TEXT,
    published TEXT,
    tender_end TEXT,
    response_days REAL,
    contract_start TEXT,
    contract_end TEXT,
    term_years REAL,
    is_framework INTEGER,
    n_lots INTEGER,
    above_threshold INTEGER,
    regime TEXT,
    content_sha256 TEXT NOT NULL,
    checks_version TEXT NOT NULL,
    documents TEXT NOT NULL DEFAULT '[]',
    data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (content_sha256, checks_version)
);
CREATE INDEX notices_ocid ON notices(ocid);
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    path TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    scanner_version TEXT NOT NULL,
    settings_sha256 TEXT NOT NULL,
    size_bytes INTEGER,
    status TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
    error_kind TEXT,
    error_message TEXT,
    pages INTEGER NOT NULL DEFAULT 0,
    clauses INTEGER,
    n_findings INTEGER NOT NULL DEFAULT 0,
    value_amount REAL,
    value_currency TEXT,
    value_source TEXT,
    regime TEXT,
    regime_title TEXT,
    jurisdiction TEXT,
    notice_id INTEGER REFERENCES notices(id),
    ocid TEXT,
    seconds REAL,
    timings TEXT NOT NULL DEFAULT '{}',
    peak_rss_mb REAL,
    worker TEXT,
    metadata TEXT NOT NULL DEFAULT '{}',
    errors TEXT NOT NULL DEFAULT '[]',
    scanned_at TEXT NOT NULL,
    UNIQUE (content_sha256, scanner_version, settings_sha256)
);
CREATE INDEX documents_status ON documents(status);
CREATE INDEX documents_path ON documents(path);
CREATE INDEX documents_run ON documents(run_id);
CREATE TABLE document_paths (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    run_id INTEGER NOT NULL,
    PRIMARY KEY (document_id, path)
);
CREATE TABLE findings (
    id INTEGER PRIMARY KEY,
    document_id INTEGER REFERENCES documents(id) ON DELETE CASCADE,
    notice_id INTEGER REFERENCES notices(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    category TEXT NOT NULL,
    rule TEXT NOT NULL,
    title TEXT,
    severity TEXT NOT NULL,
    basis TEXT,
    confidence REAL,
    detector TEXT,
    text TEXT NOT NULL,
    file TEXT,
    page INTEGER,
    clause TEXT,
    heading TEXT,
    span_start INTEGER,
    span_end INTEGER,
    quantities TEXT NOT NULL DEFAULT '[]',
    assessment TEXT,
    legal TEXT NOT NULL DEFAULT '[]',
    enforceable INTEGER,
    message TEXT,
    recommendation TEXT,
    terms TEXT NOT NULL DEFAULT '[]',
    CHECK ((document_id IS NULL) <> (notice_id IS NULL))
);
CREATE INDEX findings_document ON findings(document_id);
CREATE INDEX findings_notice ON findings(notice_id);
CREATE INDEX findings_category ON findings(category, severity);
"""

# Each migration takes the schema from version i to i+1 (index 0 builds version 1). Append,
# never edit: a file written by an older barrier-scan is brought up to date when opened.
MIGRATIONS: tuple[str, ...] = (_SCHEMA_V1,)


class AuditStoreError(BarrierScanError):
    kind = "audit-store"


def utc_now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _bool(value: Optional[bool]) -> Optional[int]:
    return None if value is None else int(bool(value))


@dataclass(frozen=True)
class DocumentKey:
    """What makes a document done: its bytes, the scanner that read them and its settings."""

    content_sha256: str
    scanner_version: str
    settings_sha256: str


@dataclass
class RunCounts:
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    pages: int = 0
    notices: int = 0


@dataclass
class DocumentRecord:
    """One document's outcome as the store writes it (from a worker or the parent)."""

    key: DocumentKey
    path: str
    result: Mapping[str, Any]  # DocumentResult.to_dict() shape; may be minimal for failures
    status: str  # ok | failed
    size_bytes: Optional[int] = None
    error_kind: Optional[str] = None
    error_message: Optional[str] = None
    seconds: Optional[float] = None
    peak_rss_mb: Optional[float] = None
    worker: Optional[str] = None
    notice_id: Optional[int] = None
    ocid: Optional[str] = None


@dataclass
class NoticeRecord:
    """A notice's row and its findings (already as `Finding.to_dict()` dicts)."""

    source: str
    ocid: str
    content_sha256: str
    checks_version: str
    columns: Mapping[str, Any]  # the typed notice columns (see the schema)
    documents: Sequence[Mapping[str, Any]] = ()
    data: Mapping[str, Any] = field(default_factory=dict)
    findings: Sequence[Mapping[str, Any]] = ()


class AuditStore:
    """The audit database. Open with `AuditStore.open(path)`; use as a context manager."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn

    # -- opening -------------------------------------------------------------------------
    @classmethod
    def open(cls, path: os.PathLike[str] | str, *, create: bool = True) -> "AuditStore":
        """Open (and create or migrate) the store at `path`.

        Raises AuditStoreError, naming the file, when it is not an audit database, was written
        by a newer barrier-scan, or cannot be opened.
        """
        p = Path(path)
        if not create and not p.exists():
            raise AuditStoreError("no such audit database; run `barrier-scan audit ... --db` first",
                                  str(p))
        if p.exists() and p.is_dir():
            raise AuditStoreError("is a directory; give a file name such as audit.sqlite", str(p))
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(p), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                   check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            # WAL: readers never block the writer and a killed writer leaves no torn pages.
            # synchronous=NORMAL is durable against a killed process (not power loss of the
            # last commits) and much faster than FULL.
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as exc:
            raise AuditStoreError(f"not an audit database ({exc}); choose another --db file",
                                  str(p)) from exc
        if str(mode).lower() != "wal":
            conn.close()
            raise AuditStoreError("cannot switch to WAL mode (a network file system?); put the "
                                  "database on a local disk", str(p))
        store = cls(p, conn)
        try:
            store._migrate()
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise AuditStoreError(f"not an audit database ({exc}); choose another --db file",
                                  str(p)) from exc
        return store

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "AuditStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def schema_version(self) -> int:
        has_meta = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
        if not has_meta:
            tables = self.conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
            if tables:
                raise AuditStoreError("is a SQLite file but not an audit database; choose "
                                      "another --db file", str(self.path))
            return 0
        row = self.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        return int(row[0]) if row else 0

    def _migrate(self) -> None:
        current = self.schema_version()
        if current > len(MIGRATIONS):
            raise AuditStoreError(
                f"was written by a newer barrier-scan (schema {current}, this one knows "
                f"{len(MIGRATIONS)}); upgrade barrier-scan", str(self.path))
        for version in range(current, len(MIGRATIONS)):
            with self.transaction():
                # re-check inside the lock: another process may have migrated meanwhile
                if self.schema_version() > version:
                    continue
                for statement in _split_sql(MIGRATIONS[version]):
                    self.conn.execute(statement)
                self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
                                  (str(version + 1),))

    # -- transactions ----------------------------------------------------------------------
    def transaction(self) -> "_Transaction":
        """BEGIN IMMEDIATE ... COMMIT (ROLLBACK on error): one writer, all or nothing."""
        return _Transaction(self.conn)

    # -- runs ------------------------------------------------------------------------------
    def start_run(self, *, tool_version: str, executor: str, jobs: Optional[int],
                  paths: Sequence[str], settings: Mapping[str, Any]) -> int:
        self.mark_abandoned_runs()
        with self.transaction():
            cur = self.conn.execute(
                "INSERT INTO runs (started_at, tool_version, executor, jobs, paths, settings, "
                "host, pid) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (utc_now(), tool_version, executor, jobs, _json(list(paths)), _json(settings),
                 socket.gethostname(), os.getpid()))
            return int(cur.lastrowid or 0)

    def set_run_scanner_version(self, run_id: int, version: str) -> None:
        with self.transaction():
            self.conn.execute("UPDATE runs SET scanner_version = ? WHERE id = ?", (version, run_id))

    def finish_run(self, run_id: int, status: str, counts: RunCounts) -> None:
        with self.transaction():
            self.conn.execute(
                "UPDATE runs SET finished_at = ?, status = ?, n_ok = ?, n_failed = ?, "
                "n_skipped = ?, n_pages = ?, n_notices = ? WHERE id = ?",
                (utc_now(), status, counts.ok, counts.failed, counts.skipped, counts.pages,
                 counts.notices, run_id))

    def mark_abandoned_runs(self) -> None:
        """Runs left 'running' by a process on this host that no longer exists were killed."""
        host = socket.gethostname()
        rows = self.conn.execute(
            "SELECT id, pid FROM runs WHERE status = 'running' AND host = ?", (host,)).fetchall()
        dead = [r["id"] for r in rows if r["pid"] and not _pid_alive(int(r["pid"]))]
        if dead:
            with self.transaction():
                self.conn.executemany(
                    "UPDATE runs SET status = 'abandoned' WHERE id = ? AND status = 'running'",
                    [(i,) for i in dead])

    # -- documents -------------------------------------------------------------------------
    def done_keys(self, scanner_version: str, *, include_failed: bool = True) -> set[tuple[str, str]]:
        """(content_sha256, settings_sha256) of the documents already done by this scanner."""
        sql = "SELECT content_sha256, settings_sha256 FROM documents WHERE scanner_version = ?"
        if not include_failed:
            sql += " AND status = 'ok'"
        return {(r[0], r[1]) for r in self.conn.execute(sql, (scanner_version,))}

    def record_document(self, record: DocumentRecord, run_id: int, *,
                        replace_failed: bool = False) -> Optional[int]:
        """Write one document and its findings in one transaction.

        RETURNS the new row id, or None when the document was already there (another run
        wrote it first); then only the path is remembered, so nothing is counted twice.
        """
        k = record.key
        r = record.result
        findings = list(r.get("findings") or []) if record.status == "ok" else []
        value = r.get("value") or {}
        with self.transaction():
            if replace_failed:
                self.conn.execute(
                    "DELETE FROM documents WHERE content_sha256 = ? AND scanner_version = ? AND "
                    "settings_sha256 = ? AND status = 'failed'",
                    (k.content_sha256, k.scanner_version, k.settings_sha256))
            cur = self.conn.execute(
                "INSERT INTO documents (run_id, path, content_sha256, scanner_version, "
                "settings_sha256, size_bytes, status, error_kind, error_message, pages, clauses, "
                "n_findings, value_amount, value_currency, value_source, regime, regime_title, "
                "jurisdiction, notice_id, ocid, seconds, timings, peak_rss_mb, worker, metadata, "
                "errors, scanned_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                "?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (content_sha256, scanner_version, settings_sha256) DO NOTHING",
                (run_id, record.path, k.content_sha256, k.scanner_version, k.settings_sha256,
                 record.size_bytes, record.status, record.error_kind, record.error_message,
                 int(r.get("pages") or 0), r.get("clauses"), len(findings),
                 value.get("amount"), value.get("currency"), value.get("source"),
                 r.get("regime") or None, r.get("regime_title") or None,
                 r.get("jurisdiction") or None, record.notice_id, record.ocid, record.seconds,
                 _json(r.get("timings") or {}), record.peak_rss_mb, record.worker,
                 _json(r.get("metadata") or {}), _json(r.get("errors") or []), utc_now()))
            if cur.rowcount == 0:
                existing = self._document_id(k)
                if existing is not None:
                    self._add_path(existing, record.path, run_id)
                return None
            doc_id = int(cur.lastrowid or 0)
            self._insert_findings(findings, document_id=doc_id)
            self._add_path(doc_id, record.path, run_id)
            return doc_id

    def remember_paths(self, seen: Iterable[tuple[DocumentKey, str]], run_id: int) -> None:
        """Record where skipped (already done) documents were seen this run."""
        with self.transaction():
            for key, path in seen:
                doc_id = self._document_id(key)
                if doc_id is not None:
                    self._add_path(doc_id, path, run_id)

    def _document_id(self, k: DocumentKey) -> Optional[int]:
        row = self.conn.execute(
            "SELECT id FROM documents WHERE content_sha256 = ? AND scanner_version = ? AND "
            "settings_sha256 = ?", (k.content_sha256, k.scanner_version, k.settings_sha256)
        ).fetchone()
        return int(row[0]) if row else None

    def _add_path(self, document_id: int, path: str, run_id: int) -> None:
        self.conn.execute("INSERT OR IGNORE INTO document_paths VALUES (?, ?, ?)",
                          (document_id, path, run_id))

    def _insert_findings(self, findings: Sequence[Mapping[str, Any]], *,
                         document_id: Optional[int] = None, notice_id: Optional[int] = None) -> None:
        rows = []
        for seq, f in enumerate(findings):
            span = f.get("span") or [None, None]
            rows.append((document_id, notice_id, seq, f.get("category"), f.get("rule"),
                         f.get("title"), f.get("severity"), f.get("basis"), f.get("confidence"),
                         f.get("detector"), f.get("text") or "", f.get("file"), f.get("page"),
                         f.get("clause"), f.get("heading"), span[0], span[1],
                         _json(f.get("quantities") or []),
                         _json(f["assessment"]) if f.get("assessment") else None,
                         _json(f.get("legal") or []), _bool(f.get("enforceable")),
                         f.get("message"), f.get("recommendation"), _json(f.get("terms") or [])))
        placeholders = ", ".join("?" * (3 + len(FINDING_COLUMNS)))
        self.conn.executemany(
            f"INSERT INTO findings (document_id, notice_id, seq, {', '.join(FINDING_COLUMNS)}) "
            f"VALUES ({placeholders})", rows)

    # -- notices ---------------------------------------------------------------------------
    def record_notice(self, notice: NoticeRecord, run_id: int) -> tuple[int, bool]:
        """Write a notice and its findings in one transaction.

        RETURNS (row id, created); created is False when this notice content was already
        checked by the same checks version (then nothing is written).
        """
        with self.transaction():
            row = self.conn.execute(
                "SELECT id FROM notices WHERE content_sha256 = ? AND checks_version = ?",
                (notice.content_sha256, notice.checks_version)).fetchone()
            if row:
                return int(row[0]), False
            c = dict(notice.columns)
            cur = self.conn.execute(
                "INSERT INTO notices (run_id, source, ocid, release_id, notice_id, authority, "
                "title, value_amount, value_currency, procurement_method, "
                "procurement_method_details, main_category, published, tender_end, "
                "response_days, contract_start, contract_end, term_years, is_framework, n_lots, "
                "above_threshold, regime, content_sha256, checks_version, documents, data, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                "?, ?, ?, ?, ?, ?, ?)",
                (run_id, notice.source, notice.ocid, c.get("release_id"), c.get("notice_id"),
                 c.get("authority"), c.get("title"), c.get("value_amount"),
                 c.get("value_currency"), c.get("procurement_method"),
                 c.get("procurement_method_details"), c.get("main_category"),
                 c.get("published"), c.get("tender_end"), c.get("response_days"),
                 c.get("contract_start"), c.get("contract_end"), c.get("term_years"),
                 _bool(c.get("is_framework")), c.get("n_lots"), _bool(c.get("above_threshold")),
                 c.get("regime"), notice.content_sha256, notice.checks_version,
                 _json(list(notice.documents)), _json(notice.data), utc_now()))
            notice_id = int(cur.lastrowid or 0)
            self._insert_findings(notice.findings, notice_id=notice_id)
            return notice_id, True

    # -- reading ---------------------------------------------------------------------------
    def runs(self) -> list[sqlite3.Row]:
        return self.conn.execute("SELECT * FROM runs ORDER BY id").fetchall()

    def documents(self, *, run_id: Optional[int] = None) -> Iterator[sqlite3.Row]:
        sql = "SELECT * FROM documents"
        args: tuple[Any, ...] = ()
        if run_id is not None:
            sql += " WHERE run_id = ?"
            args = (run_id,)
        yield from self.conn.execute(sql + " ORDER BY path, id", args)

    def notices(self) -> Iterator[sqlite3.Row]:
        yield from self.conn.execute("SELECT * FROM notices ORDER BY source, ocid, id")

    def findings_for(self, *, document_id: Optional[int] = None,
                     notice_id: Optional[int] = None) -> list[dict[str, Any]]:
        if document_id is not None:
            rows = self.conn.execute("SELECT * FROM findings WHERE document_id = ? ORDER BY seq",
                                     (document_id,))
        else:
            rows = self.conn.execute("SELECT * FROM findings WHERE notice_id = ? ORDER BY seq",
                                     (notice_id,))
        return [finding_from_row(r) for r in rows]

    def count(self, table: str, where: str = "", args: Sequence[Any] = ()) -> int:
        if table not in ("runs", "notices", "documents", "findings", "document_paths"):
            raise ValueError(table)
        sql = f"SELECT count(*) FROM {table}" + (f" WHERE {where}" if where else "")
        return int(self.conn.execute(sql, tuple(args)).fetchone()[0])


def finding_from_row(row: sqlite3.Row) -> dict[str, Any]:
    """A findings row back in the `Finding.to_dict()` shape."""
    enforceable = row["enforceable"]
    return {
        "category": row["category"],
        "severity": row["severity"],
        "basis": row["basis"],
        "confidence": row["confidence"],
        "text": row["text"],
        "file": row["file"],
        "page": row["page"],
        "clause": row["clause"],
        "heading": row["heading"],
        "span": [row["span_start"], row["span_end"]],
        "rule": row["rule"],
        "title": row["title"],
        "detector": row["detector"],
        "quantities": json.loads(row["quantities"]),
        "assessment": json.loads(row["assessment"]) if row["assessment"] else None,
        "legal": json.loads(row["legal"]),
        "enforceable": None if enforceable is None else bool(enforceable),
        "message": row["message"],
        "recommendation": row["recommendation"],
        "terms": json.loads(row["terms"]),
    }


class _Transaction:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        if self.conn.in_transaction:  # an interrupt landed between BEGIN and the block
            self.conn.execute("ROLLBACK")
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is None:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("ROLLBACK")


def _split_sql(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
