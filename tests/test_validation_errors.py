"""One test per bad-input case of docs/methods.md §10: the message names file, column and rows.

Row numbers are spreadsheet rows: header = row 1, so data row i (0-based) is row i + 2.
"""

from __future__ import annotations

import logging
import re

import pandas as pd
import pytest

from carbongap.errors import DataError
from carbongap.ingest.load import load_panel

from panel_factory import CHINESE_HEADERS, raw_panel, raw_provinces


def _write(tmp_path, frame: pd.DataFrame, name: str = "panel.csv"):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


def _load_error(path, **kwargs) -> DataError:
    with pytest.raises(DataError) as info:
        load_panel(path, years=(2006, 2008), **kwargs)
    return info.value


def test_missing_required_column_lists_accepted_headers(tmp_path):
    path = _write(tmp_path, raw_panel().drop(columns="year"))
    err = _load_error(path)
    assert str(path) in str(err)
    assert err.column == "year"
    assert "年份" in str(err) and "accepted headers" in str(err)


def test_two_headers_for_one_column(tmp_path):
    frame = raw_panel()
    frame["地区生产总值(万元)"] = frame["gdp"]
    err = _load_error(_write(tmp_path, frame))
    assert err.column == "gdp"
    assert "'gdp'" in str(err) and "地区生产总值(万元)" in str(err)


def test_duplicate_city_year_names_every_row(tmp_path):
    frame = pd.concat([raw_panel(), raw_panel().iloc[[4]]], ignore_index=True)
    path = _write(tmp_path, frame)
    err = _load_error(path)
    # Row 4 of the frame is spreadsheet row 6; its copy is the last row, 9 + 2 = 11.
    assert err.rows == (6, 11)
    assert str(path) in str(err) and "rows 6, 11" in str(err)
    assert "city_code 130200, year 2007" in str(err)


def test_unknown_province_code(tmp_path):
    frame = raw_panel()
    frame.loc[frame["city_code"] == 320100, "city_code"] = 990100
    path = _write(tmp_path, frame)
    err = _load_error(path)
    assert err.column == "province_code"
    assert err.rows == (8, 9, 10)
    assert "[99]" in str(err) and str(path) in str(err)


def test_province_code_disagreeing_with_city_code(tmp_path):
    frame = raw_panel()
    frame["province_code"] = frame["city_code"] // 10000
    frame.loc[2, "province_code"] = 32
    err = _load_error(_write(tmp_path, frame))
    assert err.column == "province_code" and err.rows == (4,)


def test_city_code_not_six_digits(tmp_path):
    frame = raw_panel()
    frame.loc[1, "city_code"] = 1301
    err = _load_error(_write(tmp_path, frame))
    assert err.column == "city_code" and err.rows == (3,)


def test_negative_quantity_names_header_and_rows(tmp_path):
    frame = raw_panel().rename(columns=CHINESE_HEADERS)
    frame.loc[[1, 7], "地区生产总值(万元)"] = -5.0
    path = _write(tmp_path, frame)
    err = _load_error(path)
    assert err.column == "gdp" and err.rows == (3, 9)
    text = str(err)
    assert str(path) in text and "地区生产总值(万元)" in text and "negative" in text
    assert "city_code 130100, year 2007" in text


def test_negative_fuel_quantity(tmp_path):
    frame = raw_panel()
    frame.loc[0, "natural_gas"] = -1.0
    err = _load_error(_write(tmp_path, frame))
    assert err.column == "natural_gas" and err.rows == (2,)


def test_share_above_100_percent(tmp_path):
    frame = raw_panel()
    frame.loc[3, "secondary_share"] = 140.0
    err = _load_error(_write(tmp_path, frame))
    assert err.column == "secondary_share" and err.rows == (5,)


