"""The coverage of nominal intervals against known or pseudo-true values (docs/methods.md
§14, the coverage study).

Pure functions: :func:`coverage_rows` marks, for each interval of each Monte Carlo panel,
whether it covers its cell's true value; :func:`coverage_table` summarises by method (and
target): the number of intervals, the share covering, its Monte Carlo standard error
√(p(1−p)/k) and the mean width.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..data import shipped_file
from ..errors import DataError

#: The committed result of ``carbongap study inference`` (its default size), which the
#: inference stage reads to name the interval it recommends.
REPOSITORY_PATH = "replication/studies/inference/coverage.csv"
#: The resampling intervals the study chooses between.
RESAMPLING_METHODS: tuple[str, ...] = ("pipeline bootstrap", "subsampling")

#: Columns of :func:`coverage_table`.
COVERAGE_COLUMNS: tuple[str, ...] = ("target", "method", "intervals", "coverage",
                                     "mc_se", "mean_width")


def coverage_rows(intervals: pd.DataFrame, truth: pd.DataFrame,
                  keys: Sequence[str]) -> pd.DataFrame:
    """``intervals`` (``keys``, method, lo, hi, and any more) with the cell's ``truth``
    (from ``truth``: ``keys`` and truth) and ``covered`` (lo <= truth <= hi; an interval
    with a NaN bound covers nothing and is counted)."""
    out = intervals.merge(truth.loc[:, [*keys, "truth"]], on=list(keys), how="inner",
                          validate="many_to_one")
    lo, hi, value = (out[c].to_numpy(np.float64) for c in ("lo", "hi", "truth"))
    out["covered"] = (lo <= value) & (value <= hi)
    return out


def coverage_table(rows: pd.DataFrame) -> pd.DataFrame:
    """:data:`COVERAGE_COLUMNS`, one row per target and method, in order of appearance."""
    found = []
    for (target, method), part in rows.groupby(["target", "method"], sort=False):
        p = float(part["covered"].mean())
        width = (part["hi"] - part["lo"]).to_numpy(np.float64)
        found.append({"target": target, "method": method, "intervals": len(part),
                      "coverage": p, "mc_se": float(np.sqrt(p * (1 - p) / len(part))),
                      "mean_width": float(np.nanmean(width))})
    return pd.DataFrame(found, columns=list(COVERAGE_COLUMNS))


def default_coverage_path() -> Path | None:
    """The committed study result: the package's copy, or the repository's file in a
    source checkout; None if neither exists."""
    return shipped_file("inference_coverage.csv", REPOSITORY_PATH)


def recommended_interval(table: pd.DataFrame, level: float) -> str:
    """The resampling interval (:data:`RESAMPLING_METHODS`) whose coverage of the
    coefficients in ``table`` (:data:`COVERAGE_COLUMNS`) is nearest ``level`` (ties:
    the pipeline bootstrap)."""
    part = table.loc[(table["target"] == "coefficient")
                     & table["method"].isin(RESAMPLING_METHODS)]
    if part.empty:
        raise ValueError("the coverage table has no coefficient row of a resampling interval")
    gaps = (part["coverage"] - level).abs().to_numpy()
    return str(part["method"].to_numpy()[int(np.argmin(gaps))])


def read_coverage(path: str | Path) -> pd.DataFrame:
    """A coverage table written by ``carbongap study inference``; DataError naming the
    file and the columns it lacks."""
    frame = pd.read_csv(path)
    missing = [c for c in COVERAGE_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(f"{path}: not a coverage table of carbongap study inference (it "
                        f"lacks {', '.join(missing)})", source=str(path), column=missing[0])
    return frame
