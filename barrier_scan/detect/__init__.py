"""Detection: everything that turns clauses into candidate `Finding`s.

Both the rule engine and the classifier implement `Detector`; `combine()` merges their
findings so that one clause and category gives one finding.
"""
from __future__ import annotations

from typing import Protocol, Sequence, runtime_checkable

from ..model import Clause, Finding

# The classifier pipelines `barrier-scan train --pipeline` can build (detect/classifier.py).
# Kept here so the CLI can list them without importing scikit-learn.
PIPELINE_KINDS = ("lr-rules", "lr", "svc", "lr-ngrams", "lr-words")


@runtime_checkable
class Detector(Protocol):
    """The one contract every detector honours.

    name (str): shown in `Finding.detector` ("rules", "model").
    version (str): changes whenever the detector's output could change (rule pack hash,
        model corpus hash); the audit store uses it to decide what must be re-scanned.
    detect(clauses): candidate findings. Severity, basis and legal references set here are
        provisional; `assess.assess()` settles them against the contract value and the regime.
    """

    name: str
    version: str

    def detect(self, clauses: Sequence[Clause]) -> list[Finding]: ...
