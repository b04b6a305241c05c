"""Stage ``inequality``: yearly Ginis, bootstrap intervals, Dagum decomposition, Figure 1.

Zhang & Liu (2024) eq. 4-5; docs/methods.md §5. Wires the ``accounting`` table and
``[inequality]`` into :func:`carbongap.inequality.gaps.carbon_gap_tables` (tables
``gini``, ``dagum``, ``dagum_groups``) and writes them with Figure 1.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..inequality.gaps import NATIONAL, carbon_gap_tables
from ..stagekit.stage import Context, Stage, StageResult

if TYPE_CHECKING:
    from ..config import Config
    from ..stagekit.writer import OutputWriter


def compute(ctx: Context) -> StageResult:
    """Tables ``gini``, ``dagum`` and ``dagum_groups``."""
    result = carbon_gap_tables(ctx.table("accounting", "accounting"), ctx.config.inequality,
                               progress=ctx.progress, stage="inequality")
    return StageResult.of(result)


def write(result: StageResult, out: OutputWriter, config: Config) -> None:
    """``tables/gini.csv``, ``tables/dagum.csv`` (+ .md), ``tables/dagum_groups.csv``,
    ``figures/figure1.png`` and ``figures/figure1_<group>.png`` (each with its CSV)."""
    from ..figure_notes import data_source
    from ..inequality.figures import figure1

    gini = result.tables["gini"]
    out.table("tables/gini.csv", gini, markdown=True)
    out.table("tables/dagum.csv", result.tables["dagum"], markdown=True)
    out.table("tables/dagum_groups.csv", result.tables["dagum_groups"])
    level = config.inequality.ci_level if config.inequality.bootstrap_draws else None
    for group in pd.unique(gini["group"]):
        name = "figure1" if group == NATIONAL else f"figure1_{group}"
        figure, data = figure1(gini, group, level, source=data_source(config.data))
        out.figure(f"figures/{name}.png", figure, data)


STAGE = Stage("inequality", ("accounting",), ("inequality",), compute, write)
