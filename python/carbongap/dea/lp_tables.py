"""Tables of the LPs that did not give a number (docs/methods.md §6: NaN plus a status).

From an indicator table of :func:`carbongap.dea.luenberger` (with a ``model`` column):
:func:`lp_status_rows` lists every LP that is not optimal (for any unit and time columns,
named as in ``luenberger``), :func:`infeasible_counts` counts LPs and infeasible LPs per
model, year pair and S term (zeros included), the table the paper's reader needs to judge
how often a cross-period LP has no solution.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .frontiers import FrontierRule, Term


def _status_columns(table: pd.DataFrame, frontier: FrontierRule
                    ) -> list[tuple[Term, str, str]]:
    """The terms of ``frontier`` with a status column in ``table``: the term, its column
    name (``S_...`` for the SBI, ``D_...`` for the directional distance measures) and
    the status column."""
    found = []
    for term in frontier.terms():
        for name in (term.name, "D" + term.name[1:]):
            if f"{name}_status" in table.columns:
                found.append((term, name, f"{name}_status"))
    return found


def _pair_labels(table: pd.DataFrame, time: str) -> np.ndarray:
    """'2006-2007' for the pair (t, t+1) of each row."""
    return (table[f"{time}_from"].astype(str) + "-" + table[time].astype(str)).to_numpy()


def lp_status_rows(table: pd.DataFrame, frontier: FrontierRule, *, unit: str = "city_code",
                   time: str = "year") -> pd.DataFrame:
    """One row per LP that is not optimal: model, frontier, rts, term, year_pair,
    ``unit`` (ids as in ``table``), status; sorted by model, year pair, term, unit."""
    rows = []
    for term, name, column in _status_columns(table, frontier):
        bad = table.loc[table[column] != "optimal"]
        rows.append(pd.DataFrame({
            "model": bad["model"].to_numpy(), "frontier": frontier.name, "rts": term.rts,
            "term": name, "year_pair": _pair_labels(bad, time),
            unit: bad[unit].reset_index(drop=True), "status": bad[column].to_numpy()}))
    out = pd.concat(rows, ignore_index=True)
    return out.sort_values(["model", "year_pair", "term", unit],
                           kind="mergesort").reset_index(drop=True)


def infeasible_counts(table: pd.DataFrame, frontier: FrontierRule) -> pd.DataFrame:
    """LPs and infeasible LPs per model, year pair, term and rts (zeros included)."""
    rows = []
    for term, name, column in _status_columns(table, frontier):
        flags = table.assign(_inf=(table[column] == "infeasible").astype("int64"),
                             year_pair=_pair_labels(table, "year"))
        counts = flags.groupby(["model", "year_pair", "year"], sort=True)["_inf"].agg(
            ["size", "sum"]).reset_index()
        rows.append(pd.DataFrame({
            "model": counts["model"], "frontier": frontier.name,
            "year_pair": counts["year_pair"],
            "year": counts["year"], "term": name, "rts": term.rts,
            "lps": counts["size"], "infeasible": counts["sum"]}))
    out = pd.concat(rows, ignore_index=True)
    return out.sort_values(["model", "year", "term"], kind="mergesort").reset_index(drop=True)
