"""Screening a long panel for the DEA: which unit-periods can enter, and why not.

docs/methods.md §6, §10: every DEA variable must be present and positive (the direction
g = observed values divides every slack), and a unit enters a year pair (t, t+1) only
when it is present in both calendar periods (:func:`carbongap.dea.frontiers.year_pairs`).
Nothing is dropped silently: :func:`screen` returns every exclusion with its reason, and
:func:`carbongap.dea.luenberger` logs them.

Unit ids may be any values that can be hashed and ordered: integers (city codes), text
(firm or country names; object, ``str`` or ``string`` dtype), a categorical column. They
are kept as given, with their dtype, in every table built from the screening; only the
periods must be whole numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DataError, format_rows
from .frontiers import year_pairs


@dataclass(frozen=True)
class Screened:
    """A screened panel.

    Attributes
    ----------
    panel
        The usable rows (the unit ids as given, time, and the DEA variables as float64),
        sorted by (time, unit) with a stable sort.
    excluded
        One row per excluded unit-period: unit (the panel's dtype), time (int64),
        reason. Invalid rows come first (reason names the variable); then, for every
        calendar pair (t-1, t) between the panel's first and last period, one row per
        unit usable in one of its periods but not the other, keyed by t (the row the
        indicator table lacks). The reason says which period is missing; when no unit at
        all is usable in a period (a year lost for the model), it names the pair and the
        empty period, e.g. "no indicator for the pair 2008-2009: no unit is usable in
        year 2008".
    """

    panel: pd.DataFrame
    excluded: pd.DataFrame


def _check_ids(ids: pd.Series, unit: str, source: str) -> None:
    """DataError when a unit id is missing, or when the ids cannot be hashed and ordered
    together (numbers mixed with text, lists); rows are 0-based positions."""
    missing = ids.isna().to_numpy()
    if missing.any():
        rows = np.flatnonzero(missing)
        raise DataError(f"{source}: column {unit} (the unit ids) is missing at rows "
                        f"{format_rows(rows)}", source=source, column=unit, rows=rows)
    values = ids.tolist()
    try:
        sorted(set(values))
    except TypeError:
        kinds = np.array([type(v).__name__ for v in values])
        found = "; ".join(f"{kind} at rows {format_rows(np.flatnonzero(kinds == kind))}"
                          for kind in dict.fromkeys(kinds.tolist()))
        raise DataError(f"{source}: column {unit} must hold unit ids of one kind that can be "
                        f"ordered (all numbers or all text); found {found}", source=source,
                        column=unit, rows=np.flatnonzero(kinds != kinds[0])) from None


def screen(panel: pd.DataFrame, variables: Sequence[str], *, unit: str = "city_code",
           time: str = "year", label: str = "DEA", source: str = "panel") -> Screened:
    """Keep the unit-periods with every variable present and positive; list the rest.

    Raises :class:`~carbongap.errors.DataError` for a missing column, a missing unit id,
    unit ids that cannot be ordered together (module docstring), a non-numeric variable or
    period, a period that is not a whole number or a duplicated (unit, time) key.
    ``label`` starts every reason (e.g. ``"green model"``); ``source`` names the frame in
    error messages.
    """
    missing = [c for c in (unit, time, *variables) if c not in panel.columns]
    if missing:
        raise DataError(f"{source}: column(s) {', '.join(missing)} missing; the DEA needs "
                        f"{unit}, {time} and {', '.join(variables)}", source=source,
                        column=missing[0])
    frame = panel.loc[:, [unit, time, *variables]].reset_index(drop=True)
    _check_ids(frame[unit], unit, source)
    for column in (time, *variables):
        if not pd.api.types.is_numeric_dtype(frame[column]):
            raise DataError(f"{source}: column {column} must be numeric, found dtype "
                            f"{frame[column].dtype}", source=source, column=column)
    periods = frame[time].to_numpy(dtype=np.float64)
    fractional = ~(np.isfinite(periods) & (periods == np.round(periods)))
    if fractional.any():
        rows = np.flatnonzero(fractional)
        raise DataError(f"{source}: column {time} must hold whole periods (years), not "
                        f"{periods[rows[0]]!r}, at rows {format_rows(rows)}", source=source,
                        column=time, rows=rows)
    duplicated = frame.duplicated([unit, time], keep=False).to_numpy()
    if duplicated.any():
        rows = np.flatnonzero(duplicated)
        raise DataError(f"{source}: duplicated ({unit}, {time}) keys at rows "
                        f"{format_rows(rows)}", source=source, column=unit, rows=rows)

    reasons = pd.Series(pd.NA, index=frame.index, dtype="string")
    for column in variables:
        values = frame[column].astype("float64")
        open_rows = reasons.isna()
        reasons[open_rows & values.isna()] = f"{label}: {column} missing"
        reasons[open_rows & values.notna() & ~(values > 0)] = f"{label}: {column} <= 0"
    bad = reasons.notna().to_numpy()
    invalid = frame.loc[bad, [unit, time]].assign(reason=reasons[bad].astype(str))

    good = frame.loc[~bad].astype({c: "float64" for c in variables})
    good = good.sort_values([time, unit], kind="mergesort").reset_index(drop=True)
    present = set(zip(good[unit].to_numpy().tolist(), good[time].to_numpy().tolist(),
                      strict=True))
    pair_rows = []
    usable = set(good[time].tolist())
    calendar = range(int(frame[time].min()), int(frame[time].max()) + 1) if len(frame) else ()
    for first, second in year_pairs(calendar):
        empty = [p for p in (first, second) if p not in usable]
        for u in sorted(set(good.loc[good[time].isin([first, second]), unit])):
            if empty:
                why = (f"no indicator for the pair {first}-{second}: no unit is usable in "
                       f"{time} {empty[0]}")
            elif (u, first) not in present:
                why = f"no indicator for the pair ({time} - 1, {time}): {time} - 1 not usable"
            elif (u, second) not in present:
                why = f"no indicator for the pair ({time} - 1, {time}): {time} not usable"
            else:
                continue
            pair_rows.append({unit: u, time: second, "reason": f"{label}: {why}"})
    pairs = pd.DataFrame(pair_rows, columns=[unit, time, "reason"])
    excluded = pd.concat([invalid, pairs], ignore_index=True) if pair_rows else invalid
    excluded = excluded.astype({unit: frame[unit].dtype, time: "int64", "reason": str})
    return Screened(good, excluded.reset_index(drop=True))
