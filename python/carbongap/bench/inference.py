"""``carbongap bench inference``: pipeline-bootstrap replications at the paper's size.

The work: the default synthetic panel (282 cities, 2006-2019; the paper's size), the
paper's configuration, and bootstrap replications of the inference stage
(:mod:`carbongap.inference`): each draws cities within region groups, re-solves both DEA
models (88 technology LP sets, the compiled kernel), rebuilds the regression panel and
refits the 64 regressions of Tables 1-8.

Reported apart, never mixed:

* **where the time goes**, one process: the mean seconds per replication of each step
  (draw and resampled frames, DEA, regression panel, regressions, yearly means) over
  ``profile`` replications;
* **one process**: ``serial`` replications in this process, per replication and the time
  999 would take at that rate (the report says it is extrapolated);
* **workers**: ``reps`` replications on ``jobs`` worker processes (joblib), wall time
  including the workers' start, against the goal of 999 in 300 s.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ..config import Config, InferenceConfig
from ..inference.draws import BOOTSTRAP, city_groups, draw
from ..inference.replication import Chunk, Pipeline, replicate, run_chunk
from ..inference.resampling import design_of, scheme_chunks
from ..parallel import Execution, run_tasks
from .machine import machine, machine_line

#: The goal: this many replications within :data:`GOAL_SECONDS` on two workers.
GOAL_REPS, GOAL_SECONDS = 999, 300.0
SEED = 20240301


@dataclass
class InferenceBenchmark:
    """What :func:`run_inference_benchmark` measured (seconds)."""

    steps: dict[str, float]  #: mean seconds per replication of each step, one process
    serial_reps: int
    serial_seconds: float
    reps: int
    jobs: int
    parallel_seconds: float
    cities: int
    machine: dict[str, object] = field(default_factory=machine)


def paper_pipeline(config: Config | None = None) -> Pipeline:
    """The inference pipeline of the default synthetic panel under ``config``."""
    from ..pipeline.registry import STAGES
    from ..stagekit.evaluate import Evaluator
    from ..stagekit.stage import Context, find_stage
    from ..stages.inference import pipeline_of

    config = config or Config()
    evaluator = Evaluator(Context(config=config, upstream={}, stages=STAGES), {}, config)
    results = evaluator.results(config, "accounting")
    return pipeline_of(find_stage("inference", STAGES).context(config, results))


def step_profile(pipeline: Pipeline, reps: int) -> dict[str, float]:
    """Mean seconds per replication of each step of
    :func:`carbongap.inference.replication.replicate` (its own timings)."""
    groups = city_groups(pipeline.panel.frame)
    steps: dict[str, float] = {}
    for r in range(1, reps + 1):
        replicate(pipeline, draw(groups, BOOTSTRAP, SEED, r), timings=steps)
    return {name: seconds / reps for name, seconds in steps.items()}


def _bootstrap_chunks(pipeline: Pipeline, reps: int) -> list[Chunk]:
    """Bootstrap replications 1..reps, as the inference stage draws them."""
    design = design_of(pipeline, reps, SEED, InferenceConfig().power)
    return scheme_chunks(pipeline, design, BOOTSTRAP, 1)


def run_inference_benchmark(*, reps: int = GOAL_REPS, jobs: int = 2, serial: int = 20,
                            profile: int = 10, pipeline: Pipeline | None = None
                            ) -> InferenceBenchmark:
    """The three measurements of the module docstring."""
    pipeline = pipeline or paper_pipeline()
    run_chunk(_bootstrap_chunks(pipeline, 1)[0])  # compile and warm the kernels
    steps = step_profile(pipeline, profile)
    start = time.perf_counter()
    for chunk in _bootstrap_chunks(pipeline, serial):
        run_chunk(chunk)
    serial_seconds = time.perf_counter() - start
    start = time.perf_counter()
    run_tasks(run_chunk, _bootstrap_chunks(pipeline, reps), execution=Execution(jobs))
    parallel_seconds = time.perf_counter() - start
    return InferenceBenchmark(steps, serial, serial_seconds, reps, jobs, parallel_seconds,
                              len(pipeline.panel.starts))


def format_inference_benchmark(result: InferenceBenchmark) -> str:
    """The report (module docstring)."""
    per = result.serial_seconds / result.serial_reps
    total = sum(result.steps.values())
    lines = [machine_line(result.machine),  # type: ignore[arg-type]
             f"pipeline-bootstrap replications of {result.cities} cities (the paper's "
             "size): draw, both DEA models, the regression panel, Tables 1-8's "
             "coefficients, yearly means", "",
             "where the time goes (one process, mean per replication):"]
    lines += [f"  {name:<40} {1e3 * seconds:8.1f} ms  {100 * seconds / total:5.1f}%"
              for name, seconds in sorted(result.steps.items(), key=lambda kv: -kv[1])]
    lines += ["", f"one process: {result.serial_reps} replications in "
              f"{result.serial_seconds:.1f} s = {1e3 * per:.0f} ms each; {GOAL_REPS} at "
              f"that rate: {GOAL_REPS * per:.0f} s (extrapolated)",
              f"{result.jobs} workers: {result.reps} replications in "
              f"{result.parallel_seconds:.1f} s (wall, workers' start included) = "
              f"{result.reps / result.parallel_seconds:.2f} replications per second"]
    rate = result.parallel_seconds / result.reps
    verdict = "met" if GOAL_REPS * rate <= GOAL_SECONDS else "NOT met"
    lines.append(f"goal {GOAL_REPS} replications within {GOAL_SECONDS:.0f} s on 2 workers: "
                 f"{GOAL_REPS * rate:.0f} s at this rate ({verdict}"
                 + ("" if result.reps == GOAL_REPS else ", extrapolated from "
                    f"{result.reps}") + ")")
    return "\n".join(lines)

