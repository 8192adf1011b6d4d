"""Jinja2 environments for the report templates, one per output language.

Tender text is never trusted. HTML templates autoescape. Markdown and plain-text templates
get the same protection from a `finalize` hook that runs on every `{{ ... }}`: Markdown
output is backslash-escaped so a clause cannot open a link, a heading or raw HTML, and
plain text loses terminal control characters. A template marks text as already safe by
returning `Markup` (the `fence` and `quote_block` filters do, after making it safe).
"""
from __future__ import annotations

import datetime as dt
import re
import textwrap
from pathlib import Path
from typing import Any, Callable, Optional, Union

import jinja2
from markupsafe import Markup

from ..errors import BarrierScanError
from ..resources import reports_dir
from .case import BASIS_LABELS, money

PathLike = Union[str, Path]

# C0 and C1 control characters other than tab and newline: an ESC in a clause could
# otherwise drive the terminal that shows a referral or a Markdown report.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
REPLACEMENT = "\ufffd"
LINE_WIDTH = 76  # plain-text e-mail convention
# Characters that make Markdown structure anywhere in a line: emphasis, code, links, raw
# HTML, entities, table cells, strike-through. CommonMark allows a backslash before any
# ASCII punctuation and renders it as the character itself.
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")
# ... and those that only matter at the start of a line: heading, list, quote, setext rule.
MARKDOWN_LINE_START = re.compile(r"^(#{1,6}(?=\s|$)|[+\-](?=\s|$)|\d{1,9}[.)](?=\s|$)|=+$)")


class ReportTemplateError(BarrierScanError):
    """A template that cannot be found or rendered (usually a user's --template-dir)."""

    kind = "report-template"


def clean_text(value: object) -> str:
    """Text with control characters replaced, keeping every printable character exactly."""
    return CONTROL_CHARS.sub(REPLACEMENT, "" if value is None else str(value))


def md_inline(value: object) -> str:
    """One line of Markdown-safe text: tender text cannot add links, headings or HTML."""
    text = " ".join(clean_text(value).split())
    text = MARKDOWN_SPECIAL.sub(r"\\\1", text)
    # the value may be placed at the start of a line, where these would open a block
    return MARKDOWN_LINE_START.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], text)


def md_fence(value: object, info: str = "text") -> Markup:
    """A fenced code block holding the exact text; the fence outgrows any backtick run in it."""
    text = clean_text(value)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return Markup(f"{fence}{info}\n{text}\n{fence}")


def text_quote(value: object, indent: str = "    ") -> Markup:
    """The exact clause text, indented as a block for a plain-text letter."""
    lines = clean_text(value).splitlines() or [""]
    return Markup("\n".join(indent + line for line in lines))


def text_wrap(value: object, indent: str = "", first_indent: Optional[str] = None, width: int = LINE_WIDTH) -> Markup:
    """Prose wrapped for a plain-text letter (not for quotes: they stay exact)."""
    return Markup(textwrap.fill(" ".join(clean_text(value).split()), width=width,
                                initial_indent=indent if first_indent is None else first_indent,
                                subsequent_indent=indent, break_long_words=False, break_on_hyphens=False))


def format_date(value: object) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return f"{value.day} {value:%B %Y}"
    return "" if value is None else str(value)


def _finalize_markdown(value: object) -> object:
    if isinstance(value, Markup):
        return str(value)
    return md_inline(value)


def _finalize_text(value: object) -> object:
    return clean_text(value)


FILTERS: dict[str, Callable[..., Any]] = {
    "money": money,
    "date": format_date,
    "fence": md_fence,
    "text_quote": text_quote,
    "wrap": text_wrap,
    "basis_label": lambda b: BASIS_LABELS.get(b or "", "not classified"),
}


def loader_paths(template_dir: Optional[PathLike]) -> list[str]:
    """A user's template directory first, so it overrides any template it provides."""
    paths = [str(reports_dir())]
    if template_dir is not None:
        user_dir = Path(template_dir)
        if not user_dir.is_dir():
            raise ReportTemplateError(f"template directory {user_dir} does not exist; "
                                      f"pass a directory that holds .j2 templates")
        paths.insert(0, str(user_dir))
    return paths


def environment(language: str, template_dir: Optional[PathLike] = None) -> jinja2.Environment:
    """language: html | markdown | text."""
    options: dict[str, Any] = {
        "loader": jinja2.FileSystemLoader(loader_paths(template_dir)),
        "undefined": jinja2.StrictUndefined,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "keep_trailing_newline": True,
    }
    if language == "html":
        options["autoescape"] = True
    elif language == "markdown":
        options["autoescape"] = False
        options["finalize"] = _finalize_markdown
    elif language == "text":
        options["autoescape"] = False
        options["finalize"] = _finalize_text
    else:
        raise ValueError(f"unknown template language {language!r}")
    env = jinja2.Environment(**options)
    env.filters.update(FILTERS)
    return env


def render_template(language: str, name: str, template_dir: Optional[PathLike] = None,
                    **context: Any) -> str:
    """Render one template, turning Jinja2's errors into a one-line typed error."""
    env = environment(language, template_dir)
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateNotFound as exc:
        raise ReportTemplateError(f"template {exc.name} not found in {', '.join(loader_paths(template_dir))}; "
                                  f"copy it from the default reports/ directory") from exc
    except jinja2.TemplateSyntaxError as exc:
        raise ReportTemplateError(f"{exc.filename or name}:{exc.lineno}: template syntax error: {exc.message}") from exc
    except jinja2.UndefinedError as exc:
        raise ReportTemplateError(f"template {name}: {exc.message}; check the variable names "
                                  f"against the default template") from exc
