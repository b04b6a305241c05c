"""``carbongap bench dea``: speed and memory of the SBI Luenberger engine (docs/methods.md §6).

The job is the paper's DEA stage on a seeded simulated panel of the paper's size (282
cities, 2006-2016): both models (production: capital, employment -> real GDP; green: plus
CO2 as a bad output), CRS and VRS, every own-period and cross-period LP of the
contemporaneous frontier (about 35,000 distinct LPs). It reports LPs, wall time, LPs per
second and peak memory, and compares with

* a naive loop: one ``scipy.optimize.linprog(method="highs")`` per LP, each built from
  scratch against the full reference set, one process — timed on a seeded random sample
  of the same LPs and extrapolated to all of them (the sample size is reported), with the
  largest difference from carbongap's value on the sample;
* R Benchmarking's ``dea.add`` on the docs/methods.md §9 rescaling, where the package is
  installed: likewise sampled, timed inside R, extrapolated.

carbongap's values in both comparisons come from the very jobs it timed (same frontier,
same pruning: :func:`carbongap.dea.technology.solve_job` on the planned jobs, whose
results never depend on how they are run). :data:`SIZES` holds the two standard jobs:
``"paper"`` (282 cities x 2006-2016) and ``"county"`` (2,800 units x 2000-2019).
Timings on a shared machine are noisy; the report says what was measured and how.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..dea import luenberger, screen
from ..dea.plan import LuenbergerPlan, plan_luenberger
from ..dea.status import status_words
from ..dea.technology import JobResult, solve_job, split
from ..progress import ProgressFactory, null_progress
from .memory import PeakMemory

#: The two models of docs/methods.md §6: name -> (inputs, good outputs, bad outputs).
MODELS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "production": (("capital", "employment"), ("gdp_real",), ()),
    "green": (("capital", "employment"), ("gdp_real",), ("co2",)),
}


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
class Comparison:
    """A sampled, extrapolated timing of another solver on the same LPs."""

    name: str
    sample: int  #: LPs timed
    seconds_per_lp: float
    extrapolated_seconds: float  #: seconds_per_lp x all LPs of the job
    ratio: float  #: extrapolated_seconds / carbongap's best wall time
    max_abs_difference: float  #: vs carbongap on the sample, where both are optimal
    status_mismatches: int  #: sampled LPs whose status differs from carbongap's
    solver_failures: int  #: of those, LPs the other solver could not decide (e.g. scipy 4)


@dataclass(frozen=True)
class DEABenchmark:
    """Result of :func:`run_dea_benchmark`."""

    units: int
    years: tuple[int, int]
    frontier: str
    prune: bool
    jobs: int
    dask: str
    lps: int  #: distinct LPs of the job (evaluations)
    lps_by_model: dict[str, int]
    wall_seconds: tuple[float, ...]  #: one per repeat; the first includes worker start-up
    peak_memory_mb: float  #: resident memory of this process and its workers, peak
    comparisons: tuple[Comparison, ...] = ()
    skipped: tuple[str, ...] = ()  #: comparisons not run, with the reason
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def best_seconds(self) -> float:
        """Fastest repeat (warm workers)."""
        return min(self.wall_seconds)

    @property
    def lps_per_second(self) -> float:
        """LPs answered per second in the fastest repeat."""
        return self.lps / self.best_seconds


def _plans(panel: pd.DataFrame, frontier: str, prune: bool) -> dict[str, LuenbergerPlan]:
    plans = {}
    for model, (inputs, good, bad) in MODELS.items():
        variables = [*inputs, *good, *bad]
        data = screen(panel, variables, label=f"{model} model").panel
        plans[model] = plan_luenberger(data, variables, (len(inputs), len(good), len(bad)),
                                       frontier, unit="city_code", time="year",
                                       rts_decomposition=True, prune=prune)
    return plans


def _sample(plans: dict[str, LuenbergerPlan], size: int, seed: int
            ) -> list[tuple[str, int, np.ndarray]]:
    """A seeded uniform sample of the LPs: (model, job index, point indices) groups."""
    owners = [(model, j) for model, plan in plans.items() for j in range(len(plan.jobs))]
    counts = np.array([plans[m].jobs[j].n_points for m, j in owners])
    ends = np.cumsum(counts)
    rng = np.random.default_rng(seed)
    picked = np.sort(rng.choice(int(ends[-1]), size=min(size, int(ends[-1])), replace=False))
    job_of = np.searchsorted(ends, picked, side="right")
    groups = []
    for j in np.unique(job_of):
        first = ends[j] - counts[j]
        groups.append((*owners[j], picked[job_of == j] - first))
    return groups


class _Ours:
    """carbongap's results of the planned (timed) jobs, solved on first need."""

    def __init__(self, plans: dict[str, LuenbergerPlan]) -> None:
        self._plans = plans
        self._done: dict[tuple[str, int], JobResult] = {}

    def __call__(self, model: str, j: int, points: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
        """(values, status words) of the sampled points of job ``j`` of ``model``."""
        if (model, j) not in self._done:
            self._done[(model, j)] = solve_job(self._plans[model].jobs[j])
        result = self._done[(model, j)]
        return result.values[points], status_words(result.status[points])


def naive_linprog(reference: np.ndarray, point: np.ndarray, dims: tuple[int, int, int],
                  rts: str) -> tuple[float, int]:
    """One SBI LP built from scratch and solved by ``scipy.optimize.linprog`` (HiGHS).

    Returns (value or NaN, scipy status: 0 optimal, 2 infeasible, 3 unbounded).
    """
    from scipy.optimize import linprog

    n_in, n_good, n_bad = dims
    k, n_var = reference.shape
    weights = np.concatenate([np.full(n_in, 1.0 / (2 * n_in)),
                              np.full(n_good + n_bad, 1.0 / (2 * (n_good + n_bad)))])
    cost = np.concatenate([np.zeros(k), -weights / point])
    signs = np.ones(n_var)
    signs[n_in:n_in + n_good] = -1.0
    a_eq = np.hstack([reference.T, np.diag(signs)])
    b_eq = point.copy()
    if rts == "vrs":
        a_eq = np.vstack([a_eq, np.concatenate([np.ones(k), np.zeros(n_var)])])
        b_eq = np.append(b_eq, 1.0)
    result = linprog(cost, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    return (-result.fun if result.status == 0 else np.nan), int(result.status)


_SCIPY_STATUS = {0: "optimal", 2: "infeasible", 3: "unbounded"}


def _compare_naive(plans: dict[str, LuenbergerPlan], ours: _Ours, total_lps: int,
                   best: float, sample: int, seed: int) -> Comparison:
    seconds = 0.0
    worst = 0.0
    mismatches = failures = count = 0
    for model, j, points in _sample(plans, sample, seed):
        job = plans[model].jobs[j]
        our_values, our_status = ours(model, j, points)
        for i, p in enumerate(points):
            started = time.perf_counter()
            value, status = naive_linprog(job.reference, job.points[p], job.dims, job.rts)
            seconds += time.perf_counter() - started
            count += 1
            if _SCIPY_STATUS.get(status) != our_status[i]:
                mismatches += 1
                failures += status not in _SCIPY_STATUS
            if np.isfinite(value) and np.isfinite(our_values[i]):
                worst = max(worst, abs(value - our_values[i]))
    per_lp = seconds / count
    return Comparison("scipy linprog loop (naive)", count, per_lp, per_lp * total_lps,
                      per_lp * total_lps / best, worst, mismatches, failures)


def _compare_benchmarking(plans: dict[str, LuenbergerPlan], ours: _Ours, total_lps: int,
                          best: float, sample: int, seed: int) -> Comparison:
    from ..r.benchmarking import sbi_dea_add

    seconds = 0.0
    worst = 0.0
    mismatches = count = 0
    for model, j, points in _sample(plans, sample, seed):
        job = plans[model].jobs[j]
        evaluated = [p if p.shape[1] else None for p in split(job.points[points], job.dims)]
        reference = [p if p.shape[1] else None for p in split(job.reference, job.dims)]
        values, status, elapsed = sbi_dea_add(*evaluated, *reference, rts=job.rts)
        our_values, our_status = ours(model, j, points)
        seconds += elapsed
        count += len(points)
        mismatches += int((status != our_status).sum())
        both = np.isfinite(values) & np.isfinite(our_values)
        if both.any():
            worst = max(worst, float(np.abs(values[both] - our_values[both]).max()))
    per_lp = seconds / count
    return Comparison("R Benchmarking dea.add", count, per_lp, per_lp * total_lps,
                      per_lp * total_lps / best, worst, mismatches, 0)


#: The standard jobs: panel size and how much to time. ``"paper"`` is the paper's DEA
#: (282 cities x 2006-2016); ``"county"`` a county-size panel (2,800 units x 20 years).
SIZES: dict[str, dict[str, Any]] = {
    "paper": {"units": 282, "years": (2006, 2016), "repeats": 2, "naive_sample": 1000,
              "benchmarking_sample": 300},
    "county": {"units": 2800, "years": (2000, 2019), "repeats": 1, "naive_sample": 200,
               "benchmarking_sample": 0},
}


def run_dea_benchmark(size: str = "paper", *, units: int | None = None,
                      years: tuple[int, int] | None = None, seed: int = 0, jobs: int = 2,
                      dask: Any = "", frontier: str = "contemporaneous", prune: bool = True,
                      repeats: int | None = None, naive_sample: int | None = None,
                      benchmarking_sample: int | None = None,
                      progress: ProgressFactory = null_progress) -> DEABenchmark:
    """Time the DEA stage (both models, CRS and VRS, every LP) on a simulated panel.

    Parameters
    ----------
    size
        A key of :data:`SIZES`; it gives every argument left None below.
    units, years, seed
        The simulated panel (:func:`simulate_panel`).
    jobs, dask
        Execution of the engine (as ``--jobs`` / ``--dask``).
    frontier, prune
        The engine's configuration; the comparisons use the same.
    repeats
        Engine runs; the first includes starting the worker processes.
    naive_sample, benchmarking_sample
        LPs timed for the comparisons (0 skips one). The Benchmarking comparison runs
        only where R and the Benchmarking package are installed.
    progress
        Progress factory for the engine runs.
    """
    if size not in SIZES:
        raise ValueError(f"size {size!r} is not one of: {', '.join(SIZES)}")
    given = {"units": units, "years": years, "repeats": repeats, "naive_sample": naive_sample,
             "benchmarking_sample": benchmarking_sample}
    setting = {name: SIZES[size][name] if value is None else value
               for name, value in given.items()}
    panel = simulate_panel(setting["units"], setting["years"], seed)
    plans = _plans(panel, frontier, prune)
    lps_by_model = {m: p.n_lps for m, p in plans.items()}
    total = sum(lps_by_model.values())
    walls = []
    with PeakMemory() as memory:
        for _ in range(max(setting["repeats"], 1)):
            started = time.perf_counter()
            for model, (inputs, good, bad) in MODELS.items():
                luenberger(panel, inputs, good, bad, frontier, prune=prune, jobs=jobs,
                           dask=dask, progress=progress, label=f"{model} model")
            walls.append(time.perf_counter() - started)
    best = min(walls)
    ours = _Ours(plans)
    comparisons, skipped = [], []
    if setting["naive_sample"] > 0:
        comparisons.append(_compare_naive(plans, ours, total, best, setting["naive_sample"],
                                          seed))
    if setting["benchmarking_sample"] > 0:
        from ..r.benchmarking import available

        if available():
            comparisons.append(_compare_benchmarking(plans, ours, total, best,
                                                     setting["benchmarking_sample"], seed))
        else:
            skipped.append("R Benchmarking: not installed (or R unavailable); no ratio")
    return DEABenchmark(units=setting["units"], years=setting["years"], frontier=frontier,
                        prune=prune, jobs=jobs, dask=str(dask), lps=total,
                        lps_by_model=lps_by_model, wall_seconds=tuple(walls),
                        peak_memory_mb=memory.peak / 2**20, comparisons=tuple(comparisons),
                        skipped=tuple(skipped))


def format_benchmark(result: DEABenchmark) -> str:
    """A plain-text report of a :class:`DEABenchmark`."""
    where = f"Dask {result.dask}" if result.dask else f"{result.jobs} worker process(es)"
    lines = [
        f"SBI Luenberger DEA benchmark: {result.units} units x {result.years[0]}-"
        f"{result.years[1]}, production and green models, CRS and VRS, {result.frontier} "
        f"frontier, prune={result.prune}, {where}",
        f"LPs (distinct evaluations): {result.lps:,} ("
        + ", ".join(f"{m} {n:,}" for m, n in result.lps_by_model.items()) + ")",
        "wall time per run: " + ", ".join(f"{s:.2f} s" for s in result.wall_seconds)
        + " (the first includes starting workers)",
        f"best: {result.best_seconds:.2f} s, {result.lps_per_second:,.0f} LPs/s",
        f"peak resident memory (this process + workers): {result.peak_memory_mb:,.0f} MB",
    ]
    for c in result.comparisons:
        lines.append(
            f"{c.name}: {c.seconds_per_lp * 1e3:.3f} ms/LP on a seeded sample of {c.sample:,} "
            f"of the same LPs, extrapolated {c.extrapolated_seconds:,.1f} s for all "
            f"{result.lps:,}: carbongap is {c.ratio:.1f}x faster; max |difference| "
            f"{c.max_abs_difference:.1e} where both are optimal; {c.status_mismatches} status "
            f"mismatches, {c.solver_failures} of them LPs the other solver could not decide")
    lines.extend(result.skipped)
    lines.append("timings on a shared machine are noisy; rerun to compare")
    return "\n".join(lines)
