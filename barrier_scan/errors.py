"""Typed errors. Each carries a slug (for JSON and the audit store) and a message that says
what is wrong and what to do, so the CLI can print one line and nothing else."""
from __future__ import annotations

from typing import Optional


class BarrierScanError(Exception):
    """Base class; `kind` is the slug reported in JSON (`errors[].kind`)."""

    kind = "error"

    def __init__(self, message: str, file: Optional[str] = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file

    def __str__(self) -> str:
        return f"{self.file}: {self.message}" if self.file else self.message


class ExtractionError(BarrierScanError):
    kind = "unreadable"


class EmptyFile(ExtractionError):
    kind = "empty-file"


class CorruptFile(ExtractionError):
    kind = "corrupt-file"


class EncryptedFile(ExtractionError):
    """A password-protected file (Word document, ZIP member)."""

    kind = "encrypted"


class EncryptedPDF(EncryptedFile):
    kind = "pdf-encrypted"


class NoTextLayer(ExtractionError):
    kind = "no-text-layer"


class UnsupportedType(ExtractionError):
    kind = "unsupported-type"


class UnsafeArchive(ExtractionError):
    kind = "unsafe-archive-path"


class TooLarge(ExtractionError):
    kind = "too-large"


class TimedOut(ExtractionError):
    kind = "timeout"


class RuleFileError(BarrierScanError):
    """A rule pack that cannot be used; names the file, the rule and the field."""

    kind = "rule-file"

    def __init__(self, file: str, rule: Optional[str], field: Optional[str], problem: str) -> None:
        where = file
        if rule:
            where += f": rule {rule}"
        if field:
            where += f": field '{field}'"
        super().__init__(f"{where}: {problem}")
        self.rule_file = file
        self.rule = rule
        self.field = field
        self.problem = problem

    def __str__(self) -> str:
        return self.message


class ModelError(BarrierScanError):
    """The classifier file is missing, tampered with or built for other versions."""

    kind = "model"


class SettingsError(BarrierScanError):
    kind = "settings"
