"""``carbongap bench qreg``: the quantile regressions against statsmodels and R quantreg.

The work, at the paper's size (N = 2,350), a county panel's (N = 56,000) and a firm-level
data set's (N = 1,000,000, ``--size million``), on one seeded simulated data set per size
shaped like Table 1 (a constant and four regressors, a location-scale error):

* **fit**: coefficients and nid standard errors at τ = 0.2, 0.4, 0.6, 0.8 — carbongap
  (:func:`carbongap.qreg.fit`), R quantreg ``rq(method = "br")`` and ``rq(method = "fn")``
  each followed by ``summary.rq(se = "nid")`` (timed inside R), and statsmodels
  ``QuantReg.fit`` (coefficients and its own default standard errors; it has no nid);
* **boot**: 200 xy-pair bootstrap replicates at τ = 0.5 — carbongap in one process and
  with two workers (reported separately; best of at least two runs, so the workers are
  started), and R ``boot.rq`` (br), which at N = 56,000 is timed on
  :data:`R_BOOT_SAMPLE` replicates and extrapolated (the report says so).

Every timing is the best of ``repeats`` runs in one process on the same data; the largest
relative coefficient difference to R's br is reported next to each carbongap result. At the
paper's size the **per-fit overhead** is timed apart (:func:`fit_overhead`): what a fit
spends besides the solver and the standard errors — parsing the formula, building the
design from the data frame, collecting the results — whose goal is under 1 ms for this
five-column design, and then the results' long table (``to_frame``, pandas).

At a million rows (:func:`million_benchmark`) br would take hours, so the run reports
instead: carbongap's peak resident memory; the **exactness check** — at every τ the
objective of HiGHS's dual simplex on the full LP, started from carbongap's basis (HiGHS
pivots to a better vertex if there is one), equals carbongap's within 1e-9 relative, and
whether carbongap's vertex certificate proves the solution unique; R quantreg's ``pfn``
(Portnoy-Koenker preprocessing) and ``fn`` with nid SEs on the full data; statsmodels on a
:data:`SAMPLE_ROWS` sample, scaled linearly to the full size (said in the report); and the
cluster bootstrap (200 replicates at τ = 0.5, :data:`CLUSTER_SIZE` rows per cluster) on
``jobs`` workers.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..parallel import Execution
from ..qreg import QregOptions, QuantRegResults, fit, solve
from ..qreg.br import barrodale_roberts
from ..qreg.formula import parse_formula
from ..qreg.model import design
from ..qreg.results import TauFit
from ..qreg.simplex import simplex_vertex
from ..qreg.solver import check_function
from ..qreg.vcov import reference_gram
from .machine import machine, machine_line

SIZES: dict[str, int] = {"paper": 2350, "county": 56000, "million": 1_000_000}
#: The sizes run by default (``--size million`` is asked for by name: it takes minutes).
DEFAULT_SIZES: tuple[str, ...] = ("paper", "county")
#: statsmodels' sample at a million rows (its IRLS takes about 10 s per τ on all of them).
SAMPLE_ROWS = 100_000
#: Rows per cluster of the million-row cluster bootstrap (10,000 clusters).
CLUSTER_SIZE = 100
#: The exactness check's tolerance on the objective (relative).
EXACT = 1e-9
TAUS: tuple[float, ...] = (0.2, 0.4, 0.6, 0.8)
BOOT_REPS = 200
#: R boot.rq replicates timed at the county size (the full 200 take minutes there).
R_BOOT_SAMPLE = 10


def simulate(n: int, seed: int = 0) -> pd.DataFrame:
    """A Table 1-shaped sample: y = x'β + (x'γ)ε with ε ~ t(5), four regressors."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"lnT": rng.normal(0.02, 0.05, n), "lnP": rng.normal(5.8, 0.6, n),
                          "lnA": rng.normal(9.9, 0.3, n), "lnI": rng.normal(3.8, 0.2, n)})
    location = 2.1 + 4.0 * frame["lnT"] + frame["lnP"] + 0.45 * frame["lnA"] + 1.2 * frame["lnI"]
    scale = 0.75 - 0.6 * frame["lnT"] + 0.05 * frame["lnP"] - 0.15 * frame["lnI"]
    return frame.assign(lnCO2=location + scale.abs() * rng.standard_t(5, n))


