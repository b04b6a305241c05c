"""The stages of a replication run, in execution order (docs/methods.md §2).

Each stage module declares its own :class:`~carbongap.stagekit.stage.Stage` (``STAGE``:
what it needs, the configuration sections it reads, the files and capabilities it
requires); this module imports them and lists them in order.
"""

from __future__ import annotations

from ..inference.coverage import default_coverage_path
from ..robustness.grid import default_grid_path
from ..stagekit.stage import Stage
from ..stages import (
    accounting,
    analysis_panel,
    crossval,
    exchange,
    exports,
    inequality,
    inference,
    productivity,
    rds,
    regressions,
    report,
    robustness,
    validate,
)
from ..tables.published import default_published_path
from ..tables.specs import default_specs_path
from .provenance import DefaultFile

STAGES: tuple[Stage, ...] = (
    validate.STAGE, accounting.STAGE, inequality.STAGE, productivity.STAGE,
    analysis_panel.STAGE, regressions.STAGE, crossval.STAGE, exports.STAGE, exchange.STAGE,
    rds.STAGE, robustness.STAGE, inference.STAGE, report.STAGE)

STAGE_NAMES: tuple[str, ...] = tuple(s.name for s in STAGES)

#: Built-in files used when a file option is empty; they are inputs of the run all the
#: same (listed in the manifest, part of the cache key of the stage that reads them).
DEFAULT_FILES: dict[tuple[str, str], DefaultFile] = {
    ("regressions", "specs"): default_specs_path,
    ("regressions", "published"): default_published_path,
    ("robustness", "grid"): default_grid_path,
    ("inference", "coverage"): default_coverage_path,
}
