"""Standard errors and intervals from resampled estimates (docs/methods.md §14).

Pipeline bootstrap (Efron 1979, applied to the whole pipeline): the standard error is the
standard deviation of the replicates θ*_b (ddof 1) and the interval their percentile
interval [q_{α/2}, q_{1−α/2}] (quantiles: numpy's default, R's type 7).

m-out-of-n subsampling (Politis & Romano 1994; for DEA estimators Simar & Wilson 2011,
J. Productivity Analysis 36:33-53): with an estimator converging at rate n^a, the law of
m^a (θ*_m − θ̂_n) over subsamples of m of the n units approximates that of
n^a (θ̂_n − θ). Hence, with r = (m/n)^a, the standard error r·sd(θ*_m) and the interval

    [θ̂_n − r (q_{1−α/2}(θ*_m) − θ̂_n),  θ̂_n − r (q_{α/2}(θ*_m) − θ̂_n)],

which, unlike the percentile interval, is not centred on the replicates (a sample
maximum's interval lies above the maximum, where the truth is).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

#: Columns the summaries add per cell.
BOOT_COLUMNS: tuple[str, ...] = ("boot_se", "boot_lo", "boot_hi", "boot_reps")
SUB_COLUMNS: tuple[str, ...] = ("sub_se", "sub_lo", "sub_hi", "sub_reps")


def percentile_interval(draws: np.ndarray, level: float) -> tuple[float, float]:
    """[q_{α/2}, q_{1−α/2}] of the finite ``draws`` (α = 1 − ``level``); NaN without any."""
    finite = draws[np.isfinite(draws)]
    if finite.size == 0:
        return float("nan"), float("nan")
    alpha = 1.0 - level
    lo, hi = np.quantile(finite, [alpha / 2.0, 1.0 - alpha / 2.0])
    return float(lo), float(hi)


def subsampling_interval(point: float, draws: np.ndarray, ratio: float, rate: float,
                         level: float) -> tuple[float, float]:
    """The subsampling interval of the module docstring: ``ratio`` = m/n, ``rate`` = a."""
    lo, hi = percentile_interval(draws, level)
    scale = ratio ** rate
    return point - scale * (hi - point), point - scale * (lo - point)


def _sd(draws: np.ndarray) -> float:
    finite = draws[np.isfinite(draws)]
    return float(np.std(finite, ddof=1)) if finite.size > 1 else float("nan")


def summarise(replicates: pd.DataFrame, keys: Sequence[str], value: str, *,
              level: float, ratio: float, rate: float) -> pd.DataFrame:
    """One row per cell ``keys``: the point estimate (replication 0 of the bootstrap),
    :data:`BOOT_COLUMNS` from the bootstrap replicates 1.. and :data:`SUB_COLUMNS` from the
    subsamples 1.. (``ratio`` = m/n, ``rate`` = a); cells in the order of their keys.

    ``replicates``: long, with columns ``scheme`` ("bootstrap" or "subsampling"), ``rep``,
    ``keys`` and ``value``.
    """
    rows = []
    keys = list(keys)
    point = replicates.loc[(replicates["scheme"] == "bootstrap") & (replicates["rep"] == 0)]
    points = {tuple(row[:-1]): row[-1]
              for row in point.loc[:, [*keys, value]].itertuples(index=False)}
    drawn = replicates.loc[replicates["rep"] > 0]
    scale = ratio ** rate
    by = {tuple(name): part[value].to_numpy(np.float64)
          for name, part in drawn.groupby(["scheme", *keys], sort=True)}
    for cell in sorted(points):
        theta = float(points[cell])
        boot = by.get(("bootstrap", *cell), np.zeros(0))
        sub = by.get(("subsampling", *cell), np.zeros(0))
        boot_lo, boot_hi = percentile_interval(boot, level)
        sub_lo, sub_hi = subsampling_interval(theta, sub, ratio, rate, level)
        rows.append({**dict(zip(keys, cell, strict=True)), value: theta,
                     "boot_se": _sd(boot), "boot_lo": boot_lo, "boot_hi": boot_hi,
                     "boot_reps": int(np.isfinite(boot).sum()),
                     "sub_se": scale * _sd(sub), "sub_lo": sub_lo, "sub_hi": sub_hi,
                     "sub_reps": int(np.isfinite(sub).sum())})
    return pd.DataFrame(rows, columns=[*keys, value, *BOOT_COLUMNS, *SUB_COLUMNS])
