"""Stata exports: labelled format 118 files, names and labels within Stata's limits, the
do-file, the codebook, reproducible bytes (docs/methods.md §8)."""

from __future__ import annotations

import json
import re
import shutil

import numpy as np
import pandas as pd
import pytest

from carbongap.config import load_config
from carbongap.errors import DataError
from carbongap.exports.datasets import stata_dataset
from carbongap.exports.labels import MAX_LABEL, file_label, fit_label
from carbongap.exports.names import is_legal, stata_names
from carbongap.exports.stata import DATASETS
from carbongap.io.dta import read_notes
from carbongap.pipeline.runner import run_pipeline
from carbongap.tables.specs import load_table_specs

pyreadstat = pytest.importorskip("pyreadstat")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    base = tmp_path_factory.mktemp("export")
    config = load_config(overrides=["data.synthetic_cities=40", "inequality.bootstrap_draws=19",
                                    "regressions.boot_reps=19"])
    summary = run_pipeline(config, out=base / "out")
    assert summary.ok and summary.status("exports") == "done"
    return base / "out", base / "out" / "stata"


def test_every_dataset_is_written_inside_the_run_folder_and_the_manifest(run):
    out, stata = run
    manifest = json.loads((out / "manifest.json").read_text())
    for name in DATASETS:
        assert (stata / f"{name}.dta").is_file() and f"stata/{name}.dta" in manifest["outputs"]
    assert {f"stata/{name}" for name in ("replicate_tables.do", "CODEBOOK.md",
                                         "variable_names.csv")} <= set(manifest["outputs"])
    # Nothing outside --out: the run's parent holds the run folder alone.
    assert sorted(p.name for p in out.parent.iterdir()) == ["out"]


def test_round_trip_values_labels_and_missing(run):
    out, stata = run
    source = pd.read_csv(out / "tables/analysis_panel.csv")
    back, meta = pyreadstat.read_dta(str(stata / "analysis_panel.dta"))
    assert meta.file_format_version == 118 if hasattr(meta, "file_format_version") else True
    assert list(back.columns) == list(source.columns)
    codes = {"developed": 1, "underdeveloped": 2, "other": 3}
    np.testing.assert_array_equal(back["group"], source["group"].map(codes))
    for column in ("lnCO2", "lnT", "co2", "population"):
        np.testing.assert_array_equal(back[column].to_numpy(), source[column].to_numpy())
    assert back["city_name"].tolist() == source["city_name"].tolist()
    assert meta.variable_value_labels["group"] == {1: "developed", 2: "underdeveloped",
                                                   3: "other"}
    assert meta.variable_value_labels["province_code"][11] == "Beijing 北京市"
    assert meta.column_names_to_labels["lnCO2"] == "ln CO2 emissions (碳排放总量(对数))"
    assert all(meta.column_names_to_labels[c] for c in back.columns)  # every one labelled
    assert "config" in meta.file_label and len(meta.file_label) <= 80
    # Missing values: the accounting table has NaN capital where eq. 7 cannot start.
    acc = pd.read_csv(out / "tables/accounting_city_year.csv")
    acc_back, _ = pyreadstat.read_dta(str(stata / "accounting.dta"))
    assert acc_back["capital"].isna().sum() == acc["capital"].isna().sum() > 0


_INDEX = re.compile(r"\b1 \+ (LTFP|PC|EC)\b")
_SUM = re.compile(r"\b([A-Z]+) \+ ([A-Z]+)$")
_CHINESE_PART = re.compile(r" \(.*[\u4e00-\u9fff].*\)$")


def _luenberger_by_model(out):
    table = pd.read_csv(out / "tables/luenberger.csv")
    return {model: part.set_index(["city_code", "year"])
            for model, part in table.groupby("model")}


@pytest.fixture(scope="module")
def cumulative_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("cumulative")
    config = load_config(overrides=["data.synthetic_cities=20", "inequality.bootstrap_draws=19",
                                    "regressions.boot_reps=19",
                                    'productivity.index_form="cumulative"'])
    summary = run_pipeline(config, out=base / "out", targets=["exports"])
    assert summary.ok and summary.status("exports") == "done"
    return base / "out", base / "out" / "stata"


