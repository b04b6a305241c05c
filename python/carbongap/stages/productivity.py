"""Stage ``productivity``: SBI Luenberger indices of the production and green models.

SPEC section 6. Production model: inputs ``[productivity] inputs`` (capital, employment),
good output ``good`` (real GDP), no bad output: T, PC, EC. Green model: the same plus the
bad output(s) ``bad`` (CO2): GT, GPC, GEC. Variables are taken from the accounting table
(co2 t, gdp_real and capital 10^4 yuan at 2006 prices) or, when it lacks them, from the
validated panel (employment, 10^4 persons), for the years ``[productivity] years``.

Tables: ``luenberger`` (city-year components, S terms, statuses, by model), ``indices``
(T, PC, EC, GT, GPC, GEC in the configured index form, :mod:`carbongap.dea.indices`),
``lp_status`` (one row per LP that is not optimal), ``infeasible`` (LPs and infeasible
LPs per model, year pair, term), ``yearly_means`` and ``yearly_gini`` (Figures 2-6).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import attrition
from ..config import Config
from ..dea import luenberger, screen
from ..dea.frontiers import terms
from ..dea.indices import index_form, yearly_means
from ..errors import DataError
from ..inequality import yearly_ginis
from ..pipeline.stage import Context, StageResult
from ..pipeline.writer import OutputWriter

STAGE = "productivity"
KEYS = ["city_code", "year"]
#: model -> (indicator -> index name); SPEC section 6, paper section II.4.
INDEX_NAMES: dict[str, dict[str, str]] = {
    "production": {"LTFP": "T", "PC": "PC", "EC": "EC"},
    "green": {"LTFP": "GT", "PC": "GPC", "EC": "GEC"},
}
INDEX_COLUMNS: tuple[str, ...] = ("T", "PC", "EC", "GT", "GPC", "GEC")
#: Figures 4-6: which indices each Gini figure draws.
GINI_FIGURES: dict[str, tuple[str, tuple[str, ...]]] = {
    "figure4": ("Figure 4. Gini of productivity and green productivity", ("T", "GT")),
    "figure5": ("Figure 5. Gini of production efficiency and technical change", ("EC", "PC")),
    "figure6": ("Figure 6. Gini of green efficiency and technical change", ("GEC", "GPC")),
}


def _dea_frame(ctx: Context) -> pd.DataFrame:
    """city_code, year and every DEA variable, within the DEA years."""
    cfg = ctx.config.productivity
    accounting = ctx.table("accounting", "accounting")
    panel = ctx.table("validate", "panel")
    frame = accounting.loc[:, KEYS].copy()
    for column in dict.fromkeys([*cfg.inputs, *cfg.good, *cfg.bad]):
        if column in accounting.columns:
            frame[column] = accounting[column].to_numpy()
        elif column in panel.columns:
            values = panel.loc[:, [*KEYS, column]]
            frame = frame.merge(values, on=KEYS, how="left", validate="one_to_one")
        else:
            raise DataError(f"productivity: DEA variable {column!r} is neither in the "
                            "accounting table nor in the validated panel; check "
                            "[productivity] inputs/good/bad", source="productivity",
                            column=column)
    first, last = cfg.years
    frame = frame.loc[frame["year"].between(first, last)]
    return frame.sort_values(KEYS, kind="mergesort").reset_index(drop=True)


def _status_rows(table: pd.DataFrame, frontier: str) -> pd.DataFrame:
    """One row per LP that is not optimal: model, frontier, rts, term, year_pair, ..."""
    rows = []
    for term in terms(frontier):
        column = f"{term.name}_status"
        if column not in table.columns:
            continue
        bad = table.loc[table[column] != "optimal"]
        rows.append(pd.DataFrame({
            "model": bad["model"].to_numpy(), "frontier": frontier, "rts": term.rts,
            "term": term.name, "year_pair": _pair_labels(bad),
            "city_code": bad["city_code"].to_numpy(), "status": bad[column].to_numpy()}))
    out = pd.concat(rows, ignore_index=True)
    return out.sort_values(["model", "year_pair", "term", "city_code"],
                           kind="mergesort").reset_index(drop=True)


def _pair_labels(table: pd.DataFrame) -> np.ndarray:
    return (table["year_from"].astype(str) + "-" + table["year"].astype(str)).to_numpy()


def _infeasible_counts(table: pd.DataFrame, frontier: str) -> pd.DataFrame:
    """LPs and infeasible LPs per model, year pair, term and rts (zeros included)."""
    rows = []
    for term in terms(frontier):
        column = f"{term.name}_status"
        if column not in table.columns:
            continue
        flags = table.assign(_inf=(table[column] == "infeasible").astype("int64"),
                             year_pair=_pair_labels(table))
        counts = flags.groupby(["model", "year_pair", "year"], sort=True)["_inf"].agg(
            ["size", "sum"]).reset_index()
        rows.append(pd.DataFrame({
            "model": counts["model"], "frontier": frontier, "year_pair": counts["year_pair"],
            "year": counts["year"], "term": term.name, "rts": term.rts,
            "lps": counts["size"], "infeasible": counts["sum"]}))
    out = pd.concat(rows, ignore_index=True)
    return out.sort_values(["model", "year", "term"], kind="mergesort").reset_index(drop=True)


def compute(ctx: Context) -> StageResult:
    """Tables ``luenberger``, ``indices``, ``lp_status``, ``infeasible``,
    ``yearly_means``, ``yearly_gini`` (see the module docstring)."""
    cfg = ctx.config.productivity
    run = ctx.config.run
    frame = _dea_frame(ctx)
    tables, forms, dropped, notes = [], [], [], []
    for model in ("production", "green"):
        bad = cfg.bad if model == "green" else ()
        label = f"{model} model"
        screened = screen(frame, [*cfg.inputs, *cfg.good, *bad], label=label, source=STAGE)
        for reason, part in screened.excluded.groupby("reason", sort=False):
            dropped.append(attrition.exclusions(STAGE, str(reason), part))
        table = luenberger(frame, cfg.inputs, cfg.good, bad, cfg.frontier, prune=cfg.prune,
                           jobs=run.jobs, dask=run.dask, progress=ctx.progress, label=label)
        table.insert(2, "model", model)
        tables.append(table)
        forms.append(index_form(table, INDEX_NAMES[model], cfg.index_form,
                                periods=sorted(screened.panel["year"].unique().tolist())))
        status = table.filter(like="_status")
        n_bad = int((status != "optimal").to_numpy().sum())
        n_inf = int((status == "infeasible").to_numpy().sum())
        notes.append(f"{label}: {len(table)} city-year indicators ({cfg.frontier} frontier), "
                     f"{status.size} LP terms of which {n_inf} infeasible and "
                     f"{n_bad - n_inf} otherwise not optimal (NaN, listed in lp_status)")
    luen = pd.concat(tables, ignore_index=True)
    indices = forms[0].merge(forms[1], on=KEYS, how="outer")
    indices = indices.sort_values(KEYS, kind="mergesort").reset_index(drop=True)
    indices = indices.loc[:, [*KEYS, *INDEX_COLUMNS]]

    gini_input = indices.copy()
    for column in INDEX_COLUMNS:
        nonpositive = gini_input[column] <= 0
        if nonpositive.any():
            notes.append(f"{column}: {int(nonpositive.sum())} non-positive index values "
                         "left out of the Ginis of Figures 4-6")
            gini_input.loc[nonpositive, column] = np.nan
    tables_out = {
        "luenberger": luen,
        "indices": indices,
        "lp_status": _status_rows(luen, cfg.frontier),
        "infeasible": _infeasible_counts(luen, cfg.frontier),
        "yearly_means": yearly_means(indices, INDEX_COLUMNS),
        "yearly_gini": yearly_ginis(gini_input, INDEX_COLUMNS),
    }
    notes.append(f"index form {cfg.index_form!r}: "
                 + ("T = 1 + LTFP, PC = 1 + PC, EC = 1 + EC (likewise GT, GPC, GEC)"
                    if cfg.index_form == "increment" else
                    f"chained products of 1 + indicator, base year {cfg.years[0]} = 1"))
    return StageResult(tables=tables_out, attrition=attrition.combine(dropped),
                       notes=tuple(notes))


def write(result: StageResult, out: OutputWriter, config: Config) -> None:
    """Tables under ``tables/`` and Figures 2-6 under ``figures/`` (PNG + CSV).

    Figures are ``matplotlib.figure.Figure`` objects rendered to PNG by the Agg canvas
    (no GUI backend, no pyplot state).
    """
    from ..dea.figures import INDEX_LABELS, mean_lines
    from ..inequality.figures import gini_lines

    tables = result.tables
    out.table("tables/luenberger.csv", tables["luenberger"])
    out.table("tables/productivity_indices.csv", tables["indices"])
    out.table("tables/lp_status.csv", tables["lp_status"])
    out.table("tables/lp_infeasible.csv", tables["infeasible"], markdown=True)
    form = config.productivity.index_form
    ylabel = "mean index (1 + indicator)" if form == "increment" else \
        f"mean cumulative index ({config.productivity.years[0]} = 1)"
    means = tables["yearly_means"]
    figure, data = mean_lines(means, {k: INDEX_LABELS[k] for k in ("T", "GT")},
                              "Figure 2. Productivity and green productivity change", ylabel)
    out.figure("figures/figure2.png", figure, data)
    figure, data = mean_lines(means, {k: INDEX_LABELS[k] for k in ("PC", "EC", "GPC", "GEC")},
                              "Figure 3. Components of productivity and green productivity",
                              ylabel)
    out.figure("figures/figure3.png", figure, data)
    for name, (title, columns) in GINI_FIGURES.items():
        figure, data = gini_lines(tables["yearly_gini"], {c: INDEX_LABELS[c] for c in columns},
                                  title)
        out.figure(f"figures/{name}.png", figure, data)
