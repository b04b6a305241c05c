"""The DEA on any panel: text unit ids in ``cg.dea.luenberger`` and ``carbongap dea``.

Ids of any dtype give the same numbers as integer ids and are kept, with their dtype, in
every table; the command reads CSV/Excel panels, writes its three tables and names bad
cells by file, column and row; a missing Dask names the extra to install.
"""

from __future__ import annotations

import re
import sys

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from carbongap.cli import app
from carbongap.dea import luenberger, screen
from carbongap.dea.frontiers import frontier_rule
from carbongap.dea.lp_tables import lp_status_rows
from carbongap.errors import ConfigError, DataError, MissingExtraError
from carbongap.parallel import Execution, run_tasks
from carbongap.tools.dea_file import column_list, parse_ids
from dea_panels import dea_panel

INPUTS, GOOD, BAD = ["capital", "employment"], ["gdp_real"], ["co2"]
#: Text ids sort the reference units in another order, so HiGHS pivots in another order:
#: the same optimum up to rounding (measured 2.2e-16 here).
ORDER = 1e-14
#: A CSV round trip of the inputs and outputs (shortest repr written, parsed back).
CSV = 1e-12


def _panel() -> pd.DataFrame:
    """12 units x 4 years with one missing unit-year and one non-positive value."""
    panel = dea_panel(7, 12, range(2006, 2010)).drop(index=[3]).reset_index(drop=True)
    panel.loc[20, "co2"] = 0.0
    return panel


#: Text ids whose order differs from the integer codes' (so rows really move).
NAMES = {code: name for code, name in zip(
    range(100, 112), ["Lima", "Bern", "Oslo", "Kyiv", "Rome", "Baku", "Riga", "Doha", "Apia",
                      "Suva", "Male", "NA"], strict=True)}


def _named(panel: pd.DataFrame, dtype: str) -> pd.DataFrame:
    return panel.assign(city_code=panel["city_code"].map(NAMES).astype(dtype))


def _as_codes(table: pd.DataFrame, unit: str = "city_code") -> pd.DataFrame:
    """``table`` with the text ids mapped back to the integer codes, sorted by its keys."""
    codes = {name: code for code, name in NAMES.items()}
    return _sorted(table.assign(**{unit: table[unit].astype(object).map(codes)
                                   .astype("int64")}), unit)


def _sorted(table: pd.DataFrame, unit: str = "city_code") -> pd.DataFrame:
    keys = [c for c in ("model", "year_pair", "term", unit, "year") if c in table.columns]
    return table.sort_values(keys, kind="mergesort").reset_index(drop=True)


@pytest.mark.parametrize("dtype", ["object", "str", "string", "category"])
def test_text_ids_give_the_numbers_of_integer_ids_and_keep_their_dtype(dtype):
    panel = _panel()
    ints = luenberger(panel, INPUTS, GOOD, BAD)
    named = luenberger(_named(panel, dtype), INPUTS, GOOD, BAD)
    assert named.table["city_code"].dtype == _named(panel, dtype)["city_code"].dtype
    assert named.screened.excluded["city_code"].dtype == named.table["city_code"].dtype
    assert set(named.table["city_code"]) <= set(NAMES.values())
    pd.testing.assert_frame_equal(_as_codes(named.table), ints.table, atol=ORDER, rtol=0)
    pd.testing.assert_frame_equal(_as_codes(named.screened.excluded),
                                  _sorted(ints.screened.excluded))


def test_lp_status_rows_name_any_unit_and_time_column():
    panel = _named(_panel(), "str").rename(columns={"city_code": "country", "year": "t"})
    table = luenberger(panel, INPUTS, GOOD, BAD, unit="country", time="t").table
    table.insert(2, "model", "green")
    rows = lp_status_rows(table, frontier_rule("contemporaneous"), unit="country",
                          time="t")
    assert list(rows.columns) == ["model", "frontier", "rts", "term", "year_pair", "country",
                                  "status"]
    assert len(rows) > 0 and rows["country"].isin(list(NAMES.values())).all()
    assert rows["year_pair"].str.fullmatch(r"\d{4}-\d{4}").all()


def test_missing_and_mixed_ids_are_data_errors_with_their_rows():
    panel = _panel().astype({"city_code": object})
    panel.loc[5, "city_code"] = "Lima"
    with pytest.raises(DataError, match=r"one kind .* int at rows 0, 1.*; str at rows 5"):
        screen(panel, INPUTS)
    panel.loc[5, "city_code"] = None
    with pytest.raises(DataError, match=r"unit ids.* missing at rows 5"):
        luenberger(panel, INPUTS, GOOD)