def _chained(indicator: pd.Series, keys: pd.MultiIndex, base: int) -> np.ndarray:
    """Per city, the product of 1 + indicator over the years base+1 ... year (1 in the base
    year; NaN once a link is missing), at ``keys`` (city_code, year)."""
    steps = (1.0 + indicator).to_dict()
    out = []
    for city, year in keys:
        links = [steps.get((city, t), np.nan) for t in range(base + 1, year + 1)]
        out.append(float(np.prod(links)) if links else 1.0)
    return np.array(out)


@pytest.mark.parametrize("which", ["run", "cumulative_run"])
def test_every_label_states_the_definition_of_its_values(which, request):
    """A label "... 1 + PC" (index) holds 1 + the model's indicator, "... chained from the
    base year: prod of 1 + PC" the product of those from the base year, "ln ..." the log,
    "... LPEC + LSEC" the sum of those columns of the same file; the model is the green one
    when the label says so (docs/methods.md §6)."""
    out, stata = request.getfixturevalue(which)
    luen = _luenberger_by_model(out)
    base = int(pd.read_csv(out / "tables/productivity_indices.csv")["year"].min())
    checked = chained = 0
    for name in DATASETS:
        data, meta = pyreadstat.read_dta(str(stata / f"{name}.dta"))
        for column, label in meta.column_names_to_labels.items():
            english = _CHINESE_PART.sub("", label)
            index, total = _INDEX.search(english), _SUM.search(english)
            if index is None and total is None:
                continue
            if index is not None:
                model = "green" if "green" in english else "production"
                keys = pd.MultiIndex.from_frame(data[["city_code", "year"]])
                indicator = luen[model][index.group(1)]
                if "chained from" in english:
                    values = _chained(indicator, keys, base)
                    chained += 1
                else:
                    values = 1.0 + indicator.reindex(keys).to_numpy()
                if english.startswith("ln "):
                    values = np.log(values)
            else:
                assert {total.group(1), total.group(2)} <= set(data.columns), (name, column)
                values = (data[total.group(1)] + data[total.group(2)]).to_numpy()
            np.testing.assert_allclose(data[column].to_numpy(), values, rtol=1e-12,
                                       atol=1e-14, err_msg=f"{name}.dta {column}: {label}")
            checked += 1
    assert checked >= 2 * 6 + 6 + 2  # indices, regression panel (levels and logs), luenberger
    assert chained == (2 * 6 + 6 if which == "cumulative_run" else 0)


def test_dataset_labels_keep_the_configuration_hash_whole(run):
    out, stata = run
    sha = json.loads((out / "manifest.json").read_text())["config_sha256"]
    for name in DATASETS:
        _, meta = pyreadstat.read_dta(str(stata / f"{name}.dta"), metadataonly=True)
        assert len(meta.file_label) <= MAX_LABEL
        assert meta.file_label.endswith(f"; config {sha[:12]}"), meta.file_label
    assert file_label("d" * 70, "s" * 20) == "d" * 57 + "…" + "; " + "s" * 20


def test_notes_name_the_version_and_the_configuration(run):
    out, stata = run
    manifest = json.loads((out / "manifest.json").read_text())
    notes = read_notes(stata / "analysis_panel.dta")
    assert "Produced by carbongap" in notes[0]
    assert manifest["config_sha256"] in notes[1]


def test_names_are_legal_and_changes_are_listed():
    long = "x" * 32
    columns = [long, long + "y", "2006", "_cons", "co2 (t)", "co2__t_", "ok"]
    names = stata_names(columns)
    assert names[long] == long and names["ok"] == "ok"
    assert names[long + "y"] == long[:30] + "_2"  # cut to 32, unique against the legal one
    assert names["2006"] == "v2006" and names["_cons"] == "_cons_"
    assert names["co2 (t)"] == "co2__t_" or names["co2 (t)"].startswith("co2__t_")
    assert len(set(names.values())) == len(columns)
    assert all(is_legal(n) and len(n) <= 32 for n in names.values())


