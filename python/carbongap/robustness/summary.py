"""What the robustness grid says about each key coefficient (docs/methods.md §13).

Pure functions of the long table of :func:`carbongap.robustness.estimates.grid_estimates`:
per key coefficient, dependent variable and sample, how often an estimate keeps the sign
the baseline has in the same cell (table part and τ), how often it is significant at 5 %
(two-sided p of its SE method), and its range; and the data of a specification curve
(Simonsohn, Simmons & Nelson 2020): every estimate of one coefficient, sorted, with its
95 % interval and the choices that made it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..tables.process import Z95

#: The technology coefficients the paper's conclusions rest on (eq. 2; Tables 1-8).
KEY_TERMS: tuple[str, ...] = ("lnT", "lnGT", "lnPC", "lnEC", "lnGPC", "lnGEC")
#: Significance level of the summary's share (two-sided).
ALPHA = 0.05
CELL = ["table", "part", "tau"]


def summarise(long: pd.DataFrame, terms: tuple[str, ...] = KEY_TERMS) -> pd.DataFrame:
    """One row per key term, dependent variable and sample (in ``terms`` order, then as
    the tables list them): specifications, estimates (rows with a coefficient),
    ``same_sign`` (share whose sign equals the baseline's in the same cell),
    ``significant_5pct`` (share with p < 0.05), ``baseline_significant_5pct`` (the same
    share among the baseline's cells), ``min`` and ``max`` of the coefficient."""
    rows = []
    data = long.loc[long["term"].isin(terms) & long["coef"].notna()]
    baseline = (data.loc[data["baseline"].astype(bool), [*CELL, "term", "coef"]]
                .rename(columns={"coef": "baseline_coef"}))
    data = data.merge(baseline, on=[*CELL, "term"], how="left", validate="many_to_one")
    for term in terms:
        part = data.loc[data["term"] == term]
        for (dependent, sample), group in part.groupby(["dependent", "sample"], sort=False):
            base = group.loc[group["baseline"].astype(bool)]
            rows.append({
                "term": term, "dependent": dependent, "sample": sample,
                "specifications": int(group["spec"].nunique()),
                "estimates": len(group),
                "same_sign": float((np.sign(group["coef"])
                                    == np.sign(group["baseline_coef"])).mean()),
                "significant_5pct": float((group["p"] < ALPHA).mean()),
                "baseline_significant_5pct": float((base["p"] < ALPHA).mean())
                if len(base) else float("nan"),
                "min": float(group["coef"].min()), "max": float(group["coef"].max()),
            })
    return pd.DataFrame(rows, columns=["term", "dependent", "sample", "specifications",
                                       "estimates", "same_sign", "significant_5pct",
                                       "baseline_significant_5pct", "min", "max"])


def curve_data(long: pd.DataFrame, specs: pd.DataFrame, term: str) -> pd.DataFrame:
    """Every estimate of ``term``, sorted by coefficient (ties by specification, table,
    part, τ), ranked from 1, with its 95 % normal interval (coef ± 1.96 SE), whether it is
    significant at 5 %, and the specification's option on every axis (``specs``:
    :func:`carbongap.robustness.estimates.specifications_frame`)."""
    rows = long.loc[(long["term"] == term) & long["coef"].notna()]
    rows = rows.sort_values(["coef", "spec", "table", "part", "tau"], kind="mergesort")
    rows = rows.reset_index(drop=True)
    axes = specs.drop(columns=["changed", "baseline"])
    out = rows.loc[:, ["spec", "changed", "baseline", "table", "part", "sample",
                       "dependent", "tau", "coef", "se", "p"]]
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    out["lower"] = out["coef"] - Z95 * out["se"]
    out["upper"] = out["coef"] + Z95 * out["se"]
    out["significant_5pct"] = out["p"] < ALPHA
    return out.merge(axes, on="spec", how="left", validate="many_to_one")


def option_summary(long: pd.DataFrame, specs: pd.DataFrame,
                   terms: tuple[str, ...] = KEY_TERMS) -> pd.DataFrame:
    """Per axis option and key term, against the baseline cell by cell (same table part,
    τ): the cells both have, the share keeping the baseline's sign and the share keeping
    its stars (the significance level). An option's cells are those of the
    specifications choosing it; in a one-at-a-time design, exactly the specification that
    moves that one axis. Rows: axis and option in the grid's order (baseline options left
    out), then terms in ``terms`` order."""
    axes = [c for c in specs.columns if c not in ("spec", "changed", "baseline")]
    data = long.loc[long["term"].isin(terms) & long["coef"].notna()]
    base = (data.loc[data["baseline"].astype(bool), [*CELL, "term", "coef", "stars"]]
            .rename(columns={"coef": "baseline_coef", "stars": "baseline_stars"}))
    data = data.loc[~data["baseline"].astype(bool)].merge(
        base, on=[*CELL, "term"], how="inner", validate="many_to_one")
    baseline_choice = specs.loc[specs["baseline"].astype(bool)].iloc[0]
    rows = []
    for axis in axes:
        for option in specs[axis].drop_duplicates():
            if option == baseline_choice[axis]:
                continue
            chosen = specs.loc[specs[axis] == option, "spec"]
            part = data.loc[data["spec"].isin(chosen)]
            for term in terms:
                cells = part.loc[part["term"] == term]
                if cells.empty:
                    continue
                rows.append({
                    "axis": axis, "option": option, "term": term, "cells": len(cells),
                    "same_sign": float((np.sign(cells["coef"])
                                        == np.sign(cells["baseline_coef"])).mean()),
                    "same_stars": float((cells["stars"].fillna("")
                                         == cells["baseline_stars"].fillna("")).mean())})
    return pd.DataFrame(rows, columns=["axis", "option", "term", "cells", "same_sign",
                                       "same_stars"])
