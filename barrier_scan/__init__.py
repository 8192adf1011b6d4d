"""barrier_scan: find the tender requirements that shut small bidders out.

    >>> import barrier_scan
    >>> report = barrier_scan.scan(["tender.pdf"], {"value": 400_000})
    >>> for finding in report.findings(): print(finding.category, finding.text)
"""
from __future__ import annotations

__version__ = "0.1.0"

from .model import (  # noqa: E402
    CATEGORIES,
    Block,
    Clause,
    ContractValue,
    Document,
    DocumentResult,
    Finding,
    Quantity,
    ScanError,
    ScanReport,
)
from .settings import ScanSettings  # noqa: E402

__all__ = [
    "__version__", "CATEGORIES", "Block", "Clause", "ContractValue", "Document",
    "DocumentResult", "Finding", "Quantity", "ScanError", "ScanReport", "ScanSettings",
    "scan", "scan_file", "Scanner",
]


def __getattr__(name: str):  # lazy: importing the package must not load spaCy or sklearn
    if name in ("scan", "scan_file", "Scanner"):
        from . import pipeline
        return getattr(pipeline, name)
    raise AttributeError(name)
