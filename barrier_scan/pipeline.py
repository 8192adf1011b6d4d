"""The whole scan: extract -> segment -> detect -> assess, as one reusable object.

`Scanner` loads the rule pack and the classifier once; a batch job builds one per worker and
calls `scan_path` for each file. Bad input never raises here: it comes back as a
`DocumentResult` with `errors` and no pages, so the other 999 files of a batch go on.
"""
from __future__ import annotations

import hashlib
import logging
import time
from pathlib import Path
from typing import Iterable, Optional, Sequence, Union

from . import __version__
from .assess import assess_all, find_contract_value, rule_signals
from .detect import Detector
from .detect.combine import combine, exclusion_vetoes, requirement_gate, worth_classifying
from .detect.rule_engine import RuleEngine
from .docmeta import describe
from .errors import BarrierScanError, ModelError
from .extract import extract, extract_bytes
from .law import load_lawbook
from .model import CATEGORIES, Document, DocumentResult, Finding, ScanError, ScanReport
from .segment import segment
from .settings import ScanSettings

log = logging.getLogger(__name__)

PathLike = Union[str, Path]


def _load_classifier() -> Optional[Detector]:
    """The shipped classifier, or None (with a warning) when it cannot be used."""
    try:
        from .detect.classifier import ClauseClassifier
    except ImportError:
        return None
    try:
        return ClauseClassifier.load()
    except ModelError as exc:
        log.warning("classifier disabled: %s", exc)
        return None


class Scanner:
    """Scans documents with one loaded rule pack (and classifier, if enabled)."""

    def __init__(self, settings: Union[ScanSettings, dict, None] = None, *,
                 rules_dir: Optional[PathLike] = None) -> None:
        self.settings = ScanSettings.resolve(settings)
        self.rules = RuleEngine.from_dir(Path(rules_dir) if rules_dir else None)
        self.lawbook = load_lawbook()
        self.classifier = _load_classifier() if self.settings.use_model else None
        # model-only findings are dropped where the category's own rules would be excluded
        self.model_vetoes = exclusion_vetoes(self.rules.pack) if self.classifier else None
        self.model_requirement = requirement_gate(self.rules.pack)
        model_version = self.classifier.version if self.classifier else "none"
        self.version = f"{__version__}+rules.{self.rules.version}+model.{model_version}"

    # -- entry points ------------------------------------------------------------------------

    def scan_path(self, path: PathLike, *, settings: Optional[ScanSettings] = None,
                  display_name: Optional[str] = None) -> DocumentResult:
        s = settings or self.settings
        name = display_name or str(path)
        started = time.perf_counter()
        try:
            document = extract(path, extractor=s.extractor, max_pages=s.max_pages,
                               max_bytes=s.max_bytes, display_name=name)
        except BarrierScanError as exc:
            return self._failed(name, path, exc)
        extracted = time.perf_counter() - started
        result = self.scan_document(document, settings=s)
        result.timings["extract"] = extracted
        return result

    def scan_bytes(self, data: bytes, name: str, *, settings: Optional[ScanSettings] = None) -> DocumentResult:
        s = settings or self.settings
        try:
            document = extract_bytes(data, name, extractor=s.extractor, max_pages=s.max_pages,
                                     max_bytes=s.max_bytes)
        except BarrierScanError as exc:
            return self._failed(name, None, exc, data)
        return self.scan_document(document, settings=s)

    def scan_document(self, document: Document, *, settings: Optional[ScanSettings] = None) -> DocumentResult:
        s = settings or self.settings
        timings: dict[str, float] = {}
        t = time.perf_counter()
        clauses = segment(document)
        timings["segment"] = time.perf_counter() - t

        t = time.perf_counter()
        findings = self.detect(clauses)
        timings["detect"] = time.perf_counter() - t

        t = time.perf_counter()
        regime = self.lawbook.regime_for(s.jurisdiction, s.procurement_date)
        value = find_contract_value(document, clauses, s)
        kept, passed = assess_all(findings, self.rules.pack, value, regime)
        timings["assess"] = time.perf_counter() - t

        metadata = {**document.metadata, **describe(document), **(s.metadata or {})}
        metadata["checked_fair"] = [p.to_dict() for p in passed]
        return DocumentResult(
            path=document.path, pages=document.pages, sha256=document.sha256, findings=kept,
            errors=list(document.errors), value=value, metadata=metadata,
            jurisdiction=s.jurisdiction, regime=regime.key, regime_title=regime.title,
            checked=CATEGORIES, clauses=len(clauses), timings=timings,
        )

    def detect(self, clauses: Sequence) -> list[Finding]:
        rule_findings = self.rules.detect(clauses)
        if not self.classifier:
            return rule_findings
        scored = worth_classifying(clauses, rule_findings, self.model_requirement)
        signals = rule_signals(rule_findings, self.rules.pack)
        return combine(rule_findings, self.classifier.detect(scored, signals),
                       thresholds=self.classifier.model_only_thresholds, vetoes=self.model_vetoes,
                       requirement=self.model_requirement)

    # -- helpers -----------------------------------------------------------------------------

    @staticmethod
    def _failed(name: str, path: Optional[PathLike], exc: BarrierScanError,
                data: Optional[bytes] = None) -> DocumentResult:
        digest = ""
        try:
            raw = data if data is not None else (Path(path).read_bytes() if path else b"")
            digest = hashlib.sha256(raw).hexdigest()
        except OSError:
            pass
        message = exc.message
        return DocumentResult(path=name, pages=0, sha256=digest,
                              errors=[ScanError(exc.file or name, exc.kind, message)])


def scan(paths: Iterable[PathLike], settings: Union[ScanSettings, dict, None] = None) -> ScanReport:
    """Scan several files with one Scanner; unreadable files come back with errors."""
    scanner = Scanner(settings)
    documents = [scanner.scan_path(p) for p in paths]
    return ScanReport(documents, __version__, _settings_dict(scanner.settings))


def scan_file(path: PathLike, settings: Union[ScanSettings, dict, None] = None) -> DocumentResult:
    return Scanner(settings).scan_path(path)


def _settings_dict(s: ScanSettings) -> dict:
    return {"value": s.value, "currency": s.currency, "jurisdiction": s.jurisdiction,
            "procurement_date": s.procurement_date.isoformat(), "use_model": s.use_model,
            "extractor": s.extractor}
