"""CSV: one row per finding, in the columns of the review service's published results
(Year, Month, Authority, Subject, Sub Issue, Case Issue, ...; ../shared/DOMAIN.md §4.3)
followed by the evidence and the computed test.

Spreadsheets run a cell that starts with "=", "+", "-" or "@" as a formula, and tender text
is untrusted, so such cells get a leading apostrophe (the OWASP advice for CSV injection).
The apostrophe is the only change: JSON keeps the exact text.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any, Optional

from ..model import ScanReport
from .case import Case, CaseFinding, build_case

COLUMNS: tuple[str, ...] = (
    "finding_id", "case_reference", "year", "month", "authority", "procurement", "procurement_reference",
    "regime", "value", "value_source", "subject", "sub_issue", "category", "severity", "basis",
    "enforceable", "case_issue", "evidence", "file", "page", "clause", "heading", "computed",
    "legal", "recommendation", "rule", "confidence",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def row(case: Case, cf: CaseFinding) -> dict[str, Any]:
    f = cf.finding
    return {
        "finding_id": cf.id,
        "case_reference": case.reference,
        "year": case.date.year,
        "month": f"{case.date:%B}",
        "authority": case.authority,
        "procurement": case.title,
        "procurement_reference": case.procurement_reference,
        "regime": case.regime,
        "value": case.value_text,
        "value_source": case.value_source if case.value else "",
        "subject": cf.subject,
        "sub_issue": cf.sub_issue,
        "category": f.category,
        "severity": f.severity,
        "basis": f.basis or "",
        "enforceable": "" if f.enforceable is None else str(f.enforceable).lower(),
        "case_issue": cf.issue,
        "evidence": f.clause.text,
        "file": f.clause.file,
        "page": f.clause.page,
        "clause": f.clause.number or "",
        "heading": f.clause.heading_path,
        "computed": cf.assessment,
        "legal": "; ".join(f.legal),
        "recommendation": cf.fairer_wording,
        "rule": f.rule,
        "confidence": round(f.confidence, 3),
    }


def render(report: ScanReport, *, template_dir: Any = None, today: Optional[dt.date] = None) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for result in report.documents:
        case = build_case(result, today=today, tool_version=report.tool_version)
        for cf in case.findings:
            writer.writerow({k: spreadsheet_safe(v) for k, v in row(case, cf).items()})
    return out.getvalue()
