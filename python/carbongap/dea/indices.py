"""Index form of the Luenberger indicators (docs/methods.md §6) and their yearly summaries.

The paper takes logs and Ginis of *positive* indices built from the additive indicators:

* ``increment`` (paper default): for the pair (t−1, t), labelled t,
  T_t = 1 + LTFP_t, PC_t = 1 + PC_t, EC_t = 1 + EC_t (likewise GT, GPC, GEC from the
  green model).
* Ratio measures (ML, GML; docs/methods.md §15): the index is the component itself,
  T_t = ML_t, PC_t = MLTECH_t, EC_t = MLEFFCH_t.
* ``cumulative``: the chain of the increments from the base year b (the first year
  with usable DEA data, given by the caller), I_b = 1 and
  I_t = I_{t−1} · (1 + indicator_t) = Π_{s=b+1..t} (1 + indicator_s). A city's chain
  needs every pair from b to t: after a missing or NaN pair (e.g. one infeasible
  cross-period LP) every later year is NaN, so this form loses more city-years than the
  increment form; :func:`broken_chains` counts them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..choices import INDEX_FORMS, check


def index_form(table: pd.DataFrame, names: Mapping[str, str], form: str, *,
               unit: str = "city_code", time: str = "year",
               periods: Sequence[int] | None = None, ratio: bool = False) -> pd.DataFrame:
    """Indices from one model's indicator table (formulas in the module docstring).

    Parameters
    ----------
    table
        :func:`carbongap.dea.luenberger` output (``unit``, ``time`` = later year, ...).
    names
        indicator column -> index name, e.g. ``{"LTFP": "T", "PC": "PC", "EC": "EC"}``.
    form
        ``"increment"`` or ``"cumulative"``.
    periods
        All periods of the DEA, first = base year (cumulative form only; default: the
        base is the year before the first later-year in ``table``).
    ratio
        The components are ratio indices already (the Malmquist-Luenberger measures,
        docs/methods.md §15): the increment is the component itself, not 1 + it.

    Returns
    -------
    DataFrame
        ``unit``, ``time`` and one column per index; the cumulative form adds the base
        year (= 1) for every city.
    """
    check("index form", form, INDEX_FORMS)
    out = table.loc[:, [unit, time]].copy()
    for indicator, name in names.items():
        out[name] = (0.0 if ratio else 1.0) + table[indicator].to_numpy(dtype=np.float64)
    if form == "increment" or out.empty:
        return out
    if periods is None:
        later = sorted(out[time].unique().tolist())
        periods = [int(table[f"{time}_from"].min()), *later]
    units = sorted(out[unit].unique().tolist())
    grid = pd.MultiIndex.from_product([units, list(periods)], names=[unit, time])
    wide = out.set_index([unit, time]).reindex(grid)
    chained = pd.DataFrame(index=grid)
    for name in names.values():
        steps = wide[name].to_numpy(dtype=np.float64, copy=True).reshape(
            len(units), len(periods))
        steps[:, 0] = 1.0  # the base year; np.cumprod carries NaN forward
        chained[name] = np.cumprod(steps, axis=1).ravel()
    return chained.reset_index()


def broken_chains(table: pd.DataFrame, names: Mapping[str, str], chained: pd.DataFrame, *,
                  unit: str = "city_code", time: str = "year") -> dict[str, int]:
    """Per index, the city-years NaN in the cumulative form only because the chain broke.

    Counts the rows of ``table`` (one model's indicator table) whose own indicator is
    defined but whose cumulative index in ``chained`` (:func:`index_form` output) is NaN:
    an earlier pair of that city's chain is missing or NaN.
    """
    own = table.set_index([unit, time])
    chain = chained.set_index([unit, time]).reindex(own.index)
    return {name: int((own[indicator].notna() & chain[name].isna()).sum())
            for indicator, name in names.items()}


def yearly_means(frame: pd.DataFrame, columns: Sequence[str], *,
                 time: str = "year") -> pd.DataFrame:
    """Mean of each column across the rows of each period (NaN left out and counted).

    Returns a long frame: variable, ``time``, n, n_dropped, mean (Figures 2-3).
    """
    parts = []
    for column in columns:
        grouped = frame.groupby(time, sort=True)[column]
        part = pd.DataFrame({time: grouped.mean().index.to_numpy(),
                             "n": grouped.count().to_numpy(),
                             "n_dropped": (grouped.size() - grouped.count()).to_numpy(),
                             "mean": grouped.mean().to_numpy()})
        part.insert(0, "variable", column)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)
