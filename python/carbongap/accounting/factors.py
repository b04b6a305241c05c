"""Emission factors of eq. 3 as data: load a factor set, check it, convert it per panel unit.

A factor set is a CSV with one row per (fuel, quantity) and the columns

``fuel``      a fuel of the catalog (``carbongap.ingest.schema.fuel_catalog()``), e.g. ``raw_coal``;
``quantity``  ``ncv`` (net calorific value), ``carbon_content`` (CEF, carbon per energy),
              ``oxidation`` (COF, a fraction) or ``density`` (kg per m3, see below);
``value``     the number;
``unit``      its unit, one of :data:`UNITS` (``kJ/kg``, ``TJ/Gg``, ``kg C/GJ``, ...);
``source``    where the number comes from;
``note``      optional remarks.

Every fuel needs ``ncv``, ``carbon_content`` and ``oxidation``. A ``density`` is needed
exactly when the NCV is per mass and the panel reports the fuel by volume (or the other
way round), and is an error otherwise. A row without unit or source, an unknown unit,
a repeated (fuel, quantity), or a fuel outside the catalog is a DataError.

Built-in sets (``carbongap/data/factors/``; docs/methods.md §4):

``paper`` (default)
    NCV from GB/T 2589 (the 2008 edition's Appendix A, the values docs/methods.md §4 and Chen
    Shiyi's method use), carbon content from IPCC 2006 Vol. 2 Ch. 1 Table 1.3, oxidation
    0.99 for coal products and 1.0 for oil and gas (Zhang & Liu 2024, eq. 3).
``ipcc2006``
    NCV from IPCC 2006 Vol. 2 Ch. 1 Table 1.2 (per mass, TJ/Gg), carbon content from
    Table 1.3, oxidation 1.0. Yearbooks report natural gas in 10^4 m3, so this set needs a
    gas density: 0.7175 kg/m3, the real-gas density of methane at 0 °C and 101.325 kPa
    (M = 16.043 g/mol, Z = 0.9976 from the ISO 6976 / GB/T 11062 summation factor). This
    is a choice made here, not in the paper; it gives 34.4 MJ/m3, 11.5% below GB/T 2589's
    38.931 MJ/m3, so ``ipcc2006`` gas emissions are lower by the same share.

The derived column ``tco2_per_unit`` is eq. 3 for one unit of the fuel as the panel
reports it (Zhang & Liu 2024, eq. 3)::

    tco2_per_unit = to_physical x NCV x CEF x COF x 44/12

with NCV in GJ per physical unit (kg or m3; converted with the density where the bases
differ) and CEF in t C per GJ. Example: 1 t raw coal under ``paper`` = 1000 kg x
0.020908 GJ/kg x 0.0258 t C/GJ x 0.99 x 44/12 = 1.958 t CO2.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError, format_rows
from ..ingest.cells import parse_numeric
from ..ingest.schema import Fuel, fuel_catalog
from ..io.readers import normalise_header, read_table

FACTOR_SETS: tuple[str, ...] = ("paper", "ipcc2006")
FACTOR_COLUMNS: tuple[str, ...] = ("fuel", "quantity", "value", "unit", "source")
REQUIRED_QUANTITIES: tuple[str, ...] = ("ncv", "carbon_content", "oxidation")
C_TO_CO2: float = 44.0 / 12.0  #: molecular weight of CO2 over the atomic weight of carbon

#: Accepted units per quantity: unit -> (scale, basis). NCV scales to GJ per basis unit
#: (kg or m3); carbon content to t C per GJ; oxidation is a fraction; density in kg/m3.
UNITS: dict[str, dict[str, tuple[float, str]]] = {
    "ncv": {"kJ/kg": (1e-6, "kg"), "MJ/kg": (1e-3, "kg"), "GJ/t": (1e-3, "kg"),
            "TJ/Gg": (1e-3, "kg"), "kJ/m3": (1e-6, "m3"), "MJ/m3": (1e-3, "m3")},
    "carbon_content": {"kg C/GJ": (1e-3, ""), "t C/TJ": (1e-3, "")},
    "oxidation": {"fraction": (1.0, "")},
    "density": {"kg/m3": (1.0, "")},
}


def _unit_lookup(quantity: str) -> dict[str, str]:
    """Normalised unit text -> the canonical spelling, for one quantity."""
    return {normalise_header(u): u for u in UNITS[quantity]}


def _catalog() -> dict[str, Fuel]:
    return {f.fuel: f for f in fuel_catalog()}


def _combustion_fuels() -> tuple[str, ...]:
    """Catalog fuels whose emissions come from eq. 3 (electricity is scope 2, not burnt)."""
    return tuple(f.fuel for f in fuel_catalog() if f.kind != "electricity")


def _read(factors: str | Path | pd.DataFrame) -> tuple[pd.DataFrame, str, str]:
    """(raw long table, source for messages, set label for outputs)."""
    if isinstance(factors, pd.DataFrame):
        return factors, "factor table", "<in-memory factor table>"
    if isinstance(factors, str) and factors in FACTOR_SETS:
        resource = resources.files("carbongap.data").joinpath(f"factors/{factors}.csv")
        with resources.as_file(resource) as path:
            raw = read_table(path)
        return raw.frame, f"factor set '{factors}' (carbongap/data/factors/{factors}.csv)", factors
    path = Path(factors)
    if not path.is_file():
        raise DataError(f"factor set {str(factors)!r} is neither a built-in set "
                        f"({', '.join(FACTOR_SETS)}) nor an existing file (looked for "
                        f"{path.resolve()})", source=str(factors))
    return read_table(path).frame, f"factor file {path}", str(path)


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    cells = frame[column].astype(object).where(frame[column].notna(), "")
    return cells.map(lambda v: str(v).strip())


def _check_long(raw: pd.DataFrame, source: str) -> pd.DataFrame:
    """Clean long table: fuel, quantity, value (float), unit (canonical), source."""
    missing = [c for c in FACTOR_COLUMNS if c not in raw.columns]
    if missing:
        raise DataError(f"{source}: column(s) {', '.join(missing)} missing; a factor table has "
                        f"columns {', '.join(FACTOR_COLUMNS)} (and optionally note)",
                        source=source, column=missing[0])
    table = pd.DataFrame({c: _text(raw, c) for c in ("fuel", "quantity", "unit", "source")},
                         index=raw.index)
    table["value"] = parse_numeric(raw["value"], "value", source, {})
    for column in ("fuel", "quantity", "value", "unit", "source"):
        blank = table[column].isna() | (table[column] == "")
        if blank.any():
            raise DataError(f"{source}: column '{column}' is empty in rows "
                            f"{format_rows(table.index[blank])}; every factor needs a fuel, "
                            "quantity, value, unit and source",
                            source=source, column=column, rows=table.index[blank])
    catalog = _catalog()
    combustion = _combustion_fuels()
    unknown = ~table["fuel"].isin(combustion)
    if unknown.any():
        names = sorted(set(table.loc[unknown, "fuel"]))
        hint = ("electricity takes its factor from the grid-factor table ([accounting] "
                "grid_factors), not from a factor set; " if "electricity" in names else "")
        raise DataError(f"{source}: fuel(s) {names} in rows {format_rows(table.index[unknown])} "
                        f"are not combustion fuels of the catalog; {hint}known: "
                        f"{', '.join(combustion)}", source=source, column="fuel",
                        rows=table.index[unknown])
    bad_quantity = ~table["quantity"].isin(list(UNITS))
    if bad_quantity.any():
        raise DataError(f"{source}: quantity {sorted(set(table.loc[bad_quantity, 'quantity']))} "
                        f"in rows {format_rows(table.index[bad_quantity])} is not one of "
                        f"{', '.join(UNITS)}", source=source, column="quantity",
                        rows=table.index[bad_quantity])
    for row, quantity, unit in table[["quantity", "unit"]].itertuples(name=None):
        canonical = _unit_lookup(quantity).get(normalise_header(unit))
        if canonical is None:
            raise DataError(f"{source}: row {row}: unit {unit!r} of {quantity} is not one of "
                            f"{', '.join(UNITS[quantity])}", source=source, column="unit",
                            rows=[row])
        table.loc[row, "unit"] = canonical
    dup = table.duplicated(["fuel", "quantity"], keep=False)
    if dup.any():
        raise DataError(f"{source}: the same fuel and quantity appear twice in rows "
                        f"{format_rows(table.index[dup])}", source=source, column="quantity",
                        rows=table.index[dup])
    _check_ranges(table, source)
    for fuel, part in table.groupby("fuel", sort=False):
        lacking = [q for q in REQUIRED_QUANTITIES if q not in set(part["quantity"])]
        if lacking:
            raise DataError(f"{source}: fuel '{fuel}' has no {', '.join(lacking)} row; each fuel "
                            f"needs {', '.join(REQUIRED_QUANTITIES)}", source=source,
                            column="quantity", rows=part.index)
        _check_density(part, catalog[str(fuel)].physical_unit, source)
    return table.loc[:, list(FACTOR_COLUMNS)]


def _check_ranges(table: pd.DataFrame, source: str) -> None:
    positive = table["value"] > 0
    fraction_ok = (table["quantity"] != "oxidation") | (table["value"] <= 1.0)
    bad = ~(positive & fraction_ok)
    if bad.any():
        raise DataError(f"{source}: values must be positive and an oxidation factor at most 1; "
                        f"rows {format_rows(table.index[bad])} break this", source=source,
                        column="value", rows=table.index[bad])


def _check_density(part: pd.DataFrame, physical_unit: str, source: str) -> None:
    """A density is required exactly when the NCV basis differs from the panel's unit."""
    fuel = part["fuel"].iloc[0]
    ncv_unit = part.loc[part["quantity"] == "ncv", "unit"].iloc[0]
    basis = UNITS["ncv"][ncv_unit][1]
    has_density = (part["quantity"] == "density").any()
    if basis != physical_unit and not has_density:
        raise DataError(f"{source}: fuel '{fuel}' is reported per {physical_unit} but its NCV is "
                        f"per {basis} ({ncv_unit}); add a density row (kg/m3) with its source",
                        source=source, column="quantity", rows=part.index)
    if basis == physical_unit and has_density:
        raise DataError(f"{source}: fuel '{fuel}' has a density row, but its NCV ({ncv_unit}) is "
                        f"already per {physical_unit}; remove the unused density",
                        source=source, column="quantity", rows=part.index)


