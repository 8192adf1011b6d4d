"""What every command-line module shares: exit codes, one-line errors and atomic output.

The commands live beside their library modules (cli.py, report/commands.py,
audit/commands.py, train_commands.py); they all report problems and write files this way.
"""
from __future__ import annotations

import functools
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable, Optional

import click

from .errors import BarrierScanError

EXIT_FINDINGS = 1  # --fail-on matched, or a rules test failed
EXIT_INPUT = 2  # usage errors and input that could not be read


def fail(message: str) -> click.exceptions.Exit:
    """Print one line on stderr; return the exit to raise."""
    click.echo(f"barrier-scan: {message}", err=True)
    return click.exceptions.Exit(EXIT_INPUT)


def handle_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn library and OS errors into one line on stderr and exit status 2."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except BarrierScanError as exc:
            raise fail(str(exc))
        except OSError as exc:
            raise fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "))
    return wrapper


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_output(data: "str | bytes", output: Optional[str]) -> None:
    """Print, or write atomically: a half-written report never replaces a good one."""
    if not output or output == "-":
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            click.echo(data, nl=not data.endswith("\n"))
        return
    target = Path(output)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data if isinstance(data, bytes) else data.encode("utf-8"))
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600; a report is an ordinary file
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