def test_non_numeric_cells_are_quoted(tmp_path):
    frame = raw_panel().astype({"population": object})
    frame.loc[2, "population"] = "约900"
    frame.loc[5, "population"] = "n.a"
    path = _write(tmp_path, frame)
    err = _load_error(path)
    assert err.column == "population" and err.rows == (4, 7)
    assert "'约900'" in str(err) and str(path) in str(err)


def test_every_problem_of_a_panel_is_reported_in_one_run(tmp_path):
    # A messy yearbook sheet: fix three things after one run, not after three.
    frame = raw_panel().astype({"population": object})
    frame.loc[2, "population"] = "约900"
    frame.loc[1, "gdp"] = -5.0
    frame.loc[3, "secondary_share"] = 140.0
    frame = pd.concat([frame, frame.iloc[[4]]], ignore_index=True)
    path = _write(tmp_path, frame)
    err = _load_error(path)
    lines = str(err).splitlines()
    assert lines[0] == f"{path}: 4 problems:"
    # cells that are not numbers, then negative values, percentages, duplicate keys
    assert "'约900'" in lines[1] and "rows 4" in lines[1]
    assert lines[2].startswith(f"  2. {path}: column 'gdp' has negative values in rows 3 ")
    assert "secondary_share" in lines[3] and "rows 5" in lines[3]
    assert "repeat in rows 6, 11" in lines[4]
    assert err.column == "population" and err.rows == (3, 4, 5, 6, 11)


def test_key_problems_are_reported_together(tmp_path):
    frame = raw_panel().astype({"year": float, "city_code": object, "gdp": object})
    frame.loc[0, "year"] = 2006.5
    frame.loc[3, "city_code"] = "abc"
    frame.loc[6, "gdp"] = "?"  # reported beside the bad keys, not after they are fixed
    err = _load_error(_write(tmp_path, frame))
    lines = str(err).splitlines()
    assert len(lines) == 4 and lines[0].endswith(": 3 problems:")
    assert "column 'city_code'" in lines[1] and "column 'year'" in lines[2]
    assert "column 'gdp'" in lines[3] and "row 8: '?'" in lines[3]
    assert err.rows == (2, 5, 8) and len(err.parts) == 3


def test_fractional_year(tmp_path):
    frame = raw_panel().astype({"year": float})
    frame.loc[0, "year"] = 2006.5
    err = _load_error(_write(tmp_path, frame))
    assert err.column == "year" and err.rows == (2,)


def test_years_outside_window_are_excluded_and_counted(tmp_path):
    path = _write(tmp_path, raw_panel())
    loaded = load_panel(path, years=(2007, 2008))
    assert sorted(loaded.cities["year"].unique()) == [2007, 2008]
    log = loaded.attrition
    assert len(log) == 3
    assert set(log["year"]) == {2006}
    assert log["reason"].unique().tolist() == ["year outside the study window 2007-2008"]


def test_window_with_no_data_is_an_error(tmp_path):
    path = _write(tmp_path, raw_panel())
    with pytest.raises(DataError, match="no rows fall in the study window 2015-2016"):
        load_panel(path, years=(2015, 2016))


def test_unbalanced_panel_is_reported(tmp_path):
    frame = raw_panel()
    frame = frame.loc[~((frame["city_code"] == 130200) & (frame["year"] == 2007))]
    loaded = load_panel(_write(tmp_path, frame), years=(2006, 2008))
    assert len(loaded.cities) == 8
    assert any("1 cities lack at least one year" in n for n in loaded.notes)


def test_unit_mistake_warns_naming_column(tmp_path, caplog):
    frame = raw_panel()
    frame["gdp"] = frame["gdp"] * 1e4  # yuan instead of 10^4 yuan
    with caplog.at_level(logging.WARNING, logger="carbongap"):
        loaded = load_panel(_write(tmp_path, frame), years=(2006, 2008))
    assert any("column 'gdp'" in n and "check the unit" in n for n in loaded.notes)
    assert any("column 'gdp'" in r.getMessage() for r in caplog.records)
    # one warning for the column, not a second one for its cells
    assert not any("times outside the usual range" in n for n in loaded.notes)