def _energy_per_physical(ncv: float, ncv_unit: str, density: float, physical_unit: str) -> float:
    """GJ per kg or per m3 (the catalog's physical unit), via the density where needed."""
    scale, basis = UNITS["ncv"][ncv_unit]
    energy = ncv * scale
    if basis == physical_unit:
        return energy
    return energy * density if basis == "kg" else energy / density


def load_factors(factors: str | Path | pd.DataFrame = "paper") -> pd.DataFrame:
    """Load and check a factor set; one row per fuel with eq. 3 per panel unit.

    Parameters
    ----------
    factors
        ``"paper"`` (default), ``"ipcc2006"``, the path of a factor CSV (or any table
        :func:`carbongap.io.readers.read_table` reads), or a long DataFrame with the
        columns fuel, quantity, value, unit, source.

    Returns
    -------
    DataFrame
        Columns ``fuel``, ``unit`` (as the panel reports the fuel, e.g. ``t``,
        ``10^4 m3``), ``physical_unit`` (kg or m3), for each quantity ``<q>``,
        ``<q>_unit``, ``<q>_source`` (``ncv``, ``carbon_content``, ``oxidation``,
        ``density``; density NaN where not needed), ``gj_per_unit`` (GJ per panel unit),
        ``tco2_per_unit`` (t CO2 per panel unit, eq. 3 of Zhang & Liu 2024) and
        ``factor_set``. Rows in catalog order.

    Raises
    ------
    DataError
        On any of the problems listed in the module docstring.
    """
    raw, source, label = _read(factors)
    table = _check_long(raw, source)
    catalog = _catalog()
    rows = []
    for fuel in _combustion_fuels():
        part = table.loc[table["fuel"] == fuel].set_index("quantity")
        if part.empty:
            continue
        entry = catalog[fuel]
        row: dict[str, object] = {"fuel": fuel, "unit": entry.unit,
                                  "physical_unit": entry.physical_unit}
        for quantity in UNITS:
            found = quantity in part.index
            row[quantity] = float(part.loc[quantity, "value"]) if found else np.nan
            row[f"{quantity}_unit"] = str(part.loc[quantity, "unit"]) if found else ""
            row[f"{quantity}_source"] = str(part.loc[quantity, "source"]) if found else ""
        ncv_unit, carbon_unit = str(row["ncv_unit"]), str(row["carbon_content_unit"])
        density = float(part.loc["density", "value"]) if "density" in part.index else np.nan
        energy = entry.to_physical * _energy_per_physical(
            float(part.loc["ncv", "value"]), ncv_unit, density, entry.physical_unit)
        carbon_scale = UNITS["carbon_content"][carbon_unit][0]
        carbon = float(part.loc["carbon_content", "value"]) * carbon_scale
        oxidation = float(part.loc["oxidation", "value"])
        row["gj_per_unit"] = energy
        row["tco2_per_unit"] = energy * carbon * oxidation * C_TO_CO2
        row["factor_set"] = label
        rows.append(row)
    return pd.DataFrame(rows)


