"""barrier-scan: a thin click layer over the library.

Every command resolves its settings, calls one library function and prints. Library errors
become one line on stderr (naming the file and what to do) and exit status 2; no traceback.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

import click

from . import __version__
from .audit.commands import audit as audit_command
from .audit.commands import export as export_command
from .console import EXIT_FINDINGS, EXIT_INPUT, fail, handle_errors, write_output
from .report.commands import diff_command, report_command, summary_command
from .train_commands import evaluate as evaluate_command
from .train_commands import train as train_command
from .model import SEVERITY_RANK, DocumentResult, ScanReport
from .settings import CURRENCIES, JURISDICTIONS, ScanSettings

SCAN_FORMATS = ("json", "markdown", "md", "html", "csv", "pdf", "referral")


def render_report(report: ScanReport, fmt: str, template_dir: Optional[str] = None) -> "str | bytes":
    fmt = "markdown" if fmt == "md" else fmt
    if fmt == "json":
        return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
    from .report import render
    return render(report, fmt, template_dir=template_dir)


def settings_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The options that set a scan's ScanSettings, shared by scan, diff and audit."""
    options = [
        click.option("--value", type=float, help="Estimated contract value (whole term). Overrides the document."),
        click.option("--currency", type=click.Choice(CURRENCIES, case_sensitive=False), default="GBP",
                     show_default=True, help="Currency of --value and of bare amounts."),
        click.option("--jurisdiction", type=click.Choice(JURISDICTIONS), default="uk", show_default=True,
                     help="Legal references to cite: uk (PCR 2015 / Procurement Act 2023), eu, generic."),
        click.option("--procurement-date", type=click.DateTime(["%Y-%m-%d"]), default=None,
                     help="When the procurement started (UK: before 2025-02-24 cites PCR 2015). Default: today."),
        click.option("--no-model", is_flag=True, help="Rules only: do not run the classifier."),
        click.option("--extractor", type=click.Choice(["layout", "fast"]), default="layout", show_default=True,
                     help="layout: pdfplumber on pages with ruled tables, PDFium text elsewhere; fast: PDFium text only."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def make_settings(value: Optional[float], currency: str, jurisdiction: str,
                  procurement_date: Optional[dt.datetime], no_model: bool, extractor: str) -> ScanSettings:
    return ScanSettings(value=value, currency=currency.upper(), jurisdiction=jurisdiction,
                        procurement_date=procurement_date.date() if procurement_date else dt.date.today(),
                        use_model=not no_model, extractor=extractor)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="barrier-scan")
def cli() -> None:
    """Find the requirements in tender documents that shut small bidders out.

    \b
    Example:
        barrier-scan scan tender.pdf --value 400000 --format html -o report.html
    """


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(SCAN_FORMATS), default="markdown", show_default=True,
              help="Report format. json is the stable machine contract; referral drafts a complaint.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default=None,
              help="Write the report here (atomically) instead of standard output.")
@click.option("--fail-on", type=click.Choice(["high", "medium", "low"]), default=None,
              help="Exit 1 when a finding at or above this severity exists (to gate publication).")
@click.option("--template-dir", type=click.Path(file_okay=False, exists=True), default=None,
              help="Directory of Jinja2 templates overriding the shipped ones.")
@settings_options
@handle_errors
def scan(files: Sequence[str], fmt: str, output: Optional[str], fail_on: Optional[str],
         template_dir: Optional[str], **settings_kw: Any) -> None:
    """Scan tender FILES (PDF, DOCX, HTML, TXT or ZIP; - for stdin) and report barriers.

    Exit status: 0 on success; 1 with --fail-on when findings reach that severity;
    2 for usage errors or files that could not be read (one line on stderr each).

    \b
    Example:
        barrier-scan scan corpus/samples/riverside-itt.pdf --format html -o report.html
        barrier-scan scan itt.docx --value 400000 --format json --fail-on high
        cat notice.txt | barrier-scan scan - --format json
    """
    from .pipeline import Scanner, _settings_dict

    settings = make_settings(**settings_kw)
    scanner = Scanner(settings)
    documents: list[DocumentResult] = []
    for name in files:
        if name == "-":
            documents.append(scanner.scan_bytes(click.get_binary_stream("stdin").read(), "stdin"))
        else:
            documents.append(scanner.scan_path(name))
    report = ScanReport(documents, __version__, _settings_dict(settings))
    write_output(render_report(report, fmt, template_dir), output)
    unreadable = [e for d in documents for e in d.errors]
    for error in unreadable:
        click.echo(f"barrier-scan: {error.file}: {error.message}", err=True)
    if any(not d.ok for d in documents):
        raise click.exceptions.Exit(EXIT_INPUT)
    if fail_on and any(SEVERITY_RANK[f.severity] >= SEVERITY_RANK[fail_on] for f in report.findings()):
        raise click.exceptions.Exit(EXIT_FINDINGS)


# --- rules --------------------------------------------------------------------------------

