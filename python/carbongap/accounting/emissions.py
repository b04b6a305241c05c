"""CO2 emissions of each city-year: eq. 3 over fuels, optional scope-2 electricity.

Zhang & Liu (2024) eq. 3 (docs/methods.md §4)::

    CO2 = sum over fuels f of E_f x NCV_f x CEF_f x COF_f x 44/12

with E_f in the unit the panel reports (t for coal and oil products, t for LPG, 10^4 m3
for natural gas); :func:`carbongap.accounting.factors.load_factors` folds the unit
conversion and the four factors into one number per fuel, ``tco2_per_unit``.

Electricity (indirect, scope 2; off in the paper) adds, when asked for::

    CO2_electricity = electricity [10^4 kWh] x 10 [MWh per 10^4 kWh] x EF(grid, year) [t CO2/MWh]

with the city's regional grid from :func:`carbongap.regions.grid_of` (docs/methods.md §4 map;
Inner Mongolia's eastern cities belong to the northeast grid) and EF from a user table
with columns grid, year, tco2_per_mwh.

Missing fuel use (NaN) gives NaN for that fuel and for the total: a total that leaves a
fuel out would understate emissions silently. Such city-years come back with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from ..ingest.cells import parse_numeric, parse_whole_numbers
from ..ingest.checks import (
    CITY_KEYS,
    city_keys,
    describe_rows,
    require_columns,
    require_non_negative,
)
from ..ingest.schema import fuel_catalog
from ..io.readers import read_table
from ..regions import grid_of, province_table
from .factors import provenance, resolve_factors

GRID_COLUMNS: tuple[str, ...] = ("grid", "year", "tco2_per_mwh")
MWH_PER_KWH: float = 1e-3


@dataclass(frozen=True)
class EmissionAccounts:
    """Emissions with what is needed to report them.

    Attributes
    ----------
    frame
        city_code, year, co2, co2_<fuel> per fuel column used, co2_electricity when on;
        t CO2; sorted by city_code and year.
    reasons
        Per row of ``frame``: why ``co2`` is NaN (e.g. "co2: fuel use missing (lpg)"),
        "" where it is known.
    provenance
        Every factor used: fuel, quantity, value, unit, source.
    method
        "fuels" (eq. 3) or "supplied" (the panel's own co2 column).
    notes
        Sentences for the log: what was used, what was ignored.
    """

    frame: pd.DataFrame
    reasons: pd.Series
    provenance: pd.DataFrame
    method: str
    notes: tuple[str, ...]


def load_grid_factors(grid_factors: str | Path | pd.DataFrame) -> pd.DataFrame:
    """Read and check a grid emission-factor table: grid, year (int64), tco2_per_mwh.

    Grids are the names of ``carbongap/data/provinces.csv`` (north, northeast, east,
    central, northwest, south). Factors are t CO2 per MWh and must not be negative.
    """
    if isinstance(grid_factors, pd.DataFrame):
        raw, source = grid_factors, "grid factor table"
    else:
        raw, source = read_table(grid_factors).frame, f"grid factor file {grid_factors}"
    require_columns(raw, GRID_COLUMNS, source, "scope-2 electricity emissions")
    table = pd.DataFrame(index=raw.index)
    table["grid"] = raw["grid"].astype(object).map(lambda v: str(v).strip().casefold())
    table["year"] = parse_whole_numbers(raw["year"], "year", source, {})
    table["tco2_per_mwh"] = parse_numeric(raw["tco2_per_mwh"], "tco2_per_mwh", source, {})
    grids = sorted({g for g in province_table()["grid"] if g})
    unknown = ~table["grid"].isin(grids)
    if unknown.any():
        raise DataError(f"{source}: unknown grid name(s) {sorted(set(table['grid'][unknown]))} "
                        f"in rows {list(table.index[unknown][:10])}; known: {', '.join(grids)}",
                        source=source, column="grid", rows=table.index[unknown])
    require_non_negative(table, ["tco2_per_mwh"], source, ("grid", "year"))
    dup = table.duplicated(["grid", "year"], keep=False)
    if dup.any():
        shown = describe_rows(table[dup], ("grid", "year"))
        raise DataError(f"{source}: grid and year repeat ({shown})",
                        source=source, column="grid", rows=table.index[dup])
    return table.reset_index(drop=True)


def _electricity(panel: pd.DataFrame, keys: pd.DataFrame,
                 grid_factors: str | Path | pd.DataFrame | None,
                 source: str) -> tuple[pd.Series, pd.DataFrame]:
    """Scope-2 CO2 per row (t) and the grid factors used (provenance rows); ``source``
    names the panel."""
    if grid_factors is None:
        raise DataError("electricity emissions are on but no grid factor table was given "
                        "(set [accounting] grid_factors to a CSV with grid, year, tco2_per_mwh)",
                        source="grid factors", column="tco2_per_mwh")
    require_columns(panel, ["electricity"], source, "scope-2 electricity emissions")
    require_non_negative(panel.assign(**keys), ["electricity"], source, CITY_KEYS)
    table = load_grid_factors(grid_factors)
    grid = grid_of(keys["city_code"], keys["province_code"]).fillna("")
    no_grid = grid == ""
    if no_grid.any():
        raise DataError(f"{source}: no regional power grid is defined for province(s) "
                        f"{sorted(set(keys.loc[no_grid, 'province_code']))} "
                        f"({describe_rows(keys[no_grid], CITY_KEYS)}); docs/methods.md §4 maps "
                        "none",
                        source=source, column="province_code", rows=keys.index[no_grid])
    lookup = table.set_index(["grid", "year"])["tco2_per_mwh"]
    wanted = pd.MultiIndex.from_arrays([grid, keys["year"]])
    factor = pd.Series(lookup.reindex(wanted).to_numpy(), index=keys.index)
    needed = factor.isna() & panel["electricity"].notna()
    if needed.any():
        pairs = sorted(set(zip(grid[needed], keys.loc[needed, "year"], strict=True)))
        shown = ", ".join(f"grid '{g}' year {y}" for g, y in pairs[:10])
        raise DataError(f"grid factor table has no factor for {shown} "
                        f"(needed by {describe_rows(keys[needed], CITY_KEYS)})",
                        source="grid factors", column="tco2_per_mwh", rows=keys.index[needed])
    to_physical = {f.fuel: f.to_physical for f in fuel_catalog()}["electricity"]
    co2 = panel["electricity"] * to_physical * MWH_PER_KWH * factor
    used = pd.DataFrame({"grid": grid, "year": keys["year"]}).loc[panel["electricity"].notna()]
    used = used.drop_duplicates().merge(table, on=["grid", "year"], how="left")
    used = used.sort_values(["grid", "year"], kind="mergesort")
    rows = pd.DataFrame({
        "fuel": "electricity",
        "quantity": [f"grid_factor_{g}_{y}" for g, y in zip(used["grid"], used["year"],
                                                            strict=True)],
        "value": used["tco2_per_mwh"].to_numpy(dtype="float64"),
        "unit": "t CO2/MWh",
        "source": "grid factor table (user supplied; docs/methods.md §4 province-to-grid map)",
    })
    return co2, rows


def _factors_for(fuels: list[str], factors: str | Path | pd.DataFrame,
                 source: str) -> pd.DataFrame:
    """The factor set, checked to hold a factor for every fuel column of the panel
    (``source`` names the panel)."""
    table = resolve_factors(factors)
    missing = [f for f in fuels if f not in set(table["fuel"])]
    if missing:
        label = table["factor_set"].iloc[0] if len(table) else "the factor set"
        raise DataError(f"{source}: fuel column(s) {', '.join(missing)} have no factor in {label}; "
                        "add ncv, carbon_content and oxidation rows for them or drop the "
                        "column(s)", source=source, column=missing[0])
    return table


def account_emissions(panel: pd.DataFrame, factors: str | Path | pd.DataFrame = "paper", *,
                      electricity: bool = False,
                      grid_factors: str | Path | pd.DataFrame | None = None,
                      panel_source: str = "panel") -> EmissionAccounts:
    """Emissions with reasons, provenance and notes; see :func:`emissions`.

    ``panel_source`` names the panel in error messages (the pipeline passes its path).
    """
    panel = panel.reset_index(drop=True)
    keys = city_keys(panel, panel_source)
    catalog = [f for f in fuel_catalog() if f.kind != "electricity"]
    fuels = [f.fuel for f in catalog if f.fuel in panel.columns]
    out = keys.loc[:, list(CITY_KEYS)].copy()
    notes: list[str] = []
    parts: dict[str, pd.Series] = {}
    prov = pd.DataFrame(columns=["fuel", "quantity", "value", "unit", "source"])
    if fuels:
        require_non_negative(panel.assign(**keys), fuels, panel_source, CITY_KEYS)
        table = _factors_for(fuels, factors, panel_source)
        per_unit = table.set_index("fuel")["tco2_per_unit"]
        for fuel in fuels:  # eq. 3: E x (NCV x CEF x COF x 44/12 per panel unit)
            parts[f"co2_{fuel}"] = panel[fuel].astype("float64") * float(per_unit[fuel])
        prov = provenance(table, fuels)
        method = "fuels"
        notes.append(f"co2: eq. 3 over {len(fuels)} fuel column(s) ({', '.join(fuels)}) with "
                     f"factor set {table['factor_set'].iloc[0]}")
        if "co2" in panel.columns:
            notes.append("co2: the panel's own co2 column is ignored because fuel columns are "
                         "present (eq. 3 is used)")
    elif "co2" in panel.columns:
        require_non_negative(panel.assign(**keys), ["co2"], panel_source, CITY_KEYS)
        method = "supplied"
        notes.append("co2: taken from the panel's co2 column (no fuel columns; e.g. a CEADs "
                     "inventory); no emission factors applied")
    else:
        names = ", ".join(f.fuel for f in catalog)
        raise DataError(f"{panel_source}: no emission data: give fuel columns ({names}) in the "
                        "catalog's units, or a co2 column in t CO2", source=panel_source,
                        column="co2")
    if electricity:
        parts["co2_electricity"], grid_rows = _electricity(panel, keys, grid_factors,
                                                           panel_source)
        prov = pd.concat([prov, grid_rows], ignore_index=True) if len(prov) else grid_rows
        notes.append("co2: scope-2 electricity emissions included (grid factors by grid-year)")
    elif "electricity" in panel.columns:
        notes.append("co2: the electricity column is not used (scope 2 is off, as in the paper)")

    if method == "fuels":
        total = pd.DataFrame(parts).sum(axis=1, skipna=False)
    else:  # a supplied co2 (e.g. CEADs) gets scope 2 added when electricity is on
        total = panel["co2"].astype("float64") + parts.get("co2_electricity", 0.0)
    out["co2"] = total.to_numpy(dtype="float64")
    for name, values in parts.items():
        out[name] = values.to_numpy(dtype="float64")
    reasons = _reasons(panel, fuels, method, electricity)
    order = out.sort_values(list(CITY_KEYS), kind="mergesort").index
    return EmissionAccounts(out.loc[order].reset_index(drop=True),
                            reasons.loc[order].reset_index(drop=True), prov, method, tuple(notes))


def _reasons(panel: pd.DataFrame, fuels: list[str], method: str, electricity: bool) -> pd.Series:
    """Why co2 is NaN in each row: the inputs that are missing."""
    inputs = list(fuels) if method == "fuels" else ["co2"]
    if electricity:
        inputs.append("electricity")
    label = "fuel use" if method == "fuels" else "supplied value"
    named = pd.Series("", index=panel.index, dtype=object)
    for column in inputs:
        named = named + np.where(panel[column].isna(), f"{column}, ", "")
    named = named.str.removesuffix(", ")
    return named.where(named == "", "co2: " + label + " missing (" + named + ")")


def emissions(panel: pd.DataFrame, factors: str | Path | pd.DataFrame = "paper", *,
              electricity: bool = False,
              grid_factors: str | Path | pd.DataFrame | None = None) -> pd.DataFrame:
    """CO2 of each city-year, t CO2 (Zhang & Liu 2024, eq. 3; docs/methods.md §4).

    Parameters
    ----------
    panel
        Canonical city panel: city_code, year (province_code optional, else the first two
        digits of city_code) and fuel columns of the catalog in its units (t; natural gas
        10^4 m3; electricity 10^4 kWh). A panel with a ``co2`` column (t CO2) and no fuel
        column, such as a CEADs inventory, has its co2 passed through unchanged (plus
        scope 2 when ``electricity`` is on). With fuel columns, a co2 column is ignored.
    factors
        ``"paper"`` (default), ``"ipcc2006"``, a factor CSV path, or a factor table (see
        :func:`carbongap.accounting.load_factors`).
    electricity
        Add scope-2 emissions of the ``electricity`` column (off in the paper).
    grid_factors
        With ``electricity``: CSV path or frame with grid, year, tco2_per_mwh.

    Returns
    -------
    DataFrame
        city_code, year, ``co2`` (total), ``co2_<fuel>`` for each fuel column present and
        ``co2_electricity`` when on; all t CO2, sorted by city_code and year. A NaN fuel
        use makes that fuel's and the total's value NaN.

    Raises
    ------
    DataError
        Negative fuel use, a fuel column without a factor, a panel with neither fuel
        columns nor co2, duplicate city-years, unknown provinces, and with electricity: no
        grid table, a city without a grid, or a missing grid-year factor.
    """
    return account_emissions(panel, factors, electricity=electricity,
                             grid_factors=grid_factors).frame
