"""`barrier-scan audit` and `barrier-scan export`: thin click commands over barrier_scan.audit.

Registered in barrier_scan/cli.py with `cli.add_command(audit)` and `cli.add_command(export)`.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable, Optional, Sequence, TextIO

import click

from ..console import handle_errors
from ..settings import CURRENCIES, DEFAULT_MAX_BYTES, DEFAULT_MAX_PAGES, JURISDICTIONS, ScanSettings
from .progress import MODES
from .runner import DEFAULT_TIMEOUT, EXECUTORS, AuditOptions

EXIT_INTERRUPTED = 130  # the shell convention for a run stopped by SIGINT


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--db", default="audit.sqlite", show_default=True, type=click.Path(dir_okay=False),
              help="The SQLite database to write (created if missing; resumed if not).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes for the local executor. Default: all cores.")
@click.option("--executor", type=click.Choice(EXECUTORS), default="local", show_default=True,
              help="local: a process pool on this machine; dask: a Dask distributed cluster.")
@click.option("--scheduler", default=None, metavar="tcp://HOST:PORT",
              help="The Dask scheduler address (with --executor dask).")
@click.option("--timeout", type=click.FloatRange(min=1), default=DEFAULT_TIMEOUT, show_default=True,
              help="Seconds allowed per document; a slower one is stopped and recorded as failed.")
@click.option("--max-pages", type=click.IntRange(min=1), default=DEFAULT_MAX_PAGES, show_default=True,
              help="Pages allowed per document; a longer one is recorded as failed (too-large).")
@click.option("--max-bytes", type=str, default=f"{DEFAULT_MAX_BYTES // 2**20}M", show_default=True,
              callback=lambda ctx, param, value: _parse_size(value),
              help="Size allowed per file: bytes, or with a K, M or G suffix.")
@click.option("--retry-failed", is_flag=True,
              help="Scan again the documents recorded as failed (e.g. after raising a limit).")
@click.option("--documents-dir", "documents_dirs", multiple=True,
              type=click.Path(file_okay=False, exists=True),
              help="Another folder to look in for documents listed by OCDS URLs (repeatable).")
@click.option("--progress", type=click.Choice(MODES), default="auto", show_default=True,
              help="auto: a bar on a terminal, a log line every 10 s otherwise.")
@click.option("--worker-memory-mb", type=click.IntRange(min=64), default=None,
              help="Address-space limit per local worker; a document that exceeds it fails alone.")
@click.option("--pack", "pack_dir", type=click.Path(file_okay=False, exists=True), default=None,
              help="A rule directory to use instead of the shipped rules/.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Format of the summary printed at the end.")
@click.option("--value", type=float, default=None,
              help="Estimated contract value for every document (OCDS values take precedence).")
@click.option("--currency", type=click.Choice(CURRENCIES, case_sensitive=False), default="GBP",
              show_default=True, help="Currency of --value and of bare amounts.")
@click.option("--jurisdiction", type=click.Choice(JURISDICTIONS), default="uk", show_default=True,
              help="Legal references to cite: uk (PCR 2015 / Procurement Act 2023), eu, generic.")
@click.option("--procurement-date", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="When the procurement started, for documents without an OCDS date. Default: today.")
@click.option("--no-model", is_flag=True, help="Rules only: do not run the classifier.")
@click.option("--extractor", type=click.Choice(["fast", "layout"]), default="fast", show_default=True,
              help="fast: pypdfium2 text with per-page fallback; layout: pdfplumber with tables.")
@handle_errors
def audit(paths: Sequence[str], db: str, jobs: Optional[int], executor: str,
          scheduler: Optional[str], timeout: float, max_pages: int, max_bytes: int,
          retry_failed: bool, documents_dirs: Sequence[str], progress: str,
          worker_memory_mb: Optional[int], pack_dir: Optional[str], fmt: str,
          value: Optional[float], currency: str,
          jurisdiction: str, procurement_date: Optional[dt.datetime], no_model: bool,
          extractor: str) -> None:
    """Audit PATHS (files, folders, ZIP tender packs, OCDS JSON/JSONL) into a SQLite database.

    Resumable: run the same command again after a crash or Ctrl-C and only the documents not
    yet in the database are scanned. Each document is stopped at --timeout seconds and
    --max-pages pages; a broken one is recorded as failed and the rest go on.

    Exit status: 0 when the run finished (failed documents are in the summary and the
    database); 130 when interrupted; 2 for bad input (one line on stderr).

    \b
    Example:
        barrier-scan audit tenders/ notices.jsonl --db audit.sqlite --jobs 8
        barrier-scan audit tenders/ --db audit.sqlite --executor dask --scheduler tcp://10.0.0.5:8786
        barrier-scan export --db audit.sqlite --format csv -o findings.csv
    """
    from .runner import audit as run_audit

    if executor == "dask" and not scheduler:
        raise click.UsageError("--executor dask needs --scheduler tcp://HOST:PORT")
    settings = ScanSettings(
        value=value, currency=currency.upper(), jurisdiction=jurisdiction,
        procurement_date=procurement_date.date() if procurement_date else dt.date.today(),
        use_model=not no_model, extractor=extractor, max_pages=max_pages,
        max_bytes=max_bytes)
    options = AuditOptions(jobs=jobs, executor=executor, scheduler=scheduler, timeout=timeout,
                           retry_failed=retry_failed, progress=progress,
                           documents_dirs=tuple(Path(d) for d in documents_dirs),
                           worker_memory_mb=worker_memory_mb, rules_dir=pack_dir)
    summary = run_audit(paths, db, settings, options)
    if fmt == "json":
        click.echo(json.dumps(summary.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(summary.render())
    if summary.status != "finished":
        click.echo("barrier-scan: audit interrupted; run the same command again to finish it",
                   err=True)
        raise click.exceptions.Exit(EXIT_INTERRUPTED)


@click.command()
@click.option("--db", required=True, type=click.Path(dir_okay=False),
              help="The audit database to read.")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "summary"]), default="csv",
              show_default=True,
              help="csv: one table; jsonl: one object per document and notice with findings "
                   "nested; summary: totals by status, category and severity.")
@click.option("--table", type=click.Choice(["findings", "documents", "notices"]), default=None,
              help="What to export (csv default: findings; jsonl default: documents and notices).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default=None,
              help="Write here (atomically) instead of standard output.")
@handle_errors
def export(db: str, fmt: str, table: Optional[str], output: Optional[str]) -> None:
    """Export an audit database as CSV, JSON Lines or a summary.

    \b
    Example:
        barrier-scan export --db audit.sqlite --format csv -o findings.csv
        barrier-scan export --db audit.sqlite --format csv --table documents
        barrier-scan export --db audit.sqlite --format jsonl -o audit.jsonl
        barrier-scan export --db audit.sqlite --format summary
    """
    from .export import export as run_export
    from .store import AuditStore

    with AuditStore.open(db, create=False) as store:
        if not output or output == "-":
            run_export(store, sys.stdout, fmt, table)
            return
        _write_atomically(Path(output), lambda fh: run_export(store, fh, fmt, table))


def _parse_size(text: str) -> int:
    units = {"K": 2**10, "M": 2**20, "G": 2**30}
    t = text.strip().upper().removesuffix("B")
    try:
        n = float(t[:-1]) * units[t[-1]] if t and t[-1] in units else float(t)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a size; use e.g. 50000000, 200M or 1G")
    if n < 1:
        raise click.BadParameter("the size must be at least 1 byte")
    return int(n)


def _write_atomically(target: Path, write: Callable[[TextIO], Any]) -> None:
    """A half-written export never replaces a good one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            write(fh)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
