"""Loaders: CSV, Excel and Stata panels, Chinese headers, unit aliases (docs/methods.md §3)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from carbongap.errors import DataError
from carbongap.ingest.load import load_panel

from panel_factory import CHINESE_HEADERS, raw_panel, raw_provinces

NUMERIC = ["gdp", "secondary_share", "population", "employment", "fai", "disposable_income",
           "natural_gas", "lpg", "electricity"]


def _expected() -> pd.DataFrame:
    return raw_panel().sort_values(["city_code", "year"]).reset_index(drop=True)


def _assert_same_numbers(panel: pd.DataFrame) -> None:
    expected = _expected()
    assert panel["city_code"].tolist() == expected["city_code"].tolist()
    assert panel["year"].tolist() == expected["year"].tolist()
    assert panel["province_code"].tolist() == (expected["city_code"] // 10000).tolist()
    for column in NUMERIC:
        np.testing.assert_array_equal(panel[column].to_numpy(), expected[column].to_numpy())


def test_csv_canonical_headers(tmp_path):
    path = tmp_path / "panel.csv"
    raw_panel().to_csv(path, index=False)
    loaded = load_panel(path, years=(2006, 2008))
    _assert_same_numbers(loaded.cities)
    assert loaded.cities["city_code"].dtype == "int64"
    assert loaded.cities["city_name"].tolist()[:3] == ["石家庄市"] * 3
    assert loaded.provinces.empty


def test_csv_chinese_headers_utf8_bom_and_gb18030(tmp_path):
    frame = raw_panel().rename(columns=CHINESE_HEADERS)
    for encoding in ("utf-8-sig", "gb18030"):
        path = tmp_path / f"panel_{encoding}.csv"
        frame.to_csv(path, index=False, encoding=encoding)
        _assert_same_numbers(load_panel(path, years=(2006, 2008)).cities)


def test_excel_chinese_headers_with_fullwidth_brackets(tmp_path):
    # Yearbook exports use full-width brackets: 地区生产总值（万元）.
    headers = {k: v.replace("(", "（").replace(")", "）") for k, v in CHINESE_HEADERS.items()}
    path = tmp_path / "panel.xlsx"
    raw_panel().rename(columns=headers).to_excel(path, index=False)
    _assert_same_numbers(load_panel(path, years=(2006, 2008)).cities)


def test_stata_names_and_chinese_variable_labels(tmp_path):
    # Stata names are short; the Chinese yearbook header sits in the variable label.
    frame = raw_panel()
    short = {c: f"v{i}" for i, c in enumerate(frame.columns) if c not in ("city_code", "year")}
    labels = [CHINESE_HEADERS.get(c, c) for c in frame.columns]
    path = tmp_path / "panel.dta"
    pyreadstat.write_dta(frame.rename(columns=short), str(path), column_labels=labels,
                         version=15)
    _assert_same_numbers(load_panel(path, years=(2006, 2008)).cities)


def test_alias_in_other_unit_is_rescaled(tmp_path):
    # 地区生产总值(亿元) is in 10^8 yuan: x 10^4 to reach the canonical 10^4 yuan.
    frame = raw_panel()
    frame["gdp"] = frame["gdp"] / 1e4
    path = tmp_path / "panel.csv"
    frame.rename(columns={"gdp": "地区生产总值(亿元)"}).to_csv(path, index=False)
    loaded = load_panel(path, years=(2006, 2008)).cities
    np.testing.assert_allclose(loaded["gdp"], _expected()["gdp"], rtol=1e-15)


def test_missing_tokens_and_thousands_separators(tmp_path):
    frame = raw_panel().astype({"gdp": object, "lpg": object})
    frame.loc[0, "gdp"] = "20,000,000"
    frame.loc[1, "lpg"] = "—"
    frame.loc[2, "lpg"] = ""
    path = tmp_path / "panel.csv"
    frame.to_csv(path, index=False)
    loaded = load_panel(path, years=(2006, 2008)).cities
    assert loaded.loc[0, "gdp"] == 2.0e7
    assert loaded["lpg"].isna().sum() == 2
    notes = [n for n in load_panel(path, years=(2006, 2008)).notes if "thousands" in n]
    assert notes == [f"{path}: cells with thousands separators, read without the commas "
                     "(1,234 as 1234): column 'gdp': 1"]


@pytest.mark.parametrize("text", ["1,23", "12 345", "1.234,5", "1,2345"])
def test_other_separators_are_an_error_naming_the_row(tmp_path, text):
    frame = raw_panel().astype({"gdp": object})
    frame.loc[1, "gdp"] = text
    path = tmp_path / "panel.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(DataError, match=f"column 'gdp' has non-numeric .* rows 3 .*{text!r}"):
        load_panel(path, years=(2006, 2008))


def test_province_names_accepted_as_province_codes(tmp_path):
    frame = raw_panel()
    frame["province"] = np.where(frame["city_code"] // 10000 == 13, "河北省", "江苏")
    path = tmp_path / "panel.csv"
    frame.to_csv(path, index=False)
    loaded = load_panel(path, years=(2006, 2008)).cities
    assert loaded["province_code"].tolist() == [13] * 6 + [32] * 3


def test_provincial_table_chinese_headers(tmp_path):
    path = tmp_path / "prov.xlsx"
    raw_provinces().rename(columns={"province_code": "省份代码", "year": "年份",
                                    "fai_province": "全社会固定资产投资(亿元)"}).assign(
        **{"全社会固定资产投资(亿元)": lambda f: f["全社会固定资产投资(亿元)"] / 1e4}
    ).to_excel(path, index=False)
    cities = tmp_path / "panel.csv"
    raw_panel().to_csv(cities, index=False)
    loaded = load_panel(cities, path, years=(2006, 2008))
    np.testing.assert_allclose(loaded.provinces["fai_province"],
                               raw_provinces()["fai_province"], rtol=1e-15)
    assert loaded.provinces["province_code"].dtype == "int64"


def test_blank_rows_do_not_shift_row_numbers(tmp_path):
    # A blank line in the middle must not change the row number reported later.
    path = tmp_path / "panel.csv"
    lines = raw_panel().to_csv(index=False).splitlines()
    lines.insert(3, "")
    bad = lines[5].split(",")
    bad[3] = "oops"  # gdp of spreadsheet row 6
    lines[5] = ",".join(bad)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"rows 6 "):
        load_panel(path, years=(2006, 2008))


def test_provincial_table_from_a_named_sheet(tmp_path):
    path = tmp_path / "prov.xlsx"
    with pd.ExcelWriter(path) as xl:
        pd.DataFrame({"note": ["provincial series, see sheet data"]}).to_excel(
            xl, sheet_name="readme", index=False)
        raw_provinces().to_excel(xl, sheet_name="data", index=False)
    cities = tmp_path / "panel.csv"
    raw_panel().to_csv(cities, index=False)
    loaded = load_panel(cities, path, provinces_sheet="data", years=(2006, 2008))
    assert len(loaded.provinces) == 6
