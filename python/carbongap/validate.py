"""Validation of the raw city panel and provincial table (docs/methods.md §3, §10).

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

import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import attrition
from .checks import (
    CITY_KEYS,
    PROVINCE_KEYS,
    column_label,
    describe_rows,
    require_columns,
    require_known_provinces,
    require_non_negative,
    require_unique,
)
from .errors import DataError, Problems, format_rows
from .io.readers import MISSING_TOKENS, RawTable
from .regions import province_by_any_name
from .schema import (
    PROVINCE_COLUMNS,
    Column,
    alias_table,
    city_schema,
    fuel_catalog,
    normalise_header,
)

logger = logging.getLogger("carbongap")

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")


@dataclass(frozen=True)
class Validated:
    """A checked table with what validation removed and noticed."""

    frame: pd.DataFrame
    attrition: pd.DataFrame
    notes: tuple[str, ...]


def map_headers(raw: RawTable, columns: Sequence[Column]) -> tuple[pd.DataFrame, dict[str, str],
                                                                 dict[str, float], list[str]]:
    """Rename headers to canonical names.

    Returns the renamed frame, canonical -> original header, canonical -> unit factor,
    and the headers that matched nothing (ignored, reported in notes).
    """
    table = alias_table(columns)
    found: dict[str, str] = {}
    factors: dict[str, float] = {}
    rename: dict[str, str] = {}
    ignored: list[str] = []
    for header in raw.frame.columns:
        alias = table.get(normalise_header(header))
        if alias is None and header in raw.labels:
            alias = table.get(normalise_header(raw.labels[header]))
        if alias is None:
            ignored.append(str(header))
            continue
        if alias.column in found:
            raise DataError(
                f"{raw.source}: headers {found[alias.column]!r} and {header!r} both give column "
                f"'{alias.column}'; keep one",
                source=raw.source, column=alias.column)
        found[alias.column] = str(header)
        factors[alias.column] = alias.factor
        rename[header] = alias.column
    frame = raw.frame.loc[:, list(rename)].rename(columns=rename)
    return frame, found, factors, ignored


def _where(source: str, column: str, headers: dict[str, str]) -> str:
    return f"{source}: {column_label(column, headers)}"


def _cell_texts(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The cells stripped (NaN as ""), and which of them are read as missing: blank or one
    of :data:`MISSING_TOKENS` in any case."""
    text = cells.astype(object).where(cells.notna(), "")
    text = text.map(lambda v: v.strip() if isinstance(v, str) else v)
    is_missing = text.map(lambda v: isinstance(v, str) and v.casefold() in MISSING_TOKENS)
    return text, is_missing.astype(bool)


def numeric_cells(cells: pd.Series, column: str, source: str,
                  headers: dict[str, str]) -> tuple[pd.Series, DataError | None]:
    """Cells to float64 (missing tokens to NaN), and the DataError naming the cells that
    are not numbers (None when every cell is); those cells are NaN in the values, so the
    other checks of the column still run on the rest."""
    if pd.api.types.is_bool_dtype(cells):
        return (pd.Series(np.nan, index=cells.index),
                DataError(f"{_where(source, column, headers)} holds TRUE/FALSE, not numbers",
                          source=source, column=column))
    if pd.api.types.is_numeric_dtype(cells):
        values = cells.astype("float64")
        infinite = np.isinf(values)
        if not infinite.any():
            return values, None
        return values.where(~infinite), DataError(
            f"{_where(source, column, headers)} has infinite values in rows "
            f"{format_rows(values.index[infinite])}",
            source=source, column=column, rows=values.index[infinite])
    text, is_missing = _cell_texts(cells)
    cleaned = text.map(lambda v: v.replace(",", "") if isinstance(v, str) and _THOUSANDS.match(v)
                       else (str(v) if isinstance(v, bool) else v))
    values = pd.to_numeric(cleaned.where(~is_missing, np.nan), errors="coerce").astype("float64")
    bad = (values.isna() & ~is_missing) | np.isinf(values)
    if not bad.any():
        return values, None
    examples = ", ".join(f"row {r}: {v!r}" for r, v in text[bad].head(5).items())
    return values.where(~bad), DataError(
        f"{_where(source, column, headers)} has non-numeric or infinite values in rows "
        f"{format_rows(text.index[bad])} ({examples})",
        source=source, column=column, rows=text.index[bad])


def parse_numeric(cells: pd.Series, column: str, source: str, headers: dict[str, str]) -> pd.Series:
    """Cells to float64: missing tokens to NaN; any other non-number is a DataError."""
    values, error = numeric_cells(cells, column, source, headers)
    if error is not None:
        raise error
    return values


