"""A robustness grid: axes of method choices, and the specifications they make.

docs/methods.md §13. A grid file (TOML, ``replication/config/robustness.toml`` by default)
has one table ``[axes]``; an axis is either a list of values of one configuration key
(``"productivity.frontier" = ["contemporaneous", "global"]``, the axis named ``frontier``
and its options by their values) or a table of named options, each a table of
``"section.key" = value`` overrides (for choices that set several keys, such as a cluster
bootstrap). The baseline option of an axis is the one equal to the run's configuration;
each axis has exactly one. A specification is a configuration: the baseline with one axis
moved (one-at-a-time) or any combination of options (factorial).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..choices import Design
from ..config import Config, load_config, read_toml
from ..data import shipped_file
from ..errors import ConfigError
from ..tables.estimate import ESTIMATE_COLUMNS

#: The default grid in a source checkout (the wheel carries a copy).
REPOSITORY_PATH = "replication/config/robustness.toml"
#: Configuration sections an axis may change: the ones downstream of the validated panel
#: (a different data set is a different run, not a specification).
AXIS_SECTIONS: tuple[str, ...] = ("accounting", "productivity", "analysis", "regressions")
#: Keys of those sections that never change a number, refused on an axis.
NOT_A_CHOICE: tuple[str, ...] = ("regressions.tables", "regressions.published",
                                 "regressions.process_taus")

#: Names an axis cannot take: columns of the robustness tables.
RESERVED_NAMES: tuple[str, ...] = ("spec", "changed", "baseline", *ESTIMATE_COLUMNS)


@dataclass(frozen=True)
class Option:
    """One choice on an axis: its label and the ``section.key`` values it sets."""

    label: str
    overrides: tuple[tuple[str, Any], ...]

    def as_updates(self) -> dict[str, dict[str, Any]]:
        """The overrides as the nested mapping :func:`carbongap.config.load_config` takes."""
        updates: dict[str, dict[str, Any]] = {}
        for name, value in self.overrides:
            section, key = name.split(".")
            updates.setdefault(section, {})[key] = value
        return updates


@dataclass(frozen=True)
class Axis:
    """A named axis, its options in file order and the index of its baseline option."""

    name: str
    options: tuple[Option, ...]
    baseline: int

    @property
    def baseline_label(self) -> str:
        """The label of the option equal to the run's configuration."""
        return self.options[self.baseline].label


@dataclass(frozen=True)
class Specification:
    """One configuration of the grid: ``choices`` maps every axis to its option label."""

    id: int  #: 0 is the baseline; others in the order of the design
    choices: tuple[tuple[str, str], ...]
    config: Config
    changed: str  #: what differs from the baseline, e.g. "frontier=global"; "" for it

    @property
    def is_baseline(self) -> bool:
        """True for the specification of the run's own configuration."""
        return self.changed == ""


@dataclass(frozen=True)
class Grid:
    """Axes read from ``source`` (a file name, for messages) around the run's
    configuration ``base``."""

    axes: tuple[Axis, ...]
    source: str
    base: Config

    def specifications(self, design: Design) -> list[Specification]:
        """The baseline first, then every other specification of ``design``; see module
        docstring."""
        if design == "one-at-a-time":
            picks = [tuple(a.baseline for a in self.axes)]
            for k, axis in enumerate(self.axes):
                for j in range(len(axis.options)):
                    if j != axis.baseline:
                        pick = list(picks[0])
                        pick[k] = j
                        picks.append(tuple(pick))
        else:
            base = tuple(a.baseline for a in self.axes)
            rest = [p for p in itertools.product(*(range(len(a.options)) for a in self.axes))
                    if p != base]
            picks = [base, *rest]
        return [self._specification(n, pick) for n, pick in enumerate(picks)]

    def _specification(self, number: int, pick: Sequence[int]) -> Specification:
        config = self.base
        changed = []
        for axis, j in zip(self.axes, pick, strict=True):
            option = axis.options[j]
            config = _apply(config, option, self.source, axis.name)
            if j != axis.baseline:
                changed.append(f"{axis.name}={option.label}")
        choices = tuple((a.name, a.options[j].label) for a, j in zip(self.axes, pick,
                                                                      strict=True))
        return Specification(number, choices, config, ", ".join(changed))


def _apply(config: Config, option: Option, source: str, axis: str) -> Config:
    try:
        return load_config(None, (), _merged(config, option))
    except ConfigError as exc:
        raise ConfigError(f"{source}: axis {axis!r}, option {option.label!r}: {exc}") from exc


def _merged(config: Config, option: Option) -> dict[str, dict[str, Any]]:
    """Every value of ``config`` with the option's overrides on top (load_config starts
    from the defaults, so the base configuration is passed whole)."""
    data = config.to_dict()
    for section, values in option.as_updates().items():
        data[section] = {**data[section], **values}
    return data


