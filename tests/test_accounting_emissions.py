"""Eq. 3 emissions, factor sets and scope-2 electricity (docs/methods.md §4).

Every expected value is computed by hand from the docs/methods.md §4 table, written out:
NCV (per panel unit, GJ) x carbon content (t C per GJ) x oxidation x 44/12.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from carbongap.accounting import (
    account_emissions,
    emissions,
    load_factors,
    load_grid_factors,
    provenance,
)
from carbongap.errors import DataError
from carbongap.ingest.schema import fuel_catalog

C = 44.0 / 12.0

#: t CO2 per panel unit, by hand. Coal/oil/LPG per t: 1 t = 1000 kg, so kJ/kg x 1000 kg =
#: (kJ/kg / 1000) GJ; IPCC NCV in TJ/Gg = GJ/t. Gas per 10^4 m3.
PAPER = {
    "raw_coal": 20.908 * 0.0258 * 0.99 * C,  # 20908 kJ/kg, 25.8 kg C/GJ, COF 0.99
    "coke": 28.435 * 0.0292 * 0.99 * C,  # 28435 kJ/kg, 29.2 kg C/GJ, COF 0.99
    "crude_oil": 41.816 * 0.0200 * 1.0 * C,
    "gasoline": 43.070 * 0.0189 * 1.0 * C,
    "kerosene": 43.070 * 0.0196 * 1.0 * C,
    "diesel": 42.652 * 0.0202 * 1.0 * C,
    "fuel_oil": 41.816 * 0.0211 * 1.0 * C,
    "lpg": 50.179 * 0.0172 * 1.0 * C,
    "natural_gas": 1e4 * 38931e-6 * 0.0153 * 1.0 * C,  # 10^4 m3 x 38931 kJ/m3 = 389.31 GJ
}
IPCC = {
    "raw_coal": 25.8 * 0.0258 * C,  # 1 t x 25.8 GJ/t (TJ/Gg), 25.8 kg C/GJ, COF 1
    "coke": 28.2 * 0.0292 * C,
    "crude_oil": 42.3 * 0.0200 * C,
    "gasoline": 44.3 * 0.0189 * C,
    "kerosene": 43.8 * 0.0196 * C,
    "diesel": 43.0 * 0.0202 * C,
    "fuel_oil": 40.4 * 0.0211 * C,
    "lpg": 47.3 * 0.0172 * C,
    # 10^4 m3 x 0.7175 kg/m3 = 7.175 t; x 48.0 GJ/t = 344.4 GJ
    "natural_gas": 1e4 * 0.7175 / 1000 * 48.0 * 0.0153 * C,
}
COMBUSTION = [f.fuel for f in fuel_catalog() if f.kind != "electricity"]


def _panel(**columns: list[float]) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    frame = pd.DataFrame({"city_code": np.arange(n, dtype="int64") + 130100,
                          "year": np.full(n, 2010, dtype="int64")})
    frame["province_code"] = frame["city_code"] // 10000
    for name, values in columns.items():
        frame[name] = np.asarray(values, dtype="float64")
    return frame


def _factor_rows(rows: list[tuple[str, str, float, str]]) -> pd.DataFrame:
    return pd.DataFrame([{"fuel": f, "quantity": q, "value": v, "unit": u, "source": "test"}
                         for f, q, v, u in rows])


def test_paper_hand_values_cover_every_catalog_fuel() -> None:
    assert sorted(PAPER) == sorted(COMBUSTION)
    assert math.isclose(PAPER["raw_coal"], 1.958117832, rel_tol=1e-9)  # the example


@pytest.mark.parametrize(("name", "expected"), [("paper", PAPER), ("ipcc2006", IPCC)])
def test_factor_sets_give_hand_computed_tco2_per_unit(name: str, expected: dict) -> None:
    table = load_factors(name).set_index("fuel")
    assert list(table.index) == COMBUSTION
    for fuel, value in expected.items():
        assert table.loc[fuel, "tco2_per_unit"] == pytest.approx(value, rel=1e-12), fuel


@pytest.mark.parametrize(("name", "expected"), [("paper", PAPER), ("ipcc2006", IPCC)])
def test_emissions_by_fuel_and_total(name: str, expected: dict) -> None:
    quantities = {fuel: [2.5, 0.0] for fuel in COMBUSTION}
    out = emissions(_panel(**quantities), factors=name)
    assert list(out.columns) == ["city_code", "year", "co2", *[f"co2_{f}" for f in COMBUSTION]]
    for fuel, value in expected.items():
        assert out[f"co2_{fuel}"].tolist() == pytest.approx([2.5 * value, 0.0], rel=1e-12)
    assert out["co2"].tolist() == pytest.approx([2.5 * sum(expected.values()), 0.0], rel=1e-12)


def test_ipcc_density_is_methane_at_0c() -> None:
    # M / (Z x 22.414 L/mol), M = 16.043 g/mol, Z = 1 - 0.0490^2
    assert 16.043 / (22.414 * (1 - 0.049**2)) == pytest.approx(0.7175, abs=5e-5)
    gas = load_factors("ipcc2006").set_index("fuel").loc["natural_gas"]
    assert gas["density"] == 0.7175 and gas["density_unit"] == "kg/m3"


def test_builtin_sets_have_units_and_sources() -> None:
    for name in ("paper", "ipcc2006"):
        table = load_factors(name)
        for quantity in ("ncv", "carbon_content", "oxidation"):
            assert table[f"{quantity}_unit"].ne("").all()
            assert table[f"{quantity}_source"].str.len().gt(10).all()
    paper = load_factors("paper").set_index("fuel")
    assert paper.loc[["raw_coal", "coke"], "oxidation"].tolist() == [0.99, 0.99]
    assert (paper.drop(index=["raw_coal", "coke"])["oxidation"] == 1.0).all()
    assert (load_factors("ipcc2006")["oxidation"] == 1.0).all()


def test_unit_conversions_of_user_factors() -> None:
    # raw coal NCV 20.908 MJ/kg (= 20908 kJ/kg) and 29.2 t C/TJ (= kg C/GJ);
    # gas NCV 38.931 MJ/m3 (= 38931 kJ/m3);
    # LPG NCV per volume: 100 MJ/m3 with density 2 kg/m3 -> 1 t = 500 m3 = 50 GJ.
    table = load_factors(_factor_rows([
        ("raw_coal", "ncv", 20.908, "MJ/kg"), ("raw_coal", "carbon_content", 29.2, "t C/TJ"),
        ("raw_coal", "oxidation", 1.0, "fraction"),
        ("natural_gas", "ncv", 38.931, "MJ/m3"), ("natural_gas", "carbon_content", 15.3, "kg C/GJ"),
        ("natural_gas", "oxidation", 1.0, "fraction"),
        ("lpg", "ncv", 100.0, "MJ/m3"), ("lpg", "density", 2.0, "kg/m3"),
        ("lpg", "carbon_content", 17.2, "kg C/GJ"), ("lpg", "oxidation", 1.0, "fraction"),
    ])).set_index("fuel")
    assert table.loc["raw_coal", "gj_per_unit"] == pytest.approx(20.908, rel=1e-12)
    assert table.loc["raw_coal", "tco2_per_unit"] == pytest.approx(20.908 * 0.0292 * C)
    assert table.loc["natural_gas", "gj_per_unit"] == pytest.approx(389.31, rel=1e-12)
    assert table.loc["lpg", "gj_per_unit"] == pytest.approx(50.0, rel=1e-12)
    assert table.loc["lpg", "tco2_per_unit"] == pytest.approx(50.0 * 0.0172 * C, rel=1e-12)


def test_user_factor_file_equals_builtin(tmp_path) -> None:
    from importlib import resources

    text = resources.files("carbongap.data").joinpath("factors/paper.csv").read_text("utf-8")
    path = tmp_path / "mine.csv"
    path.write_text(text, encoding="utf-8")
    mine, builtin = load_factors(path), load_factors("paper")
    assert mine["tco2_per_unit"].tolist() == builtin["tco2_per_unit"].tolist()
    assert mine["factor_set"].iloc[0] == str(path)


def test_missing_fuel_use_gives_nan_total_with_reason() -> None:
    result = account_emissions(_panel(raw_coal=[1.0, np.nan], lpg=[np.nan, np.nan]))
    assert math.isnan(result.frame["co2"].iloc[0]) and math.isnan(result.frame["co2"].iloc[1])
    assert result.frame["co2_raw_coal"].iloc[0] == pytest.approx(PAPER["raw_coal"])
    assert result.reasons.tolist() == ["co2: fuel use missing (lpg)",
                                       "co2: fuel use missing (raw_coal, lpg)"]


def test_supplied_co2_passes_through() -> None:
    panel = _panel(co2=[5.0e6, 7.0e6])
    result = account_emissions(panel)
    assert result.method == "supplied"
    assert list(result.frame.columns) == ["city_code", "year", "co2"]
    assert result.frame["co2"].tolist() == [5.0e6, 7.0e6]
    assert result.provenance.empty


def test_fuels_take_precedence_over_a_co2_column() -> None:
    result = account_emissions(_panel(co2=[99.0], raw_coal=[1.0]))
    assert result.frame["co2"].iloc[0] == pytest.approx(PAPER["raw_coal"])
    assert any("ignored" in n for n in result.notes)


def test_provenance_lists_every_factor_used() -> None:
    table = load_factors("ipcc2006")
    prov = provenance(table, ["natural_gas", "raw_coal"])
    assert prov["fuel"].tolist() == ["raw_coal"] * 4 + ["natural_gas"] * 5  # catalog order
    gas = prov.loc[prov["fuel"] == "natural_gas"].set_index("quantity")
    assert gas.loc["ncv", "value"] == 48.0 and gas.loc["ncv", "unit"] == "TJ/Gg"
    assert gas.loc["density", "value"] == 0.7175
    assert gas.loc["tco2_per_unit", "value"] == pytest.approx(IPCC["natural_gas"])
    assert gas.loc["tco2_per_unit", "unit"] == "t CO2 per 10^4 m3"
    assert prov["source"].str.len().gt(0).all()


# --- electricity (scope 2) -------------------------------------------------------------

def _electric_panel() -> pd.DataFrame:
    # Beijing (north grid), Hulunbuir 150700 (Inner Mongolia east: northeast grid),
    # Hohhot 150100 (Inner Mongolia west: north grid), Guangzhou (south grid).
    return pd.DataFrame({
        "city_code": [110000, 150100, 150700, 440100], "year": [2010] * 4,
        "province_code": [11, 15, 15, 44], "raw_coal": [1.0] * 4,
        "electricity": [3.0, 2.0, 2.0, 1.0]})  # 10^4 kWh = 10 MWh per unit


GRID = pd.DataFrame({"grid": ["north", "northeast", "south"], "year": [2010] * 3,
                     "tco2_per_mwh": [0.9, 0.8, 0.6]})


def test_electricity_on_uses_grid_of_each_city() -> None:
    out = emissions(_electric_panel(), electricity=True, grid_factors=GRID)
    expected = [3.0 * 10 * 0.9, 2.0 * 10 * 0.9, 2.0 * 10 * 0.8, 1.0 * 10 * 0.6]
    assert out["co2_electricity"].tolist() == pytest.approx(expected, rel=1e-12)
    assert out["co2"].tolist() == pytest.approx([PAPER["raw_coal"] + e for e in expected])


def test_electricity_off_ignores_the_column() -> None:
    result = account_emissions(_electric_panel())
    assert "co2_electricity" not in result.frame
    assert result.frame["co2"].tolist() == pytest.approx([PAPER["raw_coal"]] * 4)
    assert any("electricity column is not used" in n for n in result.notes)


def test_electricity_grid_factors_from_csv(tmp_path) -> None:
    path = tmp_path / "grid.csv"
    GRID.to_csv(path, index=False)
    assert load_grid_factors(path)["tco2_per_mwh"].tolist() == [0.9, 0.8, 0.6]
    result = account_emissions(_electric_panel(), electricity=True, grid_factors=path)
    rows = result.provenance.loc[result.provenance["fuel"] == "electricity"]
    assert rows["quantity"].tolist() == ["grid_factor_north_2010", "grid_factor_northeast_2010",
                                         "grid_factor_south_2010"]


def test_missing_grid_year_is_an_error() -> None:
    panel = _electric_panel().assign(year=[2010, 2010, 2010, 2011])
    with pytest.raises(DataError, match=r"grid 'south' year 2011.*city_code 440100, year 2011"):
        emissions(panel, electricity=True, grid_factors=GRID)


def test_electricity_needs_a_grid_table_and_a_grid() -> None:
    with pytest.raises(DataError, match="no grid factor table"):
        emissions(_electric_panel(), electricity=True)
    tibet = pd.DataFrame({"city_code": [540100], "year": [2010], "province_code": [54],
                          "raw_coal": [1.0], "electricity": [1.0]})
    with pytest.raises(DataError, match=r"no regional power grid.*\[54\]"):
        emissions(tibet, electricity=True, grid_factors=GRID)


# --- bad input ----------------------------------------------------------------------

def test_negative_fuel_use_is_an_error() -> None:
    with pytest.raises(DataError, match=r"column 'coke' has negative.*city_code 130101, year 2010"):
        emissions(_panel(coke=[1.0, -2.0]))


def test_fuel_column_without_factor_is_an_error() -> None:
    factors = _factor_rows([("raw_coal", "ncv", 20908, "kJ/kg"),
                            ("raw_coal", "carbon_content", 25.8, "kg C/GJ"),
                            ("raw_coal", "oxidation", 0.99, "fraction")])
    with pytest.raises(DataError, match="kerosene have no factor"):
        emissions(_panel(raw_coal=[1.0], kerosene=[1.0]), factors=factors)


@pytest.mark.parametrize(("rows", "message"), [
    ([("raw_coal", "ncv", 20908, "")], "column 'unit' is empty"),
    ([("raw_coal", "ncv", 20908, "kcal/kg")], "unit 'kcal/kg' of ncv is not one of"),
    ([("raw_coal", "ncv", 20908, "kJ/kg")], "no carbon_content, oxidation row"),
    ([("peat", "ncv", 9.76, "MJ/kg")], r"\['peat'\].*not combustion fuels"),
    ([("electricity", "ncv", 3.6, "MJ/kg")], "grid-factor table"),
    ([("raw_coal", "heat", 1.0, "kJ/kg")], "is not one of ncv, carbon_content"),
    ([("raw_coal", "ncv", 1.0, "kJ/kg"), ("raw_coal", "ncv", 2.0, "kJ/kg")], "appear twice"),
    ([("raw_coal", "ncv", 20908, "kJ/kg"), ("raw_coal", "carbon_content", 25.8, "kg C/GJ"),
      ("raw_coal", "oxidation", 1.2, "fraction")], "oxidation factor at most 1"),
    ([("natural_gas", "ncv", 48.0, "TJ/Gg"), ("natural_gas", "carbon_content", 15.3, "kg C/GJ"),
      ("natural_gas", "oxidation", 1.0, "fraction")], "add a density row"),
    ([("coke", "ncv", 28.2, "TJ/Gg"), ("coke", "carbon_content", 29.2, "kg C/GJ"),
      ("coke", "oxidation", 1.0, "fraction"), ("coke", "density", 1.0, "kg/m3")],
     "remove the unused density"),
])
def test_bad_factor_tables(rows: list, message: str) -> None:
    with pytest.raises(DataError, match=message):
        load_factors(_factor_rows(rows))


def test_factor_without_source_is_an_error() -> None:
    rows = _factor_rows([("raw_coal", "ncv", 20908, "kJ/kg")]).assign(source=" ")
    with pytest.raises(DataError, match="column 'source' is empty in rows 0"):
        load_factors(rows)


def test_unknown_factor_set_name() -> None:
    with pytest.raises(DataError, match="neither a built-in set"):
        load_factors("ipcc1996")


def test_panel_without_emission_data_names_accepted_columns() -> None:
    with pytest.raises(DataError, match=r"raw_coal, coke, .*natural_gas.*or a co2 column"):
        emissions(_panel(gdp=[1.0]))


def test_unknown_province_and_duplicate_keys() -> None:
    with pytest.raises(DataError, match=r"unknown province code\(s\) \[99\]"):
        emissions(_panel(raw_coal=[1.0]).assign(province_code=99))
    twice = pd.concat([_panel(raw_coal=[1.0])] * 2, ignore_index=True)
    with pytest.raises(DataError, match="city_code and year repeat"):
        emissions(twice)


def test_unsorted_panel_gives_sorted_output_with_aligned_reasons() -> None:
    panel = _panel(raw_coal=[np.nan, 2.0]).iloc[::-1].reset_index(drop=True)
    result = account_emissions(panel)
    assert result.frame["city_code"].tolist() == [130100, 130101]
    assert math.isnan(result.frame["co2"].iloc[0])
    assert result.frame["co2"].iloc[1] == pytest.approx(2.0 * PAPER["raw_coal"])
    assert result.reasons.tolist() == ["co2: fuel use missing (raw_coal)", ""]


def test_grid_years_are_whole_numbers(tmp_path) -> None:
    path = tmp_path / "grid.csv"
    path.write_text("grid,year,tco2_per_mwh\nnorth,2010,0.9\nsouth,2010.5,0.6\n"
                    "east,,0.7\n", encoding="utf-8")
    # the shared parser of validation: it names the file, the column and both spreadsheet
    # rows (the header is row 1)
    with pytest.raises(DataError, match=rf"^grid factor file {path}: column 'year' must be a "
                                        r"whole number in every row; missing or fractional in "
                                        r"rows 3, 4$"):
        load_grid_factors(path)
    assert load_grid_factors(GRID)["year"].dtype == "int64"


def test_messages_name_the_panel_source() -> None:
    with pytest.raises(DataError, match=r"^data/city\.csv: column 'coke' has negative"):
        account_emissions(_panel(coke=[1.0, -2.0]), panel_source="data/city.csv")
    with pytest.raises(DataError, match=r"^panel: column 'coke' has negative"):
        account_emissions(_panel(coke=[1.0, -2.0]))
    tibet = pd.DataFrame({"city_code": [540100], "year": [2010], "province_code": [54],
                          "raw_coal": [1.0], "electricity": [1.0]})
    with pytest.raises(DataError, match=r"^x\.xlsx: no regional power grid"):
        account_emissions(tibet, electricity=True, grid_factors=GRID, panel_source="x.xlsx")
