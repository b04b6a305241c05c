"""The accounting table: CO2 (eq. 3), real GDP, CO2pgdp and capital stock (eq. 7).

Zhang & Liu (2024) eq. 3 and eq. 7; docs/methods.md §4. From the validated ``panel`` and
``provinces`` and the ``[accounting]`` choices. Every city-year whose co2, gdp_real,
co2pgdp or capital cannot be computed keeps its row with NaN and is reported as a counted
exclusion whose reason names the variable and the cause.

Which columns the table has: a panel with a provincial table must have gdp and fai and
gets co2, gdp_real, co2pgdp, capital and investment_real; a panel without GDP and without
a provincial table (a CEADs inventory) gets co2 only, with a note, and the other columns
are absent (a later stage that needs them fails naming the column). A provincial table
with a panel lacking gdp or fai, or a panel with gdp but no provincial table, is a
DataError. Errors name the input files (the caller passes their names).
"""

from __future__ import annotations

import pandas as pd

from .. import attrition
from ..computed import Computed
from ..config import AccountingConfig
from ..errors import ConfigError, DataError
from ..ingest.schema import CITY_COLUMNS, columns_by_name, describe_aliases
from .capital import CapitalAccounts, account_capital
from .emissions import account_emissions
from .gdp import account_real_gdp

STAGE = "accounting"  #: label of the attrition rows
KEYS = ["city_code", "year"]
#: Panel columns real GDP and the capital stock need when a provincial table is given.
PROVINCIAL_INPUTS: tuple[str, ...] = ("gdp", "fai")
#: The year of the provincial column capital_stock_2006 (docs/methods.md §3).
STOCK_YEAR = 2006


def _exclusions(keys: pd.DataFrame, reasons: pd.Series) -> list[pd.DataFrame]:
    """One exclusion frame per distinct non-empty reason (in first-seen order)."""
    named = reasons[reasons != ""]
    return [attrition.exclusions(STAGE, str(reason), keys.loc[named.index[named == reason]])
            for reason in pd.unique(named)]


def _examples(frame: pd.DataFrame, columns: list[str], limit: int = 5) -> str:
    shown = ", ".join(":".join(str(v) for v in row)
                      for row in frame.loc[:, columns].head(limit).itertuples(index=False))
    return shown + (", ..." if len(frame) > limit else "")


def _require_provincial_inputs(panel: pd.DataFrame, panel_source: str,
                               provinces_source: str) -> None:
    """DataError when a provincial table is given but the panel lacks gdp or fai."""
    missing = [c for c in PROVINCIAL_INPUTS if c not in panel.columns]
    if missing:
        lookup = columns_by_name(CITY_COLUMNS)
        listed = "; ".join(describe_aliases(lookup[c]) for c in missing)
        raise DataError(f"{panel_source}: a provincial table ({provinces_source}) is given, so "
                        "real GDP and the capital stock (eq. 7) are computed, but the panel "
                        f"lacks column(s): {listed}. Name the column with one of these headers "
                        "(validation lists the headers it ignored), or give no provincial "
                        "table and no gdp column for CO2 only", source=panel_source,
                        column=missing[0])


def _overlap_note(overlap: pd.DataFrame) -> list[str]:
    """The cities' stocks as a share of the provincial stock after late starts."""
    if overlap.empty:
        return []
    ratio = overlap["cities_capital"] / overlap["provincial_capital"]
    shown = overlap.assign(ratio=ratio).sort_values("ratio", ascending=False, kind="mergesort")
    shown["ratio"] = shown["ratio"].map(lambda v: f"{v:.1%}")
    return [f"capital: a late-starting city gets its share of a provincial stock that already "
            "includes the stock of the cities observed before it (see "
            "carbongap.accounting.capital), so the cities' stocks can add up to more than the "
            f"provincial stock of eq. 7: in the {len(overlap)} province-years from a late "
            f"start on they add up to {ratio.min():.1%}-{ratio.max():.1%} of it (median "
            f"{ratio.median():.1%}), above 100% in {int((ratio > 1).sum())} of them "
            f"(province:year:share {_examples(shown, ['province_code', 'year', 'ratio'])})"]


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
    return notes + _overlap_note(cap.overlap)


