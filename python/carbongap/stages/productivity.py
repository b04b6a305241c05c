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

Each model is screened once (:func:`carbongap.dea.luenberger_result`); its exclusions
become the stage's attrition rows. In the cumulative index form the base year is each
model's first year with usable data (stated in the notes, with the number of city-years
lost to broken chains), and it is left out of Figures 2-6 and of their tables
``yearly_means`` and ``yearly_gini``: every city's index is 1 there by definition.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import attrition
from ..config import Config
from ..dea import luenberger_result
from ..dea.frontiers import Term, terms
from ..dea.indices import broken_chains, index_form, yearly_means
from ..errors import DataError
from ..inequality import yearly_ginis
from ..pipeline.stage import Context, StageResult
from ..pipeline.writer import OutputWriter
from ..schema import city_schema, columns_by_name, describe_aliases

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


#: Why an accounted DEA variable can be absent (SPEC section 4), added to the error.
_HINTS: dict[str, str] = {
    "capital": " (eq. 7 computes it only when a provincial table is given and the panel "
               "has city fai; a CEADs inventory has neither)",
    "gdp_real": " (it needs city gdp and the provincial deflator; a CEADs inventory has "
                "no GDP)",
    "co2": " (eq. 3 needs fuel columns, or a co2 column as in a CEADs inventory)",
}


def _hint(column: str) -> str:
    """Why a DEA variable may be absent: how accounting makes it, or the panel headers
    that give it."""
    if column in _HINTS:
        return _HINTS[column]
    known = columns_by_name(city_schema()).get(column)
    return f" (the panel gives it as {describe_aliases(known)})" if known else ""


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
                            f"accounting table nor in the validated panel{_hint(column)}"
                            "; check [productivity] inputs/good/bad and the data",
                            source="productivity", column=column)
    first, last = cfg.years
    frame = frame.loc[frame["year"].between(first, last)]
    return frame.sort_values(KEYS, kind="mergesort").reset_index(drop=True)


def _status_columns(table: pd.DataFrame, frontier: str) -> list[tuple[Term, str]]:
    """The S terms of ``frontier`` with a status column in ``table``, and that column."""
    return [(term, f"{term.name}_status") for term in terms(frontier)
            if f"{term.name}_status" in table.columns]


def _status_rows(table: pd.DataFrame, frontier: str) -> pd.DataFrame:
    """One row per LP that is not optimal: model, frontier, rts, term, year_pair, ..."""
    rows = []
    for term, column in _status_columns(table, frontier):
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
    for term, column in _status_columns(table, frontier):
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


