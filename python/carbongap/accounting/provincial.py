"""Provincial series matched to city-years, and price indices rebased to the base year.

(Also the panel side of that match: :func:`checked_city_input`.)

The provincial table (docs/methods.md §3) has one row per province-year. A city-year needs
the row of its province and year: a province-year the table does not have at all is a
DataError (the table does not cover the panel), while a row with a blank cell is a
reported missing value and gives NaN downstream (a counted exclusion).

Every function takes ``source``, the name of the provincial table in messages (the file
path in the pipeline; "provinces" by default for in-memory frames).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..errors import DataError
from ..ingest.checks import (
    CITY_KEYS,
    PROVINCE_KEYS,
    city_keys,
    describe_rows,
    require_columns,
    require_known_provinces,
    require_non_negative,
    require_positive,
    require_unique,
)
from ..ingest.schema import PROVINCE_COLUMNS, city_schema


def checked_city_input(panel: pd.DataFrame, column: str, purpose: str,
                       source: str = "panel") -> tuple[pd.DataFrame, pd.DataFrame]:
    """The panel (fresh 0-based index) and its checked keys (``checks.city_keys``), with
    ``column`` present and non-negative; DataErrors name ``source``."""
    panel = panel.reset_index(drop=True)
    keys = city_keys(panel, source)
    require_columns(panel, [column], source, purpose, city_schema())
    require_non_negative(panel.assign(**keys), [column], source, CITY_KEYS)
    return panel, keys


def checked_provinces(provinces: pd.DataFrame, columns: Sequence[str], purpose: str,
                      source: str = "provinces") -> pd.DataFrame:
    """province_code, year (int64) and ``columns`` (float64) of a checked provincial table."""
    require_columns(provinces, (*PROVINCE_KEYS, *columns), source, purpose, PROVINCE_COLUMNS)
    table = provinces.loc[:, [*PROVINCE_KEYS, *columns]].copy()
    for key in PROVINCE_KEYS:
        if table[key].isna().any():
            blank = table[key].isna()
            raise DataError(f"{source}: key column '{key}' is missing in "
                            f"{int(blank.sum())} row(s)", source=source, column=key,
                            rows=table.index[blank])
        table[key] = table[key].astype("int64")
    for column in columns:
        table[column] = table[column].astype("float64")
    require_known_provinces(table, source, PROVINCE_KEYS)
    require_unique(table, PROVINCE_KEYS, source)
    return table


def match_to_cities(keys: pd.DataFrame, table: pd.DataFrame, columns: Sequence[str],
                    purpose: str, source: str = "provinces") -> pd.DataFrame:
    """The provincial ``columns`` of each city-year in ``keys`` (aligned to its index).

    Raises DataError naming the province-years the table lacks and the cities needing them.
    """
    merged = keys.loc[:, ["city_code", "year", "province_code"]].merge(
        table.assign(_present=True), on=list(PROVINCE_KEYS), how="left", validate="many_to_one")
    merged.index = keys.index
    absent = merged["_present"].isna()
    if absent.any():
        pairs = sorted(set(zip(merged.loc[absent, "province_code"], merged.loc[absent, "year"],
                               strict=True)))
        shown = ", ".join(f"province {p} year {y}" for p, y in pairs[:10])
        more = f" (and {len(pairs) - 10} more)" if len(pairs) > 10 else ""
        raise DataError(
            f"{source}: no row for {shown}{more}, needed for {purpose} of "
            f"{describe_rows(merged[absent], CITY_KEYS)}; add the rows (blank cells are allowed: "
            "they give NaN and a logged exclusion)",
            source=source, column="year", rows=keys.index[absent])
    return merged.loc[:, list(columns)]


def base_year_values(table: pd.DataFrame, column: str, base_year: int,
                     provinces: Sequence[int], source: str = "provinces") -> pd.Series:
    """``column`` in ``base_year`` for each province of ``provinces`` (indexed by code).

    A price index must have a positive base-year value for every province a city needs:
    without it no price can be expressed at base-year prices (DataError otherwise).
    """
    require_positive(table, column, source, PROVINCE_KEYS, "a price index")
    return required_base_year_values(
        table, column, base_year, provinces, source,
        "the base year sets the prices (rebase the index or choose another [accounting] "
        "base_year)")


def required_base_year_values(table: pd.DataFrame, column: str, base_year: int,
                              provinces: Sequence[int], source: str, why: str) -> pd.Series:
    """``column`` in ``base_year`` for each province of ``provinces``; a DataError naming
    the provinces when any value is blank or its row absent, with ``why`` it is needed."""
    at_base = table.loc[table["year"] == base_year].set_index("province_code")[column]
    values = at_base.reindex(sorted(set(provinces)))
    lacking = values.index[values.isna()]
    if len(lacking):
        raise DataError(f"{source}: column '{column}' has no value in the base year {base_year} "
                        f"for province(s) {list(map(int, lacking))}; {why}",
                        source=source, column=column)
    return values


def rebased(keys: pd.DataFrame, table: pd.DataFrame, column: str, base_year: int,
            purpose: str, source: str = "provinces") -> pd.Series:
    """A provincial price index for each city-year, divided by its base-year value.

    The result is 1.0 in the base year whatever the index's own base (100 in docs/methods.md §3
    section 3), so prices are expressed at base-year prices.
    """
    values = match_to_cities(keys, table, [column], purpose, source)[column]
    base = base_year_values(table, column, base_year, keys["province_code"].tolist(), source)
    return values / keys["province_code"].map(base).astype("float64")
