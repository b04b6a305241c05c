"""A run's tables as Stata datasets: names, storage types, labels, value labels, notes.

Rules (docs/methods.md §8):

* names: :func:`carbongap.exports.names.stata_names` (a changed name is listed);
* labels: :mod:`carbongap.exports.labels`, at most 80 characters (a shortened label is
  listed with its full text);
* integers: 64-bit columns are stored as Stata ``long`` (32-bit) when every value fits
  (−2,147,483,647 ... 2,147,483,620), else as ``double`` when every value is exact there
  (|x| ≤ 2^53), else an error; booleans as ``byte`` 0/1 with value labels no/yes;
* categories: the region group, the DEA model and the Gini variable become integer codes
  with value labels (:data:`CATEGORIES`); the province code gets the province names as
  value labels;
* missing values: NaN is Stata's system missing ``.``; a missing text is the empty string
  (Stata strings have no missing value);
* a dataset label (what the data are, the producing version and the configuration's
  sha256, within 80 characters) and notes saying the same at length — no timestamp.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._version import __version__
from ..errors import DataError
from ..regions import province_table
from .labels import file_label, fit_label, raw_label
from .names import stata_names

#: Text columns stored as integer codes: column -> values in code order (from 1; the
#: national row of the Gini tables is 0).
CATEGORIES: dict[str, tuple[str, ...]] = {
    "group": ("national", "developed", "underdeveloped", "other", "east", "central", "west",
              "northeast"),
    "model": ("production", "green"),
    "variable": ("co2", "co2pgdp"),
}
#: The first code of each category (group starts at 0 for "national").
FIRST_CODE: dict[str, int] = {"group": 0, "model": 1, "variable": 1}
LONG_MIN, LONG_MAX = -2_147_483_647, 2_147_483_620
EXACT_DOUBLE = 2**53


@dataclass(frozen=True)
class StataDataset:
    """One export: ``frame`` with Stata names and types, labels by Stata name, value
    labels, the dataset label and notes, and ``names`` (one row per variable: column,
    stata_name, renamed, label, shortened, full_label)."""

    name: str
    frame: pd.DataFrame
    labels: dict[str, str]
    value_labels: dict[str, dict[int, str]]
    file_label: str
    notes: tuple[str, ...]
    names: pd.DataFrame


def _province_labels() -> dict[int, str]:
    table = province_table()
    return {int(code): f"{en} {zh}" for code, en, zh in
            zip(table["province_code"], table["name_en"], table["name_zh"], strict=True)}


def _integer_column(values: pd.Series, source: str, column: str) -> pd.Series:
    if values.isna().any():
        return values.astype("float64")
    if values.empty or (values.min() >= LONG_MIN and values.max() <= LONG_MAX):
        return values.astype("int32")
    if values.abs().max() <= EXACT_DOUBLE:
        return values.astype("float64")
    raise DataError(f"{source}: column {column!r} holds integers beyond 2^53, which Stata "
                    "cannot store exactly", source=source, column=column)


def _coded(values: pd.Series, column: str, source: str) -> tuple[pd.Series, dict[int, str]]:
    order = CATEGORIES[column]
    codes = {value: FIRST_CODE[column] + k for k, value in enumerate(order)}
    unknown = sorted(set(values.dropna().astype(str)) - set(codes))
    if unknown:
        raise DataError(f"{source}: column {column!r} has values {unknown} without a Stata "
                        f"code (known: {', '.join(order)})", source=source, column=column)
    present = [v for v in order if (values == v).any()]
    mapped = values.map(codes).astype("int32") if not values.isna().any() else \
        values.map(codes).astype("float64")
    return mapped, {codes[v]: v for v in present}


def stata_dataset(frame: pd.DataFrame, name: str, description: str, *, config_sha256: str,
                  table: str = "") -> StataDataset:
    """``frame`` (one of the run's tables) as the Stata dataset ``name`` (module doc);
    ``description`` says what it holds; ``table`` selects label variants
    (:func:`carbongap.exports.labels.raw_label`)."""
    source = f"{name}.dta"
    out = pd.DataFrame(index=frame.index)
    value_labels: dict[str, dict[int, str]] = {}
    for column in frame.columns:
        values = frame[column]
        if column in CATEGORIES and not pd.api.types.is_numeric_dtype(values):
            out[column], value_labels[column] = _coded(values, column, source)
        elif pd.api.types.is_bool_dtype(values):
            out[column] = values.astype("int8")
            value_labels[column] = {0: "no", 1: "yes"}
        elif pd.api.types.is_integer_dtype(values):
            out[column] = _integer_column(values, source, column)
        elif pd.api.types.is_numeric_dtype(values):
            out[column] = values.astype("float64")
        else:
            out[column] = values.astype(object).where(values.notna(), "").astype(str)
    if "province_code" in out:
        labels = _province_labels()
        value_labels["province_code"] = {c: labels[c] for c in
                                         sorted(set(out["province_code"].astype(int)))
                                         if c in labels}
    renamed = stata_names(list(out.columns))
    rows, labels_by_name = [], {}
    for column in out.columns:
        english, chinese = raw_label(column, table)
        label, shortened = fit_label(english, chinese)
        stata = renamed[column]
        labels_by_name[stata] = label
        rows.append({"column": column, "stata_name": stata, "renamed": stata != column,
                     "label": label, "shortened": shortened,
                     "full_label": f"{english} ({chinese})" if chinese else english})
    frame_out = out.rename(columns=renamed).reset_index(drop=True)
    label = file_label(description, f"carbongap {__version__}; config {config_sha256[:12]}")
    notes = (f"{description}. Produced by carbongap {__version__} (replication of Zhang & "
             "Liu 2024, China's urban carbon emission gap).",
             f"Configuration sha256 {config_sha256} (config.resolved.toml of the run).",
             "Missing numbers are Stata missing (.); missing text is the empty string. "
             "Variable labels and codes: CODEBOOK.md.")
    return StataDataset(name, frame_out, labels_by_name,
                        {renamed[c]: v for c, v in value_labels.items()}, label, notes,
                        pd.DataFrame(rows))


def value_label_text(labels: Mapping[int, str]) -> str:
    """"1 developed; 2 underdeveloped" (for the codebook)."""
    return "; ".join(f"{code} {text}" for code, text in sorted(labels.items()))


def storage_type(values: pd.Series) -> str:
    """The Stata storage type pyreadstat gives a column (for the codebook)."""
    if pd.api.types.is_integer_dtype(values):
        return {1: "byte", 2: "int", 4: "long"}.get(values.dtype.itemsize, "double")
    if pd.api.types.is_float_dtype(values):
        return "double"
    widths = values.astype(str).map(lambda v: len(v.encode("utf-8")))
    width = int(widths.max()) if len(widths) else 0  # no rows: the narrowest string
    return f"str{max(width, 1)}"


def missing_count(values: pd.Series) -> int:
    """Missing values: NaN for numbers, the empty string for text."""
    if pd.api.types.is_numeric_dtype(values):
        return int(np.isnan(values.to_numpy(dtype="float64")).sum())
    return int((values.astype(str) == "").sum())