def _figure_tables(indices: pd.DataFrame, bases: dict[str, int | None]
                   ) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Yearly means and Ginis of the indices (Figures 2-6), and notes.

    ``bases``: model -> base year of its cumulative index (None in the increment form).
    The base year, where every city's index is 1 by definition (mean 1, Gini 0), is left
    out of the figures. Non-positive index values are left out of the Ginis (counted).
    """
    means, ginis, notes = [], [], []
    for model, names in INDEX_NAMES.items():
        columns = list(names.values())
        base = bases[model]
        part = indices.loc[:, [*KEYS, *columns]]
        if base is not None:
            part = part.loc[part["year"] > base]
        means.append(yearly_means(part, columns))
        positive = part.copy()
        for column in columns:
            nonpositive = positive[column] <= 0
            if nonpositive.any():
                notes.append(f"{column}: {int(nonpositive.sum())} non-positive index values "
                             "left out of the Ginis of Figures 4-6")
                positive.loc[nonpositive, column] = np.nan
        ginis.append(yearly_ginis(positive, columns))
    return pd.concat(means, ignore_index=True), pd.concat(ginis, ignore_index=True), notes


def compute(ctx: Context) -> StageResult:
    """Tables ``luenberger``, ``indices``, ``lp_status``, ``infeasible``,
    ``yearly_means``, ``yearly_gini`` (see the module docstring)."""
    cfg = ctx.config.productivity
    run = ctx.config.run
    frame = _dea_frame(ctx)
    cumulative = cfg.index_form == "cumulative"
    tables, forms, dropped, notes = [], [], [], []
    bases: dict[str, int | None] = {}
    for model in ("production", "green"):
        bad = cfg.bad if model == "green" else ()
        label = f"{model} model"
        result = luenberger_result(frame, cfg.inputs, cfg.good, bad, cfg.frontier,
                                   prune=cfg.prune, jobs=run.jobs, dask=run.dask,
                                   progress=ctx.progress, label=label)
        for reason, part in result.screened.excluded.groupby("reason", sort=False):
            dropped.append(attrition.exclusions(STAGE, str(reason), part))
        notes.extend(f"warning: {message}" for message in result.warnings)
        table = result.table
        table.insert(2, "model", model)
        tables.append(table)
        periods = (list(range(result.periods[0], result.periods[-1] + 1))
                   if result.periods else None)
        form = index_form(table, INDEX_NAMES[model], cfg.index_form, periods=periods)
        forms.append(form)
        status = table.filter(like="_status")
        n_bad = int((status != "optimal").to_numpy().sum())
        n_inf = int((status == "infeasible").to_numpy().sum())
        notes.append(f"{label}: {len(table)} city-year indicators ({cfg.frontier} frontier), "
                     f"{status.size} LP terms of which {n_inf} infeasible and "
                     f"{n_bad - n_inf} otherwise not optimal (NaN, listed in lp_status)")
        bases[model] = periods[0] if cumulative and periods else None
        if cumulative and periods:
            broken = broken_chains(table, INDEX_NAMES[model], form)
            notes.append(
                f"{label}: cumulative index, base year {periods[0]} = 1 (the first year "
                f"with usable data), not drawn in Figures 2-6; of {len(table)} city-year "
                "indicators, NaN in the cumulative form only because an earlier link of "
                "the chain is missing or NaN: "
                + ", ".join(f"{name} {count}" for name, count in broken.items()))
    luen = pd.concat(tables, ignore_index=True)
    indices = forms[0].merge(forms[1], on=KEYS, how="outer")
    indices = indices.sort_values(KEYS, kind="mergesort").reset_index(drop=True)
    indices = indices.loc[:, [*KEYS, *INDEX_COLUMNS]]
    means, ginis, figure_notes = _figure_tables(indices, bases)
    notes.extend(figure_notes)
    tables_out = {
        "luenberger": luen,
        "indices": indices,
        "lp_status": _status_rows(luen, cfg.frontier),
        "infeasible": _infeasible_counts(luen, cfg.frontier),
        "yearly_means": means,
        "yearly_gini": ginis,
    }
    if not cumulative:
        notes.append(f"index form {cfg.index_form!r}: T = 1 + LTFP, PC = 1 + PC, "
                     "EC = 1 + EC (likewise GT, GPC, GEC)")
    return StageResult(tables=tables_out, attrition=attrition.combine(dropped),
                       notes=tuple(notes))


def _base_label(indices: pd.DataFrame) -> str:
    """"2006 = 1", or per model ("T 2006 = 1, GT 2007 = 1") when the base years differ.

    A model's base year is its first year with a cumulative index (SPEC section 6).
    """
    bases = {column: indices.loc[indices[column].notna(), "year"].min()
             for column in ("T", "GT")}
    years = {int(year) for year in bases.values() if pd.notna(year)}
    if len(years) <= 1:
        return f"{years.pop() if years else '-'} = 1"
    return ", ".join(f"{column} {int(year)} = 1" for column, year in bases.items()
                     if pd.notna(year))


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
    ylabel = ("mean index (1 + indicator)" if form == "increment"
              else f"mean cumulative index ({_base_label(tables['indices'])})")
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
