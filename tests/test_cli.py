"""Every command's --help is complete and carries an example (docs that cannot drift)."""
from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from barrier_scan import __version__
from barrier_scan.cli import cli


def all_commands(group: click.Group, prefix: tuple = ()) -> list[tuple[str, ...]]:
    out = []
    for name, cmd in group.commands.items():
        out.append(prefix + (name,))
        if isinstance(cmd, click.Group):
            out += all_commands(cmd, prefix + (name,))
    return out


@pytest.mark.parametrize("path", all_commands(cli), ids=" ".join)
def test_help_has_an_example(path: tuple) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output, f"{' '.join(path)} --help has no Example"


def test_expected_commands_exist() -> None:
    names = {" ".join(p) for p in all_commands(cli)}
    for expected in ("scan", "rules list", "rules show", "rules test", "rules lint", "debug clauses",
                     "diff", "summary", "report", "audit", "export", "train", "evaluate"):
        assert expected in names


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert __version__ in result.output


def test_scan_help_documents_exit_codes_and_options() -> None:
    out = CliRunner().invoke(cli, ["scan", "--help"]).output
    for option in ("--format", "--value", "--currency", "--jurisdiction", "--fail-on", "-o, --output",
                   "--procurement-date", "--template-dir"):
        assert option in out
    assert "Exit status" in out
