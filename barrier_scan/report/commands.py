"""Click commands for reports: render a saved result, compare two drafts, summarise a batch.

Registered by `barrier_scan.cli` (it imports `report_command`, `diff_command` and
`summary_command`). Each is a thin layer: load, call one library function, write.
Errors are one line on stderr and exit status 2, as everywhere in barrier-scan.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence

import click

from ..console import handle_errors, write_output
from ..model import ScanReport
from . import FORMATS, render
from .diff import DIFF_FORMATS, diff_reports, render_diff
from .from_json import ReportInputError, load_report
from .summary import SUMMARY_FORMATS, load_results, render_summary, summarise

def load_or_scan(path: str, value: Optional[float], currency: str) -> ScanReport:
    """A saved JSON result as it is; any other file is scanned now."""
    if path.lower().endswith(".json"):
        return load_report(path)
    if not Path(path).is_file():
        raise ReportInputError("file not found; give a tender document or a JSON result", path)
    from .. import __version__
    from ..pipeline import Scanner
    from ..settings import ScanSettings

    scanner = Scanner(ScanSettings(value=value, currency=currency.upper()))
    result = scanner.scan_path(path)
    if not result.ok:
        raise ReportInputError(result.errors[0].message if result.errors else "could not be read", path)
    return ScanReport([result], getattr(scanner, "version", __version__))


output_option = click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default=None,
                             help="Write here (atomically) instead of standard output.")
template_option = click.option("--template-dir", type=click.Path(file_okay=False, exists=True), default=None,
                               help="Directory of Jinja2 templates overriding the shipped reports/ ones.")


@click.command("report")
@click.argument("result", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="html", show_default=True,
              help="html, md, pdf, csv and json are case reports; referral drafts a complaint to the review service.")
@output_option
@template_option
@handle_errors
def report_command(result: str, fmt: str, output: Optional[str], template_dir: Optional[str]) -> None:
    """Render a saved JSON scan RESULT as a case report, without scanning again.

    \b
    Example:
        barrier-scan scan itt.pdf --format json -o itt.json
        barrier-scan report itt.json --format pdf -o itt-case.pdf
        barrier-scan report itt.json --format referral -o complaint.txt
    """
    write_output(render(load_report(result), fmt, template_dir=template_dir), output)


@click.command("diff")
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(DIFF_FORMATS), default="md", show_default=True)
@click.option("--value", type=float, default=None, help="Estimated contract value, when scanning documents.")
@click.option("--currency", default="GBP", show_default=True, help="Currency of --value.")
@output_option
@template_option
@handle_errors
def diff_command(old: str, new: str, fmt: str, value: Optional[float], currency: str, output: Optional[str],
                 template_dir: Optional[str]) -> None:
    """Compare two drafts of a tender: barriers fixed, introduced, reworded and unchanged.

    OLD and NEW are tender documents (scanned now) or JSON results of earlier scans.

    \b
    Example:
        barrier-scan diff itt-v1.pdf itt-v2.pdf
        barrier-scan diff v1.json v2.json --format html -o changes.html
    """
    d = diff_reports(load_or_scan(old, value, currency), load_or_scan(new, value, currency))
    write_output(render_diff(d, fmt, template_dir=template_dir), output)


@click.command("summary")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--format", "fmt", type=click.Choice(SUMMARY_FORMATS), default="html", show_default=True)
@output_option
@template_option
@handle_errors
def summary_command(inputs: Sequence[str], fmt: str, output: Optional[str], template_dir: Optional[str]) -> None:
    """Summarise many scanned tenders: totals, barriers by category and authority, the
    worst tenders and the trend by publication month, with charts.

    INPUTS are JSON results, directories of them (searched recursively) or an audit
    database. Files that cannot be read are listed in the summary, not fatal.

    \b
    Example:
        barrier-scan summary results/ -o summary.html
        barrier-scan summary audit.db --format md
    """
    results, skipped = load_results(inputs)
    if not results:
        raise ReportInputError("no readable JSON results found; give files or directories written by "
                               "'barrier-scan scan --format json'" + (f" ({skipped[0]})" if skipped else ""),
                               ", ".join(inputs))
    write_output(render_summary(summarise(results, skipped=skipped), fmt, template_dir=template_dir), output)

