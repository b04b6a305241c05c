"""City-bootstrap percentile confidence intervals for yearly Ginis (docs/methods.md §5).

For one year (and one group) with n cities, a draw resamples n cities with replacement
and recomputes the Gini (eq. 4-5, same correction as the point estimate); the interval at
level L is the pair of (1 - L)/2 and (1 + L)/2 quantiles of the draws (numpy's default
linear interpolation between order statistics; Efron & Tibshirani 1993, ch. 13).

Randomness: every (label, year) has its own stream (:func:`carbongap.streams.stream`:
``default_rng([seed, crc32(label), crc32(str(year))])``), so an interval does not depend
on which other years, groups or variables are computed, nor on their order. All draws of
one year are made in one vectorised call: an index matrix of shape (draws, n), sorted
row-wise, and the sorted-form Gini of every row (``gini_sorted_rows``); memory is draws x n floats.

A resample made only of cities whose value is 0 (possible when some cities have 0, e.g.
two cities of which one has 0 give such a draw with probability 1/4) has no Gini by
eq. 4-5 (0/0). It is counted as Gini 0, the value of every resample whose cities all have
the same amount, so the interval is computed over all draws; the stage notes how many
city-years have the value 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..choices import NanPolicy
from ..streams import stream
from .gini import gini_sorted_rows, yearly_gini


def gini_draws(values: np.ndarray, draws: int, rng: np.random.Generator,
               correction: bool = False) -> np.ndarray:
    """``draws`` bootstrap Ginis of ``values`` (finite, non-negative, at least one value).

    Returns
    -------
    ndarray
        Shape (draws,). A resample whose values are all equal, all zero included, has
        Gini 0 (see the module docstring).
    """
    x = np.asarray(values, dtype="float64").ravel()
    n = x.size
    index = rng.integers(0, n, size=(draws, n))
    sample = np.sort(x[index], axis=1, kind="mergesort")
    out = gini_sorted_rows(sample)
    if correction:
        out = out * (n / (n - 1))
    return out


def percentile_interval(draws: np.ndarray, level: float) -> tuple[float, float]:
    """The (1 - level)/2 and (1 + level)/2 quantiles of ``draws``; NaN when empty."""
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must lie in (0, 1), got {level}")
    if draws.size == 0:
        return (np.nan, np.nan)
    low, high = np.quantile(draws, [(1.0 - level) / 2.0, (1.0 + level) / 2.0])
    return float(low), float(high)


def yearly_gini_ci(
    frame: pd.DataFrame,
    value: str,
    *,
    draws: int,
    seed: int,
    level: float = 0.95,
    label: str = "",
    by: str = "year",
    correction: bool = False,
    nan_policy: NanPolicy = "drop",
) -> pd.DataFrame:
    """Yearly Ginis of ``value`` (``yearly_gini``) with city-bootstrap percentile intervals.

    Parameters
    ----------
    frame, value, by, correction, nan_policy
        As in :func:`carbongap.inequality.yearly_gini`; one row per city and ``by`` value.
    draws
        Bootstrap draws per year; 0 gives NaN intervals.
    seed, label
        Seed and a label naming the series (e.g. ``"co2|national"``) that select the random
        streams (see the module docstring).
    level
        Coverage of the percentile interval.

    Returns
    -------
    DataFrame
        Columns [by, "n", "n_dropped", "gini", "ci_low", "ci_high"]; intervals are NaN where
        the Gini is NaN, where n < 2 (a resample of one city always has Gini 0) or draws = 0.
    """
    out = yearly_gini(frame, value, by=by, correction=correction, nan_policy=nan_policy)
    x = pd.to_numeric(frame[value], errors="raise").astype("float64").to_numpy()
    keys = frame[by].to_numpy()
    low = np.full(len(out), np.nan)
    high = np.full(len(out), np.nan)
    for row, (key, n) in enumerate(zip(out[by], out["n"], strict=True)):
        if draws == 0 or n < 2:
            continue
        kept = x[(keys == key) & ~np.isnan(x)]
        sample = gini_draws(kept, draws, stream(seed, label, key), correction=correction)
        low[row], high[row] = percentile_interval(sample, level)
    return out.assign(ci_low=low, ci_high=high)
