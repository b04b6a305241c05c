"""Figures of yearly Ginis: Figure 1 of Zhang & Liu (2024) and the same chart per group.

Figure 1 (paper section III, 图1 城市碳排放基尼系数) draws the Gini of city CO2 totals
(eq. 4) and of CO2 intensity (eq. 5) by year for the national sample. Here each line also
carries its city-bootstrap percentile intervals as capped bars in its colour, the lines
dodged apart by :data:`DODGE` years so that overlapping intervals never cover each other
(shaded bands of two similar Ginis lie on top of one another). Figures 4-6 (Ginis of the
productivity indices) use the same :func:`gini_lines`. Each figure carries the caption
(data source, sample size) and, on synthetic data, the note of
:mod:`carbongap.figure_notes`, with the legend outside the axes. Every function returns
the figure together with the frame of the numbers it draws, so the CSV beside the PNG is
exactly what is plotted.

Figures are built with the object-oriented API (``matplotlib.figure.Figure``, rendered by
the Agg canvas), so no GUI backend or pyplot state is involved. Labels are English because
no CJK font is assumed to be installed.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from ..figure_notes import DataSource, finish, legend_outside, yearly_sample

#: Line labels of Figure 1 (eq. 4 and eq. 5).
FIGURE1_SERIES: dict[str, str] = {
    "co2": "CO2 emissions (total, eq. 4)",
    "co2pgdp": "CO2 intensity (per real GDP, eq. 5)",
}
#: Horizontal offset (years) between the k-th and the next line, centred on the year.
DODGE: float = 0.16
DATA_COLUMNS: tuple[str, ...] = ("variable", "group", "year", "n", "gini", "ci_low", "ci_high")


def gini_lines(table: pd.DataFrame, series: Mapping[str, str], title: str,
               ci_level: float | None = None, *,
               source: DataSource) -> tuple[Figure, pd.DataFrame]:
    """One line per variable of yearly Ginis, with capped interval bars in the line's
    colour where the table gives intervals; the lines are dodged apart by :data:`DODGE`
    years (centred on the year) so that their intervals stay side by side.

    Parameters
    ----------
    table
        Long frame with columns variable, year, n (cities behind each Gini), gini and
        optionally ci_low, ci_high (and any others, kept in the returned data); one row
        per variable and year.
    series
        variable -> legend label, in drawing order; variables absent from ``table`` are
        skipped (e.g. intensity on a panel without GDP).
    title
        Figure title.
    ci_level
        Coverage of the intervals, for the legend; None when there are no intervals.
    source
        The data behind the table, for the caption and the synthetic-data note
        (:func:`carbongap.figure_notes.finish`).

    Returns
    -------
    (Figure, DataFrame)
        The figure and the rows of ``table`` it draws, sorted by variable order and year.
    """
    present = [v for v in series if (table["variable"] == v).any()]
    if not present:
        raise ValueError(f"no rows for any of {', '.join(series)} in the Gini table")
    data = table.loc[table["variable"].isin(present)].copy()
    data["_order"] = data["variable"].map({v: i for i, v in enumerate(present)})
    data = data.sort_values(["_order", "year"], kind="mergesort").drop(columns="_order")
    data = data.reset_index(drop=True)

    figure = Figure(figsize=(9.0, 4.8))
    axes = figure.add_subplot()
    coverage = f"{ci_level:.0%} " if ci_level else ""
    banded = False
    intervals = {"ci_low", "ci_high"} <= set(data.columns) and data["ci_low"].notna().any()
    for k, variable in enumerate(present):
        part = data.loc[data["variable"] == variable]
        shift = (k - (len(present) - 1) / 2) * DODGE if intervals else 0.0
        x = part["year"].to_numpy(dtype=float) + shift
        (line,) = axes.plot(x, part["gini"], marker="o", markersize=3.5,
                            label=series[variable], zorder=3)
        if intervals and part["ci_low"].notna().any():
            # drawn about the interval's centre: a percentile interval need not contain the
            # point estimate, so its bounds are not offsets of the Gini
            low = part["ci_low"].to_numpy(dtype=float)
            high = part["ci_high"].to_numpy(dtype=float)
            axes.errorbar(x, (low + high) / 2, yerr=(high - low) / 2, fmt="none", capsize=2.5,
                          ecolor=to_rgba(line.get_color(), 0.85), elinewidth=1.1,
                          label=f"{coverage}interval, {series[variable].split(' (')[0]}",
                          zorder=2)
            banded = True
    axes.set_xlabel("year")
    axes.set_ylabel("Gini coefficient")
    axes.set_title(title)
    axes.set_xticks(sorted(data["year"].unique()))
    axes.tick_params(axis="x", labelrotation=45)
    axes.grid(alpha=0.3)
    legend_outside(axes)
    remark = (f"Bars: {coverage}city-bootstrap percentile intervals in the colour of their "
              f"line; the lines are drawn {DODGE:g} years apart so that the bars do not "
              "overlap." if banded else "")
    finish(figure, source, yearly_sample(data), remark)
    return figure, data


def figure1(gini_table: pd.DataFrame, group: str = "national",
            ci_level: float | None = None, *,
            source: DataSource) -> tuple[Figure, pd.DataFrame]:
    """Figure 1: Ginis of city CO2 totals and intensity by year for ``group``.

    ``gini_table`` is the inequality stage's ``gini`` table (columns variable, group,
    year, n, gini, ci_low, ci_high, ...); ``source`` as in :func:`gini_lines`. Returns
    the figure and the rows drawn (columns variable, group, year, n, gini, ci_low,
    ci_high).
    """
    rows = gini_table.loc[gini_table["group"] == group, list(DATA_COLUMNS)]
    if rows.empty:
        raise ValueError(f"the Gini table has no rows for group {group!r}")
    where = "all cities" if group == "national" else f"{group} cities"
    return gini_lines(rows, FIGURE1_SERIES,
                      f"Figure 1. Gini coefficients of urban CO2 emissions ({where})", ci_level,
                      source=source)
