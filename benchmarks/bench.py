"""Throughput and memory of extraction, scan and audit, measured in one run.

    python -m benchmarks.bench                 # quick: ~60 tenders + a 200-page tender
    python -m benchmarks.bench --docs 200      # a bigger mix
    python -m benchmarks.bench --full          # also the 1,000-tender audit killed half-way
    python -m benchmarks.bench --no-model      # rules only

Prints, for the same generated tenders:
  raw pypdfium2 text extraction pages/s (the floor any pipeline pays),
  pdfplumber extract_text pages/s,
  scan (extract, segment, rules, classifier) pages/s in one process, fast and layout extractors,
  audit pages/s with 1 and 2 workers, and the speed-up,
  peak memory (RSS) per worker, on the mix and on a 200-page tender,
and checks them against the targets of the batch-audit issue. With --full, 1,000 tenders of
mixed sizes (2% broken) are audited by the command line, killed with SIGKILL half-way,
resumed, and the database is checked: every good tender once, every broken one recorded.
Targets are reported, not asserted: timings depend on the machine.
"""
from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Sequence

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.tender_pdfs import GeneratedFile, corpus, tender_pdf  # noqa: E402

# The targets.
TARGET_PIPELINE_PAGES_S = 120.0  # full pipeline, audit mode, one core
TARGET_SHARE_OF_RAW = 0.15  # ... and at least this share of raw pypdfium2 extraction
TARGET_LAYOUT_OVERHEAD = 1.25  # scan with pdfplumber vs pdfplumber's own extract_text
TARGET_TWO_WORKER_SPEEDUP = 1.8
TARGET_WORKER_RSS_MB = 400.0  # on a 200-page tender
BIG_TENDER_PAGES = 200


@dataclass
class Row:
    name: str
    value: float
    unit: str
    note: str = ""


def _timed(fn: Callable[[], int]) -> tuple[int, float]:
    start = time.perf_counter()
    pages = fn()
    return pages, time.perf_counter() - start


def raw_pdfium(files: Sequence[Path]) -> int:
    import pypdfium2 as pdfium

    pages = 0
    for f in files:
        doc = pdfium.PdfDocument(str(f))
        try:
            for page in doc:
                textpage = page.get_textpage()
                textpage.get_text_range()
                textpage.close()
                page.close()
                pages += 1
        finally:
            doc.close()
    return pages


def raw_pdfplumber(files: Sequence[Path]) -> int:
    import pdfplumber

    pages = 0
    for f in files:
        with pdfplumber.open(f) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.close()
                pages += 1
    return pages


def scan_in_process(files: Sequence[Path], extractor: str, use_model: bool) -> tuple[int, float]:
    """Pages and seconds for scanning `files` in this process (one core), scanner pre-built."""
    from barrier_scan.pipeline import Scanner
    from barrier_scan.settings import ScanSettings

    settings = ScanSettings(extractor=extractor, use_model=use_model)
    scanner = Scanner(settings)
    scanner.scan_path(files[0], settings=settings)  # warm-up, not timed

    def run() -> int:
        return sum(scanner.scan_path(f, settings=settings).pages for f in files)
    return _timed(run)


def audit_run(paths: Sequence[Path], db: Path, jobs: int, use_model: bool) -> tuple[int, float, float]:
    """(pages, seconds scanning once the workers are ready, peak worker RSS MB)."""
    from barrier_scan.audit import AuditOptions, audit

    if db.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    summary = audit(list(paths), db, {"use_model": use_model},
                    AuditOptions(jobs=jobs, progress="none"))
    with sqlite3.connect(db) as conn:
        peak = conn.execute("SELECT max(peak_rss_mb) FROM documents").fetchone()[0] or 0.0
    return summary.pages, summary.scan_seconds, float(peak)


