from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for benchmarks

from benchmarks.stages import PIPELINE_STAGES, stage_times  # noqa: E402
from benchmarks.tender_pdfs import tender_pdf  # noqa: E402


def test_stage_times_cover_the_scan_and_leave_the_pipeline_as_it_was(tmp_path):
    from barrier_scan import pipeline

    before = {name: getattr(pipeline, name) for name in PIPELINE_STAGES}
    files = [tender_pdf(tmp_path / f"t{i}.pdf", pages=2, seed=40 + i) for i in range(2)]
    pages, total, stages = stage_times(files, use_model=False)
    assert pages == 4
    assert {"extract", "segment", "rules", "describe"} <= set(stages)
    assert 0 < sum(stages.values()) <= total * 1.05  # the stages are parts of the total
    assert {name: getattr(pipeline, name) for name in PIPELINE_STAGES} == before


def test_paired_runs_set_each_run_against_the_baseline_either_side(monkeypatch):
    """A baseline drifting steadily (100, 110, 120 ...) with `other` at twice the rate of its
    moment: bracketing gives exactly 2, where "the run before" alone would say 2.1 and more."""
    from dataclasses import dataclass

    from benchmarks import bench

    @dataclass
    class Run:
        rate: float

    clock = iter(range(100))
    monkeypatch.setattr(bench, "PAIRED_REPEAT", 4)
    baseline = lambda: Run(100.0 + 10 * next(clock))  # noqa: E731
    other = lambda: Run(2 * (100.0 + 10 * next(clock)))  # noqa: E731
    fastest_base, fastest_other, ratio = bench._in_turn(baseline, other)
    assert ratio == 2.0
    assert fastest_base.rate == 180.0 and fastest_other.rate == 340.0  # A B A B A B A B A
