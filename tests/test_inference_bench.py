"""``carbongap bench inference``: its step profile is the replication's own code path,
and its report (timings are never asserted)."""

from __future__ import annotations

import pytest

from carbongap.bench.inference import (
    InferenceBenchmark,
    format_inference_benchmark,
    run_inference_benchmark,
)
from carbongap.config import load_config


def test_the_report_keeps_one_process_and_workers_apart_and_says_what_is_extrapolated():
    result = InferenceBenchmark({"DEA, both models (SBI LPs, indices)": 0.3,
                                 "regressions (64 fits)": 0.1}, 20, 8.0, 100, 2, 25.0, 282,
                                {"cpu": "X", "cores": 2, "memory_gib": 1.0,
                                 "load_1min": 0.1})
    text = format_inference_benchmark(result)
    assert "machine: X, 2 cores" in text
    assert "  DEA, both models (SBI LPs, indices)         300.0 ms   75.0%" in text
    assert ("one process: 20 replications in 8.0 s = 400 ms each; 999 at that rate: 400 s "
            "(extrapolated)") in text
    assert "2 workers: 100 replications in 25.0 s" in text and "4.00 replications per" in text
    assert text.endswith("goal 999 replications within 300 s on 2 workers: 250 s at this "
                         "rate (met, extrapolated from 100)")


@pytest.mark.timeout(300)
def test_a_small_run_measures_every_step():
    from carbongap.bench.inference import paper_pipeline

    pipeline = paper_pipeline(load_config(overrides=["data.synthetic_cities=30"]))
    result = run_inference_benchmark(reps=4, jobs=2, serial=2, profile=2, pipeline=pipeline)
    assert set(result.steps) == {"draw and resampled frames",
                                 "DEA, both models (SBI LPs, indices)", "regression panel",
                                 f"regressions ({len(pipeline.specs) * 4} fits)",
                                 "yearly means"}
    assert all(seconds > 0 for seconds in result.steps.values())
    assert result.cities == 30 and result.reps == 4 and result.serial_reps == 2
