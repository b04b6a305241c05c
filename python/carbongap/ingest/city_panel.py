"""Validation of the raw city panel (docs/methods.md §3, §10).

Each check either raises :class:`~carbongap.errors.DataError` naming the file, the
column (canonical name and the header it came from) and the spreadsheet rows, or
removes rows and reports them as a counted exclusion:

=================================  ===============================================
case                               outcome
=================================  ===============================================
missing key column                 error listing the accepted headers
two headers for one column         error
non-numeric cell                   error with the rows and the offending text
negative quantity, share > 100     error with the rows
city code not 6 digits             error
unknown province code              error
province code != city code prefix  error
duplicate city-year                error with every row of each duplicate
year outside the study window      excluded, counted (attrition)
unbalanced panel (gaps)            kept; counted in notes and the coverage table
suspicious magnitude (unit)        warning naming the column
=================================  ===============================================

Zeros and missing values that later stages cannot use (logs, DEA directions) are
excluded, and counted, by those stages.
"""

from __future__ import annotations

import pandas as pd

from .. import attrition
from ..errors import DataError, Problems, format_rows
from ..io.readers import RawTable
from .cells import (
    Validated,
    cell_notes,
    checked_quantities,
    described_keys,
    fuel_lookalike_notes,
    magnitude_notes,
    map_headers,
    province_cells,
    where,
    whole_number_cells,
)
from .checks import (
    CITY_KEYS,
    describe_rows,
    require_columns,
    require_known_provinces,
    require_some_value,
    require_unique,
)
from .schema import (
    city_schema,
)


def _city_keys(frame: pd.DataFrame, source: str, headers: dict[str, str],
               problems: Problems) -> pd.DataFrame:
    """city_code, year and province_code (int64) of the rows whose keys are sound.

    Every problem of every key is recorded in ``problems``: unreadable codes and years,
    codes that are not 6 digits, province codes that are unreadable, differ from the city
    code's prefix or are unknown. A row with a problem in one key is left out of the checks
    of the others (an unknown province would only repeat a malformed code), so the frame
    returned holds the rows on which the later checks (duplicates) can run.
    """
    parsed = {}
    for key in ("city_code", "year"):
        parsed[key], error = whole_number_cells(frame[key], key, source, headers)
        problems.add(error)
    sound = parsed["city_code"].notna() & parsed["year"].notna()
    out = pd.DataFrame({key: values[sound].astype("int64") for key, values in parsed.items()},
                       index=frame.index[sound])
    bad_code = (out["city_code"] < 100000) | (out["city_code"] > 999999)
    if bad_code.any():
        problems.add(DataError(
            f"{where(source, 'city_code', headers)} must be a 6-digit GB/T 2260 code; rows "
            f"{format_rows(out.index[bad_code])} have "
            f"{out['city_code'][bad_code].head(5).tolist()}",
            source=source, column="city_code", rows=out.index[bad_code]))
        out = out.loc[~bad_code]
    prefix = out["city_code"] // 10000
    if "province_code" not in frame:
        out["province_code"] = prefix.astype("int64")
    else:
        province, error = province_cells(frame.loc[out.index, "province_code"], source,
                                          headers)
        problems.add(error)
        out = out.loc[province.notna()].assign(
            province_code=province.dropna().astype("int64"))
        mismatch = out["province_code"] != prefix.loc[out.index]
        if mismatch.any():
            problems.add(DataError(
                f"{where(source, 'province_code', headers)} differs from the first two "
                f"digits of city_code in rows {format_rows(out.index[mismatch])} "
                f"({describe_rows(out.loc[mismatch], ('city_code', 'province_code'))})",
                source=source, column="province_code", rows=out.index[mismatch]))
            out = out.loc[~mismatch]
    with problems.check():
        require_known_provinces(out, source, CITY_KEYS, spreadsheet=True,
                                derived="province_code" not in frame)
    return out


def _require_percentage(out: pd.DataFrame, source: str, headers: dict[str, str]) -> None:
    over = out["secondary_share"] > 100
    if over.any():
        raise DataError(
            f"{where(source, 'secondary_share', headers)} is a percentage but exceeds 100 in "
            f"rows {format_rows(out.index[over])}",
            source=source, column="secondary_share", rows=out.index[over])