def test_unit_slip_in_one_cell_is_flagged_by_row(tmp_path, caplog):
    # One GDP in yuan x 10^4 too many: the median is fine, the row is named.
    frame = raw_panel()
    frame.loc[3, "gdp"] = 1e15
    with caplog.at_level(logging.WARNING, logger="carbongap"):
        loaded = load_panel(_write(tmp_path, frame), years=(2006, 2008))
    flagged = [n for n in loaded.notes if "times outside the usual range" in n]
    assert len(flagged) == 1  # only gdp; frame row 3 is spreadsheet row 5
    assert "column 'gdp'" in flagged[0] and "in rows 5 (row 5: 1e+15)" in flagged[0]
    assert not any("has median" in n for n in loaded.notes)
    assert any("rows 5" in r.getMessage() for r in caplog.records)


def test_unrecognised_fuel_header_warns_instead_of_vanishing(tmp_path, caplog):
    # 煤炭消费量 is not an accepted alias: eq. 3 would leave the coal out, so say so loudly.
    frame = raw_panel()
    frame["煤炭消费量(万吨)"] = 12.0
    frame["备注"] = "x"  # an ordinary extra column: ignored quietly (INFO note only)
    # not fuel burned: employees of the power sector, a rate, electricity (not in eq. 3),
    # and 'oil' inside another word
    for other in ("电力、热力生产和供应业从业人员", "燃气普及率(%)", "工业用电量", "boiler_count"):
        frame[other] = 1.0
    with caplog.at_level(logging.WARNING, logger="carbongap"):
        loaded = load_panel(_write(tmp_path, frame), years=(2006, 2008))
    warnings = [n for n in loaded.notes if n.startswith("warning:") and "fuel use" in n]
    assert len(warnings) == 1
    assert "'煤炭消费量(万吨)'" in warnings[0] and "备注" not in warnings[0]
    assert not any(word in warnings[0] for word in ("从业人员", "普及率", "用电", "boiler"))
    assert "panel.csv" in warnings[0] and "raw_coal" in warnings[0]
    assert any("煤炭消费量(万吨)" in r.getMessage() for r in caplog.records
               if r.levelno == logging.WARNING)


def test_share_as_fraction_warns(tmp_path):
    frame = raw_panel()
    frame["secondary_share"] = frame["secondary_share"] / 100
    loaded = load_panel(_write(tmp_path, frame), years=(2006, 2008))
    assert any("secondary_share" in n and "percent" in n for n in loaded.notes)


def test_provincial_table_duplicates_and_unknown_codes(tmp_path):
    cities = _write(tmp_path, raw_panel())
    dup = pd.concat([raw_provinces(), raw_provinces().iloc[[0]]], ignore_index=True)
    err = _load_error(cities, provinces=_write(tmp_path, dup, "prov.csv"))
    assert err.rows == (2, 8) and "prov.csv" in str(err)
    unknown = raw_provinces()
    unknown.loc[4, "province_code"] = 77
    err = _load_error(cities, provinces=_write(tmp_path, unknown, "prov2.csv"))
    assert err.column == "province_code" and err.rows == (6,)


