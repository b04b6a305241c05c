"""Stage ``accounting``: the city-year table, provenance, exclusions, notes and files."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from carbongap.config import load_config
from carbongap.errors import ConfigError, DataError
from carbongap.ingest.load import empty_provinces, load_panel
from carbongap.stagekit.stage import Context, StageResult
from carbongap.stagekit.writer import OutputWriter
from carbongap.stages import accounting

C = 44.0 / 12.0
RAW_COAL = 20.908 * 0.0258 * 0.99 * C  # t CO2 per t raw coal, paper set
GAS = 389.31 * 0.0153 * C  # t CO2 per 10^4 m3 natural gas, paper set


def _panel() -> pd.DataFrame:
    return pd.DataFrame({
        "city_code": [130100, 130100, 130200, 130200], "city_name": ["a", "a", "b", "b"],
        "province_code": [13, 13, 13, 13], "year": [2006, 2007, 2006, 2007],
        "gdp": [100.0, 220.0, 50.0, 0.0], "fai": [40.0, 50.0, 60.0, 50.0],
        "raw_coal": [10.0, 20.0, 30.0, np.nan], "natural_gas": [1.0, 2.0, 3.0, 4.0],
        "electricity": [5.0, 5.0, 5.0, 5.0]})


def _provinces() -> pd.DataFrame:
    return pd.DataFrame({"province_code": [13, 13], "year": [2006, 2007],
                         "gdp_deflator": [100.0, 110.0], "fai_price_index": [100.0, 105.0],
                         "fai_province": [100.0, 100.0], "new_fai_province": [80.0, np.nan],
                         "capital_stock_2006": [1000.0, 1000.0]})


def _run(panel: pd.DataFrame, provinces: pd.DataFrame, *overrides: str) -> StageResult:
    config = load_config(overrides=overrides)
    upstream = {"validate": StageResult(tables={"panel": panel, "provinces": provinces})}
    return accounting.compute(Context(config=config, upstream=upstream))


def test_city_year_table_by_hand() -> None:
    result = _run(_panel(), _provinces())
    table = result.tables["accounting"]
    assert list(table.columns) == ["city_code", "year", "province_code", "co2", "co2_raw_coal",
                                   "co2_natural_gas", "gdp_real", "co2pgdp", "capital",
                                   "investment_real"]
    first = table.iloc[0]
    assert first["co2"] == pytest.approx(10.0 * RAW_COAL + 1.0 * GAS, rel=1e-12)
    assert first["gdp_real"] == 100.0  # base year: deflator 100 / 100 = 1
    assert first["co2pgdp"] == pytest.approx((10.0 * RAW_COAL + GAS) / 100.0, rel=1e-12)
    assert first["capital"] == pytest.approx(1000.0 * 40.0 / 100.0, rel=1e-12)
    second = table.iloc[1]
    assert second["gdp_real"] == pytest.approx(220.0 / 1.10, rel=1e-12)
    assert second["co2pgdp"] == pytest.approx((20.0 * RAW_COAL + 2.0 * GAS) / 200.0, rel=1e-12)
    assert math.isnan(second["capital"])  # provincial new fixed assets blank in 2007
    assert math.isnan(table["co2"].iloc[3]) and math.isnan(table["co2pgdp"].iloc[3])


def test_every_missing_value_is_a_counted_exclusion() -> None:
    log = _run(_panel(), _provinces()).attrition
    assert set(log["stage"]) == {"accounting"}
    got = {(r.reason, r.city_code, r.year) for r in log.itertuples()}
    assert got == {
        ("co2: fuel use missing (raw_coal)", 130200, 2007),
        ("capital: provincial new_fai_province missing", 130100, 2007),
        ("capital: provincial new_fai_province missing", 130200, 2007),
        ("co2pgdp: gdp_real is zero", 130200, 2007),
    }


def test_notes_and_provenance() -> None:
    result = _run(_panel(), _provinces())
    assert any("factor set paper" in n for n in result.notes)
    assert any("electricity column is not used" in n for n in result.notes)
    prov = result.tables["factors"]
    assert list(prov.columns) == ["fuel", "quantity", "value", "unit", "source"]
    assert set(prov["fuel"]) == {"raw_coal", "natural_gas"}
    coal = prov.loc[prov["fuel"] == "raw_coal"].set_index("quantity")
    assert coal.loc["ncv", "value"] == 20908.0 and coal.loc["ncv", "unit"] == "kJ/kg"
    assert coal.loc["tco2_per_unit", "value"] == pytest.approx(RAW_COAL, rel=1e-12)


def test_ipcc_set_and_electricity_from_config(tmp_path: Path) -> None:
    grid = tmp_path / "grid.csv"
    grid.write_text("grid,year,tco2_per_mwh\nnorth,2006,0.5\nnorth,2007,0.4\n", encoding="utf-8")
    result = _run(_panel(), _provinces(), 'accounting.factors="ipcc2006"',
                  "accounting.electricity=true", f'accounting.grid_factors="{grid}"')
    table = result.tables["accounting"]
    # 5 (10^4 kWh) = 50 MWh x 0.5 or 0.4 t CO2/MWh
    assert table["co2_electricity"].tolist() == pytest.approx([25.0, 20.0, 25.0, 20.0])
    ipcc_coal = 25.8 * 0.0258 * C
    assert table["co2_raw_coal"].iloc[0] == pytest.approx(10.0 * ipcc_coal, rel=1e-12)
    assert "density" in set(result.tables["factors"]["quantity"])
    assert "grid_factor_north_2007" in set(result.tables["factors"]["quantity"])


def test_electricity_without_grid_table_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="needs grid_factors"):
        _run(_panel(), _provinces(), "accounting.electricity=true")


def test_supplied_co2_without_provinces_gives_co2_only_with_note() -> None:
    panel = _panel().loc[:, ["city_code", "city_name", "province_code", "year"]].assign(
        co2=[1e6, 2e6, 3e6, 4e6])
    result = _run(panel, empty_provinces())
    table = result.tables["accounting"]
    assert table["co2"].tolist() == [1e6, 2e6, 3e6, 4e6]
    # columns that were not computed are absent, not all-NaN
    assert list(table.columns) == ["city_code", "year", "province_code", "co2"]
    assert any("not computed (absent)" in n for n in result.notes)
    assert result.attrition.empty


def test_gdp_without_provinces_is_an_error() -> None:
    with pytest.raises(DataError, match="the panel has gdp but no provincial table is given"):
        _run(_panel(), empty_provinces())


def test_interpolation_is_logged_and_stop_is_honoured() -> None:
    panel = pd.DataFrame({"city_code": 130100, "city_name": "a", "province_code": 13,
                          "year": [2006, 2007, 2008], "gdp": 1.0, "fai": [40.0, np.nan, 60.0],
                          "raw_coal": 1.0})
    provinces = pd.DataFrame({"province_code": 13, "year": [2006, 2007, 2008],
                              "gdp_deflator": 100.0, "fai_price_index": 100.0,
                              "fai_province": 100.0, "new_fai_province": 100.0,
                              "capital_stock_2006": 1000.0})
    filled = _run(panel, provinces)
    # I_2006 = 40, I_2008 = 60, so I_2007 = 50; K = 400, 400 x 0.95 + 50 = 430, 430 x 0.95 + 60
    assert filled.tables["accounting"]["capital"].tolist() == pytest.approx([400.0, 430.0, 468.5])
    assert filled.tables["capital_interpolated"]["year"].tolist() == [2007]
    assert any("interpolated" in n for n in filled.notes)
    stopped = _run(panel, provinces, 'accounting.gaps="stop"')
    assert stopped.tables["accounting"]["capital"].isna().tolist() == [False, True, True]
    assert len(stopped.attrition) == 2


def test_write_outputs(tmp_path: Path) -> None:
    result = _run(_panel(), _provinces())
    out = OutputWriter(tmp_path)
    accounting.write(result, out, load_config())
    written = sorted(p.relative_to(tmp_path).as_posix() for p in out.paths)
    assert written == ["tables/accounting_city_year.csv", "tables/capital_interpolated.csv",
                       "tables/factor_provenance.csv", "tables/factor_provenance.md"]
    back = pd.read_csv(tmp_path / "tables/accounting_city_year.csv")
    assert back["co2"].tolist() == pytest.approx(result.tables["accounting"]["co2"].tolist(),
                                                 rel=0, abs=0, nan_ok=True)


def test_yearbook_headers_through_validation(tmp_path: Path) -> None:
    # 天然气供气总量(亿立方米) is in 10^8 m3: the alias multiplies by 10^4 to reach 10^4 m3.
    cities = tmp_path / "cities.csv"
    cities.write_text("城市代码,年份,地区生产总值(万元),全社会固定资产投资(万元),原煤(吨),"
                      "天然气供气总量(亿立方米)\n130100,2006,1000000,400000,2,0.5\n",
                      encoding="utf-8")
    provinces = tmp_path / "provinces.csv"
    provinces.write_text("省份代码,年份,GDP平减指数,固定资产投资价格指数,全社会固定资产投资(万元),"
                         "新增固定资产(万元),资本存量(万元)\n13,2006,100,100,1000000,800000,"
                         "5000000\n", encoding="utf-8")
    loaded = load_panel(cities, provinces, magnitude_warnings=False)
    result = _run(loaded.cities, loaded.provinces)
    row = result.tables["accounting"].iloc[0]
    assert row["co2_natural_gas"] == pytest.approx(0.5 * 1e4 * GAS, rel=1e-12)
    assert row["co2"] == pytest.approx(2.0 * RAW_COAL + 5000.0 * GAS, rel=1e-12)
    assert row["capital"] == pytest.approx(5000000.0 * 0.4, rel=1e-12)


def test_ceads_inventory_passes_through(ceads_workbook: Path) -> None:
    loaded = load_panel(ceads_workbook, magnitude_warnings=False)
    result = _run(loaded.cities, loaded.provinces)
    table = result.tables["accounting"]
    np.testing.assert_array_equal(table["co2"].to_numpy(), loaded.cities["co2"].to_numpy())
    assert "gdp_real" not in table.columns
    assert result.tables["factors"].empty


@pytest.mark.parametrize(("dropped", "header"), [("gdp", "地区生产总值(万元)"),
                                                 ("fai", "全社会固定资产投资(万元)")])
def test_provinces_without_gdp_or_fai_is_an_error_listing_the_headers(dropped: str,
                                                                      header: str) -> None:
    # before: a note, NaN columns, and a meaningless failure two stages later
    with pytest.raises(DataError) as info:
        _run(_panel().drop(columns=dropped), _provinces(), 'data.panel="in/city.xlsx"',
             'data.provinces="in/prov.csv"')
    message = str(info.value)
    assert message.startswith("in/city.xlsx: a provincial table (in/prov.csv) is given")
    assert f"lacks column(s): {dropped} (10^4 yuan; accepted headers: {dropped}, {header}" in (
        message)
    assert info.value.column == dropped


def test_errors_after_validation_name_the_files() -> None:
    provinces = _provinces().loc[lambda d: d["year"] == 2006]  # no row for 2007
    with pytest.raises(DataError) as info:
        _run(_panel(), provinces, 'data.panel="in/city.csv"', 'data.provinces="in/prov.xlsx"',
             'data.provinces_sheet="2006"')
    assert str(info.value).startswith("in/prov.xlsx [sheet 2006]: no row for province 13 "
                                      "year 2007, needed for real GDP of city_code 130100, "
                                      "year 2007; city_code 130200, year 2007")
    assert info.value.source == "in/prov.xlsx [sheet 2006]"
    negative = _panel().assign(fai=[40.0, -1.0, 60.0, 50.0])
    with pytest.raises(DataError, match=r"^in/city.csv: column 'fai' has negative values in "
                                        r"1 row\(s\) \(city_code 130100, year 2007\)"):
        _run(negative, _provinces(), 'data.panel="in/city.csv"', 'data.provinces="p.csv"')
    # the synthetic default is named by its seed, as validation names it
    with pytest.raises(DataError, match=r"^<synthetic seed=7> provinces: no row for province "
                                        "13 year 2007"):
        _run(_panel(), provinces, "data.synthetic_seed=7")


def test_sources_of_the_configuration() -> None:
    assert accounting.sources(load_config().data) == ("<synthetic seed=0> cities",
                                                      "<synthetic seed=0> provinces")
    data = load_config(overrides=['data.panel="a.xlsx"', 'data.sheet="s"']).data
    assert accounting.sources(data) == ("a.xlsx [sheet s]", "provinces")


def test_base_year_other_than_2006_is_refused_with_provinces() -> None:
    with pytest.raises(ConfigError, match=r"base_year = 2007: the capital stock is anchored on "
                                          "the provincial column capital_stock_2006, the "
                                          "stock of 2006 at 2006 prices"):
        _run(_panel(), _provinces(), "accounting.base_year=2007")


def test_late_start_overlap_is_noted() -> None:
    # Province 13: Kp_2006 = 1000, city A alone (share 1); 2007-2008 shares A 0.6, B 0.4,
    # new fixed assets 90, 100 at price 1. Kp_2007 = 950 + 90 = 1040, Kp_2008 = 988 + 100 =
    # 1088. K_A = 1000, 950 + 54 = 1004, 953.8 + 60 = 1013.8; K_B = 0.4 x 1040 = 416,
    # 395.2 + 40 = 435.2. Sums 1420 (136.538...% of Kp) and 1449 (133.180...%).
    panel = pd.DataFrame({"city_code": [130100] * 3 + [130200] * 2, "city_name": "x",
                          "province_code": 13, "year": [2006, 2007, 2008, 2007, 2008],
                          "gdp": 100.0, "fai": [100.0, 60.0, 60.0, 40.0, 40.0],
                          "raw_coal": 1.0})
    provinces = pd.DataFrame({"province_code": 13, "year": [2006, 2007, 2008],
                              "gdp_deflator": 100.0, "fai_price_index": 100.0,
                              "fai_province": 100.0, "new_fai_province": [80.0, 90.0, 100.0],
                              "capital_stock_2006": 1000.0})
    result = _run(panel, provinces)
    capital = result.tables["accounting"].set_index(["city_code", "year"])["capital"]
    assert capital[(130100, 2008)] == pytest.approx(1013.8, rel=1e-12)
    assert capital[(130200, 2008)] == pytest.approx(435.2, rel=1e-12)
    assert ("capital: a late-starting city gets its share of a provincial stock that already "
            "includes the stock of the cities observed before it (see "
            "carbongap.accounting.capital), so the cities' stocks can add up to more than the "
            "provincial stock of eq. 7: in the 2 province-years from a late start on they add "
            "up to 133.2%-136.5% of it (median 134.9%), above 100% in 2 of them "
            "(province:year:share 13:2007:136.5%, 13:2008:133.2%)") in result.notes
