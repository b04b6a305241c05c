"""``carbongap dea``: the SBI Luenberger engine on any panel file, outside the paper's pipeline.

Reads a CSV, Excel or Stata panel (:func:`carbongap.io.readers.read_table`), one row per
unit and period, with the columns the user names; runs :func:`carbongap.dea.luenberger`
(docs/methods.md §6: the SBI LP, the Luenberger indicator and its decomposition for the
chosen frontier) and writes, atomically (:class:`carbongap.stagekit.writer.OutputWriter`):

* ``luenberger.csv``: unit, time (= t+1), model, ``<time>_from`` (= t), LTFP, LPEC, LSEC,
  LPTP, LTPSC, EC, PC (shares of the direction, unit-free), the S terms and their statuses;
* ``lp_status.csv``: every LP without a number (infeasible, numerical, ...), with its term
  and year pair (:func:`carbongap.dea.lp_tables.lp_status_rows`);
* ``excluded.csv``: every unit-period the screening left out, with the reason
  (:func:`carbongap.dea.panel.screen`).

``model`` is ``production`` without bad outputs and ``green`` with them (docs/methods.md §6).
Unit ids are kept as the file writes them: text (any string, e.g. ``C001``, ``007``,
``NA``), or integers when every id is an integer written without leading zeros. Periods
must be whole numbers (years); the variables numbers, in any unit (the SBI is
unit-invariant), missing or non-positive values being excluded with a reason. Bad input
raises :class:`~carbongap.errors.DataError` naming the file, the column and the
spreadsheet rows (header = row 1).
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..backends.dea import solve_jobs
from ..choices import DeaSolver, Disposability, Frontier, MeasureName
from ..dea import luenberger
from ..dea.lp_tables import lp_status_rows
from ..dea.measures import measure_frontier, measure_rule
from ..errors import ConfigError, DataError, format_rows
from ..ingest.cells import parse_numeric, parse_whole_numbers
from ..ingest.checks import require_unique
from ..io.readers import read_table
from ..parallel import SERIAL, Execution
from ..stagekit.writer import OutputWriter, require_folder

#: An id read as an integer: no leading zero or plus sign, at most 18 digits (fits int64).
_INTEGER_ID = re.compile(r"0|-?[1-9][0-9]{0,17}")


def column_list(text: str, option: str) -> tuple[str, ...]:
    """``"K, L"`` -> ``("K", "L")``; ConfigError naming ``option`` when no name is given."""
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    if not names:
        raise ConfigError(f"{option}: give at least one column name (comma-separated)")
    return names


def _id_text(cell: object) -> str:
    """A cell as id text: strings stripped, whole floats (Excel, Stata) without '.0'."""
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return ""
    if isinstance(cell, numbers.Integral) and not isinstance(cell, bool):
        return str(int(cell))
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def parse_ids(cells: pd.Series, column: str, source: str) -> pd.Series:
    """Unit ids as written (module docstring): int64 when every id is an integer without
    leading zeros, else text (``str``); a blank id is a DataError naming its rows."""
    text = cells.map(_id_text)
    blank = (text == "").to_numpy()
    if blank.any():
        raise DataError(f"{source}: column '{column}' (the unit ids) is blank in rows "
                        f"{format_rows(text.index[blank])}", source=source, column=column,
                        rows=text.index[blank])
    if text.map(lambda value: _INTEGER_ID.fullmatch(value) is not None).all():
        return text.astype("int64")
    return text.astype("str")


def read_dea_panel(path: str | Path, unit: str, time: str, variables: Sequence[str], *,
                   sheet: str | None = None) -> pd.DataFrame:
    """The columns ``unit``, ``time`` and ``variables`` of a panel file, typed and checked.

    Unit ids as :func:`parse_ids`; time int64 (whole numbers in every row); variables
    float64 (missing cells NaN, :data:`carbongap.io.readers.MISSING_TOKENS`). Raises
    DataError for an unreadable file, a column the file lacks (listing its headers), a
    blank id, a non-numeric or fractional cell, or a repeated (unit, time) key, with the
    spreadsheet rows. The index holds the spreadsheet row numbers.
    """
    wanted = [unit, time, *variables]
    repeated = sorted({c for c in wanted if wanted.count(c) > 1})
    if repeated:
        raise ConfigError(f"column(s) {', '.join(repeated)} given in more than one role "
                          "(unit, time, inputs, good, bad); each column has one role")
    raw = read_table(path, sheet)
    missing = [c for c in wanted if c not in raw.frame.columns]
    if missing:
        raise DataError(f"{raw.source}: column(s) {', '.join(missing)} missing; the file's "
                        f"headers are {', '.join(map(str, raw.frame.columns))}",
                        source=raw.source, column=missing[0])
    cells = raw.frame
    frame = pd.DataFrame({unit: parse_ids(cells[unit], unit, raw.source),
                          time: parse_whole_numbers(cells[time], time, raw.source, {})},
                         index=cells.index)
    for column in variables:
        frame[column] = parse_numeric(cells[column], column, raw.source, {})
    require_unique(frame, [unit, time], raw.source, spreadsheet=True)
    return frame


@dataclass(frozen=True)
class DeaFileRun:
    """What :func:`run_dea_file` wrote, how many rows ``excluded.csv`` has by reason, and
    how many distinct unit-periods they concern (a unit-period screened out also loses the
    indicators of the pairs it belongs to: one unit-period, several rows)."""

    paths: list[Path]
    excluded: dict[str, int]
    unit_periods: int = 0

    def exclusion_summary(self) -> str:
        """'3 exclusion(s) concerning 2 unit-period(s) (1 green model: co2 <= 0; ...); see
        excluded.csv', or ''."""
        if not self.excluded:
            return ""
        return (f"{exclusion_count(self.excluded, self.unit_periods)}; see {self.paths[2]}")


