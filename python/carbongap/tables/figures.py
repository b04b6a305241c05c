"""Quantile-process figures: one per table, a panel per (part, technology regressor).

Each panel draws the coefficient over τ with its shaded 95% nid band, and the OLS
coefficient (solid red) with its 95% interval (dashed red), as R quantreg's
``plot(summary(rq(...)))`` does (:mod:`carbongap.tables.process`). Built with
``matplotlib.figure.Figure`` (Agg canvas, no pyplot state).
"""

from __future__ import annotations

import math

import pandas as pd
from matplotlib.figure import Figure

from ..figure_notes import DataSource, count_range, finish


def process_figure(process: pd.DataFrame, table: int, title: str, *,
                   source: DataSource) -> tuple[Figure, pd.DataFrame]:
    """The figure of one table and the rows drawn.

    ``source`` is the data behind the regressions: the caption under the panels names it
    with N (observations per regression, also in each panel's title) and, for synthetic
    data, the figure carries the note of :func:`carbongap.figure_notes.finish`.
    """
    data = process.loc[process["table"] == table].reset_index(drop=True)
    panels = list(dict.fromkeys(zip(data["part"], data["term"], strict=True)))
    if not panels:
        raise ValueError(f"no quantile-process rows for table {table}")
    cols = min(2, len(panels))
    rows = math.ceil(len(panels) / cols)
    figure = Figure(figsize=(5.2 * cols, 3.6 * rows + 0.6))
    for k, (part, term) in enumerate(panels, start=1):
        axes = figure.add_subplot(rows, cols, k)
        rows_k = data.loc[(data["part"] == part) & (data["term"] == term)]
        axes.fill_between(rows_k["tau"], rows_k["lower"], rows_k["upper"], color="0.8",
                          label="95% band (nid)")
        axes.plot(rows_k["tau"], rows_k["coef"], marker="o", markersize=3, color="black",
                  label="quantile regression")
        ols = rows_k.iloc[0]
        axes.axhline(ols["ols"], color="red", linewidth=1.0, label="OLS")
        for bound in ("ols_lower", "ols_upper"):
            axes.axhline(ols[bound], color="red", linewidth=0.8, linestyle="--")
        axes.axhline(0.0, color="grey", linewidth=0.6)
        where = ols["header"] if ols["header"] == ols["dependent"] else (
            f"{ols['header']}, {ols['dependent']}")
        axes.set_title(f"{term}: {where} (N = {int(ols['n'])})", fontsize="medium")
        axes.set_xlabel("τ")
        axes.set_ylabel(f"coefficient of {term}")
        axes.grid(alpha=0.3)
        if k == 1:
            axes.legend(fontsize="small", loc="best")
    sample = f"N = {count_range(data['n'])} city-years per regression"
    finish(figure, source, sample, "Grey: 95% band (nid); red: OLS and its 95% interval.",
           title=title)
    return figure, data