def test_ids_are_read_as_written():
    assert parse_ids(pd.Series(["12", "-3", "0"]), "id", "f.csv").dtype == "int64"
    for kept in (["007", "12"], ["C1", "12"], ["NA", "12"], ["+5", "12"]):
        ids = parse_ids(pd.Series(kept), "id", "f.csv")
        assert ids.tolist() == kept and ids.dtype == "str"
    assert parse_ids(pd.Series([130100.0, 130200]), "id", "f.xlsx").tolist() == [130100, 130200]
    with pytest.raises(DataError, match=r"f.csv: column 'id' \(the unit ids\) is blank in "
                                        r"rows 3"):
        parse_ids(pd.Series(["a", "  "], index=[2, 3]), "id", "f.csv")
    assert column_list(" K, L ,", "--inputs") == ("K", "L")
    with pytest.raises(ConfigError, match="--good: give at least one column"):
        column_list(" , ", "--good")


def _write(panel: pd.DataFrame, path) -> None:
    panel.rename(columns={"city_code": "firm"}).to_csv(path, index=False)


def _dea(*args: str):
    return CliRunner().invoke(app, ["dea", "--unit", "firm", "--time", "year", "--inputs",
                                    "capital,employment", "--good", "gdp_real", "--bad", "co2",
                                    "--quiet", *args])


def _read(folder, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / name, dtype={"firm": str}, keep_default_na=False,
                       na_values=[""])


def test_cli_on_text_ids_equals_integer_ids_and_the_api(tmp_path):
    panel = _panel()
    _write(_named(panel, "str"), tmp_path / "named.csv")
    _write(panel, tmp_path / "codes.csv")
    outputs = {}
    for name in ("named", "codes"):
        result = _dea("--data", str(tmp_path / f"{name}.csv"), "--out", str(tmp_path / name))
        assert result.exit_code == 0, result.output
        paths = result.stdout.split()
        assert paths == [str(tmp_path / name / f) for f in ("luenberger.csv", "lp_status.csv",
                                                              "excluded.csv")]
        outputs[name] = {f: _read(tmp_path / name, f) for f in ("luenberger.csv",
                                                               "lp_status.csv",
                                                               "excluded.csv")}
    named, codes = outputs["named"], outputs["codes"]
    assert "NA" in set(named["luenberger.csv"]["firm"])  # a text id, not a missing value
    for table in ("luenberger.csv", "lp_status.csv", "excluded.csv"):
        back = _as_codes(named[table], "firm")
        expected = _sorted(codes[table].astype({"firm": "int64"}), "firm")
        pd.testing.assert_frame_equal(back, expected, check_dtype=False, atol=CSV, rtol=0)
    api = luenberger(_named(panel, "str"), INPUTS, GOOD, BAD).table.rename(
        columns={"city_code": "firm"})
    api.insert(2, "model", "green")
    pd.testing.assert_frame_equal(named["luenberger.csv"], api, check_dtype=False, atol=CSV,
                                  rtol=0)


def test_cli_reads_excel_panels(tmp_path):
    panel = _panel()
    panel.rename(columns={"city_code": "firm"}).to_excel(tmp_path / "panel.xlsx", index=False)
    result = _dea("--data", str(tmp_path / "panel.xlsx"), "--out", str(tmp_path / "out"),
                  "--frontier", "global", "--no-rts-decomposition")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "out" / "luenberger.csv")
    api = luenberger(panel, INPUTS, GOOD, BAD, "global", rts_decomposition=False).table
    np.testing.assert_array_equal(table["firm"], api["city_code"])
    np.testing.assert_allclose(table["LTFP"], api["LTFP"], atol=CSV, rtol=0)