def missing_cell_counts(cells: pd.Series) -> dict[str, int]:
    """How many cells of a raw column are read as missing, by their text.

    Blank cells count as ``"blank"``; a cell holding one of :data:`MISSING_TOKENS` counts
    under its text as written (``"n/a"``, ``"—"``), because a yearbook's dash and an empty
    cell are not the same evidence; NaN of a numeric (Stata) column counts as ``"missing"``.
    """
    if pd.api.types.is_numeric_dtype(cells):
        count = int(cells.isna().sum())
        return {"missing": count} if count else {}
    text, is_missing = _cell_texts(cells)
    counts = text[is_missing].replace("", "blank").value_counts()
    return {str(k): int(n) for k, n in
            sorted(counts.items(), key=lambda item: (item[0] != "blank", -item[1], item[0]))}


def _missing_cell_note(frame: pd.DataFrame, columns: Sequence[str], source: str,
                       headers: dict[str, str]) -> list[str]:
    """One note counting the cells read as missing in each column, by their text."""
    parts = []
    for column in columns:
        counts = missing_cell_counts(frame[column])
        if counts:
            listed = ", ".join(f"{n} {k if k in ('blank', 'missing') else repr(k)}"
                               for k, n in counts.items())
            parts.append(f"{column_label(column, headers)}: {listed}")
    if not parts:
        return []
    return [f"{source}: cells read as missing (blank, or one of the texts listed in the "
            f"README): {'; '.join(parts)}"]


def whole_number_cells(cells: pd.Series, column: str, source: str,
                       headers: dict[str, str]) -> tuple[pd.Series, DataError | None]:
    """Cells to whole numbers (codes, years; float64 with NaN where a cell is not one), and
    the DataError naming those cells (None when there are none)."""
    values, error = numeric_cells(cells, column, source, headers)
    if error is not None:
        return values, error
    bad = values.isna() | (values != np.floor(values))
    if not bad.any():
        return values, None
    return values.where(~bad), DataError(
        f"{_where(source, column, headers)} must be a whole number in every row; "
        f"missing or fractional in rows {format_rows(values.index[bad])}",
        source=source, column=column, rows=values.index[bad])


def parse_whole_numbers(cells: pd.Series, column: str, source: str,
                        headers: dict[str, str]) -> pd.Series:
    """Cells to int64 (codes, years); a missing or fractional value is a DataError."""
    values, error = whole_number_cells(cells, column, source, headers)
    if error is not None:
        raise error
    return values.astype("int64")


def _province_cells(cells: pd.Series, source: str,
                    headers: dict[str, str]) -> tuple[pd.Series, DataError | None]:
    """Province codes, or province names (河北省, 河北, Hebei) mapped to codes (float64, NaN
    where unreadable), and the DataError naming the unreadable cells."""
    names = province_by_any_name()
    text = cells.astype(str).str.strip()
    by_name = text.map(names)
    if by_name.notna().all():
        return by_name.astype("float64"), None
    return whole_number_cells(cells, "province_code", source, headers)


#: A single value this many times above the top (or below the bottom) of its column's
#: usual median range is flagged by row: a unit slip in one cell (yuan for 10^4 yuan)
#: that the column median does not show.
ROW_OUTLIER_FACTOR: float = 1000.0


#: Unit slips tried, most likely first: yearbooks mix 元 / 万元 / 亿元, 人 / 万人, 吨 / 万吨.
UNIT_SLIPS: tuple[float, ...] = (1e4, 1e3, 1e6, 1e8, 1e2, 1e1)


def likely_unit_fix(median: float, low: float, high: float, unit: str) -> str:
    """What probably went wrong when a column's median is outside [low, high] in ``unit``,
    and how to fix it: 'values look like yuan: divide by 10,000 to get 10^4 yuan'; ''
    when no power of ten of :data:`UNIT_SLIPS` brings the median into the range."""
    too_large = median > high
    for factor in UNIT_SLIPS:
        scaled = median / factor if too_large else median * factor
        if not low <= scaled <= high:
            continue
        verb = "divide" if too_large else "multiply"
        fix = f"{verb} by {factor:,.0f} to get {unit}"
        if factor == 1e4 and unit.startswith("10^4 "):
            base = unit.removeprefix("10^4 ")
            if too_large:
                return f"values look like {base}: {fix}"
            if base.startswith("yuan"):
                return f"values look like 10^8 {base} (亿元): {fix}"
        return f"values look {factor:,.0f} times too {'large' if too_large else 'small'}: {fix}"
    return ""


