"""The attrition log: which city-years each stage removed, and why (docs/methods.md §10).

Stages build exclusion frames with :func:`exclusions` and return them; the runner
concatenates them and writes the detail and the summary next to the outputs.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

ATTRITION_COLUMNS: tuple[str, ...] = ("stage", "reason", "city_code", "year")


def empty() -> pd.DataFrame:
    """An attrition frame with no rows."""
    return pd.DataFrame(
        {
            "stage": pd.Series(dtype=str),
            "reason": pd.Series(dtype=str),
            "city_code": pd.Series(dtype="int64"),
            "year": pd.Series(dtype="int64"),
        }
    )


def exclusions(stage: str, reason: str, keys: pd.DataFrame) -> pd.DataFrame:
    """One attrition row per city-year in ``keys`` (columns city_code, year).

    Rows are sorted by city and year so that logs are identical run to run.
    """
    if keys.empty:
        return empty()
    out = keys.loc[:, ["city_code", "year"]].astype("int64").drop_duplicates()
    out = out.sort_values(["city_code", "year"], kind="mergesort").reset_index(drop=True)
    out.insert(0, "reason", reason)
    out.insert(0, "stage", stage)
    return out


def combine(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate attrition frames, keeping column order and dtypes."""
    frames = [f for f in frames if not f.empty]
    if not frames:
        return empty()
    return pd.concat(frames, ignore_index=True).loc[:, list(ATTRITION_COLUMNS)]


def summarise(detail: pd.DataFrame, examples: int = 5) -> pd.DataFrame:
    """Count removed city-years per (stage, reason), with the first few as examples."""
    if detail.empty:
        return pd.DataFrame(columns=["stage", "reason", "count", "examples"])
    rows = []
    for (stage, reason), part in detail.groupby(["stage", "reason"], sort=False):
        shown = "; ".join(f"{c}:{y}" for c, y in part[["city_code", "year"]].head(examples).values)
        if len(part) > examples:
            shown += f"; ... ({len(part) - examples} more)"
        rows.append({"stage": stage, "reason": reason, "count": len(part), "examples": shown})
    return pd.DataFrame(rows)
