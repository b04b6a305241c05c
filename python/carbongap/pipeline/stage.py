"""What a pipeline stage is: a pure function of upstream results and the configuration.

A stage module (``carbongap/stages/<name>.py``) provides

``compute(ctx: Context) -> StageResult``
    pure: reads ``ctx.upstream[...]`` tables and ``ctx.config``; returns named frames,
    an attrition frame and notes; never touches files;
``write(result: StageResult, out: OutputWriter, config: Config) -> None``
    the edge: writes the stage's tables and figures through ``out``.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import ModuleType

import pandas as pd

from .. import attrition
from ..config import Config
from ..progress import ProgressFactory, null_progress
from .writer import OutputWriter


@dataclass(frozen=True)
class StageResult:
    """The result of one stage.

    Attributes
    ----------
    tables
        Named frames, the only thing downstream stages may read.
    attrition
        City-years this stage removed, with reasons (``attrition.exclusions``).
    notes
        Sentences for the log and REPORT.md (what was skipped, counted, assumed).
    """

    tables: Mapping[str, pd.DataFrame]
    attrition: pd.DataFrame = field(default_factory=attrition.empty)
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Context:
    """What a stage's ``compute`` receives."""

    config: Config
    upstream: Mapping[str, StageResult]
    progress: ProgressFactory = null_progress
    logger: logging.Logger = field(default_factory=lambda: logging.getLogger("carbongap"))
    statuses: Mapping[str, str] = field(default_factory=dict)  #: stage -> status so far
    reasons: Mapping[str, str] = field(default_factory=dict)  #: stage -> why failed/skipped
    #: the run's input files (``carbongap.pipeline.inputs.describe_inputs``)
    inputs: Mapping[str, Mapping[str, str | int]] = field(default_factory=dict)

    def table(self, stage: str, name: str) -> pd.DataFrame:
        """An upstream table; a clear error when the stage did not produce it."""
        try:
            return self.upstream[stage].tables[name]
        except KeyError as exc:
            raise KeyError(f"upstream stage {stage!r} has no table {name!r}") from exc


Compute = Callable[[Context], StageResult]
Write = Callable[[StageResult, OutputWriter, Config], None]


@dataclass(frozen=True)
class Stage:
    """A named stage: what it needs, which configuration sections change its result.

    ``module`` names the stage module (imported when the stage runs); None means the
    stage is not implemented yet and ``planned_in`` says where that work is tracked.
    """

    name: str
    needs: tuple[str, ...]
    sections: tuple[str, ...]
    module: str | None = None
    planned_in: str = ""
    cache: bool = True  #: False for stages cheaper to recompute than to load
    sees_all: bool = False  #: receives every earlier result, not only ``needs``

    @property
    def implemented(self) -> bool:
        """Whether the stage computes anything yet."""
        return self.module is not None

    def load(self) -> ModuleType:
        """The stage module, with its ``compute`` and ``write`` functions."""
        if self.module is None:
            raise RuntimeError(f"stage {self.name!r} is not implemented yet ({self.planned_in})")
        return importlib.import_module(self.module)