def validate_city_panel(raw: RawTable, years: tuple[int, int],
                        magnitude_warnings: bool = True) -> Validated:
    """Check a raw city panel and return the canonical one (docs/methods.md §3, §10).

    Returns a frame with city_code, city_name, province_code, year (int64 keys) and the
    canonical numeric columns present (float64, in canonical units), sorted by
    city_code and year.
    """
    schema = city_schema()
    source = raw.source
    frame, headers, factors, ignored = map_headers(raw, schema)
    require_columns(frame, CITY_KEYS, source, "every city panel", schema)

    # Every problem class in one error: each check runs on the cells it can read, so a
    # bad key, a text cell, a negative value and a duplicate are all reported together.
    problems = Problems(source)
    keys = _city_keys(frame, source, headers, problems)
    numeric = [c for c in schema if c.kind == "quantity" and c.name in frame]
    checked = described_keys(frame, keys, CITY_KEYS)
    checked_quantities(checked, frame, numeric, factors, CITY_KEYS, source, headers, problems)
    if "secondary_share" in checked:
        with problems.check():
            _require_percentage(checked, source, headers)
    with problems.check():
        require_unique(keys, CITY_KEYS, source, spreadsheet=True)
    problems.raise_any()
    out = keys.copy()
    if "city_name" in frame:
        names = frame["city_name"].astype(object).where(frame["city_name"].notna(), "")
        out["city_name"] = names.astype(str).str.strip()
    else:
        out["city_name"] = out["city_code"].astype(str)
    for col in numeric:
        out[col.name] = checked[col.name]

    notes = cell_notes(frame, [c.name for c in numeric], source, headers)
    if ignored:
        notes.append(f"{source}: ignored columns with no canonical meaning: {', '.join(ignored)}")
        notes += fuel_lookalike_notes(ignored, source)
    if magnitude_warnings:
        notes += magnitude_notes(out, numeric, source, headers)

    first, last = years
    outside = (out["year"] < first) | (out["year"] > last)
    dropped = attrition.exclusions("validate", f"year outside the study window {first}-{last}",
                                   out.loc[outside])
    out = out.loc[~outside]
    if out.empty:
        raise DataError(f"{source}: no rows fall in the study window {first}-{last} "
                        f"(set [validate] years)", source=source, column="year")
    require_some_value(out, [c.name for c in numeric], source, years, headers)
    order = ["city_code", "city_name", "province_code", "year"]
    out = out.loc[:, order + [c for c in out.columns if c not in order]]
    out = out.sort_values(list(CITY_KEYS), kind="mergesort").reset_index(drop=True)
    notes += coverage_notes(out, years)
    return Validated(out, dropped, tuple(notes))


def coverage(panel: pd.DataFrame, years: tuple[int, int]) -> pd.DataFrame:
    """Per city: first and last year, years present, and the window years it lacks."""
    window = set(range(years[0], years[1] + 1))
    rows = []
    for code, part in panel.groupby("city_code", sort=True):
        present = set(part["year"].tolist())
        missing = sorted(window - present)
        rows.append({"city_code": int(code), "first_year": min(present), "last_year": max(present),
                     "n_years": len(present), "n_missing": len(missing),
                     "missing_years": " ".join(map(str, missing))})
    return pd.DataFrame(rows)


def coverage_notes(panel: pd.DataFrame, years: tuple[int, int]) -> list[str]:
    """Sentences on how unbalanced the panel is (cities with gaps, years covered)."""
    table = coverage(panel, years)
    n_cities = len(table)
    incomplete = int((table["n_missing"] > 0).sum())
    per_year = panel.groupby("year")["city_code"].nunique()
    span = f"{per_year.index.min()}-{per_year.index.max()}"
    notes = [f"panel: {n_cities} cities, {len(panel)} city-years, years {span}; "
             f"{incomplete} cities lack at least one year of {years[0]}-{years[1]} "
             f"(unbalanced panel; see tables/panel_coverage.csv)"]
    lacking = sorted(set(range(years[0], years[1] + 1)) - set(per_year.index))
    if lacking:
        notes.append(f"warning: no data at all for year(s) {', '.join(map(str, lacking))} "
                     f"of the study window")
    return notes