def _magnitude_notes(frame: pd.DataFrame, columns: Sequence[Column], source: str,
                     headers: dict[str, str]) -> list[str]:
    """Unit warnings: a column whose median is outside its usual range, and rows whose
    value is ROW_OUTLIER_FACTOR times outside it (``frame`` indexed by spreadsheet row)."""
    notes = []
    for col in columns:
        if col.plausible_median is None or col.name not in frame:
            continue
        values = frame[col.name]
        median = values.median()
        low, high = col.plausible_median
        if pd.notna(median) and not low <= median <= high:
            fix = likely_unit_fix(median, low, high, col.unit)
            notes.append(f"{_where(source, col.name, headers)} has median {median:.6g}, outside "
                         f"the usual range [{low:g}, {high:g}] for {col.unit}: check the unit"
                         + (f"; {fix}" if fix else ""))
            continue  # the whole column is off: single cells would only repeat it
        extreme = (values > high * ROW_OUTLIER_FACTOR) | (
            (values > 0) & (values < low / ROW_OUTLIER_FACTOR))
        if extreme.any():
            shown = ", ".join(f"row {r}: {v:.6g}" for r, v in values[extreme].head(5).items())
            notes.append(f"{_where(source, col.name, headers)} has values more than "
                         f"{ROW_OUTLIER_FACTOR:g} times outside the usual range [{low:g}, "
                         f"{high:g}] for {col.unit} in rows {format_rows(values.index[extreme])} "
                         f"({shown}): check the unit of those cells")
    for note in notes:
        logger.warning(note)
    return ["warning: " + note for note in notes]


#: Header fragments that suggest fuel use (the catalog's combustion fuels are added): an
#: ignored column holding one may be a fuel whose header is not an accepted alias, and
#: eq. 3 would then silently leave that fuel out. Electricity is not in eq. 3 (scope 2 is
#: optional), so electricity headers are not suspects. ASCII words match whole words.
_FUEL_WORDS: tuple[str, ...] = ("煤", "石油", "燃料", "能源", "能耗", "油品", "coal", "oil",
                                "gas", "fuel", "energy")
#: Fragments of headers that are about something other than a quantity of fuel burned
#: (employees, prices, rates, output values).
_NOT_FUEL_WORDS: tuple[str, ...] = ("人员", "从业", "价", "率", "产值", "%",
                                    "price", "rate", "share", "employ")


def _looks_like_fuel(header: str, words: Sequence[str]) -> bool:
    """Whether ``header`` holds one of ``words`` (normalised; ASCII ones as whole words,
    so 'boiler_count' is not 'oil') and none of :data:`_NOT_FUEL_WORDS`."""
    text = normalise_header(header)
    if any(normalise_header(w) in text for w in _NOT_FUEL_WORDS):
        return False
    spaced = unicodedata.normalize("NFKC", str(header)).casefold()
    for word in words:
        found = (re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", spaced) if word.isascii()
                 else word in text)
        if found:
            return True
    return False


def _fuel_lookalike_notes(ignored: Sequence[str], source: str) -> list[str]:
    """A warning for each ignored header that looks like fuel use (docs/methods.md §10)."""
    fuels = [f for f in fuel_catalog() if f.kind != "electricity"]
    words = {normalise_header(w) for w in _FUEL_WORDS}
    words |= {normalise_header(f.name_zh) for f in fuels}
    words |= {normalise_header(f.name_en) for f in fuels}
    suspects = [h for h in ignored if _looks_like_fuel(h, sorted(words))]
    if not suspects:
        return []
    note = (f"{source}: column(s) {', '.join(repr(h) for h in suspects)} look like fuel use "
            f"but match no fuel of the catalog, so eq. 3 leaves them out; if they are fuels, "
            f"rename them to an accepted header (the fuel names "
            f"{', '.join(f.fuel for f in fuels)}, or the yearbook headers in "
            f"carbongap/data/fuels.csv, e.g. {fuels[0].aliases[0]}) or drop them")
    logger.warning(note)
    return ["warning: " + note]


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
            f"{_where(source, 'city_code', headers)} must be a 6-digit GB/T 2260 code; rows "
            f"{format_rows(out.index[bad_code])} have "
            f"{out['city_code'][bad_code].head(5).tolist()}",
            source=source, column="city_code", rows=out.index[bad_code]))
        out = out.loc[~bad_code]
    prefix = out["city_code"] // 10000
    if "province_code" not in frame:
        out["province_code"] = prefix.astype("int64")
    else:
        province, error = _province_cells(frame.loc[out.index, "province_code"], source,
                                          headers)
        problems.add(error)
        out = out.loc[province.notna()].assign(
            province_code=province.dropna().astype("int64"))
        mismatch = out["province_code"] != prefix.loc[out.index]
        if mismatch.any():
            problems.add(DataError(
                f"{_where(source, 'province_code', headers)} differs from the first two "
                f"digits of city_code in rows {format_rows(out.index[mismatch])} "
                f"({describe_rows(out.loc[mismatch], ('city_code', 'province_code'))})",
                source=source, column="province_code", rows=out.index[mismatch]))
            out = out.loc[~mismatch]
    with problems.check():
        require_known_provinces(out, source, CITY_KEYS, spreadsheet=True,
                                derived="province_code" not in frame)
    return out