@pytest.mark.parametrize(("edit", "message"), [
    (lambda f: f.assign(firm=f["firm"].where(f.index != 4, "")),
     r"panel.csv: column 'firm' \(the unit ids\) is blank in rows 6"),
    (lambda f: f.assign(capital=f["capital"].astype(object).where(f.index != 2, "lots")),
     r"panel.csv: column 'capital' has non-numeric .* rows 4 \(row 4: 'lots'\)"),
    (lambda f: f.assign(year=f["year"].astype(float).where(f.index != 0, 2006.5)),
     r"panel.csv: column 'year' must be a whole number in every row; .* rows 2"),
    (lambda f: f.drop(columns="co2"),
     r"panel.csv: column\(s\) co2 missing; the file's headers are firm, year, capital"),
    (lambda f: pd.concat([f, f.iloc[[1]]]),
     r"panel.csv: firm and year repeat in rows 3, 49"),
])
def test_cli_names_file_column_and_rows_of_bad_input(tmp_path, edit, message):
    frame = _panel().rename(columns={"city_code": "firm"})
    edit(frame).to_csv(tmp_path / "panel.csv", index=False)
    result = _dea("--data", str(tmp_path / "panel.csv"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1  # a data error (usage errors: 2)
    assert re.search(message, " ".join(result.output.split())), result.output
    assert not (tmp_path / "out").exists()


def test_cli_refuses_a_column_in_two_roles(tmp_path):
    _write(_panel(), tmp_path / "panel.csv")
    result = CliRunner().invoke(app, ["dea", "--data", str(tmp_path / "panel.csv"), "--unit",
                                      "firm", "--time", "year", "--inputs", "capital",
                                      "--good", "capital", "--quiet"])
    assert result.exit_code == 2 and "capital given in more than one role" in result.output


def test_missing_dask_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed now fails
    with pytest.raises(MissingExtraError, match=r"pip install 'carbongap\[dist\]'"):
        run_tasks(abs, [1, -2], execution=Execution(dask="local"))
    _write(_panel(), tmp_path / "panel.csv")
    result = _dea("--data", str(tmp_path / "panel.csv"), "--out", str(tmp_path / "out"),
                  "--dask", "local")
    assert result.exit_code == 2
    assert "pip install 'carbongap[dist]'" in " ".join(result.output.split())
    assert "ModuleNotFoundError" not in result.output and "Traceback" not in result.output


def test_excluded_rows_are_counted_on_stderr_and_strict_refuses_them(tmp_path):
    frame = _panel().rename(columns={"city_code": "firm"})
    frame.loc[3, "co2"] = -1.0
    frame.to_csv(tmp_path / "panel.csv", index=False)
    result = _dea("--data", str(tmp_path / "panel.csv"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    excluded = pd.read_csv(tmp_path / "out/excluded.csv")
    negative = excluded["reason"] == "green model: co2 <= 0"
    assert frame.loc[3, "firm"] in set(excluded.loc[negative, "firm"])
    stderr = " ".join(result.stderr.split())
    places = excluded.loc[:, ["firm", "year"]].drop_duplicates()
    assert len(places) < len(excluded)  # a screened unit-period also loses its pairs
    assert (f"warning {len(excluded)} exclusion(s) concerning {len(places)} unit-period(s) "
            f"({int(negative.sum())} green model: co2 <= 0;") in stderr
    assert "excluded.csv (--strict makes this an error)" in stderr
    strict = _dea("--data", str(tmp_path / "panel.csv"), "--out", str(tmp_path / "strict"),
                  "--strict")
    assert strict.exit_code == 1
    message = " ".join(strict.stderr.split())
    assert (f"{len(excluded)} exclusion(s) concerning {len(places)} unit-period(s)" in message
            and "with --strict" in message)
    listed = message.split("first: ")[1].split(", ")
    assert len(listed) == len(set(listed)) == min(5, len(places))  # each named once
    assert not (tmp_path / "strict").exists()


def test_out_naming_a_file_is_one_line(tmp_path):
    _write(_panel(), tmp_path / "panel.csv")
    (tmp_path / "taken").write_text("x")
    result = _dea("--data", str(tmp_path / "panel.csv"), "--out", str(tmp_path / "taken"))
    assert result.exit_code == 2
    assert f"--out {tmp_path / 'taken'} is a file" in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_cli_computes_the_directional_distance_measures(tmp_path):
    panel = _panel()
    _write(panel, tmp_path / "codes.csv")
    for measure, columns in (("ml", ["ML", "MLEFFCH", "MLTECH"]),
                             ("gml", ["ML", "MLEFFCH", "MLTECH"]),
                             ("ddf-luenberger", ["LTFP", "EC", "PC"])):
        out = tmp_path / measure
        result = _dea("--data", str(tmp_path / "codes.csv"), "--out", str(out), "--measure",
                      measure, "--disposability", "strong")
        assert result.exit_code == 0, result.output
        table = _read(out, "luenberger.csv")
        assert set(columns) <= set(table.columns)
        assert not any(c.startswith("S_") for c in table.columns)
        api = luenberger(panel, INPUTS, GOOD, BAD, measure=measure,
                         disposability="strong").table
        np.testing.assert_allclose(table[columns[0]], api[columns[0]], rtol=0, atol=CSV)
        status = _read(out, "lp_status.csv")
        assert status["term"].str.startswith("D_").all()
        frontier = "global" if measure == "gml" else "contemporaneous"
        assert set(status["frontier"]) <= {frontier}
    # VRS cross-period LPs without a number
    assert len(_read(tmp_path / "ddf-luenberger", "lp_status.csv")) > 0
    refused = _dea("--data", str(tmp_path / "codes.csv"), "--out", str(tmp_path / "x"),
                   "--measure", "gml", "--frontier", "biennial")
    assert refused.exit_code != 0
    assert "the gml measure is on the global frontier, not biennial" in refused.output
