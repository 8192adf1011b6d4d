"""What the clause classifier costs: a 60-page tender scanned with rules alone and with the
classifier on, side by side in one run.

    python -m benchmarks.bench_classifier               # 60 pages, 5 rounds
    python -m benchmarks.bench_classifier --pages 200 --rounds 3

Both scanners are built (rule pack and model loaded) before timing starts, as a batch job
does once per worker. Rounds alternate rules / rules+model so machine noise hits both alike;
the median of each is compared. Also printed: the classifier's own share (gate, one
predict_proba call for the document, terms) and how many clauses the keyword gate let through.
Target (classifier issue): scan time with the classifier <= 1.5x rules alone.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional, Sequence

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.tender_pdfs import tender_pdf  # noqa: E402

TARGET_RATIO = 1.5
SEED = 60


def run(pages: int, rounds: int) -> dict[str, float]:
    from barrier_scan.detect.classifier import gate_mask
    from barrier_scan.extract import extract
    from barrier_scan.pipeline import Scanner
    from barrier_scan.segment import segment
    from barrier_scan.settings import ScanSettings

    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / f"tender-{pages}p.pdf"
        tender_pdf(pdf, pages, SEED)

        started = time.perf_counter()
        rules_only = Scanner(ScanSettings(use_model=False))
        rules_load = time.perf_counter() - started
        started = time.perf_counter()
        with_model = Scanner(ScanSettings(use_model=True))
        model_load = time.perf_counter() - started
        if with_model.classifier is None:
            raise SystemExit("the classifier did not load; run `barrier-scan train` first")

        with_model.scan_path(pdf)  # warm caches (spaCy pipeline, regexes) for both
        rules_only.scan_path(pdf)
        times: dict[str, list[float]] = {"rules": [], "model": []}
        for _ in range(rounds):
            for name, scanner in (("rules", rules_only), ("model", with_model)):
                started = time.perf_counter()
                result = scanner.scan_path(pdf)
                times[name].append(time.perf_counter() - started)

        clauses = segment(extract(pdf))
        texts = [c.text for c in clauses]
        classifier = with_model.classifier
        started = time.perf_counter()
        passed = int(gate_mask(classifier.gate, texts).sum())
        gate_time = time.perf_counter() - started
        started = time.perf_counter()
        rule_findings = with_model.rules.detect(clauses)
        rules_detect_time = time.perf_counter() - started
        started = time.perf_counter()
        model_findings = classifier.detect(clauses, rule_findings)  # every clause, ungated by rules
        detect_time = time.perf_counter() - started

    rules_s, model_s = statistics.median(times["rules"]), statistics.median(times["model"])
    return {"pages": result.pages, "clauses": len(clauses), "gate_passed": passed,
            "rules_scan_s": rules_s, "model_scan_s": model_s, "ratio": model_s / rules_s,
            "rules_detect_s": rules_detect_time, "classifier_detect_s": detect_time,
            "gate_s": gate_time, "model_findings": len(model_findings),
            "rules_load_s": rules_load, "model_load_s": model_load}


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    r = run(args.pages, args.rounds)
    print(f"tender: {r['pages']} pages, {r['clauses']} clauses; keyword gate let "
          f"{r['gate_passed']} through ({r['gate_passed'] / max(r['clauses'], 1):.0%})")
    print(f"load once:            rules {r['rules_load_s']:.2f}s   rules+classifier {r['model_load_s']:.2f}s")
    print(f"scan (median of {args.rounds}):  rules {r['rules_scan_s']:.2f}s   "
          f"rules+classifier {r['model_scan_s']:.2f}s   ratio {r['ratio']:.2f}x")
    print(f"detect stage alone:   rules {r['rules_detect_s'] * 1000:.0f} ms   classifier "
          f"{r['classifier_detect_s'] * 1000:.0f} ms (gate {r['gate_s'] * 1000:.0f} ms, "
          f"{r['model_findings']} findings)")
    verdict = "PASS" if r["ratio"] <= TARGET_RATIO else "FAIL"
    print(f"target: classifier on <= {TARGET_RATIO}x rules alone -> {verdict}")


if __name__ == "__main__":
    main()
