"""Reports: a ScanReport rendered as a review-service style case report.

    >>> from barrier_scan.report import render
    >>> html = render(report, "html")            # one self-contained page, prints on A4
    >>> pdf = render(report, "pdf")              # bytes
    >>> letter = render(report, "referral")      # a complaint draft to edit and send

Every format reads the same view-model (`case.build_case`), so numbering, wording, the
barrier score and recommendations agree across formats. Templates live in `reports/` and a
user's `template_dir` overrides any of them.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Optional, Union

from ..errors import BarrierScanError
from ..model import ScanReport
from . import as_csv, as_html, as_json, as_markdown, referral
from .case import Case, build_case, case_reference
from .from_json import ReportInputError, load_report, report_from_dict
from .templates import PathLike, ReportTemplateError

Renderer = Callable[..., Union[str, bytes]]


def _render_pdf(report: ScanReport, **options: Any) -> bytes:
    # reportlab is imported only when a PDF is asked for
    from . import as_pdf
    return as_pdf.render(report, **options)


RENDERERS: dict[str, Renderer] = {
    "json": as_json.render,
    "md": as_markdown.render,
    "html": as_html.render,
    "csv": as_csv.render,
    "pdf": _render_pdf,
    "referral": referral.render,
}
FORMATS: tuple[str, ...] = tuple(RENDERERS)
# Other names accepted by render() (the scan command says "markdown").
ALIASES: dict[str, str] = {"markdown": "md", "txt": "referral"}
# the file suffix each format is usually saved with
SUFFIXES: dict[str, str] = {"json": ".json", "md": ".md", "html": ".html", "csv": ".csv",
                            "pdf": ".pdf", "referral": ".txt"}


class ReportFormatError(BarrierScanError):
    kind = "report-format"


def render(report: ScanReport, fmt: str, *, template_dir: Optional[PathLike] = None,
           today: Optional[dt.date] = None) -> Union[str, bytes]:
    """The report in format `fmt` (json | md | html | csv | pdf | referral).

    template_dir: a directory whose templates override those in `reports/`.
    today: the date printed on the report (default: today); fixed in tests.
    RETURNS: str, or bytes for pdf.
    """
    renderer = RENDERERS.get(ALIASES.get(fmt, fmt))
    if renderer is None:
        raise ReportFormatError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")
    return renderer(report, template_dir=template_dir, today=today)


__all__ = [
    "Case", "FORMATS", "RENDERERS", "ReportFormatError", "ReportInputError", "ReportTemplateError",
    "SUFFIXES", "build_case", "case_reference", "load_report", "render", "report_from_dict",
]
