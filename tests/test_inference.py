"""Inference with estimated productivity (docs/methods.md §14): the city draws, a
replication checked against a hand-built panel, the subsampling rescaling on a case with
a known rate, replication 0 equal to the main run, and the same results on 1 and 2
workers."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zlib

import numpy as np
import pandas as pd
import pytest

from carbongap.config import Config, load_config
from carbongap.dea.models import productivity_models
from carbongap.dea.spec import LuenbergerSpec
from carbongap.errors import ConfigError, DataError
from carbongap.inference.draws import (
    BOOTSTRAP,
    SUBSAMPLING,
    CityRows,
    city_groups,
    draw,
    subsample_sizes,
)
from carbongap.inference.intervals import percentile_interval, subsampling_interval, summarise
from carbongap.inference.replication import Pipeline, replicate
from carbongap.inference.resampling import design_of, resample_pipeline
from carbongap.parallel import Execution
from carbongap.pipeline.registry import STAGES
from carbongap.pipeline.runner import run_pipeline
from carbongap.stagekit.capabilities import NO_R_VARIABLE
from carbongap.stagekit.evaluate import Evaluator
from carbongap.stagekit.stage import Context, find_stage
from carbongap.stages.inference import pipeline_of
from child_runs import kill_when

SMALL = ["data.synthetic_cities=40", "inequality.bootstrap_draws=9",
         "regressions.boot_reps=9", "inference.reps=3"]


# --- draws ---------------------------------------------------------------------------

def _three_by_three() -> pd.DataFrame:
    """Cities 110100 (Beijing, developed), 510100 (Chengdu, underdeveloped), 510700 and
    a city of Henan (410100, other) over three years."""
    rows = []
    for code, province in ((110100, 11), (410100, 41), (510100, 51), (510700, 51)):
        for year in (2006, 2007, 2008):
            rows.append({"city_code": code, "province_code": province, "year": year,
                         "x": code / 1e5 + (year - 2006) / 10})
    return pd.DataFrame(rows)


def test_city_groups_follow_the_papers_region_groups():
    groups = city_groups(_three_by_three())
    assert list(groups) == ["developed", "other", "underdeveloped"]
    assert {g: c.tolist() for g, c in groups.items()} == {
        "developed": [110100], "other": [410100], "underdeveloped": [510100, 510700]}


def test_a_bootstrap_draw_keeps_each_groups_size_and_has_its_own_stream():
    groups = {"a": np.array([1, 2, 3, 4, 5]), "b": np.array([10, 20, 30])}
    assert draw(groups, BOOTSTRAP, 7, 0).tolist() == [1, 2, 3, 4, 5, 10, 20, 30]
    drawn = draw(groups, BOOTSTRAP, 7, 3)
    assert np.isin(drawn[:5], groups["a"]).all() and np.isin(drawn[5:], groups["b"]).all()
    # the stream of replication 3 is keyed by (seed, scheme, 3) alone: drawn by hand
    rng = np.random.default_rng([7, zlib.crc32(b"bootstrap"), zlib.crc32(b"3")])
    by_hand = np.sort(np.concatenate([groups["a"][rng.integers(0, 5, 5)],
                                      groups["b"][rng.integers(0, 3, 3)]]))
    assert drawn.tolist() == by_hand.tolist()
    assert draw(groups, BOOTSTRAP, 7, 3).tolist() == drawn.tolist()
    assert draw(groups, BOOTSTRAP, 8, 3).tolist() != drawn.tolist()


def test_subsamples_draw_without_replacement_in_proportion_to_the_groups():
    groups = {"a": np.arange(100, 200), "b": np.arange(300, 350), "c": np.arange(400, 410)}
    # n = 160, m = ceil(160^0.8) = ceil(57.98) = 58: shares 58 * 100/160 = 36.25 -> 36,
    # 58 * 50/160 = 18.1 -> 18, 58 * 10/160 = 3.6 -> 4
    assert 160 ** 0.8 == pytest.approx(57.98, abs=0.005)
    sizes = subsample_sizes(groups, 0.8)
    assert sizes == {"a": 36, "b": 18, "c": 4}
    drawn = draw(groups, SUBSAMPLING, 1, 5, sizes=sizes)
    assert len(np.unique(drawn)) == len(drawn) == 58
    assert [int(np.isin(drawn, c).sum()) for c in groups.values()] == [36, 18, 4]
    assert subsample_sizes({"tiny": np.array([1, 2])}, 0.5) == {"tiny": 2}


def test_a_drawn_city_twice_is_two_cities_with_their_rows():
    rows = CityRows.of(_three_by_three().sample(frac=1.0, random_state=1))
    taken = rows.take(np.array([110100, 110100, 510700]))
    assert taken["city_code"].tolist() == [1, 1, 1, 2, 2, 2, 3, 3, 3]
    assert taken["source_city_code"].tolist() == [110100] * 6 + [510700] * 3
    assert taken["year"].tolist() == [2006, 2007, 2008] * 3
    np.testing.assert_array_equal(taken["x"].to_numpy(),
                                  [1.101, 1.201, 1.301] * 2 + [5.107, 5.207, 5.307])
    same = rows.take(np.array([110100, 410100, 510100, 510700]), relabel=False)
    assert same["city_code"].tolist() == sorted(_three_by_three()["city_code"].tolist())


# --- one replication against a panel built by hand --------------------------------------

def _dea_panel() -> pd.DataFrame:
    """Three cities by three years with inputs, good and bad outputs (made up, positive)."""
    values = {
        110100: [(100, 50, 80, 30), (110, 52, 90, 31), (120, 53, 99, 33)],
        120100: [(90, 45, 120, 25), (95, 46, 131, 24), (101, 47, 140, 26)],
        130100: [(70, 40, 50, 20), (72, 41, 58, 22), (80, 42, 60, 21)],
    }
    rows = [{"city_code": code, "city_name": str(code), "province_code": code // 10000,
             "year": 2006 + t, "capital": k, "employment": labour, "gdp_real": y, "co2": b,
             "co2pgdp": b / y, "population": 500.0, "disposable_income": 2e4,
             "secondary_share": 45.0}
            for code, series in values.items() for t, (k, labour, y, b) in enumerate(series)]
    return pd.DataFrame(rows)


def test_a_bootstrap_replication_equals_the_pipeline_on_the_hand_drawn_panel():
    """Drawing Beijing twice and Hebei's city once (global frontier: no infeasible LP on so
    small a panel): duplicating a unit leaves every DEA frontier as it is (checked on the
    duplicated panel itself), so each copy's indices are those of the panel of the two
    distinct cities, and the yearly mean weighs Beijing twice."""
    spec = LuenbergerSpec.of(["capital", "employment"], ["gdp_real"], ["co2"], "global")
    panel = _dea_panel()
    pipeline = Pipeline(CityRows.of(panel), CityRows.of(panel), spec, (2006, 2008),
                        (2007, 2008), "common", (), (0.5,))
    done = replicate(pipeline, np.array([110100, 110100, 130100]))
    assert done.failure == ""
    distinct = panel.loc[panel["city_code"].isin([110100, 130100]),
                         ["city_code", "year", "capital", "employment", "gdp_real", "co2"]]
    by_hand = productivity_models(distinct, spec)
    indices = by_hand.tables["indices"].set_index(["city_code", "year"])
    # the full panel's frontier differs: the replication is not the data
    full = productivity_models(panel.loc[:, distinct.columns], spec).tables["indices"]
    assert not np.allclose(full.set_index(["city_code", "year"]).loc[indices.index, "GT"],
                           indices["GT"])
    # the DEA on the duplicated panel itself (Beijing as cities 1 and 2, Hebei's as 3):
    # the copies leave every frontier as it is, so the indices are the distinct panel's
    duplicated = pd.concat([distinct.loc[distinct["city_code"] == 110100].assign(city_code=1),
                            distinct.loc[distinct["city_code"] == 110100].assign(city_code=2),
                            distinct.loc[distinct["city_code"] == 130100].assign(city_code=3)])
    with_copies = productivity_models(duplicated, spec).tables["indices"].set_index(
        ["city_code", "year"])
    for copy, source in ((1, 110100), (2, 110100), (3, 130100)):
        for year in (2007, 2008):
            for variable in ("T", "PC", "EC", "GT", "GPC", "GEC"):
                assert with_copies.loc[(copy, year), variable] == pytest.approx(
                    indices.loc[(source, year), variable], rel=1e-9, abs=1e-12)
    rows = done.means.loc[done.means["sample"] == "all"].set_index(["variable", "year"])
    assert len(rows) == 12  # six indices, two years
    for variable in ("T", "PC", "EC", "GT", "GPC", "GEC"):
        for year in (2007, 2008):
            expected = (2 * indices.loc[(110100, year), variable]
                        + indices.loc[(130100, year), variable]) / 3
            assert rows.loc[(variable, year), "mean"] == pytest.approx(expected, rel=1e-12)
            assert rows.loc[(variable, year), "n"] == 3
    # Beijing and Tianjin's 120100 are developed; Hebei's 130100 too: no underdeveloped
    developed = done.means.loc[done.means["sample"] == "developed", "mean"].to_numpy()
    np.testing.assert_array_equal(developed, rows["mean"].to_numpy())


# --- intervals -----------------------------------------------------------------------

def test_the_subsampling_interval_by_hand():
    draws = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    # type-7 quantiles at 0.025 and 0.975: 1.1 and 4.9
    assert percentile_interval(draws, 0.95) == pytest.approx((1.1, 4.9))
    # point 2, m/n = 1/4, rate 1/2: scale 1/2; [2 - (4.9 - 2)/2, 2 - (1.1 - 2)/2]
    assert subsampling_interval(2.0, draws, 0.25, 0.5, 0.95) == pytest.approx((0.55, 2.45))


def test_subsampling_covers_a_sample_maximum_where_the_bootstrap_cannot():
    """θ = 1 is the maximum of Uniform(0, 1); its estimator, the sample maximum, converges
    at rate n (a = 1). The percentile bootstrap interval never reaches above the sample
    maximum, so it never covers θ; m-out-of-n subsampling rescaled by (m/n)^1 does, about
    95% of the time."""
    rng = np.random.default_rng(20240301)
    n, m, reps, trials = 1000, 32, 400, 300
    covered_sub = covered_boot = 0
    for _ in range(trials):
        sample = rng.uniform(size=n)
        point = sample.max()
        sub = np.array([rng.choice(sample, m, replace=False).max() for _ in range(reps)])
        boot = np.array([rng.choice(sample, n, replace=True).max() for _ in range(reps)])
        lo, hi = subsampling_interval(point, sub, m / n, 1.0, 0.95)
        covered_sub += lo <= 1.0 <= hi
        blo, bhi = percentile_interval(boot, 0.95)
        covered_boot += blo <= 1.0 <= bhi
    assert covered_boot == 0
    # binomial(300, 0.95) has SD 3.8 cells; the subsampling approximation at m = 32 is
    # not exact, so allow 0.89-0.99
    assert 0.89 <= covered_sub / trials <= 0.99


def test_summarise_takes_replication_zero_as_the_point():
    long = pd.DataFrame({
        "scheme": ["bootstrap"] * 4 + ["subsampling"] * 3,
        "rep": [0, 1, 2, 3, 1, 2, 3],
        "cell": ["a"] * 7,
        "coef": [2.0, 1.0, 2.0, 4.0, 1.0, 3.0, 5.0]})
    row = summarise(long, ["cell"], "coef", level=0.95, ratio=0.25, rate=0.5).iloc[0]
    assert row["coef"] == 2.0 and row["boot_reps"] == 3 and row["sub_reps"] == 3
    assert row["boot_se"] == pytest.approx(np.std([1.0, 2.0, 4.0], ddof=1))
    assert row["sub_se"] == pytest.approx(0.5 * 2.0)
    assert (row["sub_lo"], row["sub_hi"]) == pytest.approx(
        (2.0 - 0.5 * (4.9 - 2.0), 2.0 - 0.5 * (1.1 - 2.0)))


def test_bad_inference_settings_are_refused():
    for override, message in (("inference.power=1.0", "power must be in \\(0, 1\\)"),
                              ("inference.reps=0", "reps must be >= 1"),
                              ("inference.level=1.5", "level must be in")):
        with pytest.raises(ConfigError, match=message):
            load_config(overrides=[override])


# --- the pipeline -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def small_pipeline():
    config = load_config(overrides=SMALL)
    evaluator = Evaluator(Context(config=config, upstream={}, stages=STAGES), {}, config)
    results = evaluator.results(config, "regressions")
    stage = find_stage("inference", STAGES)
    ctx = stage.context(config, results)
    return pipeline_of(ctx), results


def test_replication_zero_is_the_main_run_bit_for_bit(small_pipeline):
    pipeline, results = small_pipeline
    zero = replicate(pipeline, None)
    main = results["regressions"].tables["estimates"]
    keys = ["table", "part", "term", "tau"]
    ours = zero.coefficients.sort_values(keys).reset_index(drop=True)
    theirs = main.sort_values(keys).reset_index(drop=True)
    assert len(ours) == len(theirs) > 0
    for column in (*keys, "coef", "n"):
        np.testing.assert_array_equal(ours[column].to_numpy(), theirs[column].to_numpy())
    national = zero.means.loc[zero.means["sample"] == "all"]
    means = results["productivity"].tables["yearly_means"]
    np.testing.assert_array_equal(national["mean"].to_numpy(), means["mean"].to_numpy())


@pytest.fixture(scope="module")
def serial_replications(small_pipeline):
    pipeline, _ = small_pipeline
    design = design_of(pipeline, 3, 11, 0.8)
    return design, resample_pipeline(pipeline, design)


@pytest.mark.parametrize("execution", [Execution(workers=2), Execution(2, "local")],
                         ids=["two-workers", "dask-local"])
def test_workers_and_dask_give_the_serial_replications(small_pipeline, serial_replications,
                                                       execution):
    pipeline, _ = small_pipeline
    design, serial = serial_replications
    parallel = resample_pipeline(pipeline, design, execution=execution)
    pd.testing.assert_frame_equal(serial.coefficients, parallel.coefficients,
                                  check_exact=True)
    pd.testing.assert_frame_equal(serial.means, parallel.means, check_exact=True)
    pd.testing.assert_frame_equal(serial.failed, parallel.failed, check_exact=True)


def test_replications_move_and_both_schemes_run(serial_replications):
    _, serial = serial_replications
    # a bootstrap replication is not the data: some coefficient moved
    boot = serial.coefficients.loc[serial.coefficients["scheme"] == "bootstrap"]
    zero = boot.loc[boot["rep"] == 0, "coef"].to_numpy()
    one = boot.loc[boot["rep"] == 1, "coef"].to_numpy()
    assert len(zero) == len(one) and not np.array_equal(zero, one)
    assert set(serial.coefficients["scheme"]) == {"bootstrap", "subsampling"}
    assert sorted(serial.coefficients.loc[serial.coefficients["scheme"] == "subsampling",
                                          "rep"].unique()) == [1, 2, 3]


def test_inference_is_not_part_of_a_default_run():
    stage = find_stage("inference", STAGES)
    assert not stage.in_full_run(Config())
    assert stage.in_full_run(load_config(overrides=["inference.enabled=true"]))


def test_the_stage_writes_its_tables_and_the_replications(tmp_path, monkeypatch):
    monkeypatch.setenv(NO_R_VARIABLE, "1")
    summary = run_pipeline(load_config(overrides=SMALL), out=tmp_path,
                           targets=["inference", "report"])
    assert summary.ok, [(s.name, s.reason) for s in summary.stages]
    table = pd.read_csv(tmp_path / "tables/inference_coefficients.csv")
    main = pd.read_csv(tmp_path / "tables/qreg_estimates.csv")
    assert len(table) == len(main)
    assert (table["boot_reps"] == 3).all() and (table["sub_reps"] == 3).all()
    assert (table["boot_lo"] <= table["boot_hi"]).all()
    long = pd.read_parquet(tmp_path / "data/inference_replicates.parquet")
    assert len(long) == 7 * len(main)  # replication 0, 3 bootstrap, 3 subsamples
    import pyreadstat

    dta, _ = pyreadstat.read_dta(str(tmp_path / "data/inference_replicates.dta"))
    np.testing.assert_array_equal(dta["coef"].to_numpy(), long["coef"].to_numpy())
    # what data/inference_se.do computes (Stata's collapse (sd) is ddof 1), in pandas
    design = pd.read_csv(tmp_path / "tables/inference_design.csv").iloc[0]
    assert design["scale"] == (design["subsample"] / design["cities"]) ** 0.5
    dofile = (tmp_path / "data/inference_se.do").read_text(encoding="utf-8")
    assert f"replace se = se * {float(design['scale'])!r} if scheme == \"subsampling\"" in dofile
    assert "collapse (sd) se = coef (count) reps = coef, by(scheme table part term tau)" \
        in dofile
    drawn = long.loc[long["rep"] > 0]
    sd = drawn.groupby(["scheme", "table", "part", "term", "tau"])["coef"].std(ddof=1)
    keyed = table.set_index(["table", "part", "term", "tau"])
    for (scheme, *cell), value in sd.items():
        column, factor = (("boot_se", 1.0) if scheme == "bootstrap"
                          else ("sub_se", design["scale"]))
        assert keyed.loc[tuple(cell), column] == pytest.approx(value * factor, rel=1e-12)
    log = (tmp_path / "carbongap.log").read_text(encoding="utf-8")
    assert "equals the run's Tables 1-8" in log
    means = pd.read_csv(tmp_path / "tables/inference_means.csv")
    national = means.loc[means["sample"] == "all"]
    assert (national["n"] > 0).all() and (national["boot_reps"] == 3).all()
    for figure, variables in (("figure2", {"T", "GT"}), ("figure3", {"PC", "EC", "GPC",
                                                                     "GEC"})):
        for scheme in ("boot", "sub"):
            assert (tmp_path / f"figures/inference_{figure}_{scheme}.png").is_file()
            drawn = pd.read_csv(tmp_path / f"figures/inference_{figure}_{scheme}.csv")
            assert set(drawn["variable"]) == variables
            mine = national.loc[national["variable"].isin(variables)]
            np.testing.assert_array_equal(np.sort(drawn[f"{scheme}_lo"].to_numpy()),
                                          np.sort(mine[f"{scheme}_lo"].to_numpy()))
    report = (tmp_path / "REPORT.md").read_text(encoding="utf-8")
    section = report.split("## Inference with estimated productivity", 1)[1]
    assert "3 pipeline-bootstrap replications and 3 subsamples" in section
    # the committed coverage study names the interval (docs/methods.md §14)
    assert ("Coverage study (1600 intervals per method; the file is input "
            "inference.coverage of the manifest): coverage of nominal "
            "0.95 intervals for Table 1's coefficients: nid 0.579, regression bootstrap "
            "0.932, pipeline bootstrap 0.950, subsampling 0.845; recommended: the pipeline "
            "bootstrap interval") in section
    assert "median boot_se / se" in section and "lnT" in section
    assert "figures/inference_figure3_sub.png" in section
    assert ("#### Figure 2. Productivity and green productivity change; bands: 95% pipeline "
            "bootstrap intervals") in section


# --- a killed run continues where it stopped -------------------------------------------

RUN = ["run", "inference", "--set", "inference.reps=40", "--set", "data.synthetic_cities=30",
       "--set", "regressions.tables=[1]", "--quiet"]
#: Seconds a child run may take (this one takes about 15 s here).
RUN_TIMEOUT = 400


def _env() -> dict[str, str]:
    return {**os.environ, NO_R_VARIABLE: "1", "MPLBACKEND": "Agg"}


def _outputs(out) -> dict[str, str]:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))["outputs"]


def test_a_killed_run_continues_where_it_stopped_and_ends_byte_identical(tmp_path):
    killed, clean = tmp_path / "killed", tmp_path / "clean"
    child = subprocess.Popen([sys.executable, "-m", "carbongap", *RUN, "--out", str(killed)],
                             env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    partial = killed / ".cache" / "partial"
    kill_when(child, lambda: bool(list(partial.glob("inference-*/*.pkl"))), RUN_TIMEOUT,
              "it kept a chunk")
    kept = len(list(partial.glob("inference-*/*.pkl")))
    assert 1 <= kept < 4  # of four chunks: 0-24 and 25-40, 1-25 and 26-40
    again = subprocess.run([sys.executable, "-m", "carbongap", *RUN, "--out", str(killed)],
                           env=_env(), capture_output=True, text=True, timeout=RUN_TIMEOUT,
                           check=False)
    assert again.returncode == 0, again.stderr
    log = (killed / "carbongap.log").read_text(encoding="utf-8")
    assert re.search(rf"continued an interrupted run: {kept} of 4 chunks", log), log
    assert not list(partial.glob("inference-*"))  # the stage's result is cached: cleared
    fresh = subprocess.run([sys.executable, "-m", "carbongap", *RUN, "--out", str(clean)],
                           env=_env(), capture_output=True, text=True, timeout=RUN_TIMEOUT,
                           check=False)
    assert fresh.returncode == 0, fresh.stderr
    assert "continued an interrupted run" not in (clean / "carbongap.log").read_text(
        encoding="utf-8")
    ours, theirs = _outputs(killed), _outputs(clean)
    assert "data/inference_replicates.parquet" in ours
    assert ours == theirs


def test_the_recommendation_follows_the_coverage_file(tmp_path):
    from carbongap.inference.coverage import read_coverage, recommended_interval
    from carbongap.stages.inference import _recommendation

    table = pd.DataFrame({"target": ["coefficient"] * 3, "method": [
        "nid", "pipeline bootstrap", "subsampling"], "intervals": 10,
        "coverage": [0.5, 0.99, 0.93], "mc_se": 0.01, "mean_width": 1.0})
    assert recommended_interval(table, 0.95) == "subsampling"
    path = tmp_path / "coverage.csv"
    table.to_csv(path, index=False)
    assert _recommendation(path, 0.95).endswith("recommended: the subsampling interval")
    assert "neither interval is recommended" in _recommendation(None, 0.95)
    table.drop(columns="mc_se").to_csv(path, index=False)
    with pytest.raises(DataError, match=r"coverage\.csv: not a coverage table.*lacks mc_se"):
        read_coverage(path)