def _described_keys(frame: pd.DataFrame, keys: pd.DataFrame,
                    columns: Sequence[str]) -> pd.DataFrame:
    """The key ``columns`` of every row of ``frame`` for the messages naming rows: the
    parsed keys where they are sound, the cells as written elsewhere ('2010年')."""
    described = frame.loc[:, list(columns)].astype(object)
    described.loc[keys.index] = keys.loc[:, list(columns)].astype(object)
    return described


def _checked_quantities(target: pd.DataFrame, frame: pd.DataFrame, numeric: Sequence[Column],
                        factors: dict[str, float], keys: Sequence[str], source: str,
                        headers: dict[str, str], problems: Problems) -> None:
    """Parse every quantity column of ``frame`` into ``target`` (in its canonical unit) and
    record its problems: cells that are not numbers first, then negative values (a text
    cell does not hide a negative one in the same column)."""
    for col in numeric:
        values, error = numeric_cells(frame[col.name], col.name, source, headers)
        problems.add(error)
        target[col.name] = values * factors[col.name]
    for col in numeric:
        with problems.check():
            require_non_negative(target, [col.name], source, keys, spreadsheet=True,
                                 headers=headers)


def _require_percentage(out: pd.DataFrame, source: str, headers: dict[str, str]) -> None:
    over = out["secondary_share"] > 100
    if over.any():
        raise DataError(
            f"{_where(source, 'secondary_share', headers)} is a percentage but exceeds 100 in "
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
    checked = _described_keys(frame, keys, CITY_KEYS)
    _checked_quantities(checked, frame, numeric, factors, CITY_KEYS, source, headers, problems)
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

    notes = _missing_cell_note(frame, [c.name for c in numeric], source, headers)
    if ignored:
        notes.append(f"{source}: ignored columns with no canonical meaning: {', '.join(ignored)}")
        notes += _fuel_lookalike_notes(ignored, source)
    if magnitude_warnings:
        notes += _magnitude_notes(out, numeric, source, headers)

    first, last = years
    outside = (out["year"] < first) | (out["year"] > last)
    dropped = attrition.exclusions("validate", f"year outside the study window {first}-{last}",
                                   out.loc[outside])
    out = out.loc[~outside]
    if out.empty:
        raise DataError(f"{source}: no rows fall in the study window {first}-{last} "
                        f"(set [validate] years)", source=source, column="year")
    order = ["city_code", "city_name", "province_code", "year"]
    out = out.loc[:, order + [c for c in out.columns if c not in order]]
    out = out.sort_values(list(CITY_KEYS), kind="mergesort").reset_index(drop=True)
    notes += coverage_notes(out, years)
    return Validated(out, dropped, tuple(notes))


def validate_provinces(raw: RawTable, magnitude_warnings: bool = True) -> Validated:
    """Check a raw provincial table and return the canonical one (docs/methods.md §3)."""
    source = raw.source
    frame, headers, factors, ignored = map_headers(raw, PROVINCE_COLUMNS)
    require_columns(frame, PROVINCE_KEYS, source, "every provincial table", PROVINCE_COLUMNS)
    problems = Problems(source)  # every problem class in one error, as for the city panel
    province, error = _province_cells(frame["province_code"], source, headers)
    problems.add(error)
    year, error = whole_number_cells(frame["year"], "year", source, headers)
    problems.add(error)
    sound = province.notna() & year.notna()
    keys = pd.DataFrame({"province_code": province[sound].astype("int64"),
                         "year": year[sound].astype("int64")})
    with problems.check():
        require_known_provinces(keys, source, PROVINCE_KEYS, spreadsheet=True)
    out = _described_keys(frame, keys, PROVINCE_KEYS)
    numeric = [c for c in PROVINCE_COLUMNS if c.kind == "quantity" and c.name in frame]
    _checked_quantities(out, frame, numeric, factors, PROVINCE_KEYS, source, headers,
                        problems)
    with problems.check():
        require_unique(keys, PROVINCE_KEYS, source, spreadsheet=True)
    problems.raise_any()
    out[list(PROVINCE_KEYS)] = keys
    notes = _missing_cell_note(frame, [c.name for c in numeric], source, headers)
    if ignored:
        notes.append(f"{source}: ignored columns: {', '.join(ignored)}")
    if magnitude_warnings:
        notes += _magnitude_notes(out, numeric, source, headers)
    out = out.sort_values(list(PROVINCE_KEYS), kind="mergesort").reset_index(drop=True)
    return Validated(out, attrition.empty(), tuple(notes))


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
