"""The regression panel of eq. 2: every variable of Tables 1-8 in logs, complete cases.

Zhang & Liu (2024) eq. 2 regresses ln CO2 (or ln CO2 intensity) on the log technology
indices and the log controls (docs/methods.md §7). One row per city-year of the
regression window; only city-years with every variable of :mod:`carbongap.codebook`
present and positive enter (the paper's N = 2350 is one common sample for all tables).
Each city-year left out is counted with the first reason that applies, in codebook order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import attrition
from ..choices import SampleRule
from ..codebook import VARIABLES
from ..errors import DataError
from ..regions import group_of

#: Levels of the controls, taken from the validated city panel.
CONTROL_LEVELS: tuple[str, ...] = ("population", "disposable_income", "secondary_share")
KEYS: list[str] = ["city_code", "year"]


@dataclass(frozen=True)
class RegressionPanel:
    """The panel and what was left out.

    ``frame``: city_code, city_name, province_code, group, year, the levels and the logs
    (float64), sorted by (city_code, year). ``attrition``: the city-years left out with
    their reasons (stage label ``stage``).
    """

    frame: pd.DataFrame
    attrition: pd.DataFrame

    def group_counts(self) -> dict[str, int]:
        """City-years per region group (developed, underdeveloped, other)."""
        counts = self.frame.groupby("group")["city_code"].size()
        return {g: int(counts.get(g, 0)) for g in ("developed", "underdeveloped", "other")}


def _empty_panel_message(frame: pd.DataFrame, dropped: list[pd.DataFrame],
                         years: tuple[int, int]) -> str:
    """Why no city-year of the window is complete: the exclusions counted by reason."""
    counts = pd.concat(dropped)["reason"].value_counts(sort=False) if dropped else pd.Series()
    listed = "; ".join(f"{reason}: {int(n)}" for reason, n in counts.items() if n)
    return (f"the regression panel of eq. 2 is empty: none of the {len(frame)} city-years of "
            f"{years[0]}-{years[1]} has every variable of Tables 1-8 present and positive "
            f"(first reason per city-year: {listed or 'no city-year in the window'}); at "
            "least one complete city-year per table part is needed, more than the part has "
            "coefficients")


def build_regression_panel(panel: pd.DataFrame, accounting: pd.DataFrame,
                           indices: pd.DataFrame, years: tuple[int, int], *,
                           sample: SampleRule = "common",
                           stage: str = "analysis_panel") -> RegressionPanel:
    """Join the controls (``panel``), CO2 and intensity (``accounting``: co2 in t, co2pgdp
    in t per 10^4 yuan) and the technology indices (``indices``: T, PC, EC, GT, GPC, GEC),
    keep the years ``years`` (first, last), and take logs of the complete cases.

    ``panel`` must have the columns of :data:`CONTROL_LEVELS` (the caller checks, to name
    its file in the error). Region groups are the paper's (developed, underdeveloped,
    other; docs/methods.md §3).

    ``sample`` = "common" keeps the city-years with every variable present and positive
    (the paper's one sample); "per_table" keeps every city-year of the window, a missing or
    non-positive value's log is NaN, and each table part selects the city-years complete in
    its own variables (:func:`carbongap.tables.estimate.sample_of`), so nothing is counted
    as left out here.
    """
    first, last = years
    frame = panel.loc[:, ["city_code", "city_name", "province_code", "year", *CONTROL_LEVELS]]
    frame = frame.merge(accounting.loc[:, [*KEYS, "co2", "co2pgdp"]], on=KEYS, how="left",
                        validate="one_to_one")
    frame = frame.merge(indices, on=KEYS, how="left", validate="one_to_one")
    frame = frame.loc[frame["year"].between(first, last)].reset_index(drop=True)
    frame.insert(3, "group", group_of(frame["province_code"], "paper").to_numpy())

    dropped = []
    keep = pd.Series(True, index=frame.index)
    for var in VARIABLES:
        values = frame[var.source]
        missing = keep & values.isna()
        nonpositive = keep & values.notna() & (values <= 0)
        for mask, reason in ((missing, f"{var.source} missing ({var.name})"),
                             (nonpositive, f"{var.source} <= 0, no log ({var.name})")):
            if mask.any():
                dropped.append(attrition.exclusions(stage, reason, frame.loc[mask]))
        keep &= ~(missing | nonpositive)
    if not keep.any() and sample == "common":
        raise DataError(_empty_panel_message(frame, dropped, years))
    if sample == "per_table":
        dropped = []
    else:
        frame = frame.loc[keep]
    frame = frame.sort_values(KEYS, kind="mergesort").reset_index(drop=True)
    for var in VARIABLES:
        values = frame[var.source].to_numpy(dtype="float64")
        frame[var.name] = np.log(values, out=np.full_like(values, np.nan), where=values > 0)
    return RegressionPanel(frame, attrition.combine(dropped))
