"""HTML: one self-contained page (inline CSS, no scripts, fonts or images; a Content
Security Policy forbids fetching anything) that reads on screen and prints on A4."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from ..model import ScanReport
from .case import build_case
from .templates import PathLike, render_template

TEMPLATE = "case.html.j2"


def render(report: ScanReport, *, template_dir: Optional[PathLike] = None,
           today: Optional[dt.date] = None) -> str:
    cases = [build_case(r, today=today, tool_version=report.tool_version) for r in report.documents]
    return render_template("html", TEMPLATE, template_dir, cases=cases, tool_version=report.tool_version)