def accounting_tables(panel: pd.DataFrame, provinces: pd.DataFrame, cfg: AccountingConfig,
                      panel_source: str = "panel",
                      provinces_source: str = "provinces") -> Computed:
    """Tables ``accounting`` (city-year), ``factors`` (provenance) and
    ``capital_interpolated`` (investment flows filled by interpolation) of the validated
    ``panel`` and ``provinces`` (module docstring), with the ``[accounting]`` choices
    ``cfg``; ``panel_source`` and ``provinces_source`` name the inputs in errors."""
    panel = panel.reset_index(drop=True)
    if cfg.electricity and not cfg.grid_factors:
        raise ConfigError("[accounting] electricity = true needs grid_factors, a CSV with "
                          "columns grid, year, tco2_per_mwh")
    if not provinces.empty:
        if cfg.base_year != STOCK_YEAR:
            raise ConfigError(
                f"[accounting] base_year = {cfg.base_year}: the capital stock is anchored on "
                f"the provincial column capital_stock_2006, the stock of {STOCK_YEAR} at "
                f"{STOCK_YEAR} prices (docs/methods.md §3); eq. 7 with another base year would "
                f"silently take it as the stock of {cfg.base_year}. Use base_year = "
                f"{STOCK_YEAR}")
        _require_provincial_inputs(panel, panel_source, provinces_source)
    elif "gdp" in panel:
        raise DataError(f"{panel_source}: the panel has gdp but no provincial table is given; "
                        "real GDP and capital need the provincial deflators, FAI and base "
                        "stock (set [data] provinces)", source=panel_source, column="gdp")
    em = account_emissions(panel, cfg.factors, electricity=cfg.electricity,
                           grid_factors=cfg.grid_factors or None, panel_source=panel_source)
    table = panel.loc[:, ["city_code", "year", "province_code"]].sort_values(
        KEYS, kind="mergesort").reset_index(drop=True)
    table = table.merge(em.frame, on=KEYS, how="left", validate="one_to_one")
    dropped = _exclusions(em.frame, em.reasons)
    notes = list(em.notes)
    interpolated = pd.DataFrame(columns=["city_code", "year", "in_panel", "investment_real"])

    if provinces.empty:
        notes.append("no provincial table and no gdp column (e.g. a CEADs inventory): the "
                     "table has co2 only; gdp_real, co2pgdp, capital and investment_real are "
                     "not computed (absent)")
        known = f"co2 {table['co2'].notna().sum()}"
    else:
        sourced = {"panel_source": panel_source, "provinces_source": provinces_source}
        gdp = account_real_gdp(panel, provinces, base_year=cfg.base_year, **sourced)
        cap = account_capital(panel, provinces, delta=cfg.delta, base_year=cfg.base_year,
                              gaps=cfg.gaps, **sourced)
        table["gdp_real"] = gdp.frame["gdp_real"].to_numpy()
        zero = table["gdp_real"] == 0
        table["co2pgdp"] = (table["co2"] / table["gdp_real"]).where(~zero)
        table["capital"] = cap.frame["capital"].to_numpy()
        table["investment_real"] = cap.frame["investment_real"].to_numpy()
        dropped += _exclusions(gdp.frame, gdp.reasons)
        dropped += _exclusions(cap.frame, cap.reasons)
        dropped.append(attrition.exclusions(STAGE, "co2pgdp: gdp_real is zero",
                                            table.loc[zero]))
        notes += _capital_notes(cap, cfg.gaps, cfg.base_year)
        interpolated = cap.interpolated
        known = ", ".join(f"{c} {table[c].notna().sum()}"
                          for c in ("co2", "gdp_real", "co2pgdp", "capital"))
    notes.append(f"{len(table)} city-years; known: {known} (base year {cfg.base_year}, "
                 f"delta {cfg.delta:g})")
    return Computed(
        tables={"accounting": table, "factors": em.provenance,
                "capital_interpolated": interpolated},
        attrition=attrition.combine(dropped),
        notes=tuple(notes),
    )
