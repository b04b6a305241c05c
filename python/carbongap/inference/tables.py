"""The inference tables: each cell's conventional and resampling intervals side by side.

docs/methods.md §14. :func:`coefficient_table` joins the resampling summaries of Tables
1-8 (:func:`carbongap.inference.intervals.summarise`) to the run's estimates (their
``nid`` or other conventional SE and stars) and gives each scheme's stars, from the
coefficient over that scheme's SE (two-sided normal, as the tables'); :func:`star_changes`
counts the cells whose stars a scheme changes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..qreg.results import stars, two_sided_p
from ..tables.compare import CELL_KEYS

KEYS: list[str] = list(CELL_KEYS)


def coefficient_table(summary: pd.DataFrame, estimates: pd.DataFrame) -> pd.DataFrame:
    """One row per cell: table, part, sample, term, tau, coef, the conventional se and
    stars, then per scheme its SE, interval, replications and stars."""
    main = estimates.loc[:, [*KEYS, "sample", "se", "stars"]]
    out = main.merge(summary, on=KEYS, how="inner", validate="one_to_one")
    for scheme in ("boot", "sub"):
        p = two_sided_p(out["coef"].to_numpy() / out[f"{scheme}_se"].to_numpy())
        out[f"{scheme}_stars"] = np.where(np.isfinite(p), stars(p), 0)
    columns = ["table", "part", "sample", "term", "tau", "coef", "se", "stars",
               "boot_se", "boot_lo", "boot_hi", "boot_reps", "boot_stars",
               "sub_se", "sub_lo", "sub_hi", "sub_reps", "sub_stars"]
    return out.loc[:, columns].sort_values(KEYS, kind="mergesort").reset_index(drop=True)


def star_changes(table: pd.DataFrame) -> pd.DataFrame:
    """Per table and scheme: cells, cells whose stars differ from the conventional ones,
    and of those how many lose all stars."""
    rows = []
    for number, part in table.groupby("table", sort=True):
        for scheme, label in (("boot", "pipeline bootstrap"), ("sub", "subsampling")):
            changed = part[f"{scheme}_stars"] != part["stars"]
            lost = changed & (part[f"{scheme}_stars"] == 0) & (part["stars"] > 0)
            rows.append({"table": int(number), "scheme": label, "cells": len(part),
                         "stars_changed": int(changed.sum()),
                         "significance_lost": int(lost.sum())})
    return pd.DataFrame(rows, columns=["table", "scheme", "cells", "stars_changed",
                                       "significance_lost"])
