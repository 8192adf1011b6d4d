"""Where a scanned page's time goes, stage by stage, on one core.

    python -m benchmarks.stages                # the 30-tender mix of benchmarks.bench
    python -m benchmarks.stages --no-model     # rules only
    python -m benchmarks.stages --docs 60 --workdir /tmp/bench

Each pipeline stage the Scanner calls is wrapped with a CPU timer (a few calls per
document, so the wrapping costs nothing measurable); the mix is scanned three times and the
fastest pass is reported in milliseconds per page, with the raw pypdfium2 text extraction of
the same files as the baseline every pipeline pays.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.bench import _timed, raw_pdfium  # noqa: E402
from benchmarks.tender_pdfs import corpus  # noqa: E402

# the pipeline module's names for its stages, as Scanner.scan_path / scan_document call them
PIPELINE_STAGES = ("extract", "segment", "worth_classifying", "find_contract_value", "assess_all",
                   "describe", "combine")
PASSES = 3


def _timed_stage(fn: Callable[..., Any], key: str, totals: dict[str, float]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            totals[key] += time.process_time() - start
    return wrapper


def stage_times(files: Sequence[Path], use_model: bool) -> tuple[int, float, dict[str, float]]:
    """(pages, total CPU seconds, CPU seconds per stage) of the fastest of PASSES scans."""
    from barrier_scan import pipeline
    from barrier_scan.settings import ScanSettings

    totals: dict[str, float] = defaultdict(float)
    settings = ScanSettings(extractor="fast", use_model=use_model)
    scanner = pipeline.Scanner(settings)
    originals = {name: getattr(pipeline, name) for name in PIPELINE_STAGES}
    try:
        for name, fn in originals.items():
            setattr(pipeline, name, _timed_stage(fn, name, totals))
        scanner.rules.detect = _timed_stage(scanner.rules.detect, "rules", totals)  # type: ignore[method-assign]
        if scanner.classifier:
            scanner.classifier.detect = _timed_stage(  # type: ignore[method-assign]
                scanner.classifier.detect, "classifier", totals)
        scanner.scan_path(files[0], settings=settings)  # warm-up
        best: Optional[tuple[int, float, dict[str, float]]] = None
        for _ in range(PASSES):
            totals.clear()
            start = time.process_time()
            pages = sum(scanner.scan_path(f, settings=settings).pages for f in files)
            total = time.process_time() - start
            if best is None or total < best[1]:
                best = (pages, total, dict(totals))
    finally:
        for name, fn in originals.items():
            setattr(pipeline, name, fn)
    assert best is not None
    return best


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description="per-stage time of the fast scan")
    ap.add_argument("--docs", type=int, default=30, help="tenders in the mix (default 30)")
    ap.add_argument("--workdir", type=Path, default=None, help="where the tenders are kept")
    ap.add_argument("--no-model", action="store_true", help="rules only")
    args = ap.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="barrier-scan-stages-"))
    mix = corpus(work / f"mix-{args.docs}", args.docs, broken=0.0, seed=7)
    files = [Path(f.path) for f in mix]
    pages, total, stages = stage_times(files, use_model=not args.no_model)
    raw = _timed(lambda: raw_pdfium(files), repeat=PASSES).cpu
    print(f"{len(files)} tenders, {pages} pages: {pages / total:.1f} pages/s on one core "
          f"({1000 * total / pages:.2f} ms/page); raw pypdfium2 {1000 * raw / pages:.2f} ms/page "
          f"(scan = {raw / total:.2f}x raw)")
    for name, seconds in sorted(stages.items(), key=lambda kv: -kv[1]):
        print(f"  {name:22s} {1000 * seconds / pages:6.2f} ms/page")
    print(f"  {'(the rest)':22s} {1000 * (total - sum(stages.values())) / pages:6.2f} ms/page")
    return 0


if __name__ == "__main__":
    sys.exit(main())
