"""Progress of an audit: a bar on a terminal, plain periodic log lines otherwise.

Both show documents done of the total, documents/s, pages/s and the time left, so a batch
run under `nohup` or in CI leaves a readable log instead of a screenful of carriage returns.
"""
from __future__ import annotations

import sys
import time
from typing import Optional, TextIO

MODES = ("auto", "bar", "log", "none")
DEFAULT_LOG_INTERVAL = 10.0  # seconds between log lines


class Progress:
    """Counts documents as they finish and reports the rates.

    total (int): documents expected (skipped ones count towards it).
    mode (str): auto (bar on a terminal, log lines otherwise) | bar | log | none.
    """

    def __init__(self, total: int, *, mode: str = "auto", stream: Optional[TextIO] = None,
                 interval: float = DEFAULT_LOG_INTERVAL) -> None:
        self.stream = stream or sys.stderr
        if mode == "auto":
            mode = "bar" if _isatty(self.stream) else "log"
        self.mode = mode
        self.total = total
        self.interval = interval
        self.ok = self.failed = self.skipped = self.pages = 0
        self.started = time.monotonic()
        self._last_log = self.started
        self._bar = None
        if mode == "bar":
            self._bar = _bar_class()(total=total, file=self.stream, unit="doc", dynamic_ncols=True,
                             bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}{postfix}]")

    # the number of documents whose time is counted in the rates (skips take no time)
    @property
    def done(self) -> int:
        return self.ok + self.failed + self.skipped

    def rates(self) -> tuple[float, float, Optional[float]]:
        """(documents/s, pages/s, seconds left or None) over the documents actually scanned."""
        elapsed = max(time.monotonic() - self.started, 1e-9)
        scanned = self.ok + self.failed
        docs_per_s = scanned / elapsed
        pages_per_s = self.pages / elapsed
        left = self.total - self.done
        eta = left / docs_per_s if docs_per_s > 0 else None
        return docs_per_s, pages_per_s, eta

    def advance(self, status: str, pages: int = 0) -> None:
        if status == "ok":
            self.ok += 1
        elif status == "failed":
            self.failed += 1
        else:
            self.skipped += 1
        self.pages += pages
        if self._bar is not None:
            docs_s, pages_s, _ = self.rates()
            self._bar.set_postfix_str(f"{docs_s:.1f} docs/s, {pages_s:.0f} pages/s, "
                                      f"{self.failed} failed, {self.skipped} skipped",
                                      refresh=False)
            self._bar.update(1)
        elif self.mode == "log":
            now = time.monotonic()
            if now - self._last_log >= self.interval:
                self._last_log = now
                self._log_line()

    def _log_line(self, prefix: str = "audit") -> None:
        docs_s, pages_s, eta = self.rates()
        eta_text = _duration(eta) if eta is not None else "?"
        print(f"{prefix}: {self.done}/{self.total} documents ({self.ok} ok, {self.failed} failed, "
              f"{self.skipped} skipped), {docs_s:.1f} docs/s, {pages_s:.0f} pages/s, "
              f"ETA {eta_text}", file=self.stream, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        elif self.mode == "log":
            self._log_line("audit done")


def _bar_class() -> type:
    from tqdm import tqdm

    class QuietBar(tqdm):  # type: ignore[misc]
        # no monitor thread: the local executor forks workers, and forking a process that
        # runs other threads can deadlock the child
        monitor_interval = 0

    return QuietBar


def _duration(seconds: float) -> str:
    s = int(round(seconds))
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}h{m:02d}m" if h else (f"{m}m{s:02d}s" if m else f"{s}s")


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
