"""What a pipeline stage is: a pure function of upstream results and the configuration.

A stage module (``carbongap/stages/<name>.py``) provides

``compute(ctx: Context) -> StageResult``
    pure: reads ``ctx.upstream[...]`` tables and ``ctx.config``; returns named frames,
    texts and files, an attrition frame and notes; never touches the output folders
    (a stage that needs R may run R, which is why it says so in ``requires``);
``write(result: StageResult, out: OutputWriter, config: Config) -> None``
    the edge: writes the stage's tables, texts, figures and files through ``out``;
``STAGE``
    its :class:`Stage`: the two functions, the stages it needs and the configuration
    sections its result depends on (the registry, :mod:`carbongap.pipeline.registry`,
    imports the modules and lists their ``STAGE``).

Only ``compute``'s result is cached; ``write`` runs on every run, cached or not. So the
sections a stage declares are those ``compute`` reads, and the context holds it to them:
``ctx.config`` is a :class:`DeclaredConfig` that raises :class:`UndeclaredSectionError`
on any other section (``[run]``, which changes no number, is always readable). A stage
that declares every results section (:data:`RESULT_SECTIONS`) sees the configuration
itself (it prints the configuration's hash, derives variants of it or renders it).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import pandas as pd

from .. import attrition
from ..computed import Computed
from ..config import Config
from ..errors import UndeclaredSectionError
from ..parallel import Execution
from ..progress import ProgressFactory, null_progress
from .checkpoints import NO_CHECKPOINTS, Checkpoints

if TYPE_CHECKING:
    from .capabilities import CapabilityState
    from .writer import OutputWriter

#: Every configuration section.
SECTIONS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Config))
#: The sections that may change a result: all but ``[run]`` (workers, Dask, progress,
#: strictness), which every stage may read.
RESULT_SECTIONS: tuple[str, ...] = tuple(s for s in SECTIONS if s != "run")


class DeclaredConfig:
    """The configuration as the ``compute`` of one stage sees it: the sections it declares
    and ``[run]``; any other section, or the configuration as a whole, raises
    :class:`UndeclaredSectionError`. ``read`` collects the declared sections read."""

    __slots__ = ("_config", "_sections", "_stage", "read")

    def __init__(self, config: Config, stage: str, sections: Iterable[str]) -> None:
        self._config = config
        self._stage = stage
        self._sections = frozenset(sections)
        self.read: set[str] = set()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # protocols (copy, pickle, ...) probing for a hook
            raise AttributeError(name)
        if name == "run":
            return self._config.run
        if name in self._sections:
            self.read.add(name)
            return getattr(self._config, name)
        what = (f"configuration section [{name}]" if name in SECTIONS
                else f"the whole configuration (Config.{name})")
        raise UndeclaredSectionError(
            f"stage {self._stage} read {what}, which its Stage does not declare (sections: "
            f"{', '.join(sorted(self._sections)) or 'none'}); declare it in the stage "
            "module's STAGE so that its cache key changes with it (a stage that needs the "
            "whole configuration declares RESULT_SECTIONS)")


def stage_config(config: Config, stage: str, sections: Iterable[str]) -> Config:
    """What ``ctx.config`` is for a stage declaring ``sections``: the configuration itself
    when they are every results section, else a :class:`DeclaredConfig`."""
    sections = tuple(sections)
    if set(RESULT_SECTIONS) <= set(sections):
        return config
    return cast(Config, DeclaredConfig(config, stage, sections))

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
    #: capabilities probed in this run (:mod:`carbongap.stagekit.capabilities`)
    capabilities: Mapping[str, CapabilityState] = field(default_factory=dict)
    #: the stages of the run, in order (the registry the runner was given)
    stages: Sequence[Stage] = ()
    #: where the stage keeps finished pieces of a long computation (resumable runs)
    checkpoints: Checkpoints = NO_CHECKPOINTS

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

    ``compute`` and ``write`` are the stage module's functions (module docstring).
    ``sections``: the configuration sections ``compute`` reads (its cache key covers
    them; :data:`RESULT_SECTIONS` for a stage that needs the whole configuration).
    ``files`` are the configuration options ((section, key)) naming files the stage
    reads: their sha256 enter its cache key. ``requires`` names the capabilities it needs
    (:mod:`carbongap.stagekit.capabilities`, e.g. ``("R",)``); ``requires_if`` those it
    needs only under a configuration value ((section, key, value, capability), e.g. R when
    ``[regressions] backend = "r"``).
    """

    name: str
    needs: tuple[str, ...]
    sections: tuple[str, ...]
    compute: Callable[[Context], StageResult]
    write: Callable[[StageResult, OutputWriter, Config], None]
    cache: bool = True  #: False for stages cheaper to recompute than to load
    sees_all: bool = False  #: receives every earlier result, not only ``needs``
    files: tuple[tuple[str, str], ...] = ()
    requires: tuple[str, ...] = ()
    requires_if: tuple[tuple[str, str, str, str], ...] = ()
    #: (section, key) of a boolean that puts the stage in a full run; None: always there
    #: (a stage named as a target runs whatever the switch says)
    switch: tuple[str, str] | None = None

    def __post_init__(self) -> None:
        unknown = sorted(set(self.sections) - set(SECTIONS))
        if unknown:
            raise ValueError(f"stage {self.name}: unknown configuration section(s) "
                             f"{', '.join(unknown)}")

    @property
    def module(self) -> str:
        """The stage module (its source and imports make the stage's code hash)."""
        return self.compute.__module__

    def in_full_run(self, config: Config) -> bool:
        """Whether a run of every stage includes this one under ``config``."""
        return self.switch is None or bool(getattr(getattr(config, self.switch[0]),
                                                   self.switch[1]))

    def capabilities(self, config: Config) -> tuple[str, ...]:
        """The capabilities the stage needs under ``config``."""
        extra = [capability for section, key, value, capability in self.requires_if
                 if getattr(getattr(config, section), key) == value]
        return tuple(dict.fromkeys([*self.requires, *extra]))

    def context(self, config: Config, upstream: Mapping[str, StageResult],
                **context: Any) -> Context:
        """The :class:`Context` of this stage's ``compute`` under ``config``: the
        configuration restricted to the declared sections (:func:`stage_config`)."""
        return Context(config=stage_config(config, self.name, self.sections),
                       upstream=upstream, **context)


def find_stage(name: str, registry: Sequence[Stage]) -> Stage:
    """The stage called ``name``; ValueError naming the valid ones otherwise."""
    for s in registry:
        if s.name == name:
            return s
    raise ValueError(f"unknown stage {name!r}; choose one of: "
                     f"{', '.join(s.name for s in registry)}")


def closure(names: Sequence[str], registry: Sequence[Stage]) -> tuple[Stage, ...]:
    """The named stages and everything they need, in execution order."""
    wanted: set[str] = set()
    pending = list(names)
    while pending:
        current = find_stage(pending.pop(), registry)
        if current.name not in wanted:
            wanted.add(current.name)
            pending.extend(current.needs)
    return tuple(s for s in registry if s.name in wanted)
