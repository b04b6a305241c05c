"""The specification curve of one coefficient (Simonsohn, Simmons & Nelson 2020).

Top panel: every estimate of the coefficient under every specification of the grid and
every cell of the tables that show it (table part, τ), sorted, with its 95 % interval;
the baseline's estimates in black, the others grey, significant ones (5 %) filled.
Bottom panel: what made each estimate, one row per option of every axis and per sample,
dependent variable and τ, a mark where the estimate used it. Built with
``matplotlib.figure.Figure`` (no pyplot state); the data are
:func:`carbongap.robustness.summary.curve_data`.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from ..figure_notes import DataSource, finish


def _indicator_rows(data: pd.DataFrame, axes: list[str]) -> list[tuple[str, pd.Series]]:
    """(label, boolean column over the estimates) for every indicator row, top to bottom."""
    rows = []
    for axis in axes:
        for option in dict.fromkeys(data[axis]):
            rows.append((f"{axis}: {option}", data[axis] == option))
    for column in ("sample", "dependent"):
        for value in dict.fromkeys(data[column]):
            rows.append((f"{column}: {value}", data[column] == value))
    for tau in sorted(set(data["tau"])):
        rows.append((f"τ = {tau:g}", data["tau"] == tau))
    return rows


def specification_curve(data: pd.DataFrame, axes: list[str], term: str, *,
                        source: DataSource) -> Figure:
    """The figure of ``data`` (one coefficient's curve data); ``axes`` names the grid's
    axes (columns of ``data``) in file order."""
    if data.empty:
        raise ValueError(f"no estimates of {term} to draw")
    indicators = _indicator_rows(data, axes)
    height = 3.4 + 0.17 * len(indicators) + 0.9
    figure = Figure(figsize=(10.0, height))
    top, bottom = figure.subplots(2, 1, sharex=True, gridspec_kw={
        "height_ratios": [3.4, 0.17 * len(indicators)]})
    x = data["rank"].to_numpy()
    base = data["baseline"].astype(bool).to_numpy()
    significant = data["significant_5pct"].astype(bool).to_numpy()
    for mask, colour, label in ((~base, "0.55", "other specifications"),
                                (base, "black", "baseline")):
        top.vlines(x[mask], data["lower"][mask], data["upper"][mask], color=colour,
                   linewidth=0.6)
        for filled in (True, False):
            chosen = mask & (significant == filled)
            top.scatter(x[chosen], data["coef"][chosen], s=9, color=colour,
                        facecolors=colour if filled else "white", zorder=3,
                        label=label if filled else None)
    top.axhline(0.0, color="#b00000", linewidth=0.8)
    top.set_ylabel(f"coefficient of {term}")
    top.set_title(f"Specification curve: {term} ({len(data)} estimates, "
                  f"{data['spec'].nunique()} specifications)", fontsize="medium")
    top.legend(fontsize="small", loc="upper left")
    top.grid(alpha=0.3)
    top.tick_params(labelbottom=False)
    for k, (_, used) in enumerate(indicators):
        mask = used.to_numpy()
        bottom.scatter(x[mask], [k] * int(mask.sum()), s=4, marker="s", color="black")
    bottom.set_yticks(range(len(indicators)), [label for label, _ in indicators],
                      fontsize="x-small")
    bottom.set_ylim(len(indicators) - 0.5, -0.5)
    bottom.set_xlabel("estimates, sorted by coefficient")
    bottom.set_xlim(0, len(data) + 1)
    sample = (f"every cell of Tables 1-8 showing {term} (table part x τ) under every "
              "specification")
    finish(figure, source, sample, "Bars: 95% intervals (coef ± 1.96 SE); filled: "
           "significant at 5%; black: the baseline (the run's configuration).")
    return figure
