"""``carbongap bench qreg``: the quantile regressions against statsmodels and R quantreg.

The work, at the paper's size (N = 2,350) and a county panel's (N = 56,000), on one seeded
simulated data set per size shaped like Table 1 (a constant and four regressors, a
location-scale error):

* **fit**: coefficients and nid standard errors at τ = 0.2, 0.4, 0.6, 0.8 — carbongap
  (:func:`carbongap.qreg.fit`), R quantreg ``rq(method = "br")`` and ``rq(method = "fn")``
  each followed by ``summary.rq(se = "nid")`` (timed inside R), and statsmodels
  ``QuantReg.fit`` (coefficients and its own default standard errors; it has no nid);
* **boot**: 200 xy-pair bootstrap replicates at τ = 0.5 — carbongap in one process and
  with two workers (reported separately; best of at least two runs, so the workers are
  started), and R ``boot.rq`` (br), which at N = 56,000 is timed on
  :data:`R_BOOT_SAMPLE` replicates and extrapolated (the report says so).

Every timing is the best of ``repeats`` runs in one process on the same data; the largest
relative coefficient difference to R's br is reported next to each carbongap result.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..qreg import fit

SIZES: dict[str, int] = {"paper": 2350, "county": 56000}
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
    notes: list[str] = field(default_factory=list)


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


def run_qreg_benchmark(sizes: tuple[str, ...] = ("paper", "county"), *, seed: int = 0,
                       repeats: int = 3, jobs: int = 2, with_r: bool = True,
                       boot: bool = True) -> QregBenchmark:
    """Measure (module docstring); R parts only where R and quantreg are usable."""
    import statsmodels.api as sm

    from ..r.session import r_unavailable_reason

    problem = r_unavailable_reason() if with_r else "not requested (--no-r)"
    result = QregBenchmark({name: SIZES[name] for name in sizes})
    if problem:
        result.notes.append(f"R quantreg not timed: {problem}")
    for name in sizes:
        frame = simulate(SIZES[name], seed)
        X, y = _design(frame)
        times = result.fit.setdefault(name, {})
        times["carbongap"], ours = _best(lambda frame=frame: fit(frame, FORMULA, taus=TAUS),
                                         repeats)
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


def _boot_times(frame: pd.DataFrame, X: np.ndarray, y: np.ndarray, jobs: int, repeats: int,
                problem: str | None, name: str, result: QregBenchmark) -> dict[str, float]:
    times: dict[str, float] = {}
    runs = max(1, repeats - 2)
    times["carbongap, 1 process"], _ = _best(
        lambda: fit(frame, FORMULA, taus=(0.5,), se="boot", boot_reps=BOOT_REPS), runs)
    if jobs > 1:  # best of at least two: the first run also starts the worker processes
        times[f"carbongap, {jobs} workers"], _ = _best(
            lambda: fit(frame, FORMULA, taus=(0.5,), se="boot", boot_reps=BOOT_REPS,
                        jobs=jobs), max(2, runs))
    if not problem:
        from ..qreg.boot import xy_draw
        from ..r.quantreg import rq

        reps = BOOT_REPS if len(y) <= SIZES["paper"] else R_BOOT_SAMPLE
        draws = np.column_stack([xy_draw(len(y), 0, ("bench",), b) for b in range(reps)])
        seconds = rq(X, y, 0.5, se="boot", draws=draws).seconds * BOOT_REPS / reps
        times["R boot.rq (br)"] = seconds
        if reps < BOOT_REPS:
            result.notes.append(f"{name}: R boot.rq timed on {reps} replicates and scaled to "
                                f"{BOOT_REPS}")
    return times


def format_qreg_benchmark(result: QregBenchmark) -> str:
    """The measurements as a plain-text report with the ratios."""
    lines = ["carbongap bench qreg: quantile regressions, one simulated Table 1-shaped data set"
             " per size", ""]
    for title, table, reference in (
            (f"coefficients + nid SEs at tau = {', '.join(map(str, TAUS))}", result.fit,
             "carbongap"),
            (f"bootstrap SE, {BOOT_REPS} xy replicates at tau = 0.5", result.boot,
             "carbongap, 1 process")):
        if not table:
            continue
        lines.append(title)
        for name, times in table.items():
            ours = times[reference]
            lines.append(f"  N = {result.sizes[name]:,}")
            for tool, seconds in times.items():
                ratio = "" if tool == reference else f"   {seconds / ours:6.1f}x carbongap's time"
                lines.append(f"    {tool:<24}{seconds * 1000:>11.1f} ms{ratio}")
        lines.append("")
    for name, diff in result.accuracy.items():
        lines.append(f"N = {result.sizes[name]:,}: largest relative coefficient difference to "
                     f"R's br: {diff:.1e}")
    lines += [f"note: {note}" for note in result.notes]
    return "\n".join(lines)
