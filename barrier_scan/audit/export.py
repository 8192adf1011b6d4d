"""Read an audit database out: CSV, JSON Lines, and the batch summary.

CSV is one table at a time (findings by default, one row per finding with its document);
JSON Lines writes one object per document (the `DocumentResult.to_dict()` shape plus its
status and content hash) and one per OCDS notice, each with its findings nested, so a JSONL
export can be read back without the database.
"""
from __future__ import annotations

import csv
import json
from collections import Counter
from typing import Any, Iterator, Optional, TextIO

from ..model import CATEGORIES, SEVERITIES
from .store import AuditStore, finding_from_row

FORMATS = ("csv", "jsonl", "summary")
TABLES = ("findings", "documents", "notices")

FINDING_CSV_COLUMNS = (
    "source", "document", "ocid", "category", "severity", "basis", "confidence", "rule", "title",
    "detector", "text", "file", "page", "clause", "heading", "span_start", "span_end",
    "quantities", "assessment", "legal", "enforceable", "message", "recommendation", "terms",
    "content_sha256", "run_id",
)
DOCUMENT_CSV_COLUMNS = (
    "path", "status", "error_kind", "error_message", "pages", "clauses", "n_findings",
    "value_amount", "value_currency", "value_source", "regime", "jurisdiction", "ocid", "seconds",
    "peak_rss_mb", "size_bytes", "content_sha256", "scanner_version", "run_id", "scanned_at",
    "paths",
)
NOTICE_CSV_COLUMNS = (
    "source", "ocid", "notice_id", "authority", "title", "value_amount", "value_currency",
    "procurement_method", "procurement_method_details", "main_category", "published",
    "tender_end", "response_days", "contract_start", "contract_end", "term_years",
    "is_framework", "n_lots", "above_threshold", "regime", "n_findings", "n_documents",
    "run_id",
)


def export(store: AuditStore, out: TextIO, fmt: str = "csv", table: Optional[str] = None) -> int:
    """Write the store to `out` as `fmt`; RETURNS the number of rows or objects written."""
    if fmt == "csv":
        return export_csv(store, out, table or "findings")
    if fmt == "jsonl":
        return export_jsonl(store, out, table)
    if fmt == "summary":
        out.write(render_summary(batch_summary(store)) + "\n")
        return 1
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


# -- CSV ----------------------------------------------------------------------------------------
def export_csv(store: AuditStore, out: TextIO, table: str = "findings") -> int:
    rows: Iterator[dict[str, Any]]
    columns: tuple[str, ...]
    if table == "findings":
        columns, rows = FINDING_CSV_COLUMNS, _finding_rows(store)
    elif table == "documents":
        seen = _paths_by_document(store)
        columns = DOCUMENT_CSV_COLUMNS
        rows = ({**dict(r), "paths": "; ".join(seen.get(r["id"], []))} for r in store.documents())
    elif table == "notices":
        columns, rows = NOTICE_CSV_COLUMNS, _notice_rows(store)
    else:
        raise ValueError(f"unknown table {table!r}; use one of {', '.join(TABLES)}")
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore",
                            lineterminator="\n")
    writer.writeheader()
    n = 0
    for row in rows:
        writer.writerow({k: _cell(row.get(k)) for k in columns})
        n += 1
    return n


def _finding_rows(store: AuditStore) -> Iterator[dict[str, Any]]:
    sql = ("SELECT f.*, d.path AS document, d.ocid AS ocid, d.content_sha256, d.run_id, "
           "'document' AS source FROM findings f JOIN documents d ON d.id = f.document_id "
           "UNION ALL "
           "SELECT f.*, n.source AS document, n.ocid AS ocid, n.content_sha256, n.run_id, "
           "'notice' AS source FROM findings f JOIN notices n ON n.id = f.notice_id "
           "ORDER BY document, ocid, seq")
    for r in store.conn.execute(sql):
        row = dict(r)
        a = json.loads(row["assessment"]) if row["assessment"] else None
        row["assessment"] = a.get("summary") if a else None
        row["legal"] = "; ".join(json.loads(row["legal"]))
        row["terms"] = " ".join(json.loads(row["terms"]))
        yield row


def _paths_by_document(store: AuditStore) -> dict[int, list[str]]:
    """Every path each document was seen at (the same bytes under several names)."""
    seen: dict[int, list[str]] = {}
    for doc_id, path in store.conn.execute(
            "SELECT document_id, path FROM document_paths ORDER BY document_id, path"):
        seen.setdefault(doc_id, []).append(path)
    return seen


def _notice_rows(store: AuditStore) -> Iterator[dict[str, Any]]:
    sql = ("SELECT n.*, (SELECT count(*) FROM findings f WHERE f.notice_id = n.id) AS n_findings, "
           "(SELECT count(*) FROM documents d WHERE d.notice_id = n.id) AS n_documents "
           "FROM notices n ORDER BY source, ocid, id")
    for r in store.conn.execute(sql):
        yield dict(r)


def _cell(v: Any) -> Any:
    if v is None:
        return ""
    return v


# -- JSON Lines ---------------------------------------------------------------------------------
def export_jsonl(store: AuditStore, out: TextIO, table: Optional[str] = None) -> int:
    n = 0
    if table in (None, "documents", "findings"):
        for obj in document_objects(store):
            out.write(json.dumps(obj, ensure_ascii=False) + "\n")
            n += 1
    if table in (None, "notices", "findings"):
        for obj in notice_objects(store):
            out.write(json.dumps(obj, ensure_ascii=False) + "\n")
            n += 1
    if table not in (None, *TABLES):
        raise ValueError(f"unknown table {table!r}; use one of {', '.join(TABLES)}")
    return n


