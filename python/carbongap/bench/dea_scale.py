"""``carbongap bench dea --scale``: how the engine's time and memory grow with the units.

One seeded panel per point (:func:`carbongap.bench.dea.simulate_panel`, the same years
at every point), both models, CRS and VRS, the configured frontier and pruning. At each
point :func:`carbongap.bench.dea.measure_engine` plans the job, times one single-process
run and, with ``jobs`` > 1 or Dask, one parallel run (which includes starting the workers
at the first point only: loky keeps them). Memory is the resident set size sampled by
:class:`carbongap.bench.memory.PeakMemory`: the single process alone, the parallel run
with its workers. The points run in increasing order in one process, so a point's
starting memory includes what earlier points left; the growth column is its peak over
that start.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..choices import Frontier
from ..progress import ProgressFactory, null_progress
from .dea import EngineRun, measure_engine, simulate_panel

#: The default series (units): the paper's 282 cities, 1,000, county size, 10,000.
SCALE_UNITS: tuple[int, ...] = (282, 1000, 2800, 10000)


@dataclass(frozen=True)
class ScalePoint:
    """One point of the series: the job's size and the engine's runs on it."""

    units: int
    lps: int  #: distinct LPs (evaluations)
    lps_solved: int  #: LP solves, pruning LPs included
    setup_seconds: float  #: screening and planning (s)
    single: EngineRun
    parallel: EngineRun | None
    kernel: EngineRun  #: the compiled kernel ([productivity] solver = "kernel"), one process


@dataclass(frozen=True)
class ScaleSeries:
    """Result of :func:`run_scale_series`."""

    years: tuple[int, int]
    frontier: Frontier
    prune: bool
    seed: int
    points: tuple[ScalePoint, ...]


def run_scale_series(units: Sequence[int] = SCALE_UNITS, *,
                     years: tuple[int, int] = (2006, 2016), seed: int = 0, jobs: int = 2,
                     dask: Any = "", frontier: Frontier = "contemporaneous", prune: bool = True,
                     progress: ProgressFactory = null_progress) -> ScaleSeries:
    """Time the DEA job at each number of ``units`` (sorted increasing; duplicates once).

    ``years``, ``seed``: the simulated panels; ``jobs``, ``dask``: the parallel executor
    (``jobs=1`` without Dask times the single process only); ``frontier``, ``prune``: the
    engine's configuration.
    """
    sizes = sorted(set(units))
    if not sizes or sizes[0] < 2:
        raise ValueError(f"the scaling series needs unit counts >= 2, got {list(units)}")
    points = []
    for n in sizes:
        measured = measure_engine(simulate_panel(n, years, seed), frontier=frontier,
                                  prune=prune, jobs=jobs, dask=dask, repeats=1,
                                  progress=progress)
        points.append(ScalePoint(n, measured.lps, measured.lps_solved, measured.setup_seconds,
                                 measured.single, measured.parallel, measured.kernel))
    return ScaleSeries(years, frontier, prune, seed, tuple(points))


def format_scale_series(series: ScaleSeries) -> str:
    """The series as a plain-text table, then the growth from its first to its last point.

    Columns: units; distinct LPs; LP solves; planning (s); single process (the HiGHS
    engine): wall time (s), per LP (ms), CPU / wall, peak memory and its growth (MB); the
    compiled kernel in one process: wall time (s), per LP (ms), peak memory (MB);
    parallel (HiGHS): wall time (s), speed-up over the single process, peak memory with the
    workers (MB).
    """
    executor = next((p.parallel.executor for p in series.points if p.parallel), "")
    header = ["units", "LPs", "LP solves", "plan s", "1 process s", "ms/LP", "CPU/wall",
              "peak MB", "growth MB", "kernel s", "kernel ms/LP", "kernel peak MB"]
    if executor:
        header += [f"{executor} s", "speed-up", "peak MB (+workers)"]
    rows = []
    for p in series.points:
        single = p.single
        row = [f"{p.units:,}", f"{p.lps:,}", f"{p.lps_solved:,}", f"{p.setup_seconds:.2f}",
               f"{single.best_seconds:.2f}", f"{single.per_lp(p.lps) * 1e3:.4f}",
               f"{single.cpu_per_wall:.2f}",
               f"{single.peak_memory_mb:,.0f}", f"{single.memory_growth_mb:,.0f}",
               f"{p.kernel.best_seconds:.2f}", f"{p.kernel.per_lp(p.lps) * 1e3:.4f}",
               f"{p.kernel.peak_memory_mb:,.0f}"]
        if p.parallel is not None:
            row += [f"{p.parallel.best_seconds:.2f}",
                    f"{single.best_seconds / p.parallel.best_seconds:.2f}x",
                    f"{p.parallel.peak_memory_mb:,.0f}"]
        rows.append(row)
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    table = [" | ".join(cell.rjust(w) for cell, w in zip(line, widths, strict=True))
             for line in (header, *rows)]
    first, last = series.points[0], series.points[-1]
    lines = [f"DEA scaling series: {first.units:,} to {last.units:,} units x "
             f"{series.years[0]}-{series.years[1]} (seed {series.seed}), production and "
             f"green models, CRS and VRS, {series.frontier} frontier, prune={series.prune}; "
             "one run per point", *table]
    if len(series.points) > 1:
        lines.append(
            f"from {first.units:,} to {last.units:,} units (x{last.units / first.units:.1f}): "
            f"LPs x{last.lps / first.lps:.1f}, single-process time "
            f"x{last.single.best_seconds / first.single.best_seconds:.1f}, time per LP "
            f"x{last.single.per_lp(last.lps) / first.single.per_lp(first.lps):.1f}, "
            f"peak memory x{last.single.peak_memory_mb / first.single.peak_memory_mb:.1f}; "
            f"kernel time per LP "
            f"x{last.kernel.per_lp(last.lps) / first.kernel.per_lp(first.lps):.1f}")
    lines.append("timings on a shared machine are noisy; rerun to compare")
    return "\n".join(lines)