def resolve_factors(factors: str | Path | pd.DataFrame) -> pd.DataFrame:
    """A factor set in the form of :func:`load_factors`; its output is passed through."""
    if isinstance(factors, pd.DataFrame) and "tco2_per_unit" in factors.columns:
        return factors
    return load_factors(factors)


def provenance(factors: pd.DataFrame, fuels: Iterable[str]) -> pd.DataFrame:
    """Every factor used for ``fuels``: fuel, quantity, value, unit, source.

    One row per factor of the set, then the derived ``tco2_per_unit`` (eq. 3 per panel
    unit) with the formula as its source. Rows follow the catalog order of ``fuels``.
    """
    wanted = set(fuels)
    rows = []
    for entry in factors.loc[factors["fuel"].isin(wanted)].itertuples(index=False):
        for quantity in UNITS:
            value = getattr(entry, quantity)
            if pd.notna(value):
                rows.append({"fuel": entry.fuel, "quantity": quantity, "value": float(value),
                             "unit": getattr(entry, f"{quantity}_unit"),
                             "source": getattr(entry, f"{quantity}_source")})
        rows.append({"fuel": entry.fuel, "quantity": "tco2_per_unit",
                     "value": float(entry.tco2_per_unit), "unit": f"t CO2 per {entry.unit}",
                     "source": f"derived, Zhang & Liu (2024) eq. 3: NCV x CEF x COF x 44/12 per "
                               f"{entry.unit} (factor set {entry.factor_set})"})
    return pd.DataFrame(rows, columns=["fuel", "quantity", "value", "unit", "source"])
