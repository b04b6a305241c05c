"""Cross-validation of the Python and R backends, cell by cell (docs/methods.md §9).

Pure functions over the two backends' tables. Every compared value is one row of a long
table: kind, where it is (table, part, term, τ; or model, city, year, column), both
values, the absolute and relative difference, the tolerance applied and the result
("pass", "fail", or "not compared" with the reason).

- Coefficients, analytic SEs (nid, iid, ker) and the check-function objective: relative
  difference |python − r| / max(|r|, tiny) within ``rtol`` (objective: ``objective_rtol``).
  Relative differences are reported only for these kinds. A fit either side reports as
  non-unique is compared by its objective only: its coefficients (and the SEs computed
  at them) may differ with both answers optimal.
- Bootstrap SEs (R draws its own replicates): by distribution, not digit by digit.
  The SE of a bootstrap SE from B replicates has a relative SD of about 1/√(2B) (normal
  approximation), so the log ratio of two independent estimates has SD
  √(1/(2B_py) + 1/(2B_r)); a cell passes when |log(SE_py / SE_r)| is within ``boot_z``
  of those SDs, and the summary reports the mean standardised log ratio over all cells,
  which is about 0 when both sides estimate the same SE.
- DEA: every S term and component of both models, absolute difference within
  ``dea_atol``; the NaN/status pattern must match: an LP optimal in one language and
  infeasible (or NaN) in the other is a failure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .dea.decomposition import COMPONENTS
from .dea.measures import RATIO_COMPONENTS
from .tables.compare import CELL_KEYS

if TYPE_CHECKING:
    from .qreg.options import QregOptions

#: Columns of the long cross-validation table.
COLUMNS: tuple[str, ...] = (
    "kind", "table", "part", "term", "tau", "model", "city_code", "year", "column",
    "python", "r", "abs_diff", "rel_diff", "tolerance", "result", "note")
#: Smallest denominator of a relative difference.
TINY = 1e-300
PASS, FAIL, SKIP = "pass", "fail", "not compared"


@dataclass(frozen=True)
class Tolerances:
    """The ``[crossval]`` tolerances (docs/methods.md §9)."""

    rtol: float = 1e-9
    objective_rtol: float = 1e-9
    dea_atol: float = 1e-8
    boot_z: float = 4.0


def _rows(kind: str, where: pd.DataFrame, python: np.ndarray, r: np.ndarray,
          tolerance: float, *, relative: bool, compared: np.ndarray | None = None,
          note: str = "") -> pd.DataFrame:
    """One row per value: differences, tolerance and result."""
    python = np.asarray(python, dtype=np.float64)
    r = np.asarray(r, dtype=np.float64)
    abs_diff = np.abs(python - r)
    # relative only where it is the criterion: near-zero S terms make it meaningless
    rel_diff = abs_diff / np.maximum(np.abs(r), TINY) if relative else np.full_like(r, np.nan)
    diff = rel_diff if relative else abs_diff
    both_nan = np.isnan(python) & np.isnan(r)
    ok = (diff <= tolerance) | both_nan
    result = np.where(ok, PASS, FAIL).astype(object)
    notes = np.full(len(python), note, dtype=object)
    if compared is not None:
        result[~compared] = SKIP
    frame = where.reset_index(drop=True).copy()
    frame["kind"] = kind
    frame["python"], frame["r"] = python, r
    frame["abs_diff"], frame["rel_diff"] = abs_diff, rel_diff
    frame["tolerance"] = tolerance
    frame["result"], frame["note"] = result, notes
    return frame


def _paired(python: pd.DataFrame, r: pd.DataFrame, keys: list[str], what: str
            ) -> pd.DataFrame:
    """The two tables side by side on ``keys`` (suffixes ``_py``, ``_r``); ValueError
    naming a few keys when one side has rows the other lacks."""
    both = python.merge(r, on=keys, how="outer", suffixes=("_py", "_r"), validate="1:1",
                        indicator=True)
    if (both["_merge"] != "both").any():
        missing = both.loc[both["_merge"] != "both", keys].head(5).to_dict("records")
        raise ValueError(f"the two backends have different {what}, e.g. {missing}")
    return both


def compare_estimates(python: pd.DataFrame, r: pd.DataFrame, options: QregOptions,
                      tolerances: Tolerances = Tolerances(), *, source: str = ""
                      ) -> pd.DataFrame:
    """Every coefficient, SE and objective of two long estimates tables
    (:data:`carbongap.tables.estimate.ESTIMATE_COLUMNS`) fitted with ``options``, in
    :data:`COLUMNS`. SEs of a method that refits (a bootstrap) are compared by
    distribution, others digit by digit.

    ``r`` may lack ``unique`` (the R-only rerun script does not report it): Python's flag
    then decides. ``source`` prefixes every kind (e.g. ``"Rscript "``)."""
    keys = list(CELL_KEYS)
    if "unique" not in r.columns:
        r = r.assign(unique=True)
    both = _paired(python, r, keys, "cells")
    unique = both["unique_py"].astype(bool) & both["unique_r"].astype(bool)
    where = both.loc[:, keys]
    frames = [_rows("coef", where, both["coef_py"], both["coef_r"], tolerances.rtol,
                    relative=True, compared=unique.to_numpy())]
    if options.se.refits:
        sd = np.sqrt(1.0 / options.boot_reps)  # √(1/(2B) + 1/(2B)), both sides B replicates
        frame = _rows("se (bootstrap)", where, both["se_py"], both["se_r"],
                      tolerances.boot_z * sd, relative=False,
                      note="compared by distribution: |log ratio| within boot_z MC SDs")
        # the criterion is the log ratio, reported in rel_diff: |log ratio| <= boot_z SDs
        log_ratio = np.abs(np.log(both["se_py"] / both["se_r"])).to_numpy()
        frame["rel_diff"] = log_ratio
        frame["result"] = np.where(log_ratio <= tolerances.boot_z * sd, PASS, FAIL)
        frames.append(frame)
    else:
        frames.append(_rows(f"se ({options.se.name})", where, both["se_py"], both["se_r"],
                            tolerances.rtol, relative=True, compared=unique.to_numpy()))
    fits = both.drop_duplicates(["table", "part", "tau"])
    frames.append(_rows("objective", fits.loc[:, ["table", "part", "tau"]],
                        fits["objective_py"], fits["objective_r"],
                        tolerances.objective_rtol, relative=True))
    out = pd.concat(frames, ignore_index=True)
    out.loc[(out["result"] == SKIP), "note"] = "non-unique fit: objective compared instead"
    out["kind"] = source + out["kind"]
    return out.reindex(columns=list(COLUMNS))


def compare_dea(python: pd.DataFrame, r: pd.DataFrame,
                tolerances: Tolerances = Tolerances()) -> pd.DataFrame:
    """Every S term and component of two Luenberger tables (both models), and their
    status patterns, in :data:`COLUMNS`."""
    keys = ["model", "city_code", "year"]
    both = _paired(python, r, keys, "city-years")
    terms = [c.removesuffix("_status") for c in python.columns if c.endswith("_status")]
    components = [c for c in (*COMPONENTS, *RATIO_COMPONENTS) if c in python.columns]
    frames = []
    for column in [*terms, *components]:
        where = both.loc[:, keys].assign(column=column)
        kind = f"{column[0]} term" if column in terms else "component"  # S or D (DDF)
        frame = _rows(kind, where, both[f"{column}_py"], both[f"{column}_r"],
                      tolerances.dea_atol, relative=False)
        py_nan = both[f"{column}_py"].isna().to_numpy()
        r_nan = both[f"{column}_r"].isna().to_numpy()
        pattern = py_nan != r_nan
        frame.loc[pattern, "result"] = FAIL
        frame.loc[pattern, "note"] = "a number in one language, NaN in the other"
        if column in terms:
            py_status = both[f"{column}_status_py"].to_numpy()
            r_status = both[f"{column}_status_r"].to_numpy()
            differs = py_status != r_status
            frame.loc[differs, "result"] = FAIL
            frame.loc[differs, "note"] = [f"status {a} in Python, {b} in R" for a, b in
                                          zip(py_status[differs], r_status[differs],
                                              strict=True)]
        frames.append(frame)
    return pd.concat(frames, ignore_index=True).reindex(columns=list(COLUMNS))


def compare_slopes(python: pd.DataFrame, r: pd.DataFrame,
                   tolerances: Tolerances = Tolerances()) -> pd.DataFrame:
    """The equal-slopes tests of Tables 1-8 (:data:`carbongap.tables.slopes.SLOPE_COLUMNS`)
    against R's ``anova.rq`` on the same samples, in :data:`COLUMNS` (the quantiles tested
    in ``column``): the statistic to ``rtol`` relative, the p-value to ``rtol`` absolute."""
    keys = ["table", "part", "term", "taus"]
    both = _paired(python, r, keys, "equal-slopes tests")
    where = both.loc[:, ["table", "part", "term"]].assign(column=both["taus"])
    frames = [_rows("equal slopes statistic", where, both["statistic_py"],
                    both["statistic_r"], tolerances.rtol, relative=True),
              _rows("equal slopes p", where, both["p_py"], both["p_r"], tolerances.rtol,
                    relative=False)]
    return pd.concat(frames, ignore_index=True).reindex(columns=list(COLUMNS))


def summarise(cells: pd.DataFrame) -> pd.DataFrame:
    """Per kind: cells compared, passed, failed, not compared, worst absolute and
    relative difference among the compared cells."""
    rows = []
    for kind, part in cells.groupby("kind", sort=False):
        compared = part.loc[part["result"] != SKIP]
        rows.append({"kind": kind, "cells": len(part), "compared": len(compared),
                     "passed": int((compared["result"] == PASS).sum()),
                     "failed": int((compared["result"] == FAIL).sum()),
                     "not_compared": int((part["result"] == SKIP).sum()),
                     "worst_abs_diff": float(compared["abs_diff"].max(skipna=True))
                     if len(compared) else np.nan,
                     "worst_rel_diff": float(compared["rel_diff"].max(skipna=True))
                     if len(compared) else np.nan,
                     "tolerance": float(part["tolerance"].iloc[0])})
    return pd.DataFrame(rows)


def mean_boot_z(cells: pd.DataFrame, boot_reps: int) -> float | None:
    """The mean standardised log ratio of the bootstrap SEs (about 0 when both sides
    estimate the same SE), or None without bootstrap cells."""
    boot = cells.loc[cells["kind"].str.endswith("se (bootstrap)")]
    if boot.empty:
        return None
    return float(np.mean(np.log(boot["python"] / boot["r"])) / np.sqrt(1.0 / boot_reps))


def summary_markdown(summary: pd.DataFrame) -> str:
    """The summary as a Markdown table, differences and tolerances in scientific notation."""
    from .io.markdown import to_markdown

    shown = summary.copy()
    for column in ("worst_abs_diff", "worst_rel_diff", "tolerance"):
        shown[column] = [f"{v:.1e}" if pd.notna(v) else "-" for v in shown[column]]
    return to_markdown(shown)


def verdict(summary: pd.DataFrame) -> str:
    """One sentence: every compared cell within its tolerance, or how many fail."""
    failed, compared = int(summary["failed"].sum()), int(summary["compared"].sum())
    if not failed:
        return f"All {compared} compared cells agree within their tolerances."
    return f"**{failed} of {compared} compared cells FAIL.**"


def crossval_markdown(summary: pd.DataFrame, cells: pd.DataFrame, *, versions: str,
                      notes: Sequence[str] = (), shown: int = 20) -> str:
    """``crossval.md``: the verdict, the summary per kind, the first failures."""
    from .io.markdown import to_markdown

    failed = cells.loc[cells["result"] == FAIL]
    lines = ["# Cross-validation: Python against R", "", verdict(summary), "", versions, ""]
    lines += [f"- {note}" for note in notes]
    lines += ["", summary_markdown(summary), "",
              "Every cell with both values, the differences, the tolerance and the result: "
              "`tables/crossval.csv`. Tolerances and the bootstrap comparison: "
              "docs/methods.md §9.", ""]
    if not failed.empty:
        lines += [f"## Failures (first {min(shown, len(failed))} of {len(failed)})", "",
                  to_markdown(failed.head(shown).dropna(axis=1, how="all"), digits=6), ""]
    return "\n".join(lines)
