"""Perpetual inventory (Zhang & Liu 2024 eq. 7; docs/methods.md §4), worked by hand.

Province 13: base stock 1000; provincial FAI 100 every year; new fixed assets 80, 90,
100, 110 (2006-2009); FAI price index 100, 105, 110, 120 (2006 = 100).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from carbongap.accounting import account_capital, capital_stock
from carbongap.errors import DataError

NEW = {2006: 80.0, 2007: 90.0, 2008: 100.0, 2009: 110.0}
PRICE = {2006: 1.00, 2007: 1.05, 2008: 1.10, 2009: 1.20}


def _provinces(years: tuple[int, ...] = (2006, 2007, 2008, 2009),
               stock_everywhere: bool = False) -> pd.DataFrame:
    frame = pd.DataFrame({"province_code": 13, "year": list(years),
                          "fai_price_index": [100.0 * PRICE[y] for y in years],
                          "fai_province": 100.0, "new_fai_province": [NEW[y] for y in years]})
    frame["capital_stock_2006"] = 1000.0 if stock_everywhere else np.nan
    if not stock_everywhere:
        frame.loc[frame["year"] == 2006, "capital_stock_2006"] = 1000.0
    return frame


def _panel(fai: dict[int, dict[int, float]]) -> pd.DataFrame:
    rows = [{"city_code": c, "year": y, "province_code": c // 10000, "fai": v}
            for c, series in fai.items() for y, v in series.items()]
    return pd.DataFrame(rows)


TWO_CITIES = {130100: {2006: 40.0, 2007: 50.0, 2008: 60.0},
              130200: {2006: 60.0, 2007: 50.0, 2008: 40.0}}


def test_three_year_example_by_hand() -> None:
    out = capital_stock(_panel(TWO_CITIES), _provinces((2006, 2007, 2008)))
    assert list(out.columns) == ["city_code", "year", "capital", "investment_real"]
    a = out.loc[out["city_code"] == 130100]
    k06 = 1000.0 * 40.0 / 100.0  # base stock x city share of provincial FAI = 400
    i07 = (50.0 / 100.0) * 90.0 / 1.05  # share x new fixed assets / price = 42.857142857
    k07 = k06 * (1 - 0.05) + i07  # 422.857142857
    i08 = (60.0 / 100.0) * 100.0 / 1.10  # 54.545454545
    k08 = k07 * (1 - 0.05) + i08  # 456.259740260
    assert a["capital"].tolist() == pytest.approx([k06, k07, k08], rel=1e-12)
    assert a["investment_real"].tolist() == pytest.approx([0.4 * 80.0, i07, i08], rel=1e-12)
    assert k08 == pytest.approx(456.2597402597, rel=1e-10)


def test_city_stocks_and_investment_add_up_to_the_province() -> None:
    out = capital_stock(_panel(TWO_CITIES), _provinces((2006, 2007, 2008)))
    totals = out.groupby("year")[["capital", "investment_real"]].sum()
    kp = {2006: 1000.0}
    for year in (2007, 2008):
        kp[year] = kp[year - 1] * 0.95 + NEW[year] / PRICE[year]
    assert totals["capital"].tolist() == pytest.approx([kp[2006], kp[2007], kp[2008]], rel=1e-12)
    assert totals["investment_real"].tolist() == pytest.approx(
        [NEW[y] / PRICE[y] for y in (2006, 2007, 2008)], rel=1e-12)


def test_delta_is_configurable() -> None:
    out = capital_stock(_panel(TWO_CITIES), _provinces((2006, 2007, 2008)), delta=0.0)
    # delta = 0: K = K_2006 + cumulative real investment
    assert out["capital"].iloc[1] == pytest.approx(400.0 + 0.5 * 90.0 / 1.05, rel=1e-12)


def test_base_stock_given_once_or_on_every_row() -> None:
    once = capital_stock(_panel(TWO_CITIES), _provinces((2006, 2007, 2008)))
    every = capital_stock(_panel(TWO_CITIES), _provinces((2006, 2007, 2008), True))
    assert once["capital"].tolist() == every["capital"].tolist()
    clash = _provinces((2006, 2007, 2008), True)
    clash.loc[2, "capital_stock_2006"] = 999.0
    with pytest.raises(DataError, match=r"capital_stock_2006' takes different values within "
                                        r"province\(s\) \[13\]"):
        capital_stock(_panel(TWO_CITIES), clash)


def test_late_start_takes_share_of_carried_forward_provincial_stock() -> None:
    result = account_capital(_panel({130300: {2007: 50.0, 2008: 60.0}}),
                             _provinces((2006, 2007, 2008)))
    kp07 = 1000.0 * 0.95 + 90.0 / 1.05  # provincial stock carried forward, 1035.714285714
    k07 = kp07 * 50.0 / 100.0
    k08 = k07 * 0.95 + 0.6 * 100.0 / 1.10
    assert result.frame["capital"].tolist() == pytest.approx([k07, k08], rel=1e-12)
    assert result.starts.to_dict("records") == [
        {"city_code": 130300, "start_year": 2007.0, "late": True}]


def test_blank_base_year_fai_starts_the_city_later_with_reason() -> None:
    result = account_capital(_panel({130100: {2006: np.nan, 2007: 50.0}}),
                             _provinces((2006, 2007)))
    assert math.isnan(result.frame["capital"].iloc[0])
    assert result.frame["capital"].iloc[1] == pytest.approx(
        (1000.0 * 0.95 + 90.0 / 1.05) * 0.5, rel=1e-12)
    assert result.reasons.tolist() == ["capital: city fai missing", ""]


GAPPY = {130100: {2006: 40.0, 2007: 50.0, 2008: np.nan, 2009: 70.0}}
I07 = 0.5 * 90.0 / 1.05  # 42.857142857
I09 = 0.7 * 110.0 / 1.20  # 64.166666667
K07 = 400.0 * 0.95 + I07


def test_interior_gap_interpolates_the_real_flow() -> None:
    result = account_capital(_panel(GAPPY), _provinces())
    i08 = (I07 + I09) / 2  # linear interpolation between 2007 and 2009
    k08 = K07 * 0.95 + i08
    k09 = k08 * 0.95 + I09
    assert result.frame["capital"].tolist() == pytest.approx([400.0, K07, k08, k09], rel=1e-12)
    assert result.frame["investment_real"].iloc[2] == pytest.approx(i08, rel=1e-12)
    assert result.interpolated[["city_code", "year", "in_panel"]].to_dict("records") == [
        {"city_code": 130100, "year": 2008, "in_panel": True}]
    assert result.reasons.tolist() == ["", "", "", ""]


def test_absent_year_is_interpolated_but_not_reported_as_a_row() -> None:
    panel = _panel(GAPPY).query("year != 2008")
    result = account_capital(panel, _provinces())
    k09 = (K07 * 0.95 + (I07 + I09) / 2) * 0.95 + I09
    assert result.frame["year"].tolist() == [2006, 2007, 2009]
    assert result.frame["capital"].iloc[2] == pytest.approx(k09, rel=1e-12)
    assert result.interpolated["in_panel"].tolist() == [False]


def test_gap_stops_the_series_under_stop() -> None:
    result = account_capital(_panel(GAPPY), _provinces(), gaps="stop")
    capital = result.frame["capital"]
    assert capital.iloc[:2].tolist() == pytest.approx([400.0, K07], rel=1e-12)
    assert capital.iloc[2:].isna().all()
    assert result.reasons.tolist()[2:] == [
        "capital: city fai missing",
        "capital: series ended at an earlier year without investment (gaps='stop')"]
    assert result.interpolated.empty


def test_trailing_provincial_gap_is_not_filled() -> None:
    provinces = _provinces()
    provinces.loc[provinces["year"] == 2009, "new_fai_province"] = np.nan  # as after 2016
    panel = _panel({130100: {2006: 40.0, 2007: 50.0, 2008: 60.0, 2009: 70.0}})
    for gaps in ("interpolate", "stop"):
        result = account_capital(panel, provinces, gaps=gaps)
        assert math.isnan(result.frame["capital"].iloc[3])
        assert result.reasons.iloc[3] == "capital: provincial new_fai_province missing"


def test_missing_base_stock_and_years_before_base() -> None:
    provinces = _provinces((2006, 2007)).assign(capital_stock_2006=np.nan)
    panel = _panel({130100: {2005: 30.0, 2006: 40.0, 2007: 50.0}})
    result = account_capital(panel, provinces)
    assert result.frame["capital"].isna().all()
    assert result.reasons.tolist() == ["capital: year before the base year 2006",
                                       "capital: provincial capital_stock_2006 missing",
                                       "capital: provincial capital_stock_2006 missing"]


def test_blank_provincial_fai_in_the_base_year_is_an_error() -> None:
    # Without it every city of the province would silently start late (docs/methods.md §4).
    provinces = _provinces((2006, 2007))
    provinces.loc[provinces["year"] == 2006, "fai_province"] = np.nan
    with pytest.raises(DataError, match=r"prov.csv: column 'fai_province' has no value in the "
                       r"base year 2006 for province\(s\) \[13\]") as info:
        account_capital(_panel(TWO_CITIES), provinces, provinces_source="prov.csv")
    assert info.value.column == "fai_province" and "start late" in str(info.value)
    # a province whose cities all start after the base year does not need it
    later = {130100: {2007: 50.0}, 130200: {2007: 50.0}}
    out = account_capital(_panel(later), provinces).frame
    assert out["capital"].tolist() == pytest.approx([0.5 * (950.0 + 90.0 / 1.05)] * 2, rel=1e-12)


def test_share_excess_is_reported() -> None:
    panel = _panel({130100: {2006: 70.0}, 130200: {2006: 60.0}})
    result = account_capital(panel, _provinces((2006,)))
    assert result.share_excess.to_dict("records") == [
        {"province_code": 13, "year": 2006, "share_sum": pytest.approx(1.3)}]


def test_bad_options_and_inputs() -> None:
    panel, provinces = _panel(TWO_CITIES), _provinces((2006, 2007, 2008))
    with pytest.raises(ValueError, match="gaps 'zero' is not one of: interpolate, stop"):
        capital_stock(panel, provinces, gaps="zero")  # type: ignore[arg-type]
    # the same wording as the configuration's check of [accounting] delta
    with pytest.raises(ValueError, match=r"delta must be in \[0, 1\), got 1.0"):
        capital_stock(panel, provinces, delta=1.0)
    with pytest.raises(DataError, match="no row for province 13 year 2008"):
        capital_stock(panel, provinces.query("year != 2008"))
    with pytest.raises(DataError, match="'fai_province' must be positive"):
        capital_stock(panel, provinces.assign(fai_province=0.0))
    with pytest.raises(DataError, match=r"'fai' has negative values.*city_code 130100, year 2006"):
        capital_stock(panel.assign(fai=-1.0), provinces)
    with pytest.raises(DataError, match=r"column\(s\) new_fai_province missing"):
        capital_stock(panel, provinces.drop(columns="new_fai_province"))
    with pytest.raises(DataError, match="'fai_price_index' has no value in the base year"):
        capital_stock(panel, provinces.assign(fai_price_index=[np.nan, 105.0, 110.0]))


def test_late_start_overlap_by_hand() -> None:
    # Fixture: new fixed assets 90 in 2007 at FAI price 1.05. Kp_2006 = 1000; city 130100
    # has share 1 in 2006, then 0.6; 130200 is first seen in 2007 with share 0.4.
    # Kp_2007 = 1000 x 0.95 + 90 / 1.05 = 1035.714285714;
    # K_A,2007 = 950 + 0.6 x 90 / 1.05 = 1001.428571429; K_B,2007 = 0.4 x Kp_2007 =
    # 414.285714286; sum 1415.714285714 > Kp: the late city's allocation is counted twice.
    panel = _panel({130100: {2006: 100.0, 2007: 60.0}, 130200: {2007: 40.0}})
    result = account_capital(panel, _provinces((2006, 2007)))
    kp = 1000.0 * 0.95 + 90.0 / 1.05
    overlap = result.overlap
    assert overlap[["province_code", "year"]].values.tolist() == [[13, 2007]]
    assert overlap["provincial_capital"].iloc[0] == pytest.approx(kp, rel=1e-12)
    assert overlap["cities_capital"].iloc[0] == pytest.approx(
        950.0 + 0.6 * 90.0 / 1.05 + 0.4 * kp, rel=1e-12)
    # all cities from the base year, shares summing to 1: no overlap table rows, and the
    # identity the module docstring states holds (test_city_stocks_..._add_up_...)
    assert account_capital(_panel(TWO_CITIES), _provinces((2006, 2007, 2008))).overlap.empty


def test_messages_name_the_sources() -> None:
    panel, provinces = _panel(TWO_CITIES), _provinces((2006, 2007, 2008))
    with pytest.raises(DataError, match=r"^prov\.csv: no row for province 13 year 2008, needed "
                                        r"for the capital stock of city_code 130100, year 2008"):
        account_capital(panel, provinces.query("year != 2008"), provinces_source="prov.csv")
    with pytest.raises(DataError, match=r"^city\.dta: column 'fai' has negative"):
        account_capital(panel.assign(fai=-1.0), provinces, panel_source="city.dta")
    with pytest.raises(DataError, match=r"^provinces: no row for province 13 year 2008"):
        account_capital(panel, provinces.query("year != 2008"))
