"""Input checks shared by validation and the accounting functions (docs/methods.md §10).

Every failure raises :class:`~carbongap.errors.DataError` naming the source, the column
(and the header it was read from, when given) and the offending rows: by spreadsheet
row number when the frame's index holds them (``spreadsheet=True``, as validation's
frames do) and always by their keys (city_code and year, or province_code and year), so
that a message is useful for in-memory frames too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from ..errors import DataError, format_rows
from ..regions import province_codes
from .schema import Column, city_schema, columns_by_name, describe_aliases

CITY_KEYS: tuple[str, ...] = ("city_code", "year")
PROVINCE_KEYS: tuple[str, ...] = ("province_code", "year")


def describe_rows(frame: pd.DataFrame, keys: Sequence[str], limit: int = 5) -> str:
    """'city_code 130100, year 2006; city_code 130200, year 2007; and 3 more'."""
    shown = "; ".join(
        ", ".join(f"{k} {v}" for k, v in zip(keys, row, strict=True))
        for row in frame.loc[:, list(keys)].head(limit).itertuples(index=False, name=None))
    return shown + (f"; and {len(frame) - limit} more" if len(frame) > limit else "")


def column_label(column: str, headers: Mapping[str, str] | None = None) -> str:
    """``column 'gdp'``, plus `` (header '...')`` when it was read from another header."""
    header = (headers or {}).get(column, column)
    return f"column '{column}'" + (f" (header '{header}')" if header != column else "")


def _rows_phrase(index: pd.Index, spreadsheet: bool) -> str:
    return f"rows {format_rows(index)}" if spreadsheet else f"{len(index)} row(s)"


def require_columns(frame: pd.DataFrame, columns: Sequence[str], source: str,
                    purpose: str, schema: Sequence[Column] = ()) -> None:
    """DataError listing the columns of ``columns`` that ``frame`` lacks; with the
    ``schema`` of the table (city panel or provincial), also the headers a data file may
    give each of them under."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        lookup = columns_by_name(schema)
        known = [lookup[c] for c in missing if c in lookup]
        accepted = f" ({'; '.join(map(describe_aliases, known))})" if known else ""
        raise DataError(f"{source}: column(s) {', '.join(missing)} missing, needed for "
                        f"{purpose}{accepted}", source=source, column=missing[0])


def require_unique(frame: pd.DataFrame, keys: Sequence[str], source: str, *,
                   spreadsheet: bool = False) -> None:
    """DataError naming every row of each repeated key combination."""
    dup = frame.duplicated(list(keys), keep=False)
    if dup.any():
        raise DataError(
            f"{source}: {' and '.join(keys)} repeat in "
            f"{_rows_phrase(frame.index[dup], spreadsheet)} "
            f"({describe_rows(frame.loc[dup], keys)}); keep one row per key",
            source=source, column=keys[0], rows=frame.index[dup])


def require_non_negative(frame: pd.DataFrame, columns: Sequence[str], source: str,
                         keys: Sequence[str], *, spreadsheet: bool = False,
                         headers: Mapping[str, str] | None = None) -> None:
    """DataError naming the first rows where any of ``columns`` is negative."""
    for column in columns:
        negative = frame[column] < 0
        if negative.any():
            raise DataError(
                f"{source}: {column_label(column, headers)} has negative values in "
                f"{_rows_phrase(frame.index[negative], spreadsheet)} "
                f"({describe_rows(frame.loc[negative], keys)})",
                source=source, column=column, rows=frame.index[negative])


def require_positive(frame: pd.DataFrame, column: str, source: str,
                     keys: Sequence[str], why: str) -> None:
    """DataError naming the rows where ``column`` is zero or negative (NaN is allowed)."""
    bad = frame[column] <= 0
    if bad.any():
        raise DataError(
            f"{source}: column '{column}' must be positive ({why}); it is zero or negative in "
            f"{int(bad.sum())} row(s) ({describe_rows(frame.loc[bad], keys)})",
            source=source, column=column, rows=frame.index[bad])


def require_known_provinces(frame: pd.DataFrame, source: str, keys: Sequence[str], *,
                            spreadsheet: bool = False, derived: bool = False) -> None:
    """DataError when ``province_code`` holds a code that is not a GB/T 2260 province.

    ``derived`` says the codes were taken from the city codes' first two digits.
    """
    unknown = ~frame["province_code"].isin(province_codes())
    if unknown.any():
        codes = sorted({int(c) for c in frame.loc[unknown, "province_code"]})
        origin = " (from city_code)" if derived else " in column 'province_code'"
        raise DataError(
            f"{source}: unknown province code(s) {codes}{origin} in "
            f"{_rows_phrase(frame.index[unknown], spreadsheet)} "
            f"({describe_rows(frame.loc[unknown], keys)})",
            source=source, column="province_code", rows=frame.index[unknown])


def city_keys(panel: pd.DataFrame, source: str = "panel") -> pd.DataFrame:
    """city_code, year, province_code of a panel, checked; province from city_code if absent.

    The province code is the first two digits of the GB/T 2260 city code (docs/methods.md §3).
    """
    require_columns(panel, CITY_KEYS, source, "any accounting", city_schema())
    present = [c for c in (*CITY_KEYS, "province_code") if c in panel]
    for column in present:
        blank = panel[column].isna()
        if blank.any():
            raise DataError(f"{source}: key column '{column}' is missing in rows "
                            f"{format_rows(panel.index[blank])}",
                            source=source, column=column, rows=panel.index[blank])
    keys = panel.loc[:, list(CITY_KEYS)].astype("int64")
    if "province_code" in panel:
        keys["province_code"] = panel["province_code"].astype("int64")
    else:
        keys["province_code"] = keys["city_code"] // 10000
    require_unique(keys, CITY_KEYS, source)
    require_known_provinces(keys, source, CITY_KEYS)
    return keys


def require_some_value(panel: pd.DataFrame, columns: Sequence[str], source: str,
                       window: tuple[int, int],
                       headers: Mapping[str, str] | None = None) -> None:
    """A DataError naming every one of ``columns`` (the numeric ones) that has no value in
    the panel's rows (those of the study ``window``): an empty series is a column to remove
    or fill, not a column of missing cells to exclude city-year by city-year."""
    empty = [c for c in columns if panel[c].isna().all()]
    if empty:
        named = ", ".join(column_label(c, headers) for c in empty)
        raise DataError(
            f"{source}: {named} {'has' if len(empty) == 1 else 'have'} no value in any of the "
            f"{len(panel)} rows in the study window {window[0]}-{window[1]}: remove the "
            "column if the series is not available (a fuel left out of eq. 3 is then named "
            "in the accounting notes) or fill it", source=source, column=empty[0])
