"""Batch summary over many scanned tenders: totals, barriers by category and by authority,
the worst tenders and the trend by publication month, with charts drawn as inline SVG.

`summarise(results)` takes any iterable of `DocumentResult`, so the audit store can feed it
as well as a directory of JSON results (`load_results`).
"""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

from ..model import CATEGORIES, CATEGORY_TITLES, DocumentResult
from .case import barrier_score, case_reference, metadata_value, parse_date
from .from_json import PathLike, ReportInputError, iter_result_files, load_report
from .templates import render_template

WORST_LISTED = 10
AUTHORITIES_CHARTED = 12  # the rest are summed into "other authorities"
UNKNOWN_AUTHORITY = "(authority not found)"
SUMMARY_FORMATS = ("html", "md", "json")

# Chart geometry in SVG user units; the SVG scales to the page width.
CHART_WIDTH = 720
LABEL_WIDTH = 250
BAR_HEIGHT = 18
BAR_GAP = 6
COLUMN_CHART_HEIGHT = 240
COLUMN_LABEL_SPACE = 52  # under the baseline: month, year, number of documents


@dataclass(frozen=True)
class TenderRow:
    reference: str
    path: str
    authority: str
    title: str
    published: str
    score: int
    band: str
    high: int
    medium: int
    low: int


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    x: float
    y: float
    width: float
    height: float
    note: str = ""


@dataclass(frozen=True)
class Chart:
    title: str
    bars: tuple[Bar, ...]
    width: int
    height: int
    kind: str  # "rows" (horizontal bars) | "columns" (vertical bars)
    baseline: float = 0.0


@dataclass
class BatchSummary:
    documents: int = 0
    unreadable: int = 0
    with_barriers: int = 0
    findings: int = 0
    pages: int = 0
    by_severity: dict[str, int] = field(default_factory=dict)
    by_category: list[tuple[str, str, int, int]] = field(default_factory=list)  # id, title, findings, documents
    by_authority: list[tuple[str, int, int, float]] = field(default_factory=list)  # name, docs, findings, mean score
    worst: list[TenderRow] = field(default_factory=list)
    by_month: list[tuple[str, int, int]] = field(default_factory=list)  # YYYY-MM, documents, findings
    undated: int = 0
    skipped: list[str] = field(default_factory=list)  # input files that could not be read
    date: dt.date = field(default_factory=dt.date.today)

    @property
    def readable(self) -> int:
        return self.documents - self.unreadable

    def charts(self) -> dict[str, Chart]:
        return {
            "category": row_chart("Barriers by category",
                                  [(title, n) for _, title, n, _ in self.by_category if n]),
            "authority": row_chart("Barriers by contracting authority",
                                   [(name, n) for name, _, n, _ in authority_rows_for_chart(self.by_authority)]),
            "month": column_chart("Barriers found by publication month",
                                  [(month_label(month), n, f"{docs} doc{'s' if docs != 1 else ''}")
                                   for month, docs, n in self.by_month]),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents, "unreadable": self.unreadable, "with_barriers": self.with_barriers,
            "findings": self.findings, "pages": self.pages, "by_severity": self.by_severity,
            "by_category": [{"category": c, "title": t, "findings": n, "documents": d}
                            for c, t, n, d in self.by_category],
            "by_authority": [{"authority": a, "documents": d, "findings": n, "mean_score": round(m, 2)}
                             for a, d, n, m in self.by_authority],
            "worst": [row.__dict__ for row in self.worst],
            "by_month": [{"month": m, "documents": d, "findings": n} for m, d, n in self.by_month],
            "undated": self.undated, "skipped": self.skipped,
        }


def authority_rows_for_chart(rows: Sequence[tuple[str, int, int, float]]) -> list[tuple[str, int, int, float]]:
    if len(rows) <= AUTHORITIES_CHARTED:
        return list(rows)
    shown = list(rows[:AUTHORITIES_CHARTED - 1])
    rest = rows[AUTHORITIES_CHARTED - 1:]
    shown.append((f"{len(rest)} other authorities", sum(r[1] for r in rest), sum(r[2] for r in rest), 0.0))
    return shown


def row_chart(title: str, rows: Sequence[tuple[str, float]]) -> Chart:
    """Horizontal bars, longest first as given; labels left, values right of each bar."""
    top = max((v for _, v in rows), default=0) or 1
    span = CHART_WIDTH - LABEL_WIDTH - 50
    bars = tuple(Bar(label, value, LABEL_WIDTH, i * (BAR_HEIGHT + BAR_GAP), span * value / top, BAR_HEIGHT)
                 for i, (label, value) in enumerate(rows))
    return Chart(title, bars, CHART_WIDTH, max(1, len(rows)) * (BAR_HEIGHT + BAR_GAP), "rows")


def column_chart(title: str, columns: Sequence[tuple[str, float, str]]) -> Chart:
    """Vertical bars left to right in time order, month labels under them."""
    top = max((v for _, v, _ in columns), default=0) or 1
    plot_height = COLUMN_CHART_HEIGHT - 20 - COLUMN_LABEL_SPACE
    step = (CHART_WIDTH - 40) / max(1, len(columns))
    width = min(48.0, step * 0.7)
    bars = tuple(Bar(label, value, 20 + i * step + (step - width) / 2, 20 + plot_height * (1 - value / top), width,
                     plot_height * value / top, note)
                 for i, (label, value, note) in enumerate(columns))
    return Chart(title, bars, CHART_WIDTH, COLUMN_CHART_HEIGHT, "columns", baseline=20 + plot_height)