def test_labels_at_and_over_80_characters():
    chinese = "碳" * 60
    assert fit_label("e" * 17, chinese) == ("e" * 17 + " (" + chinese + ")", False)  # 80
    label, short = fit_label("e" * 18, chinese)  # 81: the Chinese part is dropped
    assert (label, short) == ("e" * 18, True)
    label, short = fit_label("w" * 90, "")
    assert len(label) == MAX_LABEL and label.endswith("…") and short


def test_integers_are_stored_without_loss(monkeypatch):
    from carbongap.exports import labels

    monkeypatch.setitem(labels.DERIVED, "flag", ("a flag", ""))
    frame = pd.DataFrame({"city_code": [110100, 450100], "year": [2006, 2007],
                          "n": [2**40, 1], "flag": [True, False]})
    data = stata_dataset(frame, "x", "test", config_sha256="0" * 64)
    assert str(data.frame["city_code"].dtype) == "int32"
    assert str(data.frame["n"].dtype) == "float64" and data.frame["n"][0] == 2**40
    assert str(data.frame["flag"].dtype) == "int8"
    assert data.value_labels["flag"] == {0: "no", 1: "yes"}
    with pytest.raises(DataError, match="beyond 2\\^53"):
        stata_dataset(frame.assign(n=[2**60, 1]), "x", "test", config_sha256="0" * 64)
    with pytest.raises(KeyError, match="no label is defined for the exported column 'zz'"):
        stata_dataset(frame.assign(zz=1.0), "x", "test", config_sha256="0" * 64)


def test_do_file_has_one_qreg_per_cell_with_the_samples(run):
    _out, stata = run
    text = (stata / "replicate_tables.do").read_text(encoding="utf-8")
    fits = [line for line in text.splitlines() if line.startswith("quietly qreg ")]
    specs = load_table_specs()
    assert len(fits) == 4 * len(specs) == 64
    panel_vars = set(pyreadstat.read_dta(str(stata / "analysis_panel.dta"),
                                         metadataonly=True)[1].column_names)
    expected = []
    for spec in specs:
        condition = {"all": "", "developed": " if group == 1",
                     "underdeveloped": " if group == 2"}[spec.sample]
        for tau in (0.2, 0.4, 0.6, 0.8):
            expected.append(f"quietly qreg {spec.dependent} {' '.join(spec.regressors)}"
                            f"{condition}, quantile({tau:g}) vce(robust, fitted hsheather)")
    assert fits == expected
    for line in fits:
        variables = re.match(r"quietly qreg ([^,]+?)(?: if .*)?,", line).group(1).split()
        assert set(variables) <= panel_vars
    assert 'use "analysis_panel.dta", clear' in text
    assert 'export delimited using "stata_qreg_estimates.csv", replace' in text
    assert "Stata's default vce(iid) is NOT nid" in text
    # A data editor's requests: version stated, a log opened first and closed last, the
    # seed set once before any estimation, the input checked with a clear message.
    lines = text.splitlines()
    commands = [line for line in lines if line and not line.startswith("*")]
    assert commands[0] == "version 14"
    log = lines.index('log using "replicate_tables.log", text replace')
    assert lines[log - 1] == "capture log close" and lines[-1] == "log close"
    seeds = [i for i, line in enumerate(lines) if line.startswith("set seed ")]
    assert len(seeds) == 1 and log < seeds[0] < lines.index(fits[0])
    check = lines.index('capture confirm file "analysis_panel.dta"')
    assert check < lines.index('use "analysis_panel.dta", clear')
    assert "analysis_panel.dta not found" in lines[check + 2] and lines[check + 4] == (
        "    exit 601")


