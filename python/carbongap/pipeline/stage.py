"""What a pipeline stage is: a pure function of upstream results and the configuration.

A stage module (``carbongap/stages/<name>.py``) provides

``compute(ctx: Context) -> StageResult``
    pure: reads ``ctx.upstream[...]`` tables and ``ctx.config``; returns named frames,
    texts and files, an attrition frame and notes; never touches the output folders
    (a stage that needs R may run R, which is why it says so in ``requires``);
``write(result: StageResult, out: OutputWriter, config: Config) -> None``
    the edge: writes the stage's tables, texts, figures and files through ``out``.

Only ``compute``'s result is cached; ``write`` runs on every run, cached or not.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING

import pandas as pd

from .. import attrition
from ..computed import Computed
from ..config import Config
from ..parallel import Execution
from ..progress import ProgressFactory, null_progress

if TYPE_CHECKING:
    from .capabilities import CapabilityState

#: The prefix of a note that is a warning.
WARNING = "warning: "


def warning_notes(notes: Sequence[str]) -> tuple[str, ...]:
    """The notes that are warnings, without the :data:`WARNING` prefix."""
    return tuple(n.removeprefix(WARNING) for n in notes if n.startswith(WARNING))


@dataclass(frozen=True)
class StageResult:
    """The result of one stage.

    Attributes
    ----------
    tables
        Named frames, what downstream stages read.
    attrition
        City-years this stage removed, with reasons (``attrition.exclusions``).
    notes
        Sentences for the log and REPORT.md (what was skipped, counted, assumed); those
        starting with :data:`WARNING` are warnings: summarised on the terminal at the end
        of a run, and errors with ``--strict``.
    texts
        Named texts (Markdown, a generated script), written by ``write``.
    files
        Named binary contents (an exported file made by R, ...), written by ``write``.
    """

    tables: Mapping[str, pd.DataFrame]
    attrition: pd.DataFrame = field(default_factory=attrition.empty)
    notes: tuple[str, ...] = ()
    texts: Mapping[str, str] = field(default_factory=dict)
    files: Mapping[str, bytes] = field(default_factory=dict)

    @classmethod
    def of(cls, computed: Computed) -> StageResult:
        """The result of a stage that hands on a domain function's tables, attrition rows
        and notes unchanged."""
        return cls(tables=computed.tables, attrition=computed.attrition,
                   notes=computed.notes)


#: What happened to a stage: computed, reused, or why not.
DONE, CACHED, FAILED, SKIPPED = ("done", "cached", "failed", "skipped")


@dataclass
class StageRun:
    """What happened to one stage of a run."""

    name: str
    status: str
    key: str = ""
    seconds: float = 0.0
    reason: str = ""  #: why it failed or was skipped
    warnings: tuple[str, ...] = ()  #: the stage's notes that are warnings (without prefix)


@dataclass(frozen=True)
class Context:
    """What a stage's ``compute`` receives."""

    config: Config
    upstream: Mapping[str, StageResult]
    progress: ProgressFactory = null_progress
    logger: logging.Logger = field(default_factory=lambda: logging.getLogger("carbongap"))
    runs: Mapping[str, StageRun] = field(default_factory=dict)  #: the stages run so far
    #: the run's input files (:func:`carbongap.pipeline.provenance.describe_inputs`)
    inputs: Mapping[str, Mapping[str, str | int]] = field(default_factory=dict)
    #: capabilities probed in this run (:mod:`carbongap.pipeline.capabilities`)
    capabilities: Mapping[str, CapabilityState] = field(default_factory=dict)

    @property
    def execution(self) -> Execution:
        """``[run] jobs`` workers, ``[run] dask`` and the run's progress."""
        return Execution(self.config.run.jobs, self.config.run.dask, self.progress)

    def table(self, stage: str, name: str) -> pd.DataFrame:
        """An upstream table; a clear error when the stage did not produce it."""
        try:
            return self.upstream[stage].tables[name]
        except KeyError as exc:
            raise KeyError(f"upstream stage {stage!r} has no table {name!r}") from exc



@dataclass(frozen=True)
class Stage:
    """A named stage: what it needs, which configuration sections change its result.

    ``module`` names the stage module (imported when the stage runs).
    ``files`` are the configuration options ((section, key)) naming files the stage
    reads: their sha256 enter its cache key. ``requires`` names the capabilities it needs
    (:mod:`carbongap.pipeline.capabilities`, e.g. ``("R",)``); ``requires_if`` those it
    needs only under a configuration value ((section, key, value, capability), e.g. R when
    ``[regressions] backend = "r"``).
    """

    name: str
    needs: tuple[str, ...]
    sections: tuple[str, ...]
    module: str
    cache: bool = True  #: False for stages cheaper to recompute than to load
    sees_all: bool = False  #: receives every earlier result, not only ``needs``
    files: tuple[tuple[str, str], ...] = ()
    requires: tuple[str, ...] = ()
    requires_if: tuple[tuple[str, str, str, str], ...] = ()
    #: (section, key) of a boolean that puts the stage in a full run; None: always there
    #: (a stage named as a target runs whatever the switch says)
    switch: tuple[str, str] | None = None

    def in_full_run(self, config: Config) -> bool:
        """Whether a run of every stage includes this one under ``config``."""
        return self.switch is None or bool(getattr(getattr(config, self.switch[0]),
                                                   self.switch[1]))

    def capabilities(self, config: Config) -> tuple[str, ...]:
        """The capabilities the stage needs under ``config``."""
        extra = [capability for section, key, value, capability in self.requires_if
                 if getattr(getattr(config, section), key) == value]
        return tuple(dict.fromkeys([*self.requires, *extra]))

    def load(self) -> ModuleType:
        """The stage module, with its ``compute`` and ``write`` functions."""
        return importlib.import_module(self.module)
