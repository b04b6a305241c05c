"""``carbongap.load_panel``: the validated raw data, from files.

Loading reads files only: the synthetic default panel is made and validated by
:func:`carbongap.synth.validated`, and the validate stage chooses between the two
(``[data] panel`` empty: the synthetic default). Both end in :func:`validated_panel`, so a
file and the synthetic panel are checked alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import attrition
from ..io.readers import RawTable, read_table
from .ceads import is_ceads_workbook, read_ceads_with_log
from .city_panel import validate_city_panel
from .provinces import validate_provinces
from .schema import PROVINCE_COLUMNS, describe_city_panel


@dataclass(frozen=True)
class Panel:
    """The validated inputs of a run.

    Attributes
    ----------
    cities
        Canonical city panel (city_code, city_name, province_code, year, quantities).
    provinces
        Canonical provincial table; empty (with its columns) when none was given.
    attrition
        City-years validation removed, with reasons.
    notes
        What validation noticed (ignored columns, unit warnings, panel balance).
    source
        Where the city panel came from.
    truth
        Synthetic default only: the generator's latent values, else None.
    """

    cities: pd.DataFrame
    provinces: pd.DataFrame
    attrition: pd.DataFrame
    notes: tuple[str, ...]
    source: str
    truth: pd.DataFrame | None = field(default=None)

    def __repr__(self) -> str:
        return (f"Panel({self.source!r}: {describe_city_panel(self.cities)}; "
                f"{len(self.provinces)} province-years, {len(self.attrition)} excluded, "
                f"{len(self.notes)} notes, truth={'yes' if self.truth is not None else 'no'})")


def empty_provinces() -> pd.DataFrame:
    """A provincial table with the canonical columns and no rows."""
    frame = pd.DataFrame({c.name: pd.Series(dtype="float64") for c in PROVINCE_COLUMNS})
    return frame.astype({"province_code": "int64", "year": "int64"})


def in_memory(frame: pd.DataFrame, source: str) -> RawTable:
    """Wrap a frame as a raw table whose row numbers count like a spreadsheet's."""
    frame = frame.reset_index(drop=True)
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="row")
    return RawTable(frame, source)


def validated_panel(raw_cities: RawTable, raw_provinces: RawTable | None, *,
                    years: tuple[int, int], magnitude_warnings: bool, source: str,
                    truth: pd.DataFrame | None = None,
                    excluded: pd.DataFrame | None = None) -> Panel:
    """Validate a raw city panel and its provincial table (None: an empty table) into a
    :class:`Panel`; ``excluded`` are exclusions made before validation (a CEADs
    inventory's empty cells), ``truth`` the synthetic generator's latent values."""
    cities = validate_city_panel(raw_cities, years, magnitude_warnings)
    if raw_provinces is not None:
        province_table = validate_provinces(raw_provinces, magnitude_warnings)
        province_frame, province_notes = province_table.frame, province_table.notes
    else:
        province_frame, province_notes = empty_provinces(), ()
    return Panel(
        cities=cities.frame,
        provinces=province_frame,
        attrition=attrition.combine([attrition.empty() if excluded is None else excluded,
                                     cities.attrition]),
        notes=cities.notes + province_notes,
        source=source,
        truth=truth,
    )


def load_panel(
    path: str | Path,
    provinces: str | Path | None = None,
    *,
    sheet: str | None = None,
    provinces_sheet: str | None = None,
    years: tuple[int, int] = (2006, 2019),
    magnitude_warnings: bool = True,
) -> Panel:
    """Read and validate a city panel and its provincial table.

    Parameters
    ----------
    path
        City panel: CSV, Excel or Stata file with canonical or Chinese yearbook headers
        (``carbongap.ingest.schema``), or a CEADs inventory workbook. (The synthetic
        default panel: :func:`carbongap.synth.validated`.)
    provinces
        Provincial table (deflators, FAI, base-year capital), or None.
    sheet, provinces_sheet
        Excel sheets of the two files (None = the first sheet).
    years
        Study window; rows outside it are excluded and counted.

    Raises
    ------
    DataError
        On any bad input (see :mod:`carbongap.ingest.city_panel`).
    """
    raw_provinces = read_table(provinces, provinces_sheet) if provinces is not None else None
    if is_ceads_workbook(path):
        frame, ceads_log = read_ceads_with_log(path)
        return validated_panel(in_memory(frame.drop(columns="ceads_name"), f"{path} [CEADs]"),
                               raw_provinces, years=years,
                               magnitude_warnings=magnitude_warnings, source=str(path),
                               excluded=ceads_log)
    return validated_panel(read_table(path, sheet), raw_provinces, years=years,
                           magnitude_warnings=magnitude_warnings, source=str(path))
