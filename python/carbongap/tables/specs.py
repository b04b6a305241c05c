"""The specifications of Tables 1-8 (Zhang & Liu 2024, eq. 2): which regressions each table holds.

One CSV, ``replication/config/tables.csv`` (shipped in the package as
``carbongap/data/tables.csv``), read by the Python regressions, the R rerun script and the
Stata do-file generator, so the three run the same samples, dependents and regressors.
One row per column group ("part") of a table:

========== ===========================================================================
table      table number (1, 2, ...)
part       order of the column group within the table (1, 2, ...)
sample     ``all`` or a region group of the paper (``developed``, ``underdeveloped``,
           ``other``): the rows of the regression panel used
dependent  the dependent variable (a name of :mod:`carbongap.codebook`)
block      the group's key in the published tables (production, green, ...)
regressors the regressors in order, separated by spaces (an intercept is always added)
shown      the regressors printed as rows; the others are summarised as "Controls: YES"
header     the column group's heading (English)
title      the table's title (English); title_zh: the paper's Chinese title
========== ===========================================================================

:func:`load_table_specs` reads and checks the file; every problem is reported in one
:class:`~carbongap.errors.ConfigError` naming the file, the entry (line and table/part)
and the field.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..codebook import BY_NAME
from ..data import shipped_file
from ..errors import ConfigError

#: The columns of the file, in order.
FIELDS: tuple[str, ...] = ("table", "part", "sample", "dependent", "block", "regressors",
                           "shown", "header", "title", "title_zh")
#: Samples a specification may name: the whole panel or a region group.
SAMPLES: tuple[str, ...] = ("all", "developed", "underdeveloped", "other")
#: Where the file lives in a source checkout (relative to the repository root).
REPOSITORY_PATH = "replication/config/tables.csv"


@dataclass(frozen=True)
class TableSpec:
    """One column group of a table: a quantile regression per tau (module docstring)."""

    table: int
    part: int
    sample: str
    dependent: str
    block: str
    regressors: tuple[str, ...]
    shown: tuple[str, ...]
    header: str
    title: str
    title_zh: str

    @property
    def formula(self) -> str:
        """The regression as R and statsmodels write it, e.g. ``lnCO2 ~ lnT + lnP``."""
        return f"{self.dependent} ~ {' + '.join(self.regressors)}"

    @property
    def controls(self) -> tuple[str, ...]:
        """Regressors not shown (printed as "Controls: YES")."""
        return tuple(r for r in self.regressors if r not in self.shown)


def default_specs_path() -> Path | None:
    """The built-in specifications (the paper's Tables 1-8): the package's copy, or the
    repository's file when running from a source checkout; None if neither exists."""
    return shipped_file("tables.csv", REPOSITORY_PATH)


def _int(value: str, problems: list[str], where: str, name: str) -> int:
    try:
        number = int(value)
    except ValueError:
        problems.append(f"{where}: field '{name}' must be a whole number, got {value!r}")
        return 0
    if number < 1:
        problems.append(f"{where}: field '{name}' must be >= 1, got {number}")
    return number


def _names(value: str, problems: list[str], where: str, name: str) -> tuple[str, ...]:
    names = tuple(value.split())
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        problems.append(f"{where}: field '{name}' names unknown variable(s) "
                        f"{', '.join(unknown)}; known: {', '.join(BY_NAME)}")
    if len(set(names)) != len(names):
        problems.append(f"{where}: field '{name}' repeats a variable: {value!r}")
    return names


def _row_spec(row: dict[str, str], where: str, problems: list[str]) -> TableSpec:
    for name in FIELDS:
        if not (row.get(name) or "").strip():
            problems.append(f"{where}: field '{name}' is empty")
    text = {k: (row.get(k) or "").strip() for k in FIELDS}
    if text["sample"] and text["sample"] not in SAMPLES:
        problems.append(f"{where}: field 'sample' = {text['sample']!r} is not one of: "
                        f"{', '.join(SAMPLES)}")
    dependent = text["dependent"]
    if dependent and (dependent not in BY_NAME or BY_NAME[dependent].role != "dependent"):
        dependents = [v.name for v in BY_NAME.values() if v.role == "dependent"]
        problems.append(f"{where}: field 'dependent' = {dependent!r} is not one of: "
                        f"{', '.join(dependents)}")
    regressors = _names(text["regressors"], problems, where, "regressors")
    shown = _names(text["shown"], problems, where, "shown")
    if dependent in regressors:
        problems.append(f"{where}: field 'regressors' contains the dependent {dependent}")
    extra = [s for s in shown if s not in regressors]
    if extra:
        problems.append(f"{where}: field 'shown' has {', '.join(extra)}, which are not "
                        "among the regressors")
    return TableSpec(_int(text["table"], problems, where, "table") if text["table"] else 0,
                     _int(text["part"], problems, where, "part") if text["part"] else 0,
                     text["sample"], dependent, text["block"], regressors, shown,
                     text["header"], text["title"], text["title_zh"])


def load_table_specs(path: str | Path | None = None) -> tuple[TableSpec, ...]:
    """The table specifications in ``path`` (None: :func:`default_specs_path`), sorted by
    table and part.

    Raises
    ------
    ConfigError
        Naming the file, the entry (line number and table/part) and the field of every
        problem: a missing or unknown column, an empty field, an unknown sample or
        variable, a shown regressor that is not a regressor, a repeated (table, part) or
        (table, dependent, sample, block), or a table whose parts disagree on its title.
    """
    source = Path(path) if path is not None else default_specs_path()
    if source is None:
        raise ConfigError("the built-in table specifications (carbongap/data/tables.csv) "
                          "are missing from this installation; set [regressions] specs")
    try:
        text = source.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"table specifications {source} (resolved: {source.resolve()}) "
                          "do not exist; set [regressions] specs to a CSV file") from None
    reader = csv.DictReader(text.splitlines())
    header = tuple(reader.fieldnames or ())
    missing = [f for f in FIELDS if f not in header]
    unknown = [f for f in header if f not in FIELDS]
    if missing or unknown:
        parts = ([f"missing column(s) {', '.join(missing)}"] if missing else []) + (
            [f"unknown column(s) {', '.join(unknown)}"] if unknown else [])
        raise ConfigError(f"{source}: {'; '.join(parts)}; the columns are: "
                          f"{', '.join(FIELDS)}")
    problems: list[str] = []
    specs: list[TableSpec] = []
    for line, row in enumerate(reader, start=2):
        if None in row:
            problems.append(f"line {line}: more fields than the {len(header)} columns "
                            "(quote a field that contains a comma)")
        where = f"line {line} (table {row.get('table')}, part {row.get('part')})"
        specs.append(_row_spec(row, where, problems))
    if not specs:
        problems.append("no table specifications (only a header)")
    _check_unique(specs, problems)
    if problems:
        raise ConfigError(f"{source}: " + "; ".join(problems))
    return tuple(sorted(specs, key=lambda s: (s.table, s.part)))


