"""Read results back from the JSON contract (`ScanReport.to_dict()`), so a scan saved once
can be rendered again in any format, compared with another version or summarised in bulk.

Malformed input raises `ReportInputError` naming the file and what to do; it never gives a
traceback.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator, Mapping, Optional, Union

from ..errors import BarrierScanError
from ..model import (
    CATEGORIES,
    Assessment,
    Clause,
    ContractValue,
    DocumentResult,
    Finding,
    Quantity,
    ScanError,
    ScanReport,
)

PathLike = Union[str, Path]
HEADING_SEPARATOR = " > "  # Clause.heading_path joins the heading tuple with this


class ReportInputError(BarrierScanError):
    """A results file that is not the JSON `barrier-scan scan --format json` writes."""

    kind = "report-input"


def _float(value: Any, default: float = 0.0) -> float:
    return float(value) if isinstance(value, (int, float)) else default


def _optional_float(value: Any) -> Optional[float]:
    return float(value) if isinstance(value, (int, float)) else None


def quantity_from_dict(d: Mapping[str, Any]) -> Quantity:
    return Quantity(kind=str(d.get("kind", "")), value=_float(d.get("value")), unit=str(d.get("unit", "")),
                    text=str(d.get("text", "")), high=_optional_float(d.get("high")),
                    days=_optional_float(d.get("days")), base=d.get("base"))


def assessment_from_dict(d: Optional[Mapping[str, Any]]) -> Optional[Assessment]:
    if not d:
        return None
    return Assessment(test=str(d.get("test", "")), summary=str(d.get("summary", "")),
                      ratio=_optional_float(d.get("ratio")), limit=_optional_float(d.get("limit")),
                      exceeded=d.get("exceeded"), needs_value=bool(d.get("needs_value", False)))


def finding_from_dict(d: Mapping[str, Any]) -> Finding:
    span = d.get("span") or [0, 0]
    heading = str(d.get("heading") or "")
    clause = Clause(text=str(d.get("text", "")), file=str(d.get("file", "")), page=int(d.get("page") or 0),
                    start=int(span[0]), end=int(span[1]), number=d.get("clause") or None,
                    heading=tuple(heading.split(HEADING_SEPARATOR)) if heading else ())
    severity = d.get("severity")
    if severity not in ("high", "medium", "low"):
        raise ValueError(f"finding severity {severity!r} is not high, medium or low")
    return Finding(
        category=str(d["category"]), rule=str(d.get("rule", "")), severity=severity,
        confidence=_float(d.get("confidence"), 1.0), clause=clause, basis=d.get("basis"),
        quantities=tuple(quantity_from_dict(q) for q in d.get("quantities") or ()),
        legal=tuple(str(x) for x in d.get("legal") or ()), message=str(d.get("message") or ""),
        recommendation=str(d.get("recommendation") or ""),
        assessment=assessment_from_dict(d.get("assessment")), detector=str(d.get("detector") or "rules"),
        terms=tuple(str(t) for t in d.get("terms") or ()), enforceable=d.get("enforceable"),
        title=str(d.get("title") or ""),
    )


def value_from_dict(d: Optional[Mapping[str, Any]]) -> Optional[ContractValue]:
    if not d:
        return None
    return ContractValue(amount=_float(d.get("amount")), currency=str(d.get("currency", "GBP")),
                         source=str(d.get("source", "")), text=d.get("text"),
                         page=d.get("page"), term_years=_optional_float(d.get("term_years")))


def document_from_dict(d: Mapping[str, Any]) -> DocumentResult:
    return DocumentResult(
        path=str(d.get("path", "")), pages=int(d.get("pages") or 0), sha256=str(d.get("sha256", "")),
        findings=[finding_from_dict(f) for f in d.get("findings") or ()],
        errors=[ScanError(str(e.get("file", "")), str(e.get("kind", "error")), str(e.get("message", "")))
                for e in d.get("errors") or ()],
        value=value_from_dict(d.get("value")), metadata=dict(d.get("metadata") or {}),
        jurisdiction=str(d.get("jurisdiction") or "uk"), regime=str(d.get("regime") or ""),
        regime_title=str(d.get("regime_title") or ""),
        checked=tuple(d.get("checked") or CATEGORIES), clauses=int(d.get("clauses") or 0),
        timings=dict(d.get("timings") or {}),
    )


def report_from_dict(d: Mapping[str, Any]) -> ScanReport:
    """The inverse of `ScanReport.to_dict()` (a bare `DocumentResult` dict is accepted too)."""
    if "documents" not in d and "findings" in d:
        d = {"documents": [d]}
    documents = d.get("documents")
    if not isinstance(documents, list):
        raise ValueError("no 'documents' list")
    tool = d.get("tool") or {}
    return ScanReport(documents=[document_from_dict(doc) for doc in documents],
                      tool_version=str(tool.get("version", "")) if isinstance(tool, dict) else "",
                      settings=dict(d.get("settings") or {}))


def load_report(path: PathLike) -> ScanReport:
    """A ScanReport from a JSON file written by `barrier-scan scan --format json`."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ReportInputError("file not found; give the path of a JSON result from "
                               "'barrier-scan scan --format json'", str(p)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportInputError(f"cannot read it ({exc.__class__.__name__}); check the file", str(p)) from exc
    except json.JSONDecodeError as exc:
        raise ReportInputError(f"not JSON (line {exc.lineno}); give a result written by "
                               f"'barrier-scan scan --format json'", str(p)) from exc
    try:
        if not isinstance(data, dict):
            raise ValueError("the top level is not an object")
        return report_from_dict(data)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        raise ReportInputError(f"not a barrier-scan result ({exc}); give a result written by "
                               f"'barrier-scan scan --format json'", str(p)) from exc


def iter_result_files(directory: PathLike) -> Iterator[Path]:
    """The JSON files under a directory, sorted so batch reports are deterministic."""
    root = Path(directory)
    if not root.is_dir():
        raise ReportInputError("not a directory; give a directory of JSON results", str(root))
    yield from sorted(p for p in root.rglob("*.json") if p.is_file())
