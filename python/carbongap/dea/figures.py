"""Figures 2 and 3 of Zhang & Liu (2024): yearly means of the productivity indices.

Figure 2 (图2 生产率和绿色生产率变化) draws the yearly mean across cities of T and GT;
Figure 3 (图3 ... 各组成部分变化) of their components PC, EC, GPC, GEC. Figures 4-6 (yearly
Ginis) use :func:`carbongap.inequality.figures.gini_lines`. Each function returns the
figure with the frame of the numbers drawn (the CSV written beside the PNG); each carries
the caption and, on synthetic data, the note of :mod:`carbongap.figure_notes`, with the
legend outside the axes. Built with
``matplotlib.figure.Figure`` (Agg canvas, no pyplot state); English labels.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from matplotlib.figure import Figure

from ..figure_notes import DataSource, finish, legend_outside, yearly_sample

#: index -> legend label (docs/methods.md §6 index form).
INDEX_LABELS: dict[str, str] = {
    "T": "T: productivity (production model)",
    "GT": "GT: green productivity (green model)",
    "PC": "PC: production technical change",
    "EC": "EC: production efficiency change",
    "GPC": "GPC: green technical change",
    "GEC": "GEC: green efficiency change",
}


def mean_lines(means: pd.DataFrame, series: Mapping[str, str], title: str,
               ylabel: str, *, source: DataSource, time: str = "year",
               band: tuple[str, str] | None = None) -> tuple[Figure, pd.DataFrame]:
    """One line per variable of ``means`` (columns variable, ``time``, n, mean, ...).

    ``source`` is the data behind the means, for the caption and the synthetic-data note
    (:func:`carbongap.figure_notes.finish`); the legend is outside the axes. ``band``
    names the columns of each line's lower and upper interval bound, shaded around it.
    Returns the figure and the rows drawn, in the order of ``series`` then ``time``.
    """
    present = [v for v in series if (means["variable"] == v).any()]
    if not present:
        raise ValueError(f"no rows for any of {', '.join(series)} in the table of means")
    order = {v: i for i, v in enumerate(present)}
    data = means.loc[means["variable"].isin(present)].copy()
    data = data.assign(_order=data["variable"].map(order)).sort_values(
        ["_order", time], kind="mergesort").drop(columns="_order").reset_index(drop=True)
    figure = Figure(figsize=(9.0, 4.6))
    axes = figure.add_subplot()
    for variable in present:
        part = data.loc[data["variable"] == variable]
        (line,) = axes.plot(part[time], part["mean"], marker="o", markersize=3.5,
                            label=series[variable])
        if band is not None:
            axes.fill_between(part[time], part[band[0]], part[band[1]], alpha=0.2,
                              linewidth=0, color=line.get_color())
    axes.axhline(1.0, color="grey", linewidth=0.8, linestyle="--")
    axes.set_xlabel(time)
    axes.set_ylabel(ylabel)
    axes.set_title(title)
    axes.set_xticks(sorted(data[time].unique()))
    axes.tick_params(axis="x", labelrotation=45)
    axes.grid(alpha=0.3)
    legend_outside(axes)
    finish(figure, source, yearly_sample(data, time=time))
    return figure, data
