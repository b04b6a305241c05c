"""Stage ``productivity``: SBI Luenberger indices of the production and green models.

Zhang & Liu (2024) eq. 6 and docs/methods.md §6. Gathers the DEA variables of
``[productivity] inputs``, ``good`` and ``bad`` from the accounting table (co2 t,
gdp_real and capital 10^4 yuan at 2006 prices) or, when it lacks them, from the validated
panel (employment, 10^4 persons), for the years ``[productivity] years``, and runs
:func:`carbongap.dea.models.productivity_models`: tables ``luenberger``, ``indices``,
``lp_status``, ``infeasible``, ``yearly_means`` and ``yearly_gini`` (Figures 2-6).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..backends.dea import solve_jobs
from ..dea.models import productivity_models
from ..dea.spec import LuenbergerSpec
from ..dea.variables import dea_variables
from ..stagekit.stage import Context, Stage, StageResult

if TYPE_CHECKING:
    from ..config import Config
    from ..stagekit.writer import OutputWriter

NAME = "productivity"
#: Figures 4-6: which indices each Gini figure draws.
GINI_FIGURES: dict[str, tuple[str, tuple[str, ...]]] = {
    "figure4": ("Figure 4. Gini of productivity and green productivity", ("T", "GT")),
    "figure5": ("Figure 5. Gini of production efficiency and technical change", ("EC", "PC")),
    "figure6": ("Figure 6. Gini of green efficiency and technical change", ("GEC", "GPC")),
}


def dea_frame(ctx: Context) -> pd.DataFrame:
    """city_code, year and every DEA variable of ``[productivity]``, within its years."""
    cfg = ctx.config.productivity
    return dea_variables(ctx.table("accounting", "accounting"), ctx.table("validate", "panel"),
                         [*cfg.inputs, *cfg.good, *cfg.bad], cfg.years)


def compute(ctx: Context) -> StageResult:
    """Tables ``luenberger``, ``indices``, ``lp_status``, ``infeasible``,
    ``yearly_means``, ``yearly_gini`` (:func:`carbongap.dea.models.productivity_models`)."""
    cfg = ctx.config.productivity
    result = productivity_models(dea_frame(ctx), LuenbergerSpec.from_config(cfg),
                                 execution=ctx.execution, stage=NAME,
                                 solve_jobs=solve_jobs(cfg.backend, cfg.solver))
    return StageResult.of(result)


def _base_label(indices: pd.DataFrame) -> str:
    """"2006 = 1", or per model ("T 2006 = 1, GT 2007 = 1") when the base years differ.

    A model's base year is its first year with a cumulative index (docs/methods.md §6).
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
    from ..figure_notes import data_source
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
    source = data_source(config.data)
    figure, data = mean_lines(means, {k: INDEX_LABELS[k] for k in ("T", "GT")},
                              "Figure 2. Productivity and green productivity change", ylabel,
                              source=source)
    out.figure("figures/figure2.png", figure, data)
    figure, data = mean_lines(means, {k: INDEX_LABELS[k] for k in ("PC", "EC", "GPC", "GEC")},
                              "Figure 3. Components of productivity and green productivity",
                              ylabel, source=source)
    out.figure("figures/figure3.png", figure, data)
    for name, (title, columns) in GINI_FIGURES.items():
        figure, data = gini_lines(tables["yearly_gini"], {c: INDEX_LABELS[c] for c in columns},
                                  title, source=source)
        out.figure(f"figures/{name}.png", figure, data)


STAGE = Stage("productivity", ("validate", "accounting"), ("productivity",), compute,
              write, requires_if=(("productivity", "backend", "r", "R"),))
