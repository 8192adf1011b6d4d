"""Progress: a bar with rates on a terminal, plain periodic lines otherwise."""
from __future__ import annotations

import io

from barrier_scan.audit.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_auto_picks_a_bar_on_a_terminal_and_lines_elsewhere():
    assert Progress(1, stream=Terminal()).mode == "bar"
    assert Progress(1, stream=io.StringIO()).mode == "log"


def test_the_bar_shows_documents_pages_and_time_left():
    out = Terminal()
    progress = Progress(3, mode="bar", stream=out)
    for status, pages in (("ok", 10), ("failed", 0), ("skipped", 0)):
        progress.advance(status, pages)
    progress.close()
    text = out.getvalue()
    assert "3/3" in text and "docs/s" in text and "pages/s" in text
    assert "1 failed, 1 skipped" in text


def test_log_lines_come_at_the_interval_and_at_the_end():
    out = io.StringIO()
    progress = Progress(4, mode="log", stream=out, interval=0.0)
    progress.advance("ok", 5)
    progress.advance("skipped")
    progress.close()
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("audit: 1/4 documents (1 ok, 0 failed, 0 skipped)")
    assert "ETA" in lines[0]
    assert lines[-1].startswith("audit done: 2/4 documents (1 ok, 0 failed, 1 skipped)")


def test_rates_count_scanned_documents_not_skipped_ones():
    progress = Progress(10, mode="none")
    for _ in range(5):
        progress.advance("skipped")
    docs_per_s, pages_per_s, eta = progress.rates()
    assert docs_per_s == 0 and pages_per_s == 0 and eta is None
