"""The CEADs importer on the real workbook (../shared/data/ceads; skipped where absent)."""

from __future__ import annotations

import numpy as np
import openpyxl
import pandas as pd
import pytest

from carbongap.errors import DataError
from carbongap.ingest.ceads import read_ceads, split_name
from carbongap.ingest.load import load_panel


def test_split_name_prefixes():
    assert split_name("安徽安庆") == (34, "安庆")
    assert split_name("内蒙古包头") == (15, "包头")
    assert split_name("黑龙江齐齐哈尔") == (23, "齐齐哈尔")
    assert split_name("新疆伊犁州直属县") == (65, "伊犁州直属县")
    assert split_name("北京") == (11, "北京")
    assert split_name("重庆") == (50, "重庆")
    assert split_name("北京市") == (11, "北京")
    assert split_name("火星基地") is None


def test_real_workbook_matches_an_independent_read(ceads_workbook):
    panel = read_ceads(ceads_workbook)
    # Independent read with openpyxl, no pandas, no carbongap code.
    sheet = openpyxl.load_workbook(ceads_workbook, read_only=True)["emission vector"]
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], [r for r in rows[1:] if r[1] is not None]
    col = {name: header.index(name) for name in ("city", "year", "emission")}
    raw = {(r[col["city"]], int(r[col["year"]])): float(r[col["emission"]]) for r in body}
    assert len(panel) == len(raw) == 3929
    assert panel["ceads_name"].nunique() == 290
    got = {(n, y): v for n, y, v in panel[["ceads_name", "year", "co2"]].itertuples(index=False)}
    for key, mt in raw.items():
        assert got[key] == pytest.approx(mt * 1e6, rel=1e-15)
    # Counts the CEADs README states: 185 cities in 2006, 170 in 2019, 84 in every year.
    per_year = panel.groupby("year")["city_code"].nunique()
    assert per_year[2006] == 185 and per_year[2019] == 170
    years = panel[panel["year"].between(2006, 2019)].groupby("city_code")["year"].nunique()
    assert int((years == 14).sum()) == 84


def test_real_workbook_codes(ceads_workbook):
    panel = read_ceads(ceads_workbook)
    codes = panel.drop_duplicates("ceads_name").set_index("ceads_name")["city_code"]
    assert codes["北京"] == 110000 and codes["上海"] == 310000
    assert codes["安徽安庆"] // 10000 == 34 and codes["安徽安庆"] % 10000 // 100 == 99
    assert (panel["city_code"] // 10000 == panel["province_code"]).all()
    assert codes.is_unique
    assert panel["province_code"].nunique() == 30  # every province but Tibet


def test_ceads_through_load_panel(ceads_workbook):
    loaded = load_panel(ceads_workbook, years=(2006, 2019))
    assert loaded.cities["year"].between(2006, 2019).all()
    assert set(loaded.cities.columns) >= {"city_code", "province_code", "year", "co2"}
    assert (loaded.attrition["reason"] == "year outside the study window 2006-2019").all()
    assert len(loaded.attrition) + len(loaded.cities) == 3929


def test_bad_ceads_rows_are_named(tmp_path):
    path = tmp_path / "ceads.xlsx"
    frame = pd.DataFrame({"ID": ["a", "b", "c"], "city": ["安徽安庆", "火星基地", "北京"],
                          "year": [2010, 2010, 2010], "emission": [1.0, 2.0, np.nan]})
    with pd.ExcelWriter(path) as xl:
        frame.to_excel(xl, sheet_name="emission vector", index=False)
    with pytest.raises(DataError, match=r"rows 3: 火星基地") as info:
        read_ceads(path)
    assert info.value.column == "city"
    frame.loc[1, "city"] = "安徽安庆"
    with pd.ExcelWriter(path) as xl:
        frame.to_excel(xl, sheet_name="emission vector", index=False)
    with pytest.raises(DataError, match="city_code and year repeat in rows 2, 3"):
        read_ceads(path)


def test_municipality_with_suffix_dash_missing_and_header_case(tmp_path):
    path = tmp_path / "ceads.xlsx"
    frame = pd.DataFrame({"ID": ["a", "b", "c"], "City": ["北京市", "安徽安庆", "天津"],
                          "YEAR": [2010, 2010, 2010], "Emission": [100.0, 2.5, "--"]})
    with pd.ExcelWriter(path) as xl:
        frame.to_excel(xl, sheet_name="emission vector", index=False)
    panel = read_ceads(path)
    assert panel[["city_code", "city_name"]].values.tolist() == [[110000, "北京"],
                                                                 [349901, "安庆"]]
    assert panel["co2"].tolist() == [100.0e6, 2.5e6]  # 天津's "--" is missing, logged
