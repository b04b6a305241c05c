"""Small hand-made raw panels for loader and validation tests."""

from __future__ import annotations

import pandas as pd

#: Canonical header -> a Chinese yearbook header for the same column.
CHINESE_HEADERS: dict[str, str] = {
    "city_code": "行政区划代码",
    "city_name": "城市",
    "year": "年份",
    "gdp": "地区生产总值(万元)",
    "secondary_share": "第二产业占GDP比重(%)",
    "population": "年末总人口(万人)",
    "employment": "全社会从业人员(万人)",
    "fai": "全社会固定资产投资(万元)",
    "disposable_income": "城镇居民人均可支配收入(元)",
    "natural_gas": "天然气供气总量(万立方米)",
    "lpg": "液化石油气供气总量(吨)",
    "electricity": "全社会用电量(万千瓦时)",
}


def raw_panel() -> pd.DataFrame:
    """Three cities (two provinces) x three years, canonical headers, plausible magnitudes."""
    rows = []
    cities = [(130100, "石家庄市"), (130200, "唐山市"), (320100, "南京市")]
    for i, (code, name) in enumerate(cities):
        for t, year in enumerate((2006, 2007, 2008)):
            rows.append({
                "city_code": code, "city_name": name, "year": year,
                "gdp": 2.0e7 * (1 + i) * (1.1 ** t), "secondary_share": 45.0 + i,
                "population": 900.0 + 10 * i, "employment": 400.0 + 5 * i,
                "fai": 1.0e7 * (1 + i), "disposable_income": 12000.0 + 1000 * t,
                "natural_gas": 30000.0 + 100 * t, "lpg": 50000.0, "electricity": 2.0e6,
            })
    # Round so that every format (Excel stores 15 significant digits) keeps values exactly.
    return pd.DataFrame(rows).round(2)


def raw_provinces() -> pd.DataFrame:
    """Provincial table for provinces 13 and 32, 2006-2008."""
    rows = []
    for code in (13, 32):
        for t, year in enumerate((2006, 2007, 2008)):
            rows.append({"province_code": code, "year": year, "gdp_deflator": 100.0 * 1.04 ** t,
                         "fai_price_index": 100.0 * 1.03 ** t, "fai_province": 5.0e7 * 1.2 ** t,
                         "new_fai_province": 3.5e7 * 1.2 ** t, "capital_stock_2006": 2.0e8})
    return pd.DataFrame(rows).round(4)
