"""Whether two result tables hold the same cells bit for bit (the checks a stage writes
into its notes: a robustness baseline or an inference replication 0 against the run)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

#: The key of a Tables 1-8 cell.
CELL_KEYS = ("table", "part", "term", "tau")


def identical_rows(ours: pd.DataFrame, theirs: pd.DataFrame, keys: Sequence[str],
                   columns: Sequence[str]) -> bool:
    """True when both tables have the same number of rows and, sorted by ``keys``, equal
    ``keys`` and ``columns`` exactly (no tolerance; NaN equals NaN)."""
    if len(ours) != len(theirs):
        return False
    a = ours.sort_values(list(keys), kind="mergesort").reset_index(drop=True)
    b = theirs.sort_values(list(keys), kind="mergesort").reset_index(drop=True)
    return all(a[c].equals(b[c]) for c in (*keys, *columns))
