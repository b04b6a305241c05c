"""The Gini coefficient (Zhang & Liu (2024) eq. 4-5; docs/methods.md §5), exact and O(n log n).

The paper's definition for one group of n cities with values x_1..x_n and mean mu is

    G = 1 / (2 n^2 mu) * sum_i sum_j |x_i - x_j|                         (eq. 4-5)

with no small-sample correction. Sorting the values ascending, x_(1) <= ... <= x_(n),
each pair is counted twice with the larger value carrying the plus sign, so

    sum_i sum_j |x_i - x_j| = 2 * sum_i (2 i - n - 1) x_(i)                (sorted form)

and G = sum_i (2 i - n - 1) x_(i) / (n * sum_i x_i): one sort, O(n log n), exact in
exact arithmetic (not an approximation). The value is unit-free: scaling all x by a
positive constant or permuting them leaves G unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..choices import NAN_POLICIES, NanPolicy, check
from ..errors import DataError, format_rows


def gini_sorted_rows(x_sorted: np.ndarray) -> np.ndarray:
    """Gini of each row of a 2-D array whose rows are sorted ascending (eq. 4-5).

    The vectorised core used by :func:`gini` and the bootstrap. Rows must be non-empty and
    non-negative; no check is made here (callers check). O(rows x n).

    A row whose values are all equal (sorted: first == last) has Gini exactly 0: the
    sorted-form sum vanishes in exact arithmetic, but rounding would leave about +-1e-17
    (and a sign that is noise). This includes a row of zeros, where eq. 4-5 is 0/0: such a
    row is a population in which every unit has the same amount, so it is given the Gini
    of every other constant row, 0 (the bootstrap's all-zero resample, see
    :mod:`carbongap.inequality.bootstrap`).

    Returns
    -------
    ndarray
        One Gini per row, G = sum_i (2 i - n - 1) x_(i) / (n sum_i x_i); 0 for a constant row.
    """
    n = x_sorted.shape[-1]
    rank_weight = 2.0 * np.arange(1, n + 1) - n - 1.0
    constant = x_sorted[..., 0] == x_sorted[..., -1]
    total = np.where(constant, 1.0, x_sorted.sum(axis=-1))
    return np.where(constant, 0.0, (x_sorted @ rank_weight) / (n * total))


def _weighted_sorted(x: np.ndarray, w: np.ndarray) -> float:
    """Weighted Gini from the sorted form (see :func:`gini` for the definition)."""
    order = np.argsort(x, kind="mergesort")
    xs, ws = x[order], w[order]
    if xs[0] == xs[-1]:  # all equal: exactly 0, as in gini_sorted_rows
        return 0.0
    total = ws.sum()
    cum = np.cumsum(ws)
    # weight strictly below minus weight strictly above each sorted position
    below_minus_above = 2.0 * cum - ws - total
    pair_sum = 2.0 * np.dot(ws * xs, below_minus_above)
    mean = np.dot(ws, xs) / total
    return float(pair_sum / (2.0 * total**2 * mean))


def _usable(values: np.ndarray | pd.Series | list[float],
            weights: np.ndarray | pd.Series | list[float] | None, nan_policy: NanPolicy,
            allow_negative: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """The values (and weights) a Gini is computed from: NaN dropped or refused as
    ``nan_policy`` says, infinite and (unless allowed) negative values refused."""
    check("nan_policy", nan_policy, NAN_POLICIES)
    x = np.asarray(values, dtype="float64").ravel()
    w = None if weights is None else np.asarray(weights, dtype="float64").ravel()
    if w is not None and w.shape != x.shape:
        raise ValueError(f"weights has {w.size} entries but values has {x.size}")
    missing = np.isnan(x)
    if missing.any():
        if nan_policy == "error":
            raise ValueError(f"{int(missing.sum())} of {x.size} values are NaN "
                             "(use nan_policy='drop' to leave them out)")
        x = x[~missing]
        w = None if w is None else w[~missing]
    if x.size == 0:
        raise ValueError("the Gini of no values is undefined")
    if not np.isfinite(x).all():
        raise ValueError(f"{int((~np.isfinite(x)).sum())} values are infinite")
    if not allow_negative and (x < 0).any():
        raise ValueError(f"{int((x < 0).sum())} values are negative; the Gini is not bounded "
                         "then (pass allow_negative=True to compute it anyway)")
    return x, w


def gini(
    values: np.ndarray | pd.Series | list[float],
    weights: np.ndarray | pd.Series | list[float] | None = None,
    correction: bool = False,
    nan_policy: NanPolicy = "error",
    allow_negative: bool = False,
) -> float:
    """The Gini coefficient of ``values`` (Zhang & Liu (2024) eq. 4-5; docs/methods.md §5).

    Unweighted (the paper's eq. 4-5):

        G = 1 / (2 n^2 mu) sum_i sum_j |x_i - x_j|,   mu = (1/n) sum_i x_i,

    computed by the sorted form G = sum_i (2 i - n - 1) x_(i) / (n sum_i x_i) in O(n log n).

    Weighted (population weights w_i >= 0, e.g. persons; W = sum_i w_i):

        G_w = 1 / (2 W^2 mu_w) sum_i sum_j w_i w_j |x_i - x_j|,  mu_w = (1/W) sum_i w_i x_i,

    i.e. the Gini of the population in which unit i appears w_i times: integer weights give
    exactly the Gini of the values repeated that many times. Sorted form: with x sorted and
    B_i, A_i the total weight strictly below and strictly above position i,
    sum_i sum_j w_i w_j |x_i - x_j| = 2 sum_i w_i x_i (B_i - A_i); O(n log n).
    Only the ratio of weights matters.

    Parameters
    ----------
    values
        Any unit (tonnes of CO2, t per 10^4 yuan, an index): the Gini is unit-free.
    weights
        None (every value counts once) or finite non-negative weights with a positive sum,
        same length as ``values``.
    correction
        Multiply by n / (n - 1) (the small-sample correction the paper does not use). Not
        defined for weighted data (a population weight has no sample size): ValueError.
    nan_policy
        ``"error"``: a NaN value raises ValueError saying how many values are NaN;
        ``"drop"``: NaN values (and their weights) are left out; the caller counts them.
    allow_negative
        Negative values make the Gini unbounded (it can exceed 1), so they raise ValueError
        unless this is True; the mean must still be positive.

    Returns
    -------
    float
        G in [0, (n - 1) / n] for non-negative values without correction; 0 when all values
        are equal; (n - 1) / n when one unit holds everything.

    Raises
    ------
    ValueError
        No values (after dropping NaN), NaN under ``"error"``, infinite values, negative
        values without ``allow_negative``, a mean that is not positive, bad weights,
        ``correction`` with n = 1 or with weights.
    """
    x, w = _usable(values, weights, nan_policy, allow_negative)
    if w is not None:
        if correction:
            raise ValueError("correction=True is not defined with weights (no sample size)")
        if not np.isfinite(w).all() or (w < 0).any():
            raise ValueError("weights must be finite and non-negative")
        if w.sum() <= 0:
            raise ValueError("weights must have a positive sum")
        if np.dot(w, x) <= 0:
            raise ValueError("the weighted mean is not positive; the Gini is undefined")
        return _weighted_sorted(x, w)
    if x.sum() <= 0:
        raise ValueError(f"the mean is not positive (the {x.size} values sum to {x.sum():g}); "
                         "the Gini is undefined: it needs at least one positive value")
    n = x.size
    value = float(gini_sorted_rows(np.sort(x, kind="mergesort")[None, :])[0])
    if correction:
        if n < 2:
            raise ValueError("correction=True needs at least two values (factor n/(n-1))")
        value *= n / (n - 1)
    return value


def yearly_gini(
    frame: pd.DataFrame,
    value: str,
    *,
    by: str = "year",
    correction: bool = False,
    nan_policy: NanPolicy = "drop",
    allow_negative: bool = False,
) -> pd.DataFrame:
    """Gini of column ``value`` across the rows of each ``by`` group (eq. 4-5).

    Works for any city-level indicator (CO2, CO2pgdp, the productivity indices of
    Figures 4-6): one row per city-year in, one Gini per year out.

    Parameters
    ----------
    frame
        Long frame with columns ``by`` and ``value``.
    value
        The column to measure (any positive quantity; unit-free result).
    by
        The grouping column (default ``year``).
    correction, allow_negative
        As in :func:`gini`.
    nan_policy
        ``"drop"`` (default): NaN values are left out and counted in ``n_dropped``;
        ``"error"``: any NaN raises :class:`DataError` naming the column and the rows
        (0-based positions in ``frame``).

    Returns
    -------
    DataFrame
        Columns [by, "n", "n_dropped", "gini"], one row per ``by`` value, sorted by it;
        ``n`` counts the values used. A group with no usable value has n = 0 and gini NaN;
        with ``correction`` a group of one value has gini NaN too (n/(n-1) is undefined).
    """
    check("nan_policy", nan_policy, NAN_POLICIES)
    for column in (by, value):
        if column not in frame.columns:
            raise DataError(f"yearly_gini: column {column!r} not in the frame (columns: "
                            f"{', '.join(map(str, frame.columns))})", column=column)
    x = pd.to_numeric(frame[value], errors="raise").astype("float64").to_numpy()
    missing = np.isnan(x)
    if nan_policy == "error" and missing.any():
        rows = np.flatnonzero(missing)
        raise DataError(f"yearly_gini: {len(rows)} NaN values in column {value!r} at rows "
                        f"{format_rows(rows)}", column=value, rows=rows)
    keys = frame[by].to_numpy()
    rows = []
    for key in np.unique(keys):
        part = keys == key
        kept = x[part & ~missing]
        n_dropped = int((part & missing).sum())
        if kept.size == 0 or (correction and kept.size == 1):
            g = np.nan
        else:
            try:
                g = gini(kept, correction=correction, allow_negative=allow_negative)
            except ValueError as exc:
                raise DataError(f"yearly_gini: column {value!r}, {by} {key}: {exc}",
                                column=value, rows=np.flatnonzero(part)) from exc
        rows.append({by: key, "n": int(kept.size), "n_dropped": n_dropped, "gini": g})
    out = pd.DataFrame(rows, columns=[by, "n", "n_dropped", "gini"])
    return out.astype({"n": "int64", "n_dropped": "int64", "gini": "float64"})


def yearly_ginis(
    frame: pd.DataFrame,
    values: Sequence[str],
    *,
    by: str = "year",
    correction: bool = False,
    nan_policy: NanPolicy = "drop",
    allow_negative: bool = False,
) -> pd.DataFrame:
    """:func:`yearly_gini` of several indicators, stacked in one long frame.

    For Figures 4-6 (Ginis of T, GT, PC, EC, GPC, GEC across cities): the result feeds
    :func:`carbongap.inequality.figures.gini_lines` directly.

    Returns
    -------
    DataFrame
        Columns ["variable", by, "n", "n_dropped", "gini"], variables in the order given.
    """
    if not values:
        raise ValueError("yearly_ginis needs at least one column name")
    parts = []
    for value in values:
        part = yearly_gini(frame, value, by=by, correction=correction, nan_policy=nan_policy,
                           allow_negative=allow_negative)
        part.insert(0, "variable", value)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)