def test_missing_file_and_unknown_type(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # a relative path is shown as given and as the absolute path that was looked for
    with pytest.raises(DataError, match="file not found") as info:
        load_panel("data/nope.csv")
    assert str(info.value) == (f"data/nope.csv: file not found (looked for "
                               f"{tmp_path.resolve() / 'data' / 'nope.csv'})")
    odd = tmp_path / "panel.json"
    odd.write_text("{}")
    with pytest.raises(DataError, match=r"unknown file type '\.json'"):
        load_panel(odd)


def test_empty_file(tmp_path):
    path = tmp_path / "panel.csv"
    path.write_text("city_code,year,gdp\n")
    with pytest.raises(DataError, match="no data rows"):
        load_panel(path)


def test_repeated_header_is_an_error_naming_both_columns(tmp_path):
    # Yearbooks print 地区生产总值 for the whole city and its urban districts.
    frame = raw_panel().rename(columns=CHINESE_HEADERS)
    path = tmp_path / "panel.csv"
    text = frame.to_csv(index=False)
    header, rest = text.split("\n", 1)
    path.write_text(header + ",地区生产总值（万元）\n"
                    + "\n".join(line + ",1" for line in rest.splitlines()) + "\n",
                    encoding="utf-8")
    err = _load_error(path)
    position = list(frame.columns).index("地区生产总值(万元)") + 1
    assert f"columns {position} and {len(frame.columns) + 1}" in str(err)
    assert str(path) in str(err)


@pytest.mark.parametrize("token", ["inf", "-inf", "Infinity"])
def test_infinite_values_are_refused(tmp_path, token):
    frame = raw_panel().astype({"gdp": object})
    frame.loc[3, "gdp"] = token
    err = _load_error(_write(tmp_path, frame))
    assert err.column == "gdp"
    assert err.rows == (5,)


def test_boolean_cells_are_not_numbers(tmp_path):
    frame = raw_panel().astype({"lpg": object})
    frame.loc[1, "lpg"] = True
    path = tmp_path / "panel.xlsx"
    frame.to_excel(path, index=False)
    err = _load_error(path)
    assert err.column == "lpg"
    assert err.rows == (3,)


def test_unparseable_files_name_the_file(tmp_path):
    corrupt = tmp_path / "panel.xlsx"
    corrupt.write_bytes(b"this is not a zip archive")
    with pytest.raises(DataError, match=r"panel\.xlsx: not an Excel file \(or corrupt\)") as info:
        load_panel(corrupt)
    assert "engine" not in str(info.value)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(DataError, match=r"empty\.csv: the file is empty"):
        load_panel(empty)
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("city_code,year\n130100,2006,1,2\n")
    with pytest.raises(DataError, match=r"ragged\.csv: not a well-formed table"):
        load_panel(ragged)


def test_excel_sheets_are_named_when_the_chosen_one_is_empty_or_absent(tmp_path):
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as xl:
        pd.DataFrame().to_excel(xl, sheet_name="说明", index=False)
        raw_panel().to_excel(xl, sheet_name="data", index=False)
    with pytest.raises(DataError, match=r"the sheet is empty; other sheets: data"):
        load_panel(path)
    with pytest.raises(DataError, match=r"no sheet 'nope'; the workbook has sheets 说明, data"):
        load_panel(path, sheet="nope")
    assert len(load_panel(path, sheet="data", years=(2006, 2008)).cities) == 9


def test_cells_read_as_missing_are_counted_by_their_text(tmp_path):
    # A dash, "n/a" and a blank are all missing, but the note keeps them apart.
    frame = raw_panel().astype({"lpg": object, "natural_gas": object})
    frame.loc[0, "lpg"] = "n/a"
    frame.loc[1, "lpg"] = "—"
    frame.loc[2, "lpg"] = "N/A"
    frame.loc[3, "lpg"] = ""
    frame.loc[4, "natural_gas"] = ""
    loaded = load_panel(_write(tmp_path, frame), years=(2006, 2008))
    note = next(n for n in loaded.notes if "cells read as missing" in n)
    assert "column 'lpg': 1 blank, 1 'N/A', 1 'n/a', 1 '—'" in note
    assert "column 'natural_gas': 1 blank" in note
    assert loaded.cities["lpg"].isna().sum() == 4
    assert not any("cells read as missing" in n for n in
                   load_panel(_write(tmp_path, raw_panel(), "clean.csv"), years=(2006, 2008)).notes)


def test_readme_lists_every_text_read_as_missing():
    from pathlib import Path

    from carbongap.io.readers import MISSING_TOKENS

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    paragraph = readme[readme.index("Cells read as missing"):].split("\n\n")[0]
    assert set(re.findall(r"`([^`]+)`", paragraph)) == {t for t in MISSING_TOKENS if t}


def test_every_problem_class_in_one_pass(tmp_path):
    # A "2010年" year, a text cell and a negative value in the same column, a duplicate
    # city-year and an unknown province: one error lists all five, with their rows.
    frame = raw_panel().astype({"year": object, "gdp": object})
    frame.loc[0, "year"] = "2006年"
    frame.loc[2, "gdp"] = "约900"
    frame.loc[3, "gdp"] = -5.0
    frame.loc[8, "city_code"] = 990100  # province 99 does not exist
    frame = pd.concat([frame, frame.iloc[[4]]], ignore_index=True)
    path = _write(tmp_path, frame)
    err = _load_error(path)
    lines = str(err).splitlines()
    assert lines[0] == f"{path}: 5 problems:"
    assert "column 'year'" in lines[1] and "rows 2" in lines[1]
    assert "unknown province code(s) [99]" in lines[2] and "rows 10" in lines[2]
    assert "column 'gdp'" in lines[3] and "row 4: '约900'" in lines[3]
    assert "column 'gdp' has negative values in rows 5 (city_code 130200, year 2006)" in lines[4]
    assert "repeat in rows 6, 11" in lines[5]
    assert err.rows == (2, 4, 5, 6, 10, 11) and len(err.parts) == 5


def test_every_problem_of_a_provincial_table_in_one_pass(tmp_path):
    cities = _write(tmp_path, raw_panel())
    provinces = raw_provinces().astype({"year": object, "gdp_deflator": object})
    provinces.loc[0, "year"] = "2006年"
    provinces.loc[1, "gdp_deflator"] = "n.a.x"
    provinces.loc[2, "gdp_deflator"] = -1.0
    provinces = pd.concat([provinces, provinces.iloc[[4]]], ignore_index=True)
    err = _load_error(cities, provinces=_write(tmp_path, provinces, "prov.csv"))
    lines = str(err).splitlines()
    assert lines[0].endswith("prov.csv: 4 problems:")
    assert "column 'year'" in lines[1] and "column 'gdp_deflator'" in lines[2]
    assert "negative values in rows 4" in lines[3] and "repeat in rows 6, 8" in lines[4]


@pytest.mark.parametrize(("median", "low", "high", "unit", "fix"), [
    (4.4e11, 1e4, 1e8, "10^4 yuan", "values look like yuan: divide by 10,000 to get 10^4 yuan"),
    (2.0, 1e4, 1e8, "10^4 yuan",
     "values look like 10^8 yuan (亿元): multiply by 10,000 to get 10^4 yuan"),
    (9.0e6, 5.0, 5000.0, "10^4 persons",
     "values look like persons: divide by 10,000 to get 10^4 persons"),
    # 2e6 / 1e4 = 200 is still below 1e3; 2e6 / 1e3 is inside (slips tried 1e4 first)
    (2.0e6, 1e3, 1e5, "t", "values look 1,000 times too large: divide by 1,000 to get t"),
    (50.0, 1e4, 1e9, "t CO2",
     "values look 10,000 times too small: multiply by 10,000 to get t CO2"),
    (0.5, 5.0, 95.0, "percent", "values look 100 times too small: multiply by 100 to get "
     "percent"),
    (1e30, 1e4, 1e8, "10^4 yuan", ""),
])
def test_unit_warning_names_the_likely_fix(median, low, high, unit, fix):
    from carbongap.ingest.cells import likely_unit_fix

    assert likely_unit_fix(median, low, high, unit) == fix


def test_yuan_gdp_warning_says_divide_by_10000(tmp_path):
    frame = raw_panel()
    frame["gdp"] = frame["gdp"] * 1e4
    loaded = load_panel(_write(tmp_path, frame), years=(2006, 2008))
    note = next(n for n in loaded.notes if "column 'gdp'" in n)
    assert note.endswith("check the unit; values look like yuan: divide by 10,000 to get "
                         "10^4 yuan")
