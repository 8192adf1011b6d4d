"""ScanSettings: what a caller can set for a scan, validated once at the edge."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any, Optional, Union

from .errors import SettingsError

JURISDICTIONS = ("uk", "eu", "generic")
EXTRACTORS = ("layout", "fast")
CURRENCIES = ("GBP", "EUR", "USD", "INR")

# Per-document limits so one pathological file cannot stall a batch.
DEFAULT_MAX_PAGES = 2000
DEFAULT_MAX_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class ScanSettings:
    """Settings for one scan.

    value (float | None): estimated contract value; overrides what the document says.
    currency (str): ISO code of `value` (and the default for bare amounts).
    jurisdiction (str): uk | eu | generic; picks the legal references cited.
    procurement_date (date): when the procurement started; picks PCR 2015 or PA 2023 in the UK.
    use_model (bool): run the classifier beside the rules.
    extractor (str): "layout" (pdfplumber: tables and layout) or "fast" (pypdfium2 text with a
        per-page fallback to pdfplumber when the fast text is poor).
    """

    value: Optional[float] = None
    currency: str = "GBP"
    jurisdiction: str = "uk"
    procurement_date: dt.date = field(default_factory=dt.date.today)
    use_model: bool = True
    extractor: str = "layout"
    max_pages: int = DEFAULT_MAX_PAGES
    max_bytes: int = DEFAULT_MAX_BYTES
    metadata: dict[str, Any] = field(default_factory=dict)  # e.g. from OCDS
    value_source: str = "cli"

    def __post_init__(self) -> None:
        if self.jurisdiction not in JURISDICTIONS:
            raise SettingsError(f"unknown jurisdiction {self.jurisdiction!r}; use one of {', '.join(JURISDICTIONS)}")
        if self.extractor not in EXTRACTORS:
            raise SettingsError(f"unknown extractor {self.extractor!r}; use one of {', '.join(EXTRACTORS)}")
        if self.value is not None and not self.value > 0:
            raise SettingsError("the contract value must be a positive amount")
        cur = self.currency.upper()
        if cur not in CURRENCIES:
            raise SettingsError(f"unknown currency {self.currency!r}; use one of {', '.join(CURRENCIES)}")
        object.__setattr__(self, "currency", cur)
        if self.max_pages < 1:
            raise SettingsError("max_pages must be at least 1")

    @classmethod
    def resolve(cls, settings: Union[None, "ScanSettings", dict[str, Any]]) -> "ScanSettings":
        if settings is None:
            return cls()
        if isinstance(settings, ScanSettings):
            return settings
        return cls(**settings)

    def with_(self, **changes: Any) -> "ScanSettings":
        return replace(self, **changes)
