"""``carbongap bench dea``: speed and memory of the SBI Luenberger engine (docs/methods.md §6).

The job is the paper's DEA stage on a seeded simulated panel of the paper's size (282
cities, 2006-2016): both models (production: capital, employment -> real GDP; green: plus
CO2 as a bad output), CRS and VRS, every own-period and cross-period LP of the
contemporaneous frontier (about 35,000 distinct LPs). Screening and planning are timed
once; the engine's time is the solving of every planned job (reference-set pruning,
warm-started HiGHS, the optimality checks: :func:`carbongap.dea.technology.run_jobs`),
measured on two executors and reported separately:

* **single process** (HiGHS runs one thread; numpy's BLAS may add threads, which the
  printed CPU / wall ratio shows), against the peers, which also run in one process: per
  LP and as a ratio of per-LP times on the same LPs;
* **parallel** (``jobs`` worker processes or Dask): wall time only, with its speed-up over
  the single process; never set against the single-core peers.

The peers (:mod:`carbongap.bench.dea_peers`), each timed on a seeded uniform sample of
the very LPs the engine solved (the cost of timing the sample is reported too):

* a naive loop: one ``scipy.optimize.linprog(method="highs")`` per LP, each built from
  scratch against the full reference set;
* R Benchmarking's per-unit ``dea.add`` loop on the docs/methods.md §9 rescaling, timed
  inside R, where rpy2, R and the package are installed (R finds it on its library
  paths, ``R_LIBS`` included); otherwise the report says it was skipped.

Each comparison also gives the largest difference from the engine's value where both are
optimal, and the status mismatches. :data:`SIZES` holds the two standard jobs:
``"paper"`` (282 cities x 2006-2016) and ``"county"`` (2,800 units x 2000-2019). The
scaling series (``--scale``) is in :mod:`carbongap.bench.dea_scale`. Timings on a shared
machine are noisy; the report says what was measured and how.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from ..choices import Backend, Disposability, Frontier, MeasureName
from ..dea import screen
from ..dea.ddf import DDFResult, ddf
from ..dea.measures import measure_frontier, measure_rule
from ..dea.plan import LuenbergerPlan, plan_luenberger
from ..dea.sbi import SBIResult, sbi
from ..dea.technology import (
    JobResult,
    SolveJobs,
    TechnologyJob,
    run_jobs,
    run_jobs_kernel,
    split,
)
from ..parallel import Execution
from ..progress import ProgressFactory, null_progress
from .dea_peers import (
    Comparison,
    EngineAnswers,
    benchmarking_loop,
    compare,
    r_backend_loop,
    scipy_loop,
)
from .memory import PeakMemory

#: The two models of docs/methods.md §6: name -> (inputs, good outputs, bad outputs).
MODELS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "production": (("capital", "employment"), ("gdp_real",), ()),
    "green": (("capital", "employment"), ("gdp_real",), ("co2",)),
}
#: The line of a peer that is not installed.
BENCHMARKING_SKIPPED = "R Benchmarking: not installed (skipped)"

Results = dict[str, list[JobResult]]


def simulate_panel(n_units: int = 282, years: tuple[int, int] = (2006, 2016),
                   seed: int = 0) -> pd.DataFrame:
    """A seeded city panel drawn around a known frontier, in the project's units.

    Frontier: gdp* = 50 A_t K^0.35 L^0.6 (mildly decreasing returns, so CRS and VRS
    differ), technology A_t a random walk with drift 3% a year; real GDP
    = gdp* exp(-u) with u a persistent plus a transitory half-normal inefficiency; CO2
    = 2 E_t gdp^0.95 exp(v), E_t drifting down 2% a year. Capital (10^4 yuan) grows 8% a
    year around 5e6 times a lognormal city size; employment (10^4 persons) around 100
    times the size.

    Returns city_code, year, capital, employment, gdp_real (10^4 yuan), co2 (t).
    """
    rng = np.random.default_rng(seed)
    span = np.arange(years[1] - years[0] + 1)
    size = rng.lognormal(0.0, 0.8, n_units)[:, None]
    employment = 100.0 * size * np.exp(rng.normal(0, 0.1, (n_units, span.size)) + 0.01 * span)
    capital = 5e6 * size * np.exp(rng.normal(0, 0.3, (n_units, 1))
                                  + rng.normal(0, 0.1, (n_units, span.size)) + 0.08 * span)
    technology = np.exp(np.cumsum(rng.normal(0.03, 0.02, span.size)))
    frontier = 50.0 * technology * capital**0.35 * employment**0.6
    inefficiency = (np.abs(rng.normal(0, 0.25, (n_units, 1)))
                    + np.abs(rng.normal(0, 0.1, (n_units, span.size))))
    gdp = frontier * np.exp(-inefficiency)
    green = np.exp(np.cumsum(rng.normal(-0.02, 0.03, span.size)))
    co2 = 2.0 * green * gdp**0.95 * np.exp(rng.normal(0, 0.3, (n_units, 1))
                                           + rng.normal(0, 0.1, (n_units, span.size)))
    return pd.DataFrame({
        "city_code": np.repeat(100000 + 100 * np.arange(n_units), span.size).astype(np.int64),
        "year": np.tile(years[0] + span, n_units).astype(np.int64),
        "capital": capital.ravel(), "employment": employment.ravel(),
        "gdp_real": gdp.ravel(), "co2": co2.ravel()})


@dataclass(frozen=True)
class EngineRun:
    """The engine solving every planned job of both models, ``len(wall_seconds)`` times.

    ``cpu_seconds`` is this process's CPU time per run (its threads included, its
    workers not: it is meaningful for the single process, where CPU close to wall time
    means one core was busy). Memory is the resident set size in MB (2^20 bytes):
    the peak over the runs, and its growth over the size when the runs started.
    """

    executor: str  #: "1 process", "2 worker processes", "Dask local (2 workers)"
    wall_seconds: tuple[float, ...]
    cpu_seconds: tuple[float, ...]
    peak_memory_mb: float
    memory_growth_mb: float

    @property
    def best_seconds(self) -> float:
        """Fastest run (s)."""
        return min(self.wall_seconds)

    @property
    def cpu_per_wall(self) -> float:
        """This process's CPU over wall time in the fastest run (single process: about 1
        when one core was busy)."""
        return self.cpu_seconds[self.wall_seconds.index(self.best_seconds)] / self.best_seconds

    def per_lp(self, lps: int) -> float:
        """Seconds per LP of the fastest run, for a job of ``lps`` distinct LPs."""
        return self.best_seconds / lps


@dataclass(frozen=True)
class Measured:
    """The engine measured on one panel (:func:`measure_engine`)."""

    plans: dict[str, LuenbergerPlan]
    setup_seconds: float  #: screening and planning both models (s)
    single: EngineRun
    parallel: EngineRun | None  #: None when ``jobs`` = 1 and no Dask
    results: Results  #: the single process's results, per model, in job order
    kernel: EngineRun  #: the compiled kernel in one process (``[productivity] solver``)
    kernel_compile_seconds: float  #: compiling the kernel or loading it from the cache
    kernel_results: Results  #: the kernel's results, per model, in job order
    kernel_parallel: EngineRun | None = None  #: the kernel on the parallel executor

    @property
    def lps(self) -> int:
        """Distinct LPs (evaluations) of the job."""
        return sum(plan.n_lps for plan in self.plans.values())

    def answers(self) -> EngineAnswers:
        """The single process's answers and time per LP, for the peers' comparison."""
        return EngineAnswers(self.plans, self.results, self.single.per_lp(self.lps))

    @property
    def lps_solved(self) -> int:
        """LP solves that answered them: the pruning LPs of each technology included
        (an evaluation of a reference unit reuses its own pruning LP)."""
        return sum(r.lps for parts in self.results.values() for r in parts)


@dataclass(frozen=True)
class DEABenchmark:
    """Result of :func:`run_dea_benchmark`."""

    units: int
    years: tuple[int, int]
    frontier: Frontier
    prune: bool
    lps: int  #: distinct LPs of the job (evaluations)
    lps_by_model: dict[str, int]
    lps_solved: int  #: LP solves, pruning LPs included (:attr:`Measured.lps_solved`)
    setup_seconds: float
    single: EngineRun
    parallel: EngineRun | None
    comparisons: tuple[Comparison, ...] = ()
    skipped: tuple[str, ...] = ()  #: comparisons not run, with the reason
    kernel: EngineRun | None = None  #: the compiled kernel in one process
    kernel_compile_seconds: float = 0.0
    kernel_max_difference: float = 0.0  #: largest |kernel - HiGHS| where both are optimal
    kernel_status_mismatches: int = 0
    by_type: tuple[TypeTiming, ...] = ()  #: each LP type alone (:func:`time_by_type`)
    kernel_parallel: EngineRun | None = None  #: the kernel on the parallel executor
    measure: str = "sbi"  #: the productivity measure whose LPs were timed (§15)
    disposability: str = "strong"  #: of the bads, for the DDF measures
    #: for a DDF measure: the SBI kernel's best time per LP on the same panel (s)
    sbi_kernel_per_lp: float | None = None


def plan_models(panel: pd.DataFrame, frontier: Frontier, prune: bool,
                measure: MeasureName = "sbi", disposability: Disposability = "strong"
                ) -> dict[str, LuenbergerPlan]:
    """The jobs of both models of :data:`MODELS` on ``panel`` (as the stage plans them),
    for ``measure`` (docs/methods.md §15; ``disposability`` for the DDF measures)."""
    plans = {}
    kind = measure_rule(measure)
    rule = measure_frontier(kind, frontier)
    for model, (inputs, good, bad) in MODELS.items():
        variables = [*inputs, *good, *bad]
        data = screen(panel, variables, label=f"{model} model").panel
        plans[model] = plan_luenberger(data, variables, (len(inputs), len(good), len(bad)),
                                       rule, unit="city_code", time="year",
                                       rts_decomposition=True, prune=prune, measure=kind,
                                       disposability=disposability)
    return plans


def _executor(jobs: int, dask: Any) -> str:
    if dask:
        return f"Dask {dask} ({jobs} workers)" if dask == "local" else f"Dask {dask}"
    return "1 process" if jobs == 1 else f"{jobs} worker processes"


def _engine(plans: dict[str, LuenbergerPlan], jobs: int, dask: Any, repeats: int,
            progress: ProgressFactory, solve: SolveJobs) -> tuple[EngineRun, Results]:
    """Time ``repeats`` runs of every planned job on the given executor with ``solve``."""
    alone = jobs == 1 and not dask
    walls, cpus = [], []
    results: Results = {}
    with PeakMemory(children=not alone) as memory:
        for _ in range(max(repeats, 1)):
            started, cpu = time.perf_counter(), time.process_time()
            results = {model: solve(plan.jobs, execution=Execution(jobs, dask, progress),
                                    description=f"{model} model: SBI LPs")
                       for model, plan in plans.items()}
            walls.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu)
    run = EngineRun(_executor(jobs, dask), tuple(walls), tuple(cpus),
                    memory.peak / 2**20, (memory.peak - memory.start) / 2**20)
    return run, results


def measure_engine(panel: pd.DataFrame, *, frontier: Frontier = "contemporaneous",
                   prune: bool = True, jobs: int = 2, dask: Any = "", repeats: int = 1,
                   progress: ProgressFactory = null_progress, measure: MeasureName = "sbi",
                   disposability: Disposability = "strong") -> Measured:
    """Plan both models on ``panel``, then time the single process and, when ``jobs`` > 1
    or ``dask`` is set, the parallel executor (``repeats`` runs each; the first parallel
    run includes starting the workers). Single-process memory counts this process alone,
    parallel memory this process and its workers."""
    started = time.perf_counter()
    plans = plan_models(panel, frontier, prune, measure, disposability)
    setup = time.perf_counter() - started
    single, results = _engine(plans, 1, "", repeats, progress, run_jobs)
    parallel = (_engine(plans, jobs, dask, repeats, progress, run_jobs)[0]
                if jobs > 1 or dask else None)
    from ..dea.kernel import warm_up

    compile_seconds = warm_up()
    kernel, kernel_results = _engine(plans, 1, "", repeats, progress, run_jobs_kernel)
    kernel_parallel = (_engine(plans, jobs, dask, repeats, progress, run_jobs_kernel)[0]
                       if jobs > 1 or dask else None)
    return Measured(plans, setup, single, parallel, results, kernel, compile_seconds,
                    kernel_results, kernel_parallel)


#: The four LP types: (own or cross period, returns to scale).
LP_TYPES: tuple[tuple[str, str], ...] = (("own", "crs"), ("own", "vrs"), ("cross", "crs"),
                                         ("cross", "vrs"))


@dataclass(frozen=True)
class TypeTiming:
    """One LP type timed alone in one process: by the HiGHS engine, by the kernel, and
    by the public :func:`carbongap.dea.sbi` (its defaults: kernel, pruning positive
    references) called once per technology."""

    period: str  #: "own" (a unit against its own period's technology) or "cross"
    rts: str
    lps: int
    highs_seconds: float
    kernel_seconds: float
    public_seconds: float = float("nan")


def jobs_of_type(plans: dict[str, LuenbergerPlan], period: str, rts: str
                 ) -> list[TechnologyJob]:
    """The planned jobs cut to one LP type: the evaluations of reference units (own
    period) or of other units (cross period), at one returns to scale; each job keeps
    its whole reference set, so its pruning is timed with it."""
    jobs = []
    for plan in plans.values():
        for job in plan.jobs:
            if job.rts != rts or job.same_as is None:
                continue
            rows = np.flatnonzero((job.same_as >= 0) == (period == "own"))
            if rows.size:
                jobs.append(dataclasses.replace(job, points=job.points[rows],
                                                same_as=job.same_as[rows]))
    return jobs


def public_calls(jobs: Sequence[TechnologyJob]) -> list[SBIResult | DDFResult]:
    """The jobs' LPs as a user would solve them: one :func:`carbongap.dea.sbi` (or, for
    DDF jobs, :func:`carbongap.dea.ddf`) call per technology with its defaults, against
    the evaluated units themselves when the points are the reference set (own period),
    else against the given reference."""
    found: list[SBIResult | DDFResult] = []
    for job in jobs:
        x, y, b = split(job.points, job.dims)
        bad = b if job.dims[2] else None
        rx, ry, rb = split(job.reference, job.dims)
        own = np.array_equal(job.points, job.reference)
        reference = (None, None, None) if own else (rx, ry, rb if job.dims[2] else None)
        if job.program.kind == "ddf":
            found.append(ddf(x, y, bad, *reference, rts=job.rts,
                             disposability=job.program.disposability))
        else:
            found.append(sbi(x, y, bad, *reference, rts=job.rts))
    return found


def _solve_all(plans: dict[str, LuenbergerPlan], solve: SolveJobs) -> None:
    """Every planned job of every model, in one process."""
    for model, plan in plans.items():
        solve(plan.jobs, execution=Execution(1), description=f"{model} model")


def _best(call: Callable[[], object], repeats: int) -> float:
    """The fastest of ``repeats`` calls (s)."""
    times = []
    for _ in range(max(repeats, 1)):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return min(times)


def time_by_type(plans: dict[str, LuenbergerPlan], repeats: int) -> tuple[TypeTiming, ...]:
    """Every LP type of :data:`LP_TYPES` alone: HiGHS and kernel engines and the public
    call (:func:`public_calls`), best of ``repeats``."""
    found = []
    for period, rts in LP_TYPES:
        jobs = jobs_of_type(plans, period, rts)
        label = f"{period}-period {rts.upper()} LPs"
        single = Execution(1)
        best = {"highs": _best(partial(run_jobs, jobs, execution=single,
                                       description=label), repeats),
                "kernel": _best(partial(run_jobs_kernel, jobs, execution=single,
                                        description=label), repeats),
                "public": _best(partial(public_calls, jobs), repeats)}
        found.append(TypeTiming(period, rts, sum(j.n_points for j in jobs), best["highs"],
                                best["kernel"], best["public"]))
    return tuple(found)


def kernel_agreement(measured: Measured) -> tuple[float, int]:
    """The largest |kernel - HiGHS| over every LP both answered, and the LPs whose
    status differs."""
    worst, mismatches = 0.0, 0
    for model, parts in measured.results.items():
        for highs, kernel in zip(parts, measured.kernel_results[model], strict=True):
            both = (highs.status == kernel.status) & ~np.isnan(highs.values)
            worst = max(worst, float(np.abs(highs.values[both] - kernel.values[both])
                                     .max(initial=0.0)))
            mismatches += int((highs.status != kernel.status).sum())
    return worst, mismatches


#: The standard jobs: panel size and how much to time. ``"paper"`` is the paper's DEA
#: (282 cities x 2006-2016); ``"county"`` a county-size panel (2,800 units x 20 years).
SIZES: dict[str, dict[str, Any]] = {
    "paper": {"units": 282, "years": (2006, 2016), "repeats": 2, "naive_sample": 1000,
              "benchmarking_sample": 300, "r_sample": 2000},
    "county": {"units": 2800, "years": (2000, 2019), "repeats": 1, "naive_sample": 200,
               "benchmarking_sample": 50, "r_sample": 500},
}


def run_dea_benchmark(size: str = "paper", *, units: int | None = None,
                      years: tuple[int, int] | None = None, seed: int = 0, jobs: int = 2,
                      dask: Any = "", frontier: Frontier = "contemporaneous", prune: bool = True,
                      repeats: int | None = None, naive_sample: int | None = None,
                      benchmarking_sample: int | None = None, backend: Backend = "python",
                      r_sample: int | None = None,
                      progress: ProgressFactory = null_progress,
                      measure: MeasureName = "sbi",
                      disposability: Disposability = "strong") -> DEABenchmark:
    """Time the DEA stage (both models, CRS and VRS, every LP) on a simulated panel.

    Parameters
    ----------
    size
        A key of :data:`SIZES`; it gives every argument left None below.
    units, years, seed
        The simulated panel (:func:`simulate_panel`).
    jobs, dask
        The parallel executor (as ``--jobs`` / ``--dask``); ``jobs=1`` without Dask
        times the single process only.
    frontier, prune
        The engine's configuration; the comparisons use its very LPs and answers.
    repeats
        Engine runs per executor; the first parallel run includes starting the workers.
    naive_sample, benchmarking_sample
        LPs timed for the comparisons (0 skips one). The Benchmarking comparison runs
        only where R and the Benchmarking package are installed.
    backend, r_sample
        ``backend = "r"`` also times the R backend of the DEA (``[productivity] backend =
        "r"``) on ``r_sample`` of the same LPs (R needed; skipped with the reason).
    measure, disposability
        The productivity measure whose LPs are timed (docs/methods.md §15): the SBI's, or
        the directional distance function's (ddf-luenberger, ml, gml; gml on the global
        frontier). Benchmarking's counterpart of the DDF, ``dea.direct``, solves strong
        disposability only, hence the default "strong"; with "weak" its line is skipped.
    progress
        Progress factory for the engine runs.
    """
    if size not in SIZES:
        raise ValueError(f"size {size!r} is not one of: {', '.join(SIZES)}")
    given = {"units": units, "years": years, "repeats": repeats, "naive_sample": naive_sample,
             "benchmarking_sample": benchmarking_sample, "r_sample": r_sample}
    setting = {name: SIZES[size][name] if value is None else value
               for name, value in given.items()}
    panel = simulate_panel(setting["units"], setting["years"], seed)
    frontier = measure_rule(measure).frontier or frontier
    measured = measure_engine(panel, frontier=frontier, prune=prune, jobs=jobs, dask=dask,
                              repeats=setting["repeats"], progress=progress, measure=measure,
                              disposability=disposability)
    ddf_lps = measure != "sbi"
    comparisons, skipped = [], []
    answers = measured.answers()
    if setting["naive_sample"] > 0:
        comparisons.append(compare("scipy linprog loop (naive: each LP built from scratch "
                                    "against the full reference set)", scipy_loop, answers,
                                    setting["naive_sample"], seed))
    if setting["benchmarking_sample"] > 0 and ddf_lps and disposability == "weak":
        skipped.append("R Benchmarking: not timed (its dea.direct solves strong "
                       "disposability only; --disposability strong compares it)")
    elif setting["benchmarking_sample"] > 0:
        from ..r.benchmarking import available

        if available():
            name = "dea.direct" if ddf_lps else "dea.add"
            comparisons.append(compare(f"R Benchmarking {name} loop (one call per unit)",
                                       benchmarking_loop, answers,
                                       setting["benchmarking_sample"], seed))
        else:
            skipped.append(BENCHMARKING_SKIPPED)
    else:
        skipped.append("R Benchmarking: not timed (sample of 0 LPs)")
    if backend == "r":
        from ..r.session import r_unavailable_reason

        problem = r_unavailable_reason()
        if problem is None and setting["r_sample"] > 0:
            comparisons.append(compare("R backend of the DEA (R SBI on lpSolve, one R call "
                                       "per technology)", r_backend_loop, answers,
                                       setting["r_sample"], seed))
        else:
            skipped.append(f"R backend: not timed ({problem or 'sample of 0 LPs'})")
    sbi_per_lp = None
    if ddf_lps:  # the SBI kernel on the same panel, the yardstick of the DDF kernel
        sbi_plans = plan_models(panel, frontier, prune)
        sbi_per_lp = _best(partial(_solve_all, sbi_plans, run_jobs_kernel),
                           setting["repeats"]) / sum(p.n_lps for p in sbi_plans.values())
    difference, mismatches = kernel_agreement(measured)
    by_type = time_by_type(measured.plans, setting["repeats"])
    return DEABenchmark(units=setting["units"], years=setting["years"], frontier=frontier,
                        prune=prune, lps=measured.lps,
                        kernel=measured.kernel,
                        kernel_compile_seconds=measured.kernel_compile_seconds,
                        kernel_max_difference=difference,
                        kernel_status_mismatches=mismatches, by_type=by_type,
                        measure=measure, disposability=disposability,
                        sbi_kernel_per_lp=sbi_per_lp,
                        kernel_parallel=measured.kernel_parallel,
                        lps_by_model={m: p.n_lps for m, p in measured.plans.items()},
                        lps_solved=measured.lps_solved, setup_seconds=measured.setup_seconds,
                        single=measured.single, parallel=measured.parallel,
                        comparisons=tuple(comparisons), skipped=tuple(skipped))


def _seconds(values: tuple[float, ...]) -> str:
    return ", ".join(f"{s:.2f}" for s in values) + " s"


def _measure_title(result: DEABenchmark) -> str:
    """'SBI Luenberger', or the DDF measure with its disposability."""
    if result.measure == "sbi":
        return "SBI Luenberger"
    return (f"{result.measure} (directional distance function, {result.disposability} "
            "disposability; DDF LPs are never pruned)")


def format_benchmark(result: DEABenchmark) -> str:
    """A plain-text report of a :class:`DEABenchmark`: the single process with its
    per-LP ratios to each peer, then the parallel wall time on its own."""
    single, parallel = result.single, result.parallel
    per_lp = single.per_lp(result.lps)
    lines = [
        f"{_measure_title(result)} DEA benchmark: {result.units:,} units x "
        f"{result.years[0]}-{result.years[1]}, production and green models, "
        f"{'CRS' if result.measure in ('ml', 'gml') else 'CRS and VRS'}, {result.frontier} "
        f"frontier, prune={result.prune}",
        f"LPs: {result.lps:,} distinct evaluations ("
        + ", ".join(f"{m} {n:,}" for m, n in result.lps_by_model.items())
        + f"), answered by {result.lps_solved:,} LP solves ("
        + ("the pruning LPs of each technology included, its blocks' too; an evaluation of "
           "a reference unit left for the last pruning step reuses that LP)"
           if result.prune and result.measure == "sbi"
           else "no pruning: one per evaluation)"),
        f"screening and planning: {result.setup_seconds:.2f} s (not in the times below)",
        "Single process (HiGHS on one thread, as in each peer below; CPU / wall above 1 is "
        "numpy's BLAS threads):",
        f"  carbongap: the HiGHS engine ([productivity] solver = \"highs\"): "
        f"{_seconds(single.wall_seconds)} per run (CPU / wall "
        f"{single.cpu_per_wall:.2f}); best {single.best_seconds:.2f} s = "
        f"{per_lp * 1e3:.4f} ms/LP, {1 / per_lp:,.0f} LPs/s; peak memory "
        f"{single.peak_memory_mb:,.0f} MB (+{single.memory_growth_mb:,.0f} MB)",
    ]
    kernel = result.kernel
    if kernel is not None:
        kernel_lp = kernel.per_lp(result.lps)
        lines.append(
            f"  carbongap with the compiled kernel ([productivity] solver = \"kernel\"): "
            f"{_seconds(kernel.wall_seconds)} per run; best {kernel.best_seconds:.2f} s = "
            f"{kernel_lp * 1e3:.4f} ms/LP, {per_lp / kernel_lp:.1f}x the HiGHS engine; "
            f"max |kernel - HiGHS| {result.kernel_max_difference:.1e}, "
            f"{result.kernel_status_mismatches} status mismatches; compiling or loading "
            f"the kernel {result.kernel_compile_seconds:.2f} s (not in the times)")
        if result.sbi_kernel_per_lp is not None:
            lines.append(
                f"    the SBI kernel on the same panel and frontier (prune={result.prune}): "
                f"{result.sbi_kernel_per_lp * 1e3:.4f} ms/LP; this measure's kernel "
                f"{kernel_lp * 1e3:.4f} ms/LP = {kernel_lp / result.sbi_kernel_per_lp:.2f}x "
                "the SBI kernel's time per LP")
        naive = next((c for c in result.comparisons if c.name.startswith("scipy")), None)
        public = "sbi()" if result.measure == "sbi" else "ddf()"
        for t in (t for t in result.by_type if t.lps):
            rate = t.kernel_seconds / max(t.lps, 1)
            lines.append(
                f"    {t.period}-period {t.rts.upper()} LPs alone ({t.lps:,}, each "
                f"technology's pruning included): kernel {rate * 1e3:.4f} ms/LP, HiGHS "
                f"{t.highs_seconds / max(t.lps, 1) * 1e3:.4f} ms/LP "
                f"({t.highs_seconds / t.kernel_seconds:.1f}x); public {public} "
                f"{t.public_seconds / max(t.lps, 1) * 1e3:.4f} ms/LP "
                f"({t.public_seconds / t.kernel_seconds:.2f}x the kernel's time)"
                + (f"; {naive.seconds_per_lp / rate:.0f}x the naive loop's rate over all "
                   "types" if naive is not None else ""))
    for c in result.comparisons:
        lines.append(
            f"  {c.name}: {c.seconds_per_lp * 1e3:.3f} ms/LP on a seeded sample of "
            f"{c.sample:,} of the same LPs -> carbongap in one process is {c.ratio:.1f}x "
            f"faster per LP (all {result.lps:,} LPs at that rate: "
            f"{c.seconds_per_lp * result.lps:,.0f} s); max |difference| "
            f"{c.max_abs_difference:.1e} where both are optimal; {c.status_mismatches} "
            f"status mismatches ({c.solver_failures} the peer could not decide); timing "
            f"the sample took {c.cost_seconds:.1f} s of wall time (CPU / wall "
            f"{c.cpu_per_wall:.2f})"
            + (f"; the kernel is {c.seconds_per_lp / kernel.per_lp(result.lps):.0f}x "
               "faster per LP" if kernel is not None else ""))
    lines.extend(f"  {line}" for line in result.skipped)
    if parallel is not None:
        lines += [
            f"Parallel ({parallel.executor}; wall time, not compared with the "
            "single-process peers):",
            f"  carbongap: {_seconds(parallel.wall_seconds)} per run (the first includes "
            f"starting the workers); best {parallel.best_seconds:.2f} s, "
            f"{result.lps / parallel.best_seconds:,.0f} LPs/s, "
            f"{single.best_seconds / parallel.best_seconds:.2f}x the single process; peak "
            f"memory (this process + workers) {parallel.peak_memory_mb:,.0f} MB"]
        if result.kernel_parallel is not None and kernel is not None:
            both = result.kernel_parallel
            lines.append(
                f"  the compiled kernel: {_seconds(both.wall_seconds)} per run (the first "
                f"includes starting the workers, which load the kernel from its cache); best "
                f"{both.best_seconds:.2f} s, {kernel.best_seconds / both.best_seconds:.2f}x "
                "its single process")
    lines.append("timings on a shared machine are noisy; rerun to compare")
    return "\n".join(lines)
