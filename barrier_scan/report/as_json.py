"""JSON: the contract `ScanReport.to_dict()`, plus the case fields every other format shows.

Fields are only ever added here, never renamed: each document gains `checked` (the
categories the detectors looked for) and `case` (reference, barrier score, worst findings,
recommendations, categories found fair), and each finding gains `id`, `subject`,
`sub_issue`, `issue` and `assessment_text`.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any, Optional

from ..model import ScanReport
from .case import build_case


def report_dict(report: ScanReport, *, today: Optional[dt.date] = None) -> dict[str, Any]:
    data = report.to_dict()
    for result, doc in zip(report.documents, data["documents"]):
        case = build_case(result, today=today, tool_version=report.tool_version)
        doc["checked"] = list(result.checked)
        doc["case"] = case.to_dict()
        # findings in the contract keep the scanner's order; match them up by identity
        by_finding = {id(cf.finding): cf for cf in case.findings}
        for finding, fdict in zip(result.findings, doc["findings"]):
            cf = by_finding[id(finding)]
            fdict.update({"id": cf.id, "subject": cf.subject, "sub_issue": cf.sub_issue,
                          "issue": cf.issue, "assessment_text": cf.assessment})
    return data


def render(report: ScanReport, *, template_dir: Any = None, today: Optional[dt.date] = None) -> str:
    return json.dumps(report_dict(report, today=today), indent=2, ensure_ascii=False) + "\n"