def full_resume_check(work: Path, count: int, use_model: bool, jobs: int) -> list[Row]:
    """The 1,000-tender audit: run the CLI, SIGKILL it half-way, run it again, check the DB."""
    docs = work / f"corpus-{count}"
    step(f"generating {count} tenders in {docs}")
    files = corpus(docs, count, broken=0.02, seed=1000, jobs=os.cpu_count() or 1)
    good = {Path(f.path).name for f in files if not f.broken}
    broken = {Path(f.path).name for f in files if f.broken}
    db = work / f"audit-{count}.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    cmd = [sys.executable, "-c", "from barrier_scan.audit.commands import audit; audit()",
           str(docs), "--db", str(db), "--jobs", str(jobs), "--progress", "log"]
    if not use_model:
        cmd.append("--no-model")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, start_new_session=True)
    while _count(db) < count // 2:
        if proc.poll() is not None:
            raise SystemExit("the audit ended before half-way; nothing to resume")
        time.sleep(0.2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    killed_at = _count(db)
    step(f"killed with SIGKILL after {killed_at} documents; resuming")
    subprocess.run(cmd, cwd=REPO, env=env, check=True)
    elapsed = time.perf_counter() - started
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT path, status FROM documents").fetchall()
        runs = [r[0] for r in conn.execute("SELECT status FROM runs ORDER BY id")]
    names = [Path(p).name for p, _ in rows]
    ok = {Path(p).name for p, s in rows if s == "ok"}
    failed = {Path(p).name for p, s in rows if s == "failed"}
    once = len(names) == len(set(names))
    complete = ok == good and failed == broken and once
    return [
        Row("1,000-tender audit: documents in the database", len(rows), "docs",
            f"{len(ok)} ok of {len(good)} good, {len(failed)} failed of {len(broken)} broken"),
        Row("1,000-tender audit: killed at", killed_at, "docs", "SIGKILL, then resumed"),
        Row("1,000-tender audit: every good one once, every broken one recorded",
            1.0 if complete else 0.0, "bool",
            ("PASS" if complete else "FAIL") + f"; runs {runs}; {elapsed:.0f}s in all"),
    ]


def _count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


_T0 = time.perf_counter()


def step(message: str) -> None:
    print(f"[{time.perf_counter() - _T0:6.1f}s] {message}", flush=True)


def _check(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description="barrier-scan throughput and memory benchmark")
    ap.add_argument("--docs", type=int, default=60, help="tenders in the mixed set (default 60)")
    ap.add_argument("--workdir", type=Path, default=None,
                    help="where generated tenders are kept between runs (default: a temp dir)")
    ap.add_argument("--no-model", action="store_true", help="rules only")
    ap.add_argument("--full", action="store_true",
                    help="also audit 1,000 tenders, kill it half-way and resume")
    ap.add_argument("--full-count", type=int, default=1000)
    args = ap.parse_args(argv)
    use_model = not args.no_model
    work = args.workdir or Path(tempfile.mkdtemp(prefix="barrier-scan-bench-"))
    work.mkdir(parents=True, exist_ok=True)

    step(f"generating {args.docs} tenders and a {BIG_TENDER_PAGES}-page tender in {work}")
    mix: list[GeneratedFile] = corpus(work / f"mix-{args.docs}", args.docs, broken=0.0, seed=7,
                                      jobs=os.cpu_count() or 1)
    files = [Path(f.path) for f in mix]
    big = work / f"tender-{BIG_TENDER_PAGES}p.pdf"
    if not big.exists():
        tender_pdf(big, BIG_TENDER_PAGES, seed=2024)
    n_pages = sum(f.pages for f in mix)
    step(f"{len(files)} tenders, {n_pages} pages; cores: {os.cpu_count()}; model: {use_model}")

    rows: list[Row] = []
    step("raw pypdfium2 and pdfplumber text")
    pages, secs = _timed(lambda: raw_pdfium(files))
    raw_rate = pages / secs
    rows.append(Row("raw pypdfium2 text extraction", raw_rate, "pages/s", "the floor"))
    pages, secs = _timed(lambda: raw_pdfplumber(files))
    rows.append(Row("pdfplumber extract_text", pages / secs, "pages/s"))

    step("scanning in one process, fast extractor")
    pages, secs = scan_in_process(files, "fast", use_model)
    fast_rate = pages / secs
    rows.append(Row("scan, fast extractor (audit default), one core", fast_rate, "pages/s",
                    f"{_check(fast_rate >= TARGET_PIPELINE_PAGES_S)} target >= "
                    f"{TARGET_PIPELINE_PAGES_S:.0f}; {fast_rate / raw_rate:.2f}x raw pypdfium2 "
                    f"({_check(fast_rate / raw_rate >= TARGET_SHARE_OF_RAW)} target >= "
                    f"{TARGET_SHARE_OF_RAW})"))
    step("scanning in one process, layout extractor")
    pages, secs = scan_in_process(files, "layout", use_model)
    rows.append(Row("scan, layout extractor (pdfplumber), one core", pages / secs, "pages/s"))

    # the same file: scan with pdfplumber against pdfplumber's own extract_text
    step(f"the {BIG_TENDER_PAGES}-page tender: pdfplumber, then a layout scan")
    plumber_pages, plumber_secs = _timed(lambda: raw_pdfplumber([big]))
    scan_pages, scan_secs = scan_in_process([big], "layout", use_model)
    overhead = scan_secs / plumber_secs
    rows.append(Row(f"layout scan / pdfplumber extract_text, {BIG_TENDER_PAGES}-page tender",
                    overhead, "x", f"{_check(overhead <= TARGET_LAYOUT_OVERHEAD)} target <= "
                                   f"{TARGET_LAYOUT_OVERHEAD}"))

    step("auditing with 1 and 2 workers")
    mix_dir = work / f"mix-{args.docs}"
    p1, s1, rss1 = audit_run([mix_dir], work / "bench-1.sqlite", 1, use_model)
    p2, s2, rss2 = audit_run([mix_dir], work / "bench-2.sqlite", 2, use_model)
    rate1, rate2 = p1 / s1, p2 / s2
    rows.append(Row("audit, 1 worker", rate1, "pages/s", f"peak RSS {rss1:.0f} MB"))
    rows.append(Row("audit, 2 workers", rate2, "pages/s", f"peak RSS per worker {rss2:.0f} MB"))
    speedup = rate2 / rate1
    rows.append(Row("audit speed-up, 2 workers / 1", speedup, "x",
                    f"{_check(speedup >= TARGET_TWO_WORKER_SPEEDUP)} target >= "
                    f"{TARGET_TWO_WORKER_SPEEDUP}"))
    step(f"auditing the {BIG_TENDER_PAGES}-page tender alone for peak memory")
    big_dir = work / "big"
    big_dir.mkdir(exist_ok=True)
    (big_dir / big.name).write_bytes(big.read_bytes())
    _, _, rss_big = audit_run([big_dir], work / "bench-big.sqlite", 1, use_model)
    rows.append(Row(f"peak RSS per worker, {BIG_TENDER_PAGES}-page tender", rss_big, "MB",
                    f"{_check(rss_big < TARGET_WORKER_RSS_MB)} target < {TARGET_WORKER_RSS_MB:.0f}"))

    if args.full:
        rows += full_resume_check(work, args.full_count, use_model, jobs=os.cpu_count() or 1)

    width = max(len(r.name) for r in rows)
    step("done")
    print()
    for r in rows:
        value = f"{r.value:,.2f}" if r.unit in ("x", "bool") else f"{r.value:,.1f}"
        print(f"{r.name.ljust(width)}  {value:>10} {r.unit:<8} {r.note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
