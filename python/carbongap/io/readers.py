"""Read a raw table from CSV, Excel or Stata into text-preserving columns.

Cells are kept as read (strings for CSV) so that validation can name every cell that
is not a number instead of letting a reader coerce it to NaN. Row numbers follow the
spreadsheet convention: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

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

    Raises
    ------
    DataError
        When the file does not exist, has an unknown suffix or no data rows.
    """
    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise DataError(f"{source}: file not found", source=source)
    suffix = path.suffix.lower()
    labels: dict[str, str] = {}
    if suffix in CSV_SUFFIXES:
        frame = _read_csv(path, sep="\t" if suffix == ".tsv" else ",")
    elif suffix in EXCEL_SUFFIXES:
        try:
            frame = pd.read_excel(path, sheet_name=sheet or 0, dtype=object)
        except ValueError as exc:
            raise DataError(f"{source}: cannot read sheet {sheet!r}: {exc}", source=source) from exc
    elif suffix in STATA_SUFFIXES:
        import pyreadstat

        frame, meta = pyreadstat.read_dta(str(path))
        labels = {k: v for k, v in meta.column_names_to_labels.items() if v}
    else:
        raise DataError(
            f"{source}: unknown file type {suffix!r}; use CSV (.csv/.tsv), Excel (.xlsx/.xls) "
            "or Stata (.dta)",
            source=source,
        )
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="row")
    empty = frame.apply(lambda col: col.map(_is_blank)).all(axis=1)
    frame = frame.loc[~empty]
    if frame.empty:
        raise DataError(f"{source}: the file has no data rows", source=source)
    return RawTable(frame, source, labels)


def _read_csv(path: Path, sep: str) -> pd.DataFrame:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False,
                               encoding=encoding, skip_blank_lines=False)
        except UnicodeDecodeError:
            continue
    raise DataError(f"{path}: not UTF-8 or GB18030 text", source=str(path))


def _is_blank(cell: object) -> bool:
    if cell is None:
        return True
    if isinstance(cell, float):
        return cell != cell  # NaN
    return isinstance(cell, str) and not cell.strip()