def document_objects(store: AuditStore) -> Iterator[dict[str, Any]]:
    """Each document as `DocumentResult.to_dict()` plus its audit columns."""
    seen = _paths_by_document(store)
    for r in store.documents():
        value = None
        if r["value_amount"] is not None:
            value = {"amount": r["value_amount"], "currency": r["value_currency"],
                     "source": r["value_source"]}
        yield {
            "type": "document", "path": r["path"], "paths": seen.get(r["id"], [r["path"]]),
            "status": r["status"],
            "error_kind": r["error_kind"], "error_message": r["error_message"],
            "pages": r["pages"], "sha256": r["content_sha256"], "value": value,
            "metadata": json.loads(r["metadata"]), "jurisdiction": r["jurisdiction"],
            "regime": r["regime"], "regime_title": r["regime_title"], "clauses": r["clauses"],
            "findings": store.findings_for(document_id=r["id"]),
            "errors": json.loads(r["errors"]), "timings": json.loads(r["timings"]),
            "ocid": r["ocid"], "scanner_version": r["scanner_version"], "run_id": r["run_id"],
            "seconds": r["seconds"], "peak_rss_mb": r["peak_rss_mb"],
            "scanned_at": r["scanned_at"],
        }


def notice_objects(store: AuditStore) -> Iterator[dict[str, Any]]:
    for r in store.notices():
        obj: dict[str, Any] = {"type": "notice"}
        obj.update(json.loads(r["data"]))
        obj.update(regime=r["regime"], checks_version=r["checks_version"], run_id=r["run_id"],
                   findings=store.findings_for(notice_id=r["id"]))
        yield obj


# -- the batch summary --------------------------------------------------------------------------
def batch_summary(store: AuditStore) -> dict[str, Any]:
    """Totals over the whole database: documents, failures, findings by category and severity."""
    c = store.conn
    docs = c.execute("SELECT count(*), coalesce(sum(status = 'ok'), 0), "
                     "coalesce(sum(status = 'failed'), 0), coalesce(sum(pages), 0), "
                     "coalesce(sum(seconds), 0) FROM documents").fetchone()
    failures = Counter({r[0] or "error": r[1] for r in c.execute(
        "SELECT error_kind, count(*) FROM documents WHERE status = 'failed' GROUP BY error_kind")})
    by_cat: dict[str, Counter[str]] = {}
    for cat, sev, n in c.execute("SELECT category, severity, count(*) FROM findings "
                                 "GROUP BY category, severity"):
        by_cat.setdefault(cat, Counter())[sev] = n
    rules = c.execute("SELECT rule, count(*) AS n FROM findings GROUP BY rule "
                      "ORDER BY n DESC, rule LIMIT 10").fetchall()
    flagged = c.execute("SELECT count(DISTINCT document_id) FROM findings "
                        "WHERE document_id IS NOT NULL").fetchone()[0]
    notices = c.execute("SELECT count(*), (SELECT count(DISTINCT notice_id) FROM findings "
                        "WHERE notice_id IS NOT NULL) FROM notices").fetchone()
    last = c.execute("SELECT id, status, started_at, finished_at FROM runs "
                     "ORDER BY id DESC LIMIT 1").fetchone()
    return {
        "db": str(store.path),
        "runs": store.count("runs"),
        "last_run": dict(last) if last else None,
        "documents": {"total": docs[0], "ok": docs[1], "failed": docs[2], "pages": docs[3],
                      "seconds": round(docs[4], 1), "with_findings": flagged},
        "failures": dict(failures.most_common()),
        "notices": {"total": notices[0], "with_findings": notices[1]},
        "findings": {cat: dict(by_cat[cat]) for cat in _category_order(by_cat)},
        "findings_total": sum(sum(v.values()) for v in by_cat.values()),
        "top_rules": [(r["rule"], r["n"]) for r in rules],
    }


def _category_order(by_cat: dict[str, Any]) -> list[str]:
    known = [c for c in CATEGORIES if c in by_cat]
    return known + sorted(c for c in by_cat if c not in CATEGORIES)


def render_summary(s: dict[str, Any]) -> str:
    d = s["documents"]
    lines = [f"Audit database {s['db']}: {s['runs']} run(s)"]
    if s["last_run"]:
        lr = s["last_run"]
        lines.append(f"  last run {lr['id']}: {lr['status']}, started {lr['started_at']}")
    lines.append(f"Documents: {d['total']} ({d['ok']} ok, {d['failed']} failed), {d['pages']} "
                 f"pages; {d['with_findings']} with findings")
    if s["failures"]:
        lines.append("  failures: " + ", ".join(f"{k} {v}" for k, v in s["failures"].items()))
    n = s["notices"]
    if n["total"]:
        lines.append(f"OCDS notices: {n['total']}; {n['with_findings']} with findings")
    lines.append(f"Findings: {s['findings_total']}")
    if s["findings"]:
        sev_order = list(reversed(SEVERITIES))
        width = max(len(c) for c in s["findings"])
        lines.append(f"  {'category'.ljust(width)}  " + "  ".join(f"{x:>6}" for x in sev_order))
        for cat, counts in s["findings"].items():
            lines.append(f"  {cat.ljust(width)}  "
                         + "  ".join(f"{counts.get(x, 0):>6}" for x in sev_order))
    if s["top_rules"]:
        lines.append("Most frequent rules: " + ", ".join(f"{r} ({k})" for r, k in s["top_rules"]))
    return "\n".join(lines)