def test_do_file_follows_the_configured_se():
    from carbongap.exports.dofile import replicate_do
    from carbongap.qreg import QregOptions

    specs = load_table_specs()[:1]
    assert "bsqreg lnCO2 lnT lnP lnA lnI, quantile(0.5) reps(50)" in replicate_do(
        specs, QregOptions.of((0.5,), "boot", boot_reps=50))
    text = replicate_do(specs, QregOptions.of((0.5,), "boot", "city_code", boot_reps=50))
    assert "bootstrap, reps(50) cluster(city_code) nodots: qreg lnCO2" in text
    assert "Hagemann's (2017)" in text and "Stata has none built in" in text
    assert "qreg lnCO2 lnT lnP lnA lnI, quantile(0.5) vce(iid, residual hsheather)" in (
        replicate_do(specs, QregOptions.of((0.5,), "iid")))
    # equal slopes across quantiles: sqreg at every tau, Stata's test of each technology
    # coefficient at every tau and at the two ends (sqreg's equations are q<100 tau>)
    lines = replicate_do(specs, QregOptions.of((0.2, 0.4, 0.8), "nid")).splitlines()
    assert "quietly sqreg lnCO2 lnT lnP lnA lnI, quantiles(0.2 0.4 0.8) reps(200)" in lines
    assert "quietly test [q20]lnT = [q40]lnT = [q80]lnT" in lines
    assert "quietly test [q20]lnT = [q80]lnT" in lines
    assert not any("sqreg" in line for line in replicate_do(
        specs, QregOptions.of((0.125, 0.5), "nid")).splitlines() if "quietly" in line)


def test_codebook_lists_every_variable(run):
    _out, stata = run
    text = (stata / "CODEBOOK.md").read_text(encoding="utf-8")
    for name in DATASETS:
        assert f"## {name}.dta" in text
    assert "| group | long | region group (paper's footnote) (地区分组) | 1 developed; " \
           "2 underdeveloped; 3 other |" in text


