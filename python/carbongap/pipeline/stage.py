"""What a pipeline stage is: a pure function of upstream results and the configuration.

A stage module (``carbongap/stages/<name>.py``) provides

``compute(ctx: Context) -> StageResult``
    pure: reads ``ctx.upstream[...]`` tables and ``ctx.config``; returns named frames,
    an attrition frame and notes; never touches files;
``write(result: StageResult, out: OutputWriter, config: Config) -> None``
    the edge: writes the stage's tables and figures through ``out``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

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
    """A named stage: what it needs, which configuration sections change its result."""

    name: str
    needs: tuple[str, ...]
    sections: tuple[str, ...]
    compute: Compute | None = None  #: None = not implemented yet
    write: Write | None = None
    planned_in: str = ""  #: where the work is tracked when not implemented

    @property
    def implemented(self) -> bool:
        """Whether the stage computes anything yet."""
        return self.compute is not None