def month_label(month: str) -> str:
    """"2024-03" -> "Mar 2024"."""
    return f"{dt.date(int(month[:4]), int(month[5:7]), 1):%b %Y}"


def month_range(first: str, last: str) -> list[str]:
    """Every YYYY-MM from first to last, so gaps in the trend show as zero, not vanish."""
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return out


def summarise(results: Iterable[DocumentResult], *, today: Optional[dt.date] = None,
              skipped: Sequence[str] = ()) -> BatchSummary:
    s = BatchSummary(date=today or dt.date.today(), skipped=list(skipped))
    severity: Counter[str] = Counter()
    category_findings: Counter[str] = Counter()
    category_docs: Counter[str] = Counter()
    authorities: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # docs, findings, score sum
    months: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    rows: list[TenderRow] = []
    for result in results:
        s.documents += 1
        if not result.ok:
            s.unreadable += 1
            continue
        s.pages += result.pages
        s.findings += len(result.findings)
        s.with_barriers += bool(result.findings)
        severity.update(f.severity for f in result.findings)
        category_findings.update(f.category for f in result.findings)
        category_docs.update({f.category for f in result.findings})
        score = barrier_score(result.findings)
        authority = metadata_value(result.metadata, "authority", "buyer") or UNKNOWN_AUTHORITY
        totals = authorities[authority]
        totals[0] += 1
        totals[1] += len(result.findings)
        totals[2] += score.value
        published = parse_date(metadata_value(result.metadata, "published", "date", "publication_date"))
        if published:
            months[f"{published:%Y-%m}"][0] += 1
            months[f"{published:%Y-%m}"][1] += len(result.findings)
        else:
            s.undated += 1
        rows.append(TenderRow(case_reference(result.sha256), result.path, authority,
                              metadata_value(result.metadata, "title") or Path(result.path).name,
                              published.isoformat() if published else "", score.value, score.band,
                              score.counts["high"], score.counts["medium"], score.counts["low"]))
    s.by_severity = {k: severity.get(k, 0) for k in ("high", "medium", "low")}
    s.by_category = sorted(((c, CATEGORY_TITLES[c], category_findings.get(c, 0), category_docs.get(c, 0))
                            for c in CATEGORIES), key=lambda r: (-r[2], CATEGORIES.index(r[0])))
    s.by_authority = sorted(((a, t[0], t[1], t[2] / t[0]) for a, t in authorities.items()),
                            key=lambda r: (-r[2], r[0]))
    s.worst = sorted((r for r in rows if r.score), key=lambda r: (-r.score, -r.high, r.path))[:WORST_LISTED]
    if months:
        ordered = sorted(months)
        s.by_month = [(m, months[m][0], months[m][1]) if m in months else (m, 0, 0)
                      for m in month_range(ordered[0], ordered[-1])]
    return s


SQLITE_HEADER = b"SQLite format 3\x00"


def is_audit_database(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def load_store_results(path: PathLike) -> list[DocumentResult]:
    """The documents of an audit database (`barrier-scan audit --db`), the latest scan of
    each distinct file content only, so a tender re-scanned by a newer tool counts once."""
    from ..audit.store import AuditStore
    from .from_json import document_from_dict

    latest: dict[str, Any] = {}
    with AuditStore.open(path, create=False) as store:
        for row in store.documents():
            kept = latest.get(row["content_sha256"])
            if kept is None or (row["scanned_at"], row["id"]) > (kept["scanned_at"], kept["id"]):
                latest[row["content_sha256"]] = row
        results = []
        for row in sorted(latest.values(), key=lambda r: (r["path"], r["id"])):
            value = ({"amount": row["value_amount"], "currency": row["value_currency"] or "GBP",
                      "source": row["value_source"] or ""} if row["value_amount"] is not None else None)
            results.append(document_from_dict({
                "path": row["path"], "pages": row["pages"], "sha256": row["content_sha256"],
                "findings": store.findings_for(document_id=row["id"]) if row["status"] == "ok" else [],
                "errors": json.loads(row["errors"] or "[]"), "value": value,
                "metadata": json.loads(row["metadata"] or "{}"), "jurisdiction": row["jurisdiction"],
                "regime": row["regime"], "regime_title": row["regime_title"], "clauses": row["clauses"]}))
    return results


def load_results(paths: Iterable[PathLike]) -> tuple[list[DocumentResult], list[str]]:
    """Documents from JSON result files, directories of them and audit databases; files
    that cannot be read are listed (with the reason) rather than stopping the batch."""
    results: list[DocumentResult] = []
    skipped: list[str] = []
    for path in paths:
        p = Path(path)
        if p.is_file() and is_audit_database(p):
            results.extend(load_store_results(p))
            continue
        files = list(iter_result_files(p)) if p.is_dir() else [p]
        for file in files:
            try:
                results.extend(load_report(file).documents)
            except ReportInputError as exc:
                skipped.append(str(exc))
    return results, skipped


def render_summary(summary: BatchSummary, fmt: str = "html", *, template_dir: Optional[PathLike] = None) -> str:
    """fmt: html | md | json."""
    if fmt == "json":
        return json.dumps(summary.to_dict(), indent=2, ensure_ascii=False) + "\n"
    language = {"md": "markdown", "html": "html"}.get(fmt)
    if language is None:
        from . import ReportFormatError
        raise ReportFormatError(f"unknown summary format {fmt!r}; use one of {', '.join(SUMMARY_FORMATS)}")
    return render_template(language, f"summary.{fmt}.j2", template_dir, summary=summary,
                           charts=summary.charts())
