"""Stage ``crossval``: both backends on the same data, compared cell by cell.

docs/methods.md §9. Whichever backend the run used for the regressions and the DEA
(``[regressions] backend``, ``[productivity] backend``), this stage computes the other one
on the same regression panel and DEA variables and hands both to
:mod:`carbongap.crossval`: tables ``cells`` (every coefficient, SE, objective, S term and
component with both values, the differences, tolerance and result) and ``summary``
(per kind), text ``crossval.md``. Needs R; skipped with the reason and the install
command without it, failed with ``--require-r``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..backends import OTHER
from ..backends.dea import solve_jobs
from ..backends.qreg import estimator
from ..crossval import (
    Tolerances,
    compare_dea,
    compare_estimates,
    compare_slopes,
    crossval_markdown,
    mean_boot_z,
    summarise,
)
from ..dea.models import productivity_models
from ..dea.spec import LuenbergerSpec
from ..dea.variables import dea_variables
from ..parallel import Execution
from ..r.quantreg import equal_slope_table
from ..r.rerun import rerun_tables
from ..stagekit.stage import Context, Stage, StageResult
from ..tables.estimate import estimate_tables, regression_options
from ..tables.specs import load_table_specs, select_tables

if TYPE_CHECKING:
    from ..config import Config
    from ..stagekit.writer import OutputWriter


def _by_backend(mine: pd.DataFrame, other: pd.DataFrame, run_backend: str
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(Python's, R's) of the run's table and the other backend's."""
    return (mine, other) if run_backend == "python" else (other, mine)


def compute(ctx: Context) -> StageResult:
    """Tables ``cells`` and ``summary``; text ``crossval.md``."""
    cfg, reg, dea = ctx.config.crossval, ctx.config.regressions, ctx.config.productivity
    tolerances = Tolerances(cfg.rtol, cfg.objective_rtol, cfg.dea_atol, cfg.boot_z)
    specs = select_tables(load_table_specs(reg.specs or None), reg.tables)
    options = regression_options(reg)
    other = estimate_tables(ctx.table("analysis_panel", "analysis"), specs, options,
                            execution=Execution(progress=ctx.progress),
                            estimator=estimator(OTHER[reg.backend])).frame
    python, r = _by_backend(ctx.table("regressions", "estimates"), other, reg.backend)
    frames = [compare_estimates(python, r, options, tolerances)]
    notes = [f"regressions: the run's backend is {reg.backend}; the {OTHER[reg.backend]} "
             "backend was computed here on the same regression panel"]
    rscript = rerun_tables(ctx.table("analysis_panel", "analysis"),
                           ctx.table("regressions", "specs"))
    frames.append(compare_estimates(python, rscript, options, tolerances, source="Rscript "))
    notes.append("R-only rerun: replication/R/replicate_tables.R (base R and quantreg) on "
                 "the exported panel and specifications, compared as 'Rscript' kinds (it "
                 "writes 15 significant digits)")
    slopes = ctx.table("regressions", "equal_slopes")
    if not slopes.empty:
        frames.append(compare_slopes(slopes, equal_slope_table(
            ctx.table("analysis_panel", "analysis"), specs, slopes), tolerances))
        notes.append(f"equal-slopes tests: {len(slopes)} tests of Tables 1-8 against R "
                     "quantreg's anova.rq on the same samples")
    if cfg.dea:
        frame = dea_variables(ctx.table("accounting", "accounting"),
                              ctx.table("validate", "panel"),
                              [*dea.inputs, *dea.good, *dea.bad], dea.years)
        computed = productivity_models(frame, LuenbergerSpec.from_config(dea),
                                       execution=Execution(progress=ctx.progress),
                                       solve_jobs=solve_jobs(OTHER[dea.backend], dea.solver))
        python, r = _by_backend(ctx.table("productivity", "luenberger"),
                                computed.tables["luenberger"], dea.backend)
        frames.append(compare_dea(python, r, tolerances))
        lp = "SBI" if dea.measure == "sbi" else f"DDF ({dea.measure}, {dea.disposability})"
        notes.append(f"DEA: every {lp} LP of both models solved by the {OTHER[dea.backend]} "
                     f"backend too ({dea.frontier} frontier)")
    else:
        notes.append("DEA: not compared ([crossval] dea = false)")
    cells = pd.concat(frames, ignore_index=True)
    summary = summarise(cells)
    z = mean_boot_z(cells, reg.boot_reps)
    if z is not None:
        notes.append(f"bootstrap SEs: mean standardised log ratio {z:.2f} over "
                     f"{int(cells['kind'].str.endswith('se (bootstrap)').sum())} cells (about 0 "
                     "when both sides estimate the same SE)")
    state = ctx.capabilities.get("R")
    versions = state.describe() if state is not None else ""
    failed = int(summary["failed"].sum())
    notes.append(f"cross-validation: {int(summary['compared'].sum())} cells compared, "
                 f"{failed} failed" + ("" if not failed else " (see crossval.md)"))
    text = crossval_markdown(summary, cells, versions=versions, notes=notes)
    if failed:
        notes[-1] = "warning: " + notes[-1]
    return StageResult(tables={"cells": cells, "summary": summary, "rscript": rscript},
                       texts={"crossval.md": text}, notes=tuple(notes))


def write(result: StageResult, out: OutputWriter, config: Config) -> None:
    """``tables/crossval.csv``, ``tables/crossval_summary.csv``, ``crossval.md`` and the
    R-only rerun's estimates ``tables/r_qreg_estimates.csv``."""
    out.table("tables/r_qreg_estimates.csv", result.tables["rscript"])
    out.table("tables/crossval.csv", result.tables["cells"])
    out.table("tables/crossval_summary.csv", result.tables["summary"])
    out.text("crossval.md", result.texts["crossval.md"])


STAGE = Stage("crossval", ("validate", "accounting", "productivity", "analysis_panel",
                           "regressions"), ("crossval", "regressions", "productivity"),
              compute, write, requires=("R",), files=(("regressions", "specs"),))
