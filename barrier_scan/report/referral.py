"""Referral draft: a plain-text complaint to the UK Public Procurement Review Service that
a small firm or mutual can edit and send. Placeholders to fill in are in [SQUARE BRACKETS].

The service looks at a specific procurement from the last two years by central government
or the wider public sector in England, and expects the supplier to have raised the concern
with the buyer first (../shared/DOMAIN.md §4.2); the draft says so, so the sender can check.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from ..model import ScanReport
from .case import build_case
from .templates import PathLike, render_template

TEMPLATE = "referral.txt.j2"
# DOMAIN.md §4.2 [V-gov scope & remit page]
SERVICE_NAME = "Public Procurement Review Service (Cabinet Office)"
SERVICE_EMAIL = "publicprocurementreview@cabinetoffice.gov.uk"
# Regimes the PPRS can look at; for others the letter suggests the authority's own
# complaints route or the relevant national body.
PPRS_REGIMES = ("uk-pcr2015", "uk-pa2023")


def render(report: ScanReport, *, template_dir: Optional[PathLike] = None,
           today: Optional[dt.date] = None) -> str:
    cases = [build_case(r, today=today, tool_version=report.tool_version) for r in report.documents]
    return render_template("text", TEMPLATE, template_dir, cases=cases, service_name=SERVICE_NAME,
                           service_email=SERVICE_EMAIL, pprs_regimes=PPRS_REGIMES,
                           tool_version=report.tool_version)
