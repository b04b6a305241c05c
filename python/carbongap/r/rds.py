""".rds files through R (docs/methods.md §9): a pandas frame as an R data.frame and back.

Columns are sent one by one, so that nothing depends on rpy2's pandas conversion:

* integers (int64, nullable Int64) become doubles (R's integers are 32-bit; every value
  up to 2^53 is exact), floats stay doubles, NaN / NA become ``NA_real_``;
* booleans become logicals (NA kept);
* text stays UTF-8 character vectors, a missing value ``NA_character_``;
* a column named in ``factors`` becomes an R factor with the given levels in that order
  (a value outside them is an error, never a silent NA).

:func:`read_rds` reads such a file back (factors as text, or as integers when their levels
are integer codes), which the tests use for the round trip. ``saveRDS`` writes gzip with no
time stamp, so the same frame gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .session import robjects


def _vector(ro: Any, values: pd.Series, levels: Sequence[str] | None) -> Any:
    """One column as an R vector (module docstring)."""
    if levels is not None:
        text = [None if pd.isna(v) else str(v) for v in values]
        unknown = sorted({v for v in text if v is not None} - set(levels))
        if unknown:
            raise ValueError(f"column {values.name!r}: values {unknown[:5]} are not among the "
                             f"factor levels {list(levels)[:10]}")
        strings = ro.StrVector([ro.NA_Character if v is None else v for v in text])
        return ro.r["factor"](strings, levels=ro.StrVector(list(levels)))
    if pd.api.types.is_bool_dtype(values):
        return ro.BoolVector([ro.NA_Logical if pd.isna(v) else bool(v) for v in values])
    if pd.api.types.is_numeric_dtype(values):
        numbers = values.astype("float64").to_numpy()
        return ro.FloatVector([ro.NA_Real if np.isnan(v) else float(v) for v in numbers])
    return ro.StrVector([ro.NA_Character if pd.isna(v) else str(v) for v in values])


def to_r_data_frame(frame: pd.DataFrame, factors: Mapping[str, Sequence[str]] | None = None
                    ) -> Any:
    """``frame`` as an R data.frame, column by column (module docstring)."""
    ro = robjects()
    factors = factors or {}
    columns = [(str(name), _vector(ro, frame[name], factors.get(str(name))))
               for name in frame.columns]
    listed = ro.r["list"](**{f"c{i}": vector for i, (_, vector) in enumerate(columns)})
    listed.names = ro.StrVector([name for name, _ in columns])
    return ro.r["as.data.frame"](listed, stringsAsFactors=False, optional=True)


def write_rds(frame: pd.DataFrame, path: str | Path,
              factors: Mapping[str, Sequence[str]] | None = None) -> Path:
    """Save ``frame`` as an .rds file at ``path`` (module docstring)."""
    ro = robjects()
    ro.r["saveRDS"](to_r_data_frame(frame, factors), file=str(path))
    return Path(path)


def read_rds(path: str | Path) -> pd.DataFrame:
    """An .rds data.frame as pandas: doubles as float64, logicals as boolean, text as
    object (None where NA), factors as their labels (integers when every label is one)."""
    ro = robjects()
    data = ro.r["readRDS"](str(path))
    out = {}
    for name in data.names:
        column = data.rx2(name)
        if ro.r["is.factor"](column)[0]:
            labels = list(ro.r["as.character"](column))
            missing = list(ro.r["is.na"](column))
            values = [None if m else label for label, m in zip(labels, missing, strict=True)]
            if all(v is None or v.lstrip("-").isdigit() for v in values):
                out[name] = pd.array([None if v is None else int(v) for v in values],
                                     dtype="Int64")
            else:
                out[name] = pd.Series(values, dtype=object)
        elif ro.r["is.logical"](column)[0]:
            missing = list(ro.r["is.na"](column))
            out[name] = pd.array([None if m else bool(v) for v, m in zip(column, missing,
                                                                             strict=True)],
                                 dtype="boolean")
        elif ro.r["is.character"](column)[0]:
            missing = list(ro.r["is.na"](column))
            out[name] = pd.Series([None if m else str(v) for v, m in zip(column, missing,
                                                                          strict=True)],
                                  dtype=object)
        else:
            out[name] = np.asarray(column, dtype="float64")
    return pd.DataFrame(out)
