"""The stages of a replication run, in execution order (docs/methods.md §2)."""

from __future__ import annotations

from collections.abc import Sequence

from ..robustness.grid import default_grid_path
from ..tables.published import default_published_path
from ..tables.specs import default_specs_path
from .provenance import DefaultFile
from .stage import Stage

STAGES: tuple[Stage, ...] = (
    Stage("validate", (), ("data", "validate"), "carbongap.stages.validate",
          files=(("data", "panel"), ("data", "provinces"))),
    Stage("accounting", ("validate",), ("accounting",), "carbongap.stages.accounting",
          files=(("accounting", "factors"), ("accounting", "grid_factors"))),
    Stage("inequality", ("accounting",), ("inequality",), "carbongap.stages.inequality"),
    Stage("productivity", ("validate", "accounting"), ("productivity",),
          "carbongap.stages.productivity",
          requires_if=(("productivity", "backend", "r", "R"),)),
    Stage("analysis_panel", ("validate", "accounting", "productivity"), ("analysis",),
          "carbongap.stages.analysis_panel"),
    Stage("regressions", ("validate", "analysis_panel"), ("regressions", "analysis"),
          "carbongap.stages.regressions",
          files=(("regressions", "specs"), ("regressions", "published")),
          requires_if=(("regressions", "backend", "r", "R"),)),
    Stage("crossval", ("validate", "accounting", "productivity", "analysis_panel",
                       "regressions"), ("crossval", "regressions", "productivity", "analysis"),
          "carbongap.stages.crossval", requires=("R",),
          files=(("regressions", "specs"),)),
    Stage("exports", ("validate", "accounting", "inequality", "productivity",
                      "analysis_panel"), ("exports", "regressions", "productivity"),
          "carbongap.stages.exports", files=(("regressions", "specs"),)),
    Stage("exchange", ("analysis_panel", "productivity", "regressions"), (),
          "carbongap.stages.exchange"),
    Stage("rds", ("analysis_panel", "productivity", "regressions"), ("exports",),
          "carbongap.stages.rds", requires=("R",)),
    Stage("robustness", ("validate", "accounting", "productivity", "analysis_panel",
                         "regressions"),
          ("robustness", "accounting", "productivity", "analysis", "regressions"),
          "carbongap.stages.robustness", switch=("robustness", "enabled"),
          files=(("robustness", "grid"), ("regressions", "specs"))),
    Stage("report", (), (), "carbongap.stages.report", cache=False, sees_all=True),
)

STAGE_NAMES: tuple[str, ...] = tuple(s.name for s in STAGES)

#: Built-in files used when a file option is empty; they are inputs of the run all the
#: same (listed in the manifest, part of the cache key of the stage that reads them).
DEFAULT_FILES: dict[tuple[str, str], DefaultFile] = {
    ("regressions", "specs"): default_specs_path,
    ("regressions", "published"): default_published_path,
    ("robustness", "grid"): default_grid_path,
}


def stage(name: str, registry: Sequence[Stage] = STAGES) -> Stage:
    """The stage called ``name``; ValueError naming the valid ones otherwise."""
    for s in registry:
        if s.name == name:
            return s
    raise ValueError(f"unknown stage {name!r}; choose one of: "
                     f"{', '.join(s.name for s in registry)}")


def closure(names: Sequence[str], registry: Sequence[Stage] = STAGES) -> tuple[Stage, ...]:
    """The named stages and everything they need, in execution order."""
    wanted: set[str] = set()
    pending = list(names)
    while pending:
        current = stage(pending.pop(), registry)
        if current.name not in wanted:
            wanted.add(current.name)
            pending.extend(current.needs)
    return tuple(s for s in registry if s.name in wanted)
