"""Shared test setup: document builders as fixtures, and the --slow switch.

    def test_something(make_pdf):
        path = make_pdf(["# 1 Introduction\\n\\nBidders must ...", "page two text"],
                        header="Council - ITT 1", footer="Page {page} of {pages}")
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # so test modules can `import pdfgen`

import pdfgen  # noqa: E402


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", default=False, help="run tests marked slow")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--slow"):
        return
    skip = pytest.mark.skip(reason="slow; run with --slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def make_pdf(tmp_path: Path) -> Callable[..., Path]:
    """make_pdf(pages, header=None, footer=None, name="doc.pdf", ...) -> Path in tmp_path."""
    def build(pages: Any, **kwargs: Any) -> Path:
        return pdfgen.make_pdf(tmp_path, pages, **kwargs)
    return build


@pytest.fixture
def make_docx(tmp_path: Path) -> Callable[..., Path]:
    """make_docx(items, name="doc.docx") -> Path; items as in pdfgen.make_docx."""
    def build(items: Any, **kwargs: Any) -> Path:
        return pdfgen.make_docx(tmp_path, items, **kwargs)
    return build


@pytest.fixture
def make_zip(tmp_path: Path) -> Callable[..., Path]:
    """make_zip([(member_name, bytes_or_path), ...], name="pack.zip") -> Path."""
    def build(members: Any, **kwargs: Any) -> Path:
        return pdfgen.make_zip(tmp_path, members, **kwargs)
    return build