FORMULA = "lnCO2 ~ lnT + lnP + lnA + lnI"


def _best(action, repeats: int) -> tuple[float, object]:
    best, out = np.inf, None
    for _ in range(repeats):
        start = time.perf_counter()
        out = action()
        best = min(best, time.perf_counter() - start)
    return best, out


@dataclass
class QregBenchmark:
    """Seconds per tool and size, and accuracy against R's br."""

    sizes: dict[str, int]
    fit: dict[str, dict[str, float]] = field(default_factory=dict)  #: size -> tool -> s
    boot: dict[str, dict[str, float]] = field(default_factory=dict)
    accuracy: dict[str, float] = field(default_factory=dict)  #: size -> max rel. coef diff
    memory: dict[str, float] = field(default_factory=dict)  #: size -> peak RSS of a fit, MB
    exactness: list[str] = field(default_factory=list)  #: one line per τ (million)
    notes: list[str] = field(default_factory=list)
    machine: dict[str, object] = field(default_factory=machine)  #: where it ran
    compile_seconds: float = 0.0  #: compiling the br kernel, or loading it from the cache
    overhead: dict[str, tuple[float, float]] = field(default_factory=dict)
    """size -> (s per fit: formula, design, results; s for their long table)"""


def fit_overhead(frame: pd.DataFrame, repeats: int) -> tuple[float, float, pd.DataFrame]:
    """Seconds (best of ``repeats``) of one fit's work besides solving and the SEs — the
    formula parsed, the design built from ``frame`` (checks included) and the results of
    the four τ collected — then of their long table (``to_frame``), and that table."""
    fitted = fit(frame, FORMULA, taus=TAUS)
    options = QregOptions.of(TAUS, "nid")
    fits = [(tau, TauFit(fitted.coef[:, k], fitted.cov[k], fitted.objectives[k],
                         fitted.uniques[k], fitted.methods[k], bread=fitted.breads[k]))
            for k, tau in enumerate(fitted.taus)]

    def collect() -> QuantRegResults:
        dependent, regressors = parse_formula(FORMULA)
        X, y, _ = design(frame, dependent, regressors, None)
        return QuantRegResults.collect(dependent, regressors, fits, nobs=len(y),
                                       options=options, gram=reference_gram(X))

    seconds, results = _best(collect, repeats)
    table_seconds, table = _best(results.to_frame, repeats)  # type: ignore[union-attr]
    return seconds, table_seconds, table  # type: ignore[return-value]