def exclusion_count(counts: dict[str, int], unit_periods: int) -> str:
    """'3 exclusion(s) concerning 2 unit-period(s) (1 ...; 2 ...)'."""
    return (f"{sum(counts.values())} exclusion(s) concerning {unit_periods} unit-period(s) "
            f"({by_reason(counts)})")


def by_reason(counts: dict[str, int]) -> str:
    """'1 green model: co2 <= 0; 3 ...': exclusion counts by reason."""
    return "; ".join(f"{n} {reason}" for reason, n in counts.items())


def run_dea_file(path: str | Path, out: str | Path, *, unit: str, time: str,
                 inputs: Sequence[str], good: Sequence[str], bad: Sequence[str] = (),
                 frontier: Frontier | None = None, rts_decomposition: bool = True,
                 prune: bool = True, execution: Execution = SERIAL,
                 sheet: str | None = None, strict: bool = False,
                 solver: DeaSolver = "kernel", measure: MeasureName = "sbi",
                 disposability: Disposability = "weak") -> DeaFileRun:
    """Run the Luenberger engine on the panel file ``path``; write its tables into ``out``.

    Arguments as :func:`carbongap.dea.luenberger` (``frontier``, ``rts_decomposition``,
    ``prune``, ``execution``, ``measure``, ``disposability``) and :func:`read_dea_panel` (``sheet``:
    the Excel sheet, default the first); ``solver`` as ``[productivity] solver``. With
    ``strict`` an excluded unit-period is a DataError (nothing is written). Returns the
    paths of ``luenberger.csv``, ``lp_status.csv`` and ``excluded.csv`` (module
    docstring), in that order, and the exclusion counts by reason.
    """
    require_folder(Path(out))  # before the work, not after it
    kind = measure_rule(measure)
    rule = measure_frontier(kind, frontier)
    frame = read_dea_panel(path, unit, time, [*inputs, *good, *bad], sheet=sheet)
    model = "green" if bad else "production"
    result = luenberger(frame, inputs, good, bad, rule, unit=unit, time=time,
                        rts_decomposition=rts_decomposition, prune=prune,
                        execution=execution, label=f"{model} model",
                        solve_jobs=solve_jobs("python", solver), measure=kind,
                        disposability=disposability)
    excluded = result.screened.excluded
    counts = {str(k): int(n) for k, n in
              excluded["reason"].value_counts().sort_index().items()}
    places = excluded.loc[:, [unit, time]].drop_duplicates()
    if strict and counts:
        first = places.head(5).itertuples(index=False, name=None)
        raise DataError(f"{path}: {exclusion_count(counts, len(places))} with --strict; "
                        f"first: {', '.join(f'{unit} {u} {time} {t}' for u, t in first)}",
                        source=str(path))
    table = result.table
    table.insert(2, "model", model)
    writer = OutputWriter(out)
    paths = [writer.table("luenberger.csv", table),
             writer.table("lp_status.csv", lp_status_rows(table, rule, unit=unit,
                                                          time=time)),
             writer.table("excluded.csv", excluded)]
    return DeaFileRun(paths, counts, len(places))

