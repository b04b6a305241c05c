"""Read a raw table from CSV, Excel or Stata into text-preserving columns.

Cells are kept as read (strings for CSV) so that validation can name every cell that
is not a number instead of letting a reader coerce it to NaN. Row numbers follow the
spreadsheet convention: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import DataError

CSV_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})
EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls"})
STATA_SUFFIXES = frozenset({".dta"})

#: Cells read as missing. Yearbooks print missing values as blanks or dashes; Stata as ".".
MISSING_TOKENS: frozenset[str] = frozenset(
    {"", "na", "n/a", "nan", "null", "none", ".", "-", "--", "—", "――", "…", "...", "#n/a"}
)


@dataclass(frozen=True)
class RawTable:
    """A table as read from a file.

    Attributes
    ----------
    frame
        The cells, one column per header, in file order. The index holds each row's
        spreadsheet row number (header = row 1, first data row = row 2), kept through
        the removal of empty rows so that messages point at the right line.
    source
        The path as given (used in every error message).
    labels
        Stata variable labels by column name (empty for CSV and Excel); a label may
        carry the Chinese header when the variable name is an abbreviation.
    """

    frame: pd.DataFrame
    source: str
    labels: dict[str, str] = field(default_factory=dict)


def read_table(path: str | Path, sheet: str | None = None) -> RawTable:
    """Read ``path`` by its suffix: CSV (UTF-8, UTF-8 with BOM or GB18030), Excel, Stata.

    The first row holds the headers. Headers that repeat (after the normalisation of
    :func:`normalise_header`) are an error: yearbooks print the same
    header for the whole city and for its urban districts (全市 / 市辖区), and taking
    either silently would be a guess.

    Raises
    ------
    DataError
        When the file does not exist, cannot be parsed, has an unknown suffix, a
        repeated header, or no data rows; the message names the file (and the sheets
        of a workbook).
    """
    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise DataError(f"{source}: file not found (looked for {path.resolve()})", source=source)
    suffix = path.suffix.lower()
    labels: dict[str, str] = {}
    if suffix in CSV_SUFFIXES:
        grid = _read_csv(path, sep="\t" if suffix == ".tsv" else ",")
    elif suffix in EXCEL_SUFFIXES:
        grid, source = _read_excel(path, sheet)
    elif suffix in STATA_SUFFIXES:
        import pyreadstat

        try:
            frame, meta = pyreadstat.read_dta(str(path))
        except pyreadstat.ReadstatError as exc:
            raise DataError(f"{source}: not a readable Stata file ({exc})",
                            source=source) from exc
        labels = {k: v for k, v in meta.column_names_to_labels.items() if v}
        grid = pd.concat([pd.DataFrame([list(frame.columns)], dtype=object),
                          frame.astype(object).set_axis(range(frame.shape[1]), axis=1)],
                         ignore_index=True)
    else:
        raise DataError(
            f"{source}: unknown file type {suffix!r}; use CSV (.csv/.tsv), Excel (.xlsx/.xls) "
            "or Stata (.dta)",
            source=source,
        )
    frame = _with_header(grid, source)
    empty = frame.apply(lambda col: col.map(_is_blank)).all(axis=1)
    frame = frame.loc[~empty]
    if frame.empty:
        raise DataError(f"{source}: the file has no data rows", source=source)
    return RawTable(frame, source, labels)


def normalise_header(header: object) -> str:
    """Fold a header for comparison: NFKC (full-width to ASCII), no spaces, lower case."""
    text = unicodedata.normalize("NFKC", str(header))
    return "".join(text.split()).casefold()


def _with_header(grid: pd.DataFrame, source: str) -> pd.DataFrame:
    """Use the first row as headers, refusing repeats; index = spreadsheet row numbers."""
    if grid.empty:
        raise DataError(f"{source}: the file is empty", source=source)
    headers = ["" if _is_blank(h) else str(h).strip() for h in grid.iloc[0]]
    seen: dict[str, int] = {}
    for position, header in enumerate(headers, 1):
        key = normalise_header(header)
        if not key:
            continue
        if key in seen:
            raise DataError(
                f"{source}: header {header!r} appears twice (columns {seen[key]} and "
                f"{position}); yearbooks repeat headers for the whole city and its urban "
                "districts (全市 / 市辖区): keep the one you mean, rename or delete the other",
                source=source, column=header)
        seen[key] = position
    frame = grid.iloc[1:].copy()
    frame.columns = [h or f"<blank header, column {i}>" for i, h in enumerate(headers, 1)]
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="row")
    return frame


def _read_csv(path: Path, sep: str) -> pd.DataFrame:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, header=None,
                               index_col=False, encoding=encoding, skip_blank_lines=False)
        except UnicodeDecodeError:
            continue
        except pd.errors.EmptyDataError as exc:
            raise DataError(f"{path}: the file is empty", source=str(path)) from exc
        except pd.errors.ParserError as exc:
            raise DataError(f"{path}: not a well-formed table ({exc}); check for rows with "
                            "more separators than the header", source=str(path)) from exc
    raise DataError(f"{path}: not UTF-8 or GB18030 text", source=str(path))


def _read_excel(path: Path, sheet: str | None) -> tuple[pd.DataFrame, str]:
    """The cells of one sheet (first by default) and a source label naming the sheet."""
    try:
        book = pd.ExcelFile(path)
    except Exception as exc:  # openpyxl/xlrd raise many types on a corrupt file
        # pandas' own message advises choosing an "engine", which no option here sets
        raise DataError(f"{path}: not an Excel file (or corrupt); open it in a spreadsheet "
                        "program and save it as .xlsx, or export it as CSV",
                        source=str(path)) from exc
    names = [str(n) for n in book.sheet_names]
    chosen = sheet or names[0]
    if chosen not in names:
        raise DataError(f"{path}: no sheet {chosen!r}; the workbook has sheets "
                        f"{', '.join(names)}", source=str(path))
    grid = pd.read_excel(book, sheet_name=chosen, header=None, dtype=object)
    source = f"{path} [sheet {chosen}]" if len(names) > 1 else str(path)
    if grid.dropna(how="all").empty:
        others = [n for n in names if n != chosen]
        hint = f"; other sheets: {', '.join(others)} (set [data] sheet)" if others else ""
        raise DataError(f"{source}: the sheet is empty{hint}", source=source)
    return grid, source


def _is_blank(cell: object) -> bool:
    if cell is None:
        return True
    if isinstance(cell, float):
        return cell != cell  # NaN
    return isinstance(cell, str) and not cell.strip()