def test_two_exports_are_byte_identical_and_match_the_cli(run, tmp_path):
    from typer.testing import CliRunner

    from carbongap.cli import app

    out, stata = run
    before = {p.name: p.read_bytes() for p in stata.iterdir()}
    manifest_before = (out / "manifest.json").read_text()
    result = CliRunner().invoke(app, ["export", "stata", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert {p.name: p.read_bytes() for p in stata.iterdir()} == before
    assert (out / "manifest.json").read_text() == manifest_before
    missing = CliRunner().invoke(app, ["export", "stata", "--out", str(tmp_path / "none")])
    assert missing.exit_code == 2 and "does not exist; name the output folder" in missing.output
    (tmp_path / "empty").mkdir()
    empty = CliRunner().invoke(app, ["export", "stata", "--out", str(tmp_path / "empty")])
    assert empty.exit_code == 2 and "not a carbongap output folder" in empty.output


def test_copy_stata_replaces_the_folder_in_one_step_and_checks_the_run(run, tmp_path):
    from typer.testing import CliRunner

    from carbongap.cli import app

    out, stata = run
    dest = tmp_path / "stata_exports"
    dest.mkdir()
    (dest / "README.md").write_text("kept\n")
    (dest / "stale.dta").write_bytes(b"from an older copy")
    (dest / "manifest.json").write_text('{"outputs": {"stale.dta": "x"}}')
    result = CliRunner().invoke(app, ["export", "copy-stata", "--out", str(out), "--to",
                                      str(dest)])
    assert result.exit_code == 0, result.output
    copied = {p.name: p.read_bytes() for p in dest.iterdir()}
    assert copied.pop("README.md") == b"kept\n" and "stale.dta" not in copied
    listed = json.loads(copied.pop("manifest.json"))["outputs"]
    assert copied == {p.name: p.read_bytes() for p in stata.iterdir()}
    assert set(listed) == set(copied)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stata_exports"]
    # A changed export in the run is refused, and the copy is left as it was.
    tampered = tmp_path / "run"
    shutil.copytree(out, tampered)
    (tampered / "stata/CODEBOOK.md").write_text("edited\n")
    refused = CliRunner().invoke(app, ["export", "copy-stata", "--out", str(tampered), "--to",
                                       str(dest)], terminal_width=300)
    assert refused.exit_code == 2
    assert "does not match the run's manifest (missing or changed: CODEBOOK.md)" in \
        refused.output
    assert (dest / "CODEBOOK.md").read_bytes() == (stata / "CODEBOOK.md").read_bytes()


def test_an_all_missing_column_and_an_empty_table_export_as_missing_values(tmp_path):
    """An all-missing number or text column is a Stata variable of missing values; a table
    without rows has its text columns typed str1."""
    from carbongap.exports.datasets import missing_count, storage_type
    from carbongap.exports.stata import _dta_bytes

    frame = pd.DataFrame({"city_code": [110100, 450100], "year": [2006, 2007],
                          "gini": [np.nan, np.nan], "city_name": [None, None],
                          "n": pd.array([pd.NA, pd.NA], dtype="Int64")})
    data = stata_dataset(frame, "x", "test", config_sha256="0" * 64)
    path = tmp_path / "x.dta"
    path.write_bytes(_dta_bytes(data, 14))
    back, _ = pyreadstat.read_dta(str(path))
    assert back["gini"].isna().all() and back["n"].isna().all()
    assert (back["city_name"] == "").all()
    assert [missing_count(data.frame[c]) for c in ("gini", "city_name", "n")] == [2, 2, 2]
    # A table without rows (pyreadstat 1.2, the floor, cannot write one; the codebook
    # still describes it).
    empty = stata_dataset(frame.iloc[:0], "y", "test", config_sha256="0" * 64)
    assert storage_type(empty.frame["city_name"]) == "str1"


def test_the_malmquist_luenberger_measures_have_their_labels():
    from carbongap.exports.labels import index_variant, raw_label

    assert [index_variant(f, r) for f in ("increment", "cumulative") for r in (False, True)] \
        == ["indices", "ratio", "cumulative", "ratio-cumulative"]
    assert raw_label("T", "ratio")[0] == ("productivity index: Malmquist-Luenberger ML "
                                          "(production model)")
    assert raw_label("lnGEC", "ratio-cumulative")[0] == (
        "ln green efficiency change index chained from the base year: prod of MLEFFCH "
        "(green model)")
    assert raw_label("T", "indices")[0] == "productivity index, 1 + LTFP (production model)"
    assert raw_label("ML")[0].startswith("Malmquist-Luenberger index")
    assert raw_label("D_C_t_t1")[0] == "DDF CRS, technology of t, data of t+1"
    assert raw_label("D_V_P_t_status")[0] == ("LP status of the DDF VRS, technology of the "
                                              "pooled periods, data of t")


def test_a_malmquist_luenberger_run_exports_its_table(tmp_path):
    # [productivity] measure = "ml": the Stata and Parquet exports carry the ML table and
    # the indices are the ML components, labelled as such (docs/methods.md §15)
    config = load_config(overrides=["data.synthetic_cities=20", "inequality.bootstrap_draws=19",
                                    "regressions.boot_reps=19", 'productivity.measure="ml"'])
    out = tmp_path / "out"
    summary = run_pipeline(config, out=out, targets=["exports", "exchange"])
    assert summary.ok, [(s.name, s.reason) for s in summary.stages]
    luen, meta = pyreadstat.read_dta(str(out / "stata/luenberger.dta"))
    labels = meta.column_names_to_labels
    assert labels["ML"].startswith("Malmquist-Luenberger index")
    assert labels["MLTECH"].startswith("Malmquist-Luenberger technical change")
    assert labels["D_C_t_t1"].startswith("DDF CRS, technology of t, data of t+1")
    parquet = pd.read_parquet(out / "exchange/luenberger.parquet")
    np.testing.assert_array_equal(parquet["ML"].to_numpy(), luen["ML"].to_numpy())
    indices, meta = pyreadstat.read_dta(str(out / "stata/productivity_indices.dta"))
    assert meta.column_names_to_labels["T"].startswith(
        "productivity index: Malmquist-Luenberger ML")
    production = parquet.loc[parquet["model"] == "production"]
    merged = indices.merge(production, on=["city_code", "year"])
    assert len(merged) > 100
    np.testing.assert_allclose(merged["T"], merged["ML"], rtol=1e-15, equal_nan=True)
    np.testing.assert_allclose(merged["PC"], merged["MLTECH"], rtol=1e-15, equal_nan=True)