def _design(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    X = np.column_stack([np.ones(len(frame)), frame[["lnT", "lnP", "lnA", "lnI"]].to_numpy()])
    return X, frame["lnCO2"].to_numpy()


def _r_fit_seconds(X: np.ndarray, y: np.ndarray, method: str) -> tuple[float, np.ndarray]:
    from ..r.quantreg import rq

    seconds, coefs = 0.0, []
    for tau in TAUS:
        out = rq(X, y, tau, method=method, se="nid", hs=True)
        seconds += out.seconds
        coefs.append(out.coef)
    return seconds, np.column_stack(coefs)


def run_qreg_benchmark(sizes: tuple[str, ...] = DEFAULT_SIZES, *, seed: int = 0,
                       repeats: int = 3, jobs: int = 2, with_r: bool = True,
                       boot: bool = True) -> QregBenchmark:
    """Measure (module docstring); R parts only where R and quantreg are usable."""
    import statsmodels.api as sm

    from ..r.session import r_unavailable_reason

    problem = r_unavailable_reason() if with_r else "not requested (--no-r)"
    start = time.perf_counter()
    barrodale_roberts(np.ones((3, 1)), np.arange(3.0), 0.5)  # compiled or loaded, untimed
    result = QregBenchmark({name: SIZES[name] for name in sizes},
                           compile_seconds=time.perf_counter() - start)
    if problem:
        result.notes.append(f"R quantreg not timed: {problem}")
    for name in sizes:
        frame = simulate(SIZES[name], seed)
        X, y = _design(frame)
        if name == "million":
            million_benchmark(frame, X, y, result, repeats=repeats, jobs=jobs,
                              problem=problem, boot=boot)
            continue
        times = result.fit.setdefault(name, {})
        times["carbongap"], ours = _best(lambda frame=frame: fit(frame, FORMULA, taus=TAUS),
                                         repeats)
        if name == "paper":
            seconds, table_seconds, _ = fit_overhead(frame, 20 * repeats)
            result.overhead[name] = (seconds, table_seconds)
        model = sm.QuantReg(y, X)
        times["statsmodels"], _ = _best(lambda model=model: [model.fit(q=t) for t in TAUS],
                                        max(1, repeats - 2))
        if not problem:
            times["R br"], br = min((_r_fit_seconds(X, y, "br") for _ in range(repeats)),
                                    key=lambda pair: pair[0])
            times["R fn"], _ = min((_r_fit_seconds(X, y, "fn") for _ in range(repeats)),
                                   key=lambda pair: pair[0])
            coef = ours.params.to_numpy()  # type: ignore[union-attr]
            result.accuracy[name] = float(np.max(np.abs(coef - br) / np.abs(br)))
        if boot:
            result.boot[name] = _boot_times(frame, X, y, jobs, repeats, problem, name, result)
    return result


def _exactness(X: np.ndarray, y: np.ndarray, fitted: QuantRegResults) -> list[str]:
    """One line per τ: carbongap's objective against HiGHS's simplex optimum on the full
    LP (started from carbongap's basis), and the certificate's verdict."""
    lines = []
    u = np.ones(len(y))
    for tau, beta in zip(fitted.taus, fitted.coef.T, strict=True):
        ours = solve(X, y, tau)
        if not np.array_equal(ours.beta, beta):
            raise AssertionError(f"tau = {tau}: solve and fit disagree")
        basis = simplex_vertex(X, y, tau, u, (1.0 - tau) * X.sum(axis=0), ours.basis,
                               ours.beta)
        optimum = float(check_function(y - X @ np.linalg.solve(X[basis], y[basis]), tau).sum())
        gap = abs(ours.objective - optimum) / optimum
        verdict = "exact" if gap <= EXACT else "NOT EXACT"
        lines.append(f"tau = {tau:g}: objective {ours.objective:.10g}, HiGHS simplex "
                     f"{optimum:.10g} (relative difference {gap:.1e}: {verdict}); "
                     f"vertex certificate: {'unique' if ours.unique else 'may be nonunique'}")
    return lines


def million_benchmark(frame: pd.DataFrame, X: np.ndarray, y: np.ndarray,
                      result: QregBenchmark, *, repeats: int, jobs: int, problem: str | None,
                      boot: bool) -> None:
    """The ``million`` size (module docstring)."""
    import statsmodels.api as sm

    from .memory import PeakMemory

    name, n = "million", len(y)
    times = result.fit.setdefault(name, {})
    with PeakMemory(children=False) as memory:
        times["carbongap"], ours = _best(lambda: fit(frame, FORMULA, taus=TAUS), repeats)
    result.memory[name] = memory.peak / 1e6
    result.exactness = _exactness(X, y, ours)  # type: ignore[arg-type]
    if not problem:
        for method in ("pfn", "fn"):
            times[f"R {method}"], _ = _r_fit_seconds(X, y, method)
    take = np.linspace(0, n - 1, SAMPLE_ROWS).astype(np.int64)
    model = sm.QuantReg(y[take], X[take])
    seconds, _ = _best(lambda: [model.fit(q=t) for t in TAUS], 1)
    times["statsmodels (scaled)"] = seconds * n / SAMPLE_ROWS
    result.notes.append(f"million: statsmodels timed on {SAMPLE_ROWS:,} evenly spaced rows "
                        f"({seconds:.2f} s) and scaled linearly by {n // SAMPLE_ROWS}; R pfn "
                        "and fn on all rows, each with summary.rq(se = 'nid')")
    if boot:
        clustered = frame.assign(cluster=np.arange(n) // CLUSTER_SIZE)
        start = time.perf_counter()
        fit(clustered, FORMULA, taus=(0.5,), se="boot", cluster="cluster",
            boot_reps=BOOT_REPS, execution=Execution(jobs))
        label = f"carbongap cluster boot, {jobs} workers" if jobs > 1 else \
            "carbongap cluster boot, 1 process"
        result.boot[name] = {label: time.perf_counter() - start}
        result.notes.append(f"million: cluster bootstrap by {n // CLUSTER_SIZE:,} clusters of "
                            f"{CLUSTER_SIZE} rows, {BOOT_REPS} replicates at tau = 0.5, one "
                            "run (worker start included)")


def _boot_times(frame: pd.DataFrame, X: np.ndarray, y: np.ndarray, jobs: int, repeats: int,
                problem: str | None, name: str, result: QregBenchmark) -> dict[str, float]:
    times: dict[str, float] = {}
    runs = max(1, repeats - 2)
    times["carbongap, 1 process"], _ = _best(
        lambda: fit(frame, FORMULA, taus=(0.5,), se="boot", boot_reps=BOOT_REPS), runs)
    if jobs > 1:  # best of at least two: the first run also starts the worker processes
        times[f"carbongap, {jobs} workers"], _ = _best(
            lambda: fit(frame, FORMULA, taus=(0.5,), se="boot", boot_reps=BOOT_REPS,
                        execution=Execution(jobs)), max(2, runs))
    if not problem:
        from ..qreg.boot import xy_draw
        from ..r.quantreg import rq

        reps = BOOT_REPS if len(y) <= SIZES["paper"] else R_BOOT_SAMPLE
        draws = np.column_stack([xy_draw(len(y), 0, ("bench",), b) for b in range(reps)])
        seconds = rq(X, y, 0.5, se="xy", draws=draws).seconds * BOOT_REPS / reps
        times["R boot.rq (br)"] = seconds
        if reps < BOOT_REPS:
            result.notes.append(f"{name}: R boot.rq timed on {reps} replicates and scaled to "
                                f"{BOOT_REPS}")
    return times


def format_qreg_benchmark(result: QregBenchmark) -> str:
    """The measurements as a plain-text report with the ratios."""
    lines = ["carbongap bench qreg: quantile regressions, one simulated Table 1-shaped data set"
             " per size", machine_line(result.machine),
             f"compiling the Barrodale-Roberts kernel (or loading it from numba's cache): "
             f"{result.compile_seconds:.2f} s, not in the timings", ""]
    for title, table, reference in (
            (f"coefficients + nid SEs at tau = {', '.join(map(str, TAUS))}", result.fit,
             "carbongap"),
            (f"bootstrap SE, {BOOT_REPS} replicates at tau = 0.5 (xy pairs; by cluster at "
             "N = 1,000,000)", result.boot, "carbongap, 1 process")):
        if not table:
            continue
        lines.append(title)
        for name, times in table.items():
            mine = reference if reference in times else next(iter(times))
            ours = times[mine]
            lines.append(f"  N = {result.sizes[name]:,}")
            for tool, seconds in times.items():
                ratio = "" if tool == mine else f"   {seconds / ours:6.1f}x carbongap's time"
                lines.append(f"    {tool:<24}{seconds * 1000:>11.1f} ms{ratio}")
        lines.append("")
    for name, (seconds, table_seconds) in result.overhead.items():
        lines.append(f"N = {result.sizes[name]:,}: per-fit overhead (formula, design, "
                     f"results; goal < 1 ms): {seconds * 1000:.2f} ms; their long table "
                     f"(to_frame): {table_seconds * 1000:.2f} ms")
    for name, megabytes in result.memory.items():
        lines.append(f"N = {result.sizes[name]:,}: peak resident memory of the process while "
                     f"fitting (data included): {megabytes:,.0f} MB")
    if result.exactness:
        lines.append("exactness at N = 1,000,000 (HiGHS dual simplex on the full LP):")
        lines += [f"  {line}" for line in result.exactness]
    for name, diff in result.accuracy.items():
        lines.append(f"N = {result.sizes[name]:,}: largest relative coefficient difference to "
                     f"R's br: {diff:.1e}")
    lines += [f"note: {note}" for note in result.notes]
    return "\n".join(lines)
