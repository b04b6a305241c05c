"""Stage ``analysis_panel``: the regression panel of eq. 2 (SPEC section 7).

One row per city-year of the regression window with every variable of Tables 1-8 in
logs. Only complete city-years enter (the paper's N = 2350 is one common sample for all
tables); every city-year left out is counted with the first reason that applies.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import attrition
from ..config import Config
from ..errors import DataError
from ..pipeline.stage import Context, StageResult
from ..pipeline.writer import OutputWriter
from ..regions import group_of

#: log variable -> (source column, its meaning); SPEC section 7 and paper section II.4.
LOG_VARIABLES: dict[str, tuple[str, str]] = {
    "lnCO2": ("co2", "CO2 emissions, t"),
    "lnCO2pgdp": ("co2pgdp", "CO2 per real GDP, t per 10^4 yuan (2006 prices)"),
    "lnT": ("T", "productivity index, 1 + LTFP (production model)"),
    "lnGT": ("GT", "green productivity index, 1 + LTFP (green model)"),
    "lnPC": ("PC", "production technical change index, 1 + PC"),
    "lnEC": ("EC", "production efficiency change index, 1 + EC"),
    "lnGPC": ("GPC", "green technical change index, 1 + PC"),
    "lnGEC": ("GEC", "green efficiency change index, 1 + EC"),
    "lnP": ("population", "year-end population, 10^4 persons"),
    "lnA": ("disposable_income", "urban per-capita disposable income, yuan"),
    "lnI": ("secondary_share", "secondary industry share of GDP, percent"),
}


def compute(ctx: Context) -> StageResult:
    """Table ``analysis``: keys, group, the raw levels and their logs, complete cases only."""
    first, last = ctx.config.analysis.years
    panel = ctx.table("validate", "panel")
    accounting = ctx.table("accounting", "accounting")
    indices = ctx.table("productivity", "indices")
    levels = ["population", "disposable_income", "secondary_share"]
    missing_levels = [c for c in levels if c not in panel]
    if missing_levels:
        raise DataError(f"{ctx.config.data.panel or 'the synthetic panel'}: the city panel "
                        f"lacks {', '.join(missing_levels)}, needed for the regression controls "
                        "lnP, lnA, lnI", source=ctx.config.data.panel or "panel",
                        column=missing_levels[0])
    frame = panel.loc[:, ["city_code", "city_name", "province_code", "year", *levels]]
    frame = frame.merge(accounting.loc[:, ["city_code", "year", "co2", "co2pgdp"]],
                        on=["city_code", "year"], how="left", validate="one_to_one")
    frame = frame.merge(indices, on=["city_code", "year"], how="left", validate="one_to_one")
    in_window = frame["year"].between(first, last)
    frame = frame.loc[in_window].reset_index(drop=True)
    frame.insert(3, "group", group_of(frame["province_code"], "paper").to_numpy())

    dropped = []
    keep = pd.Series(True, index=frame.index)
    for log_name, (source, _) in LOG_VARIABLES.items():
        values = frame[source]
        missing = keep & values.isna()
        nonpositive = keep & values.notna() & (values <= 0)
        dropped.append(attrition.exclusions("analysis_panel", f"{source} missing ({log_name})",
                                            frame.loc[missing]))
        dropped.append(attrition.exclusions(
            "analysis_panel", f"{source} <= 0, no log ({log_name})", frame.loc[nonpositive]))
        keep &= ~(missing | nonpositive)
    frame = frame.loc[keep].sort_values(["city_code", "year"], kind="mergesort")
    frame = frame.reset_index(drop=True)
    for log_name, (source, _) in LOG_VARIABLES.items():
        frame[log_name] = np.log(frame[source].to_numpy(dtype="float64"))
    counts = frame.groupby("group")["city_code"].size()
    notes = (f"regression sample {first}-{last}: N = {len(frame)} complete city-years "
             f"(developed {int(counts.get('developed', 0))}, underdeveloped "
             f"{int(counts.get('underdeveloped', 0))}, other {int(counts.get('other', 0))}); "
             "paper: N = 2350, developed 891, underdeveloped 605",)
    return StageResult(tables={"analysis": frame}, attrition=attrition.combine(dropped),
                       notes=notes)


def write(result: StageResult, out: OutputWriter, config: Config) -> None:
    """``tables/analysis_panel.csv`` and its codebook."""
    out.table("tables/analysis_panel.csv", result.tables["analysis"])
    codebook = pd.DataFrame(
        [{"variable": k, "definition": f"ln({src})", "source_unit": meaning}
         for k, (src, meaning) in LOG_VARIABLES.items()])
    out.table("tables/analysis_panel_codebook.csv", codebook, markdown=True)