def _check_unique(specs: list[TableSpec], problems: list[str]) -> None:
    seen: dict[tuple[int, int], int] = {}
    keys: dict[tuple[int, str, str, str], int] = {}
    titles: dict[int, str] = {}
    for spec in specs:
        part = (spec.table, spec.part)
        if part in seen:
            problems.append(f"table {spec.table}, part {spec.part} appears twice")
        seen[part] = 1
        key = (spec.table, spec.dependent, spec.sample, spec.block)
        if key in keys:
            problems.append(f"table {spec.table}: two parts with dependent {spec.dependent}, "
                            f"sample {spec.sample}, block {spec.block}")
        keys[key] = 1
        if titles.setdefault(spec.table, spec.title) != spec.title:
            problems.append(f"table {spec.table}: field 'title' differs between its parts")


def select_tables(specs: Sequence[TableSpec], tables: Sequence[int]) -> tuple[TableSpec, ...]:
    """The specifications of ``tables`` (all when empty); ConfigError naming a table the
    specifications do not have."""
    if not tables:
        return tuple(specs)
    known = sorted({s.table for s in specs})
    unknown = [t for t in tables if t not in known]
    if unknown:
        raise ConfigError(f"[regressions] tables = {list(tables)}: no table "
                          f"{', '.join(map(str, unknown))} in the specifications (they have "
                          f"{', '.join(map(str, known))})")
    return tuple(s for s in specs if s.table in set(tables))
