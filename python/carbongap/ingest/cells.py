"""Cells of a raw table into typed columns, and the column-level checks both raw tables share
(docs/methods.md §3, §10).

Headers are mapped to canonical columns (:func:`map_headers`); numeric and whole-number
cells are parsed with the file, column (canonical name and the header it came from) and
spreadsheet rows in every error (:func:`parse_numeric`, :func:`parse_whole_numbers`);
magnitudes that suggest a wrong unit and headers that look like fuels are noted. The city
panel (:mod:`carbongap.ingest.city_panel`) and the provincial table
(:mod:`carbongap.ingest.provinces`) are validated with these.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DataError, Problems, format_rows
from ..io.readers import MISSING_TOKENS, RawTable, normalise_header
from ..regions import province_by_any_name
from .checks import (
    column_label,
    require_non_negative,
)
from .schema import (
    Column,
    alias_table,
    fuel_catalog,
)

logger = logging.getLogger("carbongap")

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")

#: A single value this many times above the top (or below the bottom) of its column's
#: usual median range is flagged by row: a unit slip in one cell (yuan for 10^4 yuan)
#: that the column median does not show.
ROW_OUTLIER_FACTOR: float = 1000.0

#: Unit slips tried, most likely first: yearbooks mix 元 / 万元 / 亿元, 人 / 万人, 吨 / 万吨.
UNIT_SLIPS: tuple[float, ...] = (1e4, 1e3, 1e6, 1e8, 1e2, 1e1)

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


def where(source: str, column: str, headers: dict[str, str]) -> str:
    return f"{source}: {column_label(column, headers)}"


def cell_texts(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
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
                DataError(f"{where(source, column, headers)} holds TRUE/FALSE, not numbers",
                          source=source, column=column))
    if pd.api.types.is_numeric_dtype(cells):
        values = cells.astype("float64")
        infinite = np.isinf(values)
        if not infinite.any():
            return values, None
        return values.where(~infinite), DataError(
            f"{where(source, column, headers)} has infinite values in rows "
            f"{format_rows(values.index[infinite])}",
            source=source, column=column, rows=values.index[infinite])
    text, is_missing = cell_texts(cells)
    cleaned = text.map(lambda v: v.replace(",", "") if isinstance(v, str) and _THOUSANDS.match(v)
                       else (str(v) if isinstance(v, bool) else v))
    values = pd.to_numeric(cleaned.where(~is_missing, np.nan), errors="coerce").astype("float64")
    bad = (values.isna() & ~is_missing) | np.isinf(values)
    if not bad.any():
        return values, None
    examples = ", ".join(f"row {r}: {v!r}" for r, v in text[bad].head(5).items())
    return values.where(~bad), DataError(
        f"{where(source, column, headers)} has non-numeric or infinite values in rows "
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
    text, is_missing = cell_texts(cells)
    counts = text[is_missing].replace("", "blank").value_counts()
    return {str(k): int(n) for k, n in
            sorted(counts.items(), key=lambda item: (item[0] != "blank", -item[1], item[0]))}


def missing_cell_note(frame: pd.DataFrame, columns: Sequence[str], source: str,
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


def thousands_cell_count(cells: pd.Series) -> int:
    """How many text cells are numbers written with thousands separators (``1,234`` or
    ``1,234,567.5``: groups of exactly three digits), which are read without the commas."""
    if pd.api.types.is_numeric_dtype(cells) or pd.api.types.is_bool_dtype(cells):
        return 0
    text, _ = cell_texts(cells)
    return int(text.map(lambda v: isinstance(v, str) and bool(_THOUSANDS.match(v))).sum())


def thousands_note(frame: pd.DataFrame, columns: Sequence[str], source: str,
                   headers: dict[str, str]) -> list[str]:
    """One note counting, per column, the cells read with thousands separators removed."""
    parts = [f"{column_label(column, headers)}: {count}" for column in columns
             if (count := thousands_cell_count(frame[column]))]
    if not parts:
        return []
    return [f"{source}: cells with thousands separators, read without the commas (1,234 as "
            f"1234): {'; '.join(parts)}"]


def cell_notes(frame: pd.DataFrame, columns: Sequence[str], source: str,
               headers: dict[str, str]) -> list[str]:
    """The notes on how the cells of ``columns`` were read: missing cells by their text,
    and cells with thousands separators."""
    return (missing_cell_note(frame, columns, source, headers)
            + thousands_note(frame, columns, source, headers))


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
        f"{where(source, column, headers)} must be a whole number in every row; "
        f"missing or fractional in rows {format_rows(values.index[bad])}",
        source=source, column=column, rows=values.index[bad])


def parse_whole_numbers(cells: pd.Series, column: str, source: str,
                        headers: dict[str, str]) -> pd.Series:
    """Cells to int64 (codes, years); a missing or fractional value is a DataError."""
    values, error = whole_number_cells(cells, column, source, headers)
    if error is not None:
        raise error
    return values.astype("int64")


def province_cells(cells: pd.Series, source: str,
                    headers: dict[str, str]) -> tuple[pd.Series, DataError | None]:
    """Province codes, or province names (河北省, 河北, Hebei) mapped to codes (float64, NaN
    where unreadable), and the DataError naming the unreadable cells."""
    names = province_by_any_name()
    text = cells.astype(str).str.strip()
    by_name = text.map(names)
    if by_name.notna().all():
        return by_name.astype("float64"), None
    return whole_number_cells(cells, "province_code", source, headers)


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


def magnitude_notes(frame: pd.DataFrame, columns: Sequence[Column], source: str,
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
            notes.append(f"{where(source, col.name, headers)} has median {median:.6g}, outside "
                         f"the usual range [{low:g}, {high:g}] for {col.unit}: check the unit"
                         + (f"; {fix}" if fix else ""))
            continue  # the whole column is off: single cells would only repeat it
        extreme = (values > high * ROW_OUTLIER_FACTOR) | (
            (values > 0) & (values < low / ROW_OUTLIER_FACTOR))
        if extreme.any():
            shown = ", ".join(f"row {r}: {v:.6g}" for r, v in values[extreme].head(5).items())
            notes.append(f"{where(source, col.name, headers)} has values more than "
                         f"{ROW_OUTLIER_FACTOR:g} times outside the usual range [{low:g}, "
                         f"{high:g}] for {col.unit} in rows {format_rows(values.index[extreme])} "
                         f"({shown}): check the unit of those cells")
    for note in notes:
        logger.warning(note)
    return ["warning: " + note for note in notes]


def looks_like_fuel(header: str, words: Sequence[str]) -> bool:
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


def fuel_lookalike_notes(ignored: Sequence[str], source: str) -> list[str]:
    """A warning for each ignored header that looks like fuel use (docs/methods.md §10)."""
    fuels = [f for f in fuel_catalog() if f.kind != "electricity"]
    words = {normalise_header(w) for w in _FUEL_WORDS}
    words |= {normalise_header(f.name_zh) for f in fuels}
    words |= {normalise_header(f.name_en) for f in fuels}
    suspects = [h for h in ignored if looks_like_fuel(h, sorted(words))]
    if not suspects:
        return []
    note = (f"{source}: column(s) {', '.join(repr(h) for h in suspects)} look like fuel use "
            f"but match no fuel of the catalog, so eq. 3 leaves them out; if they are fuels, "
            f"rename them to an accepted header (the fuel names "
            f"{', '.join(f.fuel for f in fuels)}, or the yearbook headers in "
            f"carbongap/data/fuels.csv, e.g. {fuels[0].aliases[0]}) or drop them")
    logger.warning(note)
    return ["warning: " + note]


def described_keys(frame: pd.DataFrame, keys: pd.DataFrame,
                    columns: Sequence[str]) -> pd.DataFrame:
    """The key ``columns`` of every row of ``frame`` for the messages naming rows: the
    parsed keys where they are sound, the cells as written elsewhere ('2010年')."""
    described = frame.loc[:, list(columns)].astype(object)
    described.loc[keys.index] = keys.loc[:, list(columns)].astype(object)
    return described


def checked_quantities(target: pd.DataFrame, frame: pd.DataFrame, numeric: Sequence[Column],
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
