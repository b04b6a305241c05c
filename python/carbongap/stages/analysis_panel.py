"""Stage ``analysis_panel``: the regression panel of eq. 2 (docs/methods.md §7).

Wires the validated ``panel``, the ``accounting`` table and the productivity ``indices``
into :func:`carbongap.tables.regression_panel.build_regression_panel` for the years
``[analysis] years``, and writes the panel with its codebook (:mod:`carbongap.codebook`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..codebook import codebook_frame
from ..errors import DataError
from ..stagekit.stage import Context, Stage, StageResult
from ..tables.regression_panel import CONTROL_LEVELS, build_regression_panel

if TYPE_CHECKING:
    from ..config import Config
    from ..stagekit.writer import OutputWriter


def compute(ctx: Context) -> StageResult:
    """Table ``analysis``: keys, group, the raw levels and their logs, complete cases only."""
    panel, path = ctx.table("validate", "panel"), ctx.config.data.panel
    missing = [c for c in CONTROL_LEVELS if c not in panel]
    if missing:
        raise DataError(f"{path or 'the synthetic panel'}: the city panel lacks "
                        f"{', '.join(missing)}, needed for the regression controls lnP, "
                        "lnA, lnI", source=path or "panel", column=missing[0])
    years, sample = ctx.config.analysis.years, ctx.config.analysis.sample
    built = build_regression_panel(panel, ctx.table("accounting", "accounting"),
                                   ctx.table("productivity", "indices"), years,
                                   sample=sample)
    counts = built.group_counts()
    what = ("complete city-years" if sample == "common" else
            "city-years, each table part using those complete in its own variables "
            "([analysis] sample = \"per_table\"; N per part in the regressions' notes)")
    note = (f"regression sample {years[0]}-{years[1]}: N = {len(built.frame)} {what} "
            f"(developed {counts['developed']}, underdeveloped "
            f"{counts['underdeveloped']}, other {counts['other']}); paper: N = 2350, "
            "developed 891, underdeveloped 605")
    return StageResult(tables={"analysis": built.frame}, attrition=built.attrition,
                       notes=(note,))


def write(result: StageResult, out: OutputWriter, config: Config) -> None:
    """``tables/analysis_panel.csv`` and its codebook (+ .md)."""
    out.table("tables/analysis_panel.csv", result.tables["analysis"])
    out.table("tables/analysis_panel_codebook.csv", codebook_frame(), markdown=True)


STAGE = Stage("analysis_panel", ("validate", "accounting", "productivity"),
              ("analysis", "data"), compute, write)
