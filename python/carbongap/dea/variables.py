"""The DEA variables of the pipeline's city panel (docs/methods.md §6).

``[productivity] inputs``, ``good`` and ``bad`` name columns of the accounting table (co2
t, gdp_real and capital 10^4 yuan at 2006 prices) or, when it lacks them, of the
validated panel (employment, 10^4 persons). :func:`dea_variables` gathers them for the
DEA years; a name found in neither is a DataError saying how the column is made.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..errors import DataError
from ..ingest.schema import city_schema, columns_by_name, describe_aliases

KEYS = ["city_code", "year"]

#: Why an accounted DEA variable can be absent (docs/methods.md §4), added to the error.
_HINTS: dict[str, str] = {
    "capital": " (eq. 7 computes it only when a provincial table is given and the panel "
               "has city fai; a CEADs inventory has neither)",
    "gdp_real": " (it needs city gdp and the provincial deflator; a CEADs inventory has "
                "no GDP)",
    "co2": " (eq. 3 needs fuel columns, or a co2 column as in a CEADs inventory)",
}


def _hint(column: str) -> str:
    """Why a DEA variable may be absent: how accounting makes it, or the panel headers
    that give it."""
    if column in _HINTS:
        return _HINTS[column]
    known = columns_by_name(city_schema()).get(column)
    return f" (the panel gives it as {describe_aliases(known)})" if known else ""


def dea_variables(accounting: pd.DataFrame, panel: pd.DataFrame, variables: Sequence[str],
                  years: tuple[int, int]) -> pd.DataFrame:
    """city_code, year and every DEA variable, within ``years`` (first, last), sorted."""
    frame = accounting.loc[:, KEYS].copy()
    for column in dict.fromkeys(variables):
        if column in accounting.columns:
            frame[column] = accounting[column].to_numpy()
        elif column in panel.columns:
            values = panel.loc[:, [*KEYS, column]]
            frame = frame.merge(values, on=KEYS, how="left", validate="one_to_one")
        else:
            raise DataError(f"productivity: DEA variable {column!r} is neither in the "
                            f"accounting table nor in the validated panel{_hint(column)}"
                            "; check [productivity] inputs/good/bad and the data",
                            source="productivity", column=column)
    first, last = years
    frame = frame.loc[frame["year"].between(first, last)]
    return frame.sort_values(KEYS, kind="mergesort").reset_index(drop=True)
