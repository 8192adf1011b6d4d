"""Markdown: the case report for a repository, an issue or an e-mail.

Tender text cannot add Markdown structure: quotes sit in fenced code blocks (exact text,
nothing interpreted) and every other value is backslash-escaped by the template
environment (see templates.py)."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from ..model import ScanReport
from .case import build_case
from .templates import PathLike, render_template

TEMPLATE = "case.md.j2"


def render(report: ScanReport, *, template_dir: Optional[PathLike] = None,
           today: Optional[dt.date] = None) -> str:
    cases = [build_case(r, today=today, tool_version=report.tool_version) for r in report.documents]
    return render_template("markdown", TEMPLATE, template_dir, cases=cases, tool_version=report.tool_version)