@cli.group()
def rules() -> None:
    """List, show, test and lint the rule packs.

    \b
    Example:
        barrier-scan rules test
        barrier-scan rules show turnover.minimum
    """


pack_option = click.option("--pack", "pack_dir", type=click.Path(file_okay=False, exists=True), default=None,
                           help="A rule directory to use instead of the shipped rules/.")


@rules.command("list")
@pack_option
@handle_errors
def rules_list(pack_dir: Optional[str]) -> None:
    """List every rule: id, category and title.

    \b
    Example:
        barrier-scan rules list
    """
    from .rulepack import load_rules

    for rule in load_rules(Path(pack_dir) if pack_dir else None).rules:
        click.echo(f"{rule.id:45s} {rule.category:26s} {rule.title}")


@rules.command("show")
@click.argument("rule_id")
@pack_option
@handle_errors
def rules_show(rule_id: str, pack_dir: Optional[str]) -> None:
    """Show one rule: what it finds, why, the fairer wording and its examples.

    \b
    Example:
        barrier-scan rules show security_bond.performance_bond
    """
    from .rulecheck import describe_rule
    from .rulepack import load_rules

    pack = load_rules(Path(pack_dir) if pack_dir else None)
    try:
        rule = pack.by_id(rule_id)
    except KeyError:
        raise fail(f"no rule with id '{rule_id}'; see 'barrier-scan rules list'")
    click.echo(describe_rule(rule))


@rules.command("test")
@pack_option
@click.option("-v", "--verbose", is_flag=True, help="Print every example, not only failures.")
@handle_errors
def rules_test(pack_dir: Optional[str], verbose: bool) -> None:
    """Run every rule's match / no_match examples; exit 1 if any fails.

    \b
    Example:
        barrier-scan rules test --pack my-rules/
    """
    from .rulecheck import run_examples

    results = run_examples(Path(pack_dir) if pack_dir else None)
    failed = [r for r in results if not r.ok]
    for r in results:
        if verbose or not r.ok:
            click.echo(f"{'PASS' if r.ok else 'FAIL'} {r.id}: {r.text}")
    todo = sum(1 for r in results if r.todo)
    click.echo(f"{len(results) - len(failed)} passed, {len(failed)} failed" + (f" ({todo} todo)" if todo else ""))
    if failed:
        raise click.exceptions.Exit(EXIT_FINDINGS)


@rules.command("lint")
@pack_option
@handle_errors
def rules_lint(pack_dir: Optional[str]) -> None:
    """Check rule packs for thin examples, missing guidance and duplicates.

    \b
    Example:
        barrier-scan rules lint
    """
    from .law import load_lawbook
    from .rulepack import lint, load_rules

    problems = lint(load_rules(Path(pack_dir) if pack_dir else None), list(load_lawbook().citations))
    for p in problems:
        click.echo(p)
    click.echo(f"{len(problems)} problem(s)")
    if problems:
        raise click.exceptions.Exit(EXIT_FINDINGS)


# --- debug --------------------------------------------------------------------------------

@cli.group()
def debug() -> None:
    """Show one pipeline stage's output, to see why something was or was not found.

    \b
    Example:
        barrier-scan debug clauses tender.pdf
    """


@debug.command("blocks")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--extractor", type=click.Choice(["layout", "fast"]), default="layout", show_default=True)
@handle_errors
def debug_blocks(file: str, extractor: str) -> None:
    """Print the extracted blocks with page, offsets and kind.

    \b
    Example:
        barrier-scan debug blocks tender.pdf --extractor fast
    """
    from .extract import extract

    for b in extract(file, extractor=extractor).blocks:
        click.echo(f"p{b.page} [{b.start}:{b.end}] {b.kind:9s} {b.text}")


@debug.command("clauses")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@handle_errors
def debug_clauses(file: str) -> None:
    """Print the clauses with page, clause number and heading path.

    \b
    Example:
        barrier-scan debug clauses tender.pdf
    """
    from .extract import extract
    from .segment import segment

    for c in segment(extract(file)):
        click.echo(f"p{c.page} {c.number or '-':10s} {c.heading_path or '-'}\n    {c.text}")


# Commands that live beside their library modules.
cli.add_command(report_command, "report")
cli.add_command(diff_command, "diff")
cli.add_command(summary_command, "summary")
cli.add_command(audit_command, "audit")
cli.add_command(export_command, "export")
cli.add_command(train_command, "train")
cli.add_command(evaluate_command, "evaluate")


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Entry point. An unexpected error is one line too (set BARRIER_SCAN_DEBUG=1 for the traceback)."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="barrier-scan")
    except Exception as exc:  # noqa: BLE001 - the last line of defence against tracebacks
        if os.environ.get("BARRIER_SCAN_DEBUG"):
            raise
        click.echo(f"barrier-scan: internal error: {type(exc).__name__}: {exc} "
                   "(re-run with BARRIER_SCAN_DEBUG=1 and report it)", err=True)
        sys.exit(EXIT_INPUT)
