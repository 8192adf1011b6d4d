"""Which legal regime applies, and the citations a rule's reference ids stand for.

The regimes and citations are data (`rules/law/*.yaml`, from ../shared/DOMAIN.md §3); this
module only picks a regime from the jurisdiction and procurement date and looks ids up.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence, Union

import yaml

from .errors import RuleFileError
from .resources import rules_dir
from .settings import ScanSettings

GENERIC = "generic"


@dataclass(frozen=True)
class Regime:
    key: str  # uk-pcr2015 | uk-pa2023 | eu | generic
    title: str
    url: str = ""


@dataclass(frozen=True)
class Citation:
    id: str
    text: str
    enforceable: bool


@dataclass(frozen=True)
class LawBook:
    regimes: Mapping[str, Mapping[str, Any]]
    citations: Mapping[str, Citation]

    def regime_for(self, jurisdiction: str, procurement_date: dt.date) -> Regime:
        """UK: PCR 2015 for procurements started before 24 Feb 2025, the Act after."""
        for key, spec in self.regimes.items():
            if spec.get("jurisdiction") != jurisdiction:
                continue
            start = spec.get("from")
            until = spec.get("until")
            if start and procurement_date < start:
                continue
            if until and procurement_date >= until:
                continue
            return Regime(key, spec["title"], spec.get("url", ""))
        spec = self.regimes[GENERIC]
        return Regime(GENERIC, spec["title"], spec.get("url", ""))

    def cite(self, references: Mapping[str, Sequence[str]], regime: Regime) -> tuple[Citation, ...]:
        """The citations for `regime`, falling back to the generic list."""
        ids = references.get(regime.key) or references.get(GENERIC) or ()
        return tuple(self.citations[i] for i in ids if i in self.citations)


@lru_cache(maxsize=4)
def load_lawbook(directory: Optional[Path] = None) -> LawBook:
    law_dir = (directory or rules_dir()) / "law"
    regimes_file = law_dir / "regimes.yaml"
    citations_file = law_dir / "citations.yaml"
    try:
        regimes = yaml.safe_load(regimes_file.read_text(encoding="utf-8"))["regimes"]
        raw = yaml.safe_load(citations_file.read_text(encoding="utf-8"))["citations"]
    except (OSError, KeyError, TypeError, yaml.YAMLError) as exc:
        raise RuleFileError(str(law_dir), None, None, f"cannot read the law data: {exc}") from exc
    if GENERIC not in regimes:
        raise RuleFileError(str(regimes_file), None, "regimes", f"a '{GENERIC}' regime is required")
    citations = {}
    for cid, spec in raw.items():
        if not isinstance(spec, dict) or "text" not in spec:
            raise RuleFileError(str(citations_file), cid, "text", "each citation needs a text")
        citations[cid] = Citation(cid, spec["text"], bool(spec.get("enforceable", False)))
    return LawBook(regimes, citations)


def regime_for(settings: Union[ScanSettings, None] = None) -> Regime:
    s = ScanSettings.resolve(settings)
    return load_lawbook().regime_for(s.jurisdiction, s.procurement_date)


def cite(references: Mapping[str, Sequence[str]], regime: Regime) -> tuple[str, ...]:
    """Citation texts for a rule's per-regime reference ids."""
    return tuple(c.text for c in load_lawbook().cite(references, regime))
