"""Stage ``exports``: the Stata exports (docs/methods.md §8).

Wires the run's tables (validated panel, accounting, Luenberger table and indices, Gini
tables, regression panel), the table specifications and ``[regressions]`` into
:func:`carbongap.exports.stata.stata_exports`, and writes the files into the run folder's
``stata/`` (every output of a run lives in its folder; ``make replicate`` copies ``stata/``
to the repository's ``stata_exports/`` after a successful run).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..choices import RATIO_MEASURES
from ..exports.stata import SOURCES, stata_exports
from ..stagekit.stage import RESULT_SECTIONS, Context, Stage, StageResult
from ..tables.estimate import regression_options
from ..tables.specs import load_table_specs, select_tables

if TYPE_CHECKING:
    from ..config import Config
    from ..stagekit.writer import OutputWriter


def compute(ctx: Context) -> StageResult:
    """Files ``<name>.dta``, ``replicate_tables.do``, ``CODEBOOK.md`` and
    ``variable_names.csv``."""
    cfg = ctx.config.regressions
    tables = {name: ctx.table(stage, name) for name, (stage, _) in SOURCES.items()}
    specs = select_tables(load_table_specs(cfg.specs or None), cfg.tables)
    export = stata_exports(tables, specs, regression_options(cfg),
                           config_sha256=ctx.config.results_sha256(),
                           version=ctx.config.exports.stata_version,
                           index_form=ctx.config.productivity.index_form,
                           ratio=ctx.config.productivity.measure in RATIO_MEASURES)
    notes = (f"Stata exports: {len(export.datasets)} .dta files (format 118) in stata/, "
             "with replicate_tables.do and CODEBOOK.md",)
    return StageResult(tables={}, files=export.files, notes=notes)


def write(result: StageResult, out: OutputWriter, config: Config) -> None:
    """Every file into ``stata/`` of the run folder."""
    for name, content in result.files.items():
        out.file(f"stata/{name}", content)


#: Declares every results section: the exports print the configuration's hash.
STAGE = Stage("exports", ("validate", "accounting", "inequality", "productivity",
                          "analysis_panel"), RESULT_SECTIONS, compute, write,
              files=(("regressions", "specs"),))
