"""Where the shipped data lives: `rules/`, `reports/` and `corpus/`.

An installed wheel carries them under `barrier_scan/_data/` (see setup.py); a source checkout
or editable install reads them from the repository root beside the package.
"""
from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
SOURCE_ROOT = PACKAGE_DIR.parent


def data_dir(name: str) -> Path:
    """The directory of shipped data called `name` ("rules", "reports" or "corpus")."""
    installed = PACKAGE_DIR / "_data" / name
    if installed.is_dir():
        return installed
    return SOURCE_ROOT / name


def rules_dir() -> Path:
    return data_dir("rules")


def reports_dir() -> Path:
    return data_dir("reports")


def corpus_dir() -> Path:
    return data_dir("corpus")


def models_dir() -> Path:
    return PACKAGE_DIR / "models"