def _label(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _options(name: str, raw: Any, where: str) -> tuple[str, tuple[Option, ...]]:
    """An axis's name and options from its TOML value (a list, or a table of tables)."""
    if isinstance(raw, list):
        if "." not in name:
            raise ConfigError(f"{where}: axis {name!r} is a list, so its name must be a "
                              "configuration key 'section.key'")
        return name.split(".", 1)[1], tuple(Option(_label(v), ((name, v),)) for v in raw)
    if isinstance(raw, Mapping):
        options = []
        for label, overrides in raw.items():
            if not isinstance(overrides, Mapping) or not overrides:
                raise ConfigError(f"{where}: axis {name!r}, option {label!r} must be a "
                                  "non-empty table of \"section.key\" = value")
            options.append(Option(str(label), tuple(overrides.items())))
        return name, tuple(options)
    raise ConfigError(f"{where}: axis {name!r} must be a list of values or a table of "
                      f"named options, got {raw!r}")


def _check_keys(axis: str, options: Sequence[Option], where: str) -> None:
    for option in options:
        for name, value in option.overrides:
            section, dot, key = name.partition(".")
            if not dot or section not in AXIS_SECTIONS or name in NOT_A_CHOICE:
                raise ConfigError(
                    f"{where}: axis {axis!r}, option {option.label!r}: key {name!r} = "
                    f"{value!r} cannot vary; an axis sets keys of "
                    f"[{'], ['.join(AXIS_SECTIONS)}] that change estimates")
            if key == "backend":
                raise ConfigError(f"{where}: axis {axis!r}: {name} chooses the language, "
                                  "not a method (the crossval stage compares them)")


def parse_grid(data: Mapping[str, Any], base: Config, source: str = "grid") -> Grid:
    """A grid from the parsed TOML ``data`` against the run's configuration ``base``.

    Raises :class:`ConfigError` naming ``source``, the axis, option, key and value: an
    unknown top-level key, an axis without options, a key outside
    :data:`AXIS_SECTIONS`, a value its configuration key refuses, no or two options equal
    to ``base`` on an axis, or two options of an axis with the same label.
    """
    unknown = sorted(set(data) - {"axes"})
    if unknown:
        raise ConfigError(f"{source}: unknown key(s) {', '.join(unknown)}; a grid file has "
                          "one table, [axes]")
    raw_axes = data.get("axes")
    if not isinstance(raw_axes, Mapping) or not raw_axes:
        raise ConfigError(f"{source}: no axes; add an [axes] table with at least one axis")
    axes = []
    for name, raw in raw_axes.items():
        axis_name, options = _options(name, raw, source)
        if len(options) < 1:
            raise ConfigError(f"{source}: axis {axis_name!r} has no options")
        labels = [o.label for o in options]
        if len(set(labels)) != len(labels):
            raise ConfigError(f"{source}: axis {axis_name!r} repeats an option: {labels}")
        _check_keys(axis_name, options, source)
        equal = [j for j, o in enumerate(options)
                 if _apply(base, o, source, axis_name) == base]
        if len(equal) != 1:
            current = ", ".join(f"{n} = {_current(base, n)!r}"
                                for n in dict.fromkeys(k for o in options
                                                       for k, _ in o.overrides))
            raise ConfigError(
                f"{source}: axis {axis_name!r} needs exactly one option equal to the run's "
                f"configuration (the baseline; now {current}), found "
                f"{len(equal)}{': ' + ', '.join(labels[j] for j in equal) if equal else ''}")
        axes.append(Axis(axis_name, options, equal[0]))
    names = [a.name for a in axes]
    clash = [n for n in names if n in RESERVED_NAMES]
    if clash:
        raise ConfigError(f"{source}: axis name {clash[0]!r} is a column of the robustness "
                          "tables; write the axis as a table of named options under "
                          "another name (e.g. [axes.regression_sample])")
    if len(set(names)) != len(names):
        raise ConfigError(f"{source}: two axes have the same name: {names}")
    return Grid(tuple(axes), source, base)


def _current(config: Config, name: str) -> Any:
    section, key = name.split(".", 1)
    return getattr(getattr(config, section), key)


def default_grid_path() -> Path | None:
    """The default grid: the package's copy, or the repository's file in a source
    checkout; None if neither exists."""
    return shipped_file("robustness.toml", REPOSITORY_PATH)


def load_grid(path: str | Path, base: Config) -> Grid:
    """:func:`parse_grid` of the TOML file at ``path``."""
    path = Path(path)
    return parse_grid(read_toml(path, "robustness grid"), base, str(path))
