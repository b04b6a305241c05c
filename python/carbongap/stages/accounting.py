"""Stage ``accounting``: CO2 (eq. 3), real GDP, CO2pgdp and capital stock (eq. 7).

SPEC section 4. Reads the validated ``panel`` and ``provinces`` of stage ``validate`` and
``[accounting]`` of the configuration. Every city-year whose co2, gdp_real, co2pgdp or
capital cannot be computed keeps its row with NaN and is reported as a counted exclusion
whose reason names the variable and the cause. A panel without GDP and without a
provincial table (a CEADs inventory) gets CO2 only, with a note; a panel with GDP but no
provincial table is an error.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import attrition
from ..accounting import account_capital, account_emissions, account_real_gdp
from ..accounting.capital import CapitalAccounts
from ..config import Config
from ..errors import ConfigError, DataError
from ..pipeline.stage import Context, StageResult
from ..pipeline.writer import OutputWriter

STAGE = "accounting"
KEYS = ["city_code", "year"]
DERIVED = ("gdp_real", "co2pgdp", "capital", "investment_real")


def _exclusions(keys: pd.DataFrame, reasons: pd.Series) -> list[pd.DataFrame]:
    """One exclusion frame per distinct non-empty reason (in first-seen order)."""
    named = reasons[reasons != ""]
    return [attrition.exclusions(STAGE, str(reason), keys.loc[named.index[named == reason]])
            for reason in pd.unique(named)]


def _examples(frame: pd.DataFrame, columns: list[str], limit: int = 5) -> str:
    shown = ", ".join(":".join(str(v) for v in row)
                      for row in frame.loc[:, columns].head(limit).itertuples(index=False))
    return shown + (", ..." if len(frame) > limit else "")


def _capital_notes(cap: CapitalAccounts, gaps: str, base_year: int) -> list[str]:
    notes = []
    filled = cap.interpolated
    if len(filled):
        absent = int((~filled["in_panel"]).sum())
        notes.append(f"capital: real investment interpolated (gaps='{gaps}') in {len(filled)} "
                     f"city-years of {filled['city_code'].nunique()} cities ({absent} of them "
                     f"years without a panel row), e.g. {_examples(filled, KEYS)}; listed in "
                     "tables/capital_interpolated.csv")
    late = cap.starts.loc[cap.starts["late"].astype(bool)]
    if len(late):
        shown = late.assign(start_year=late["start_year"].astype("int64"))
        notes.append(f"capital: {len(late)} cities start after the base year {base_year} with "
                     "their FAI share of the provincial stock carried forward by eq. 7 (city:"
                     f"start year) {_examples(shown, ['city_code', 'start_year'])}")
    if len(cap.share_excess):
        worst = float(cap.share_excess["share_sum"].max())
        notes.append(f"warning: capital: in {len(cap.share_excess)} province-years the cities' "
                     f"FAI exceeds the provincial FAI (shares sum up to {worst:.4g}; province:"
                     f"year {_examples(cap.share_excess, ['province_code', 'year'])}): check "
                     "that both are in 10^4 yuan")
    return notes


def compute(ctx: Context) -> StageResult:
    """Tables ``accounting`` (city-year), ``factors`` (provenance) and
    ``capital_interpolated`` (investment flows filled by interpolation)."""
    cfg = ctx.config.accounting
    panel = ctx.table("validate", "panel").reset_index(drop=True)
    provinces = ctx.table("validate", "provinces")
    if cfg.electricity and not cfg.grid_factors:
        raise ConfigError("[accounting] electricity = true needs grid_factors, a CSV with "
                          "columns grid, year, tco2_per_mwh")
    em = account_emissions(panel, cfg.factors, electricity=cfg.electricity,
                           grid_factors=cfg.grid_factors or None)
    table = panel.loc[:, ["city_code", "year", "province_code"]].sort_values(
        KEYS, kind="mergesort").reset_index(drop=True)
    table = table.merge(em.frame, on=KEYS, how="left", validate="one_to_one")
    for column in DERIVED:
        table[column] = np.nan
    dropped = _exclusions(em.frame, em.reasons)
    notes = list(em.notes)
    interpolated = pd.DataFrame(columns=["city_code", "year", "in_panel", "investment_real"])

    if provinces.empty:
        if "gdp" in panel:
            raise DataError("provinces: the provincial table is empty but the panel has gdp; "
                            "real GDP and capital need the provincial deflators, FAI and base "
                            "stock (set [data] provinces)", source="provinces")
        notes.append("no provincial table and no gdp column (e.g. a CEADs "
                     "inventory): gdp_real, co2pgdp, capital and investment_real are not "
                     "computed (left blank)")
    else:
        if "gdp" in panel:
            gdp = account_real_gdp(panel, provinces, base_year=cfg.base_year)
            table["gdp_real"] = gdp.frame["gdp_real"].to_numpy()
            dropped += _exclusions(gdp.frame, gdp.reasons)
        else:
            notes.append("the panel has no gdp column: gdp_real and co2pgdp are "
                         "not computed")
        if "fai" in panel:
            cap = account_capital(panel, provinces, delta=cfg.delta, base_year=cfg.base_year,
                                  gaps=cfg.gaps)
            table["capital"] = cap.frame["capital"].to_numpy()
            table["investment_real"] = cap.frame["investment_real"].to_numpy()
            dropped += _exclusions(cap.frame, cap.reasons)
            notes += _capital_notes(cap, cfg.gaps, cfg.base_year)
            interpolated = cap.interpolated
        else:
            notes.append("the panel has no fai column: capital is not computed")

    zero = table["gdp_real"] == 0
    table["co2pgdp"] = (table["co2"] / table["gdp_real"]).where(~zero)
    dropped.append(attrition.exclusions(STAGE, "co2pgdp: gdp_real is zero", table.loc[zero]))
    notes.append(f"{len(table)} city-years; known: co2 {table['co2'].notna().sum()}, "
                 f"gdp_real {table['gdp_real'].notna().sum()}, co2pgdp "
                 f"{table['co2pgdp'].notna().sum()}, capital {table['capital'].notna().sum()} "
                 f"(base year {cfg.base_year}, delta {cfg.delta:g})")
    return StageResult(
        tables={"accounting": table, "factors": em.provenance,
                "capital_interpolated": interpolated},
        attrition=attrition.combine(dropped),
        notes=tuple(notes),
    )


def write(result: StageResult, out: OutputWriter, config: Config) -> None:
    """``tables/accounting_city_year.csv``, ``tables/factor_provenance.csv`` (+ .md) and
    ``tables/capital_interpolated.csv``."""
    out.table("tables/accounting_city_year.csv", result.tables["accounting"])
    out.table("tables/factor_provenance.csv", result.tables["factors"], markdown=True)
    out.table("tables/capital_interpolated.csv", result.tables["capital_interpolated"])
