"""Stage ``robustness``: Tables 1-8 under every method choice of a grid (docs/methods.md §13).

Wires the grid file (``[robustness] grid``, :mod:`carbongap.robustness.grid`) and the
run's configuration into the specifications of ``[robustness] design``; an
:class:`~carbongap.stagekit.evaluate.Evaluator` gives each specification its regression
panel, computing each distinct upstream configuration once and reusing the run's own
results for the baseline; :func:`~carbongap.robustness.estimates.grid_estimates`
estimates every cell. Writes the long table, the specifications, the summary per key
coefficient and a specification curve per key coefficient.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..backends.qreg import estimator as backend_estimator
from ..robustness.estimates import grid_estimates, specifications_frame
from ..robustness.grid import default_grid_path, load_grid
from ..robustness.summary import KEY_TERMS, option_summary, summarise
from ..stagekit.evaluate import Evaluator
from ..stagekit.stage import RESULT_SECTIONS, WARNING, Context, Stage, StageResult
from ..tables.compare import CELL_KEYS, identical_rows
from ..tables.specs import load_table_specs, select_tables

if TYPE_CHECKING:
    from ..config import Config
    from ..stagekit.writer import OutputWriter

#: The stages whose results vary with the grid's sections, up to the regression panel.
UPSTREAM = ("validate", "accounting", "productivity", "analysis_panel")


def _baseline_note(long: pd.DataFrame, main: pd.DataFrame) -> str:
    """Whether the baseline specification equals the run's Tables 1-8 bit for bit."""
    ours = long.loc[long["baseline"].astype(bool)]
    same = identical_rows(ours, main, CELL_KEYS, ("coef", "se", "p", "n"))
    if same:
        return (f"the baseline specification equals the run's Tables 1-8 bit for bit "
                f"({len(ours)} cells)")
    return (f"{WARNING}the baseline specification differs from the run's Tables 1-8 "
            "(tables/robustness.csv against tables/qreg_estimates.csv)")


def compute(ctx: Context) -> StageResult:
    """Tables ``robustness`` (long), ``specifications``, ``summary`` and ``computations``
    (stage executions and reuses)."""
    config = ctx.config
    grid = load_grid(config.robustness.grid or default_grid_path(), config)
    specifications = grid.specifications(config.robustness.design)
    table_specs = select_tables(load_table_specs(config.regressions.specs or None),
                                config.regressions.tables)
    evaluator = Evaluator(ctx, {n: ctx.upstream[n] for n in UPSTREAM}, config)

    def panel_of(variant: Config) -> pd.DataFrame:
        return evaluator.results(variant, "analysis_panel")["analysis_panel"].tables[
            "analysis"]

    long = grid_estimates(specifications, panel_of, table_specs, execution=ctx.execution,
                          estimator=backend_estimator(config.regressions.backend))
    computations = pd.DataFrame(
        [{"stage": n, "computed": evaluator.computed[n], "reused": evaluator.reused[n]}
         for n in UPSTREAM])
    axes = ", ".join(f"{a.name} ({len(a.options)})" for a in grid.axes)
    notes = (
        f"{len(specifications)} specifications ({config.robustness.design} over "
        f"{len(grid.axes)} axes: {axes}); {len(long)} estimates",
        "stage computations for the specifications (each distinct configuration once; "
        "reused: the run's own results or an earlier specification's): "
        + "; ".join(f"{r.stage} {r.computed} computed, {r.reused} reused"
                    for r in computations.itertuples()),
        _baseline_note(long, ctx.table("regressions", "estimates")),
    )
    specs = specifications_frame(specifications)
    return StageResult(tables={"robustness": long, "specifications": specs,
                               "summary": summarise(long),
                               "options": option_summary(long, specs),
                               "computations": computations},
                       notes=notes)


def write(result: StageResult, out: OutputWriter, config: Config) -> None:
    """``tables/robustness.csv``, ``tables/robustness_specs.csv`` (+ .md),
    ``tables/robustness_summary.csv`` (+ .md, .tex), ``tables/robustness_options.csv``
    (+ .md: per axis option, the key coefficients keeping the baseline's sign and stars),
    ``tables/robustness_computations.csv``
    (+ .md: upstream stage executions and reuses) and
    ``figures/specification_curve_<term>.png`` (+ CSV) per key coefficient present."""
    from ..figure_notes import data_source
    from ..io.markdown import to_latex
    from ..robustness.figures import specification_curve
    from ..robustness.summary import curve_data

    tables = result.tables
    long, specs = tables["robustness"], tables["specifications"]
    out.table("tables/robustness.csv", long)
    out.table("tables/robustness_specs.csv", specs, markdown=True)
    out.table("tables/robustness_summary.csv", tables["summary"], markdown=True)
    out.table("tables/robustness_options.csv", tables["options"], markdown=True)
    out.table("tables/robustness_computations.csv", tables["computations"], markdown=True)
    out.text("tables/robustness_summary.tex",
             to_latex(tables["summary"], caption="Key coefficients across the robustness grid"))
    axes = [c for c in specs.columns if c not in ("spec", "changed", "baseline")]
    source = data_source(config.data)
    for term in KEY_TERMS:
        data = curve_data(long, specs, term)
        if not data.empty:
            figure = specification_curve(data, axes, term, source=source)
            out.figure(f"figures/specification_curve_{term}.png", figure, data)


#: Declares every results section: the grid's specifications are variants of the whole
#: configuration.
STAGE = Stage("robustness", ("validate", "accounting", "productivity", "analysis_panel",
                             "regressions"), RESULT_SECTIONS, compute, write,
              switch=("robustness", "enabled"),
              files=(("robustness", "grid"), ("regressions", "specs")))
