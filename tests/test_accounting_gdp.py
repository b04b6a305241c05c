"""Real GDP at base-year prices: gdp / (D_t / D_base) (docs/methods.md §4)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from carbongap.accounting import account_real_gdp, real_gdp
from carbongap.errors import DataError


def _panel() -> pd.DataFrame:
    return pd.DataFrame({"city_code": [130100, 130100, 130100, 320100, 320100],
                         "year": [2006, 2007, 2008, 2006, 2007],
                         "province_code": [13, 13, 13, 32, 32],
                         "gdp": [100.0, 220.0, 363.0, 50.0, 52.5]})


def _provinces() -> pd.DataFrame:
    return pd.DataFrame({"province_code": [13, 13, 13, 32, 32],
                         "year": [2006, 2007, 2008, 2006, 2007],
                         "gdp_deflator": [100.0, 110.0, 121.0, 100.0, 105.0]})


def test_hand_computed_real_gdp() -> None:
    out = real_gdp(_panel(), _provinces())
    assert list(out.columns) == ["city_code", "year", "gdp_real"]
    # 100 / 1.00; 220 / 1.10 = 200; 363 / 1.21 = 300; 50 / 1.00; 52.5 / 1.05 = 50
    assert out["gdp_real"].tolist() == pytest.approx([100.0, 200.0, 300.0, 50.0, 50.0],
                                                     rel=1e-12)


def test_deflation_is_one_in_the_base_year() -> None:
    out = real_gdp(_panel(), _provinces())
    base = out["year"] == 2006
    assert (out.loc[base, "gdp_real"].to_numpy() == _panel().loc[base, "gdp"].to_numpy()).all()


def test_index_base_does_not_matter_and_base_year_moves_prices() -> None:
    # The same deflator with 2008 = 100 (divide by 1.21) gives the same 2006-price GDP.
    rebased = _provinces().assign(gdp_deflator=lambda d: d["gdp_deflator"] / 1.21)
    assert real_gdp(_panel(), rebased)["gdp_real"].tolist() == pytest.approx(
        real_gdp(_panel(), _provinces())["gdp_real"].tolist(), rel=1e-12)
    # At 2007 prices: Hebei 2006 GDP 100 x 110/100 = 110; Jiangsu 2007 GDP 52.5 unchanged.
    at_2007 = real_gdp(_panel(), _provinces(), base_year=2007)
    assert at_2007["gdp_real"].tolist() == pytest.approx([110.0, 220.0, 330.0, 52.5, 52.5],
                                                         rel=1e-12)


def test_blank_cells_give_nan_with_reason() -> None:
    panel = _panel()
    panel.loc[4, "gdp"] = np.nan
    provinces = _provinces()
    provinces.loc[2, "gdp_deflator"] = np.nan
    result = account_real_gdp(panel, provinces)
    assert math.isnan(result.frame["gdp_real"].iloc[2])
    assert math.isnan(result.frame["gdp_real"].iloc[4])
    assert result.reasons.tolist() == ["", "", "gdp_real: provincial gdp_deflator missing", "",
                                       "gdp_real: city gdp missing"]


def test_missing_deflator_year_is_an_error() -> None:
    provinces = _provinces().drop(index=2)
    with pytest.raises(DataError, match=r"no row for province 13 year 2008.*city_code 130100, "
                                        r"year 2008"):
        real_gdp(_panel(), provinces)


def test_missing_base_year_deflator_is_an_error() -> None:
    provinces = _provinces()
    provinces.loc[3, "gdp_deflator"] = np.nan  # Jiangsu 2006
    with pytest.raises(DataError, match=r"no value in the base year 2006 for province\(s\) \[32\]"):
        real_gdp(_panel(), provinces)


def test_zero_deflator_is_an_error() -> None:
    provinces = _provinces()
    provinces.loc[1, "gdp_deflator"] = 0.0
    with pytest.raises(DataError, match=r"'gdp_deflator' must be positive.*province_code 13, year "
                                        r"2007"):
        real_gdp(_panel(), provinces)


def test_unknown_province_is_an_error() -> None:
    with pytest.raises(DataError, match=r"provinces: unknown province code\(s\) \[77\]"):
        real_gdp(_panel(), _provinces().assign(province_code=[13, 13, 13, 77, 77]))
    with pytest.raises(DataError, match=r"panel: unknown province code\(s\) \[88\]"):
        real_gdp(_panel().assign(province_code=88), _provinces())


def test_bad_gdp_column() -> None:
    with pytest.raises(DataError, match="column\\(s\\) gdp missing"):
        real_gdp(_panel().drop(columns="gdp"), _provinces())
    with pytest.raises(DataError, match=r"'gdp' has negative values.*city_code 130100, year 2007"):
        real_gdp(_panel().assign(gdp=[1.0, -1.0, 1.0, 1.0, 1.0]), _provinces())
    with pytest.raises(DataError, match=r"gdp_deflator missing, needed for real GDP "
                       r"\(gdp_deflator \(index, base year = 100; accepted headers: "
                       r"gdp_deflator, GDP平减指数"):
        real_gdp(_panel(), _provinces().drop(columns="gdp_deflator"))


def test_messages_name_the_sources() -> None:
    with pytest.raises(DataError, match=r"^p\.xlsx \[sheet a\]: no row for province"):
        account_real_gdp(_panel(), _provinces().iloc[:1], provinces_source="p.xlsx [sheet a]")
    with pytest.raises(DataError, match=r"^c\.csv: column\(s\) gdp missing"):
        account_real_gdp(_panel().drop(columns="gdp"), _provinces(), panel_source="c.csv")
