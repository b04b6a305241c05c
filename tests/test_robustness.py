"""The robustness grid: its file, its specifications, one computation per upstream
configuration, the summary, the specification curve's data, and the whole stage on a small
synthetic panel (the baseline equals the run's Tables 1-8 bit for bit)."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from carbongap.config import Config, load_config
from carbongap.errors import ConfigError
from carbongap.io.markdown import to_latex
from carbongap.pipeline.registry import STAGES
from carbongap.pipeline.runner import run_pipeline
from carbongap.robustness.grid import default_grid_path, load_grid, parse_grid
from carbongap.robustness.summary import curve_data, option_summary, summarise
from carbongap.stagekit.capabilities import NO_R_VARIABLE
from carbongap.stagekit.evaluate import Evaluator
from carbongap.stagekit.stage import Context, find_stage
from carbongap.tables.estimate import sample_of
from carbongap.tables.regression_panel import build_regression_panel
from carbongap.tables.specs import TableSpec

SMALL = ["data.synthetic_cities=40", "inequality.bootstrap_draws=49",
         "regressions.boot_reps=49"]
GRID = """
[axes]
"productivity.frontier" = ["contemporaneous", "global"]
"accounting.delta" = [0.05, 0.1]

[axes.regression_sample]
common = { "analysis.sample" = "common" }
per_table = { "analysis.sample" = "per_table" }

[axes.se_method]
nid = { "regressions.se" = "nid" }
iid = { "regressions.se" = "iid" }
"""


def _grid(text: str, base: Config | None = None, tmp_path: Path | None = None):
    if tmp_path is None:
        import tomllib
        return parse_grid(tomllib.loads(text), base or Config(), "grid.toml")
    path = tmp_path / "grid.toml"
    path.write_text(text, encoding="utf-8")
    return load_grid(path, base or Config())


# --- the grid file ------------------------------------------------------------------

@pytest.mark.parametrize(("text", "message"), [
    ("design = 1\n[axes]\n\"accounting.delta\" = [0.05]\n", "unknown key\\(s\\) design"),
    ("[axes]\n", "no axes"),
    ("[axes]\n\"productivity.fronteir\" = [\"global\"]\n",
     "axis 'fronteir', option 'global'.*unknown key \\[productivity\\] fronteir"),
    ("[axes]\n\"productivity.frontier\" = [\"contemporaneous\", \"glob\"]\n",
     "grid.toml: axis 'frontier', option 'glob'.*'glob' is not one of"),
    ("[axes]\n\"accounting.delta\" = [0.05, 1.5]\n",
     "axis 'delta', option '1.5'.*delta must be in \\[0, 1\\)"),
    ("[axes]\n\"productivity.frontier\" = [\"global\", \"sequential\"]\n",
     "axis 'frontier' needs exactly one option equal to the run's configuration.*"
     "now productivity.frontier = 'contemporaneous'.*found 0"),
    ("[axes]\n\"data.synthetic_cities\" = [282, 40]\n", "key 'data.synthetic_cities' = 282"
     " cannot vary"),
    ("[axes]\n\"regressions.backend\" = [\"python\", \"r\"]\n", "chooses the language"),
    ("[axes]\n\"analysis.sample\" = [\"common\", \"per_table\"]\n",
     "axis name 'sample' is a column"),
    ("[axes]\n\"accounting.delta\" = [0.05, 0.05]\n", "repeats an option"),
    ("[axes]\nse = [\"nid\"]\n", "its name must be a configuration key"),
])
def test_a_bad_grid_is_refused_naming_file_axis_and_value(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message) as caught:
        _grid(text, tmp_path=tmp_path)
    assert str(tmp_path / "grid.toml") in str(caught.value)


def test_a_missing_grid_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match=r"robustness grid .*nothere\.toml does not exist"):
        load_grid(tmp_path / "nothere.toml", Config())


def test_one_at_a_time_moves_each_axis_alone_from_the_baseline():
    grid = _grid(GRID)
    specs = grid.specifications("one-at-a-time")
    assert [s.changed for s in specs] == ["", "frontier=global", "delta=0.1",
                                          "regression_sample=per_table", "se_method=iid"]
    assert specs[0].is_baseline and specs[0].config == Config()
    assert specs[1].config.productivity.frontier == "global"
    assert specs[1].config.accounting.delta == 0.05
    assert specs[2].config.accounting.delta == 0.1
    assert specs[3].config.analysis.sample == "per_table"
    assert specs[4].config.regressions.se == "iid"
    assert dict(specs[4].choices) == {"frontier": "contemporaneous", "delta": "0.05",
                                      "regression_sample": "common", "se_method": "iid"}


def test_factorial_has_every_combination_once_baseline_first():
    specs = _grid(GRID).specifications("factorial")
    assert len(specs) == 2 * 2 * 2 * 2
    assert specs[0].is_baseline and [s.id for s in specs] == list(range(16))
    assert len({s.choices for s in specs}) == 16
    assert len({s.config for s in specs}) == 16


def test_the_baseline_follows_the_runs_configuration():
    base = load_config(overrides=["productivity.frontier=\"global\""])
    specs = _grid(GRID, base).specifications("one-at-a-time")
    assert specs[0].config.productivity.frontier == "global"
    assert specs[1].changed == "frontier=contemporaneous"


def test_the_default_grid_is_valid_and_has_the_papers_choices_as_baseline():
    grid = load_grid(default_grid_path(), Config())
    assert [a.name for a in grid.axes] == ["frontier", "factors", "delta", "index_form",
                                           "measure", "regression_sample", "se_method"]
    assert [a.baseline_label for a in grid.axes] == ["contemporaneous", "paper", "0.05",
                                                     "increment", "sbi", "common", "nid"]
    specs = grid.specifications("one-at-a-time")
    assert len(specs) == 1 + 3 + 1 + 2 + 1 + 3 + 1 + 3
    gml = next(s for s in specs if s.changed == "measure=gml").config
    assert (gml.productivity.measure, gml.productivity.frontier) == ("gml", "global")
    boot = next(s for s in specs if s.changed == "se_method=city_bootstrap").config
    assert (boot.regressions.se, boot.regressions.cluster) == ("boot", "city_code")


# --- one computation per upstream configuration ----------------------------------------

def test_each_upstream_configuration_is_computed_exactly_once():
    calls: dict[str, int] = {}

    def counted(stage):
        def compute(ctx):
            calls[stage.name] = calls.get(stage.name, 0) + 1
            return stage.compute(ctx)

        return dataclasses.replace(stage, compute=compute)

    stages = tuple(counted(s) if s.name in ("validate", "accounting", "productivity",
                                             "analysis_panel") else s for s in STAGES)
    base = load_config(overrides=SMALL)
    evaluator = Evaluator(Context(config=base, upstream={}, stages=stages), {}, base)
    specs = _grid(GRID, base).specifications("one-at-a-time")
    panels = [evaluator.results(s.config, "analysis_panel")["analysis_panel"] for s in specs]
    # base, frontier=global, delta=0.1, per_table, se=iid (the last reuses the base panel)
    assert calls == {"validate": 1, "accounting": 2, "productivity": 3, "analysis_panel": 4}
    assert dict(evaluator.computed) == calls
    assert panels[4] is panels[0]
    for spec in specs:  # asking again computes nothing
        evaluator.results(spec.config, "analysis_panel")
    assert calls == {"validate": 1, "accounting": 2, "productivity": 3, "analysis_panel": 4}


def test_known_results_are_reused_for_the_baseline(monkeypatch):
    base = load_config(overrides=SMALL)
    first = Evaluator(Context(config=base, upstream={}, stages=STAGES), {}, base)
    known = first.results(base, "analysis_panel")
    second = Evaluator(Context(config=base, upstream={}, stages=STAGES), known, base)
    again = second.results(base, "analysis_panel")
    assert all(again[n] is known[n] for n in known) and not second.computed
    assert second.reused["productivity"] == 1


# --- the per-table sample ------------------------------------------------------------

def test_a_per_table_sample_keeps_what_each_table_part_can_use():
    panel = pd.DataFrame({"city_code": [1, 1, 2, 2], "city_name": ["甲", "甲", "乙", "乙"],
                          "province_code": [110000] * 4, "year": [2007, 2008, 2007, 2008],
                          "population": [1.0, 2.0, 3.0, 4.0],
                          "disposable_income": [1.0, 2.0, 3.0, 4.0],
                          "secondary_share": [40.0, 41.0, 42.0, 43.0]})
    accounting = panel.loc[:, ["city_code", "year"]].assign(co2=[10.0, 20.0, 30.0, 0.0],
                                                            co2pgdp=[1.0, 2.0, 3.0, 4.0])
    indices = panel.loc[:, ["city_code", "year"]].assign(
        T=[1.1, 1.2, 1.3, 1.4], PC=[1.0] * 4, EC=[1.0] * 4,
        GT=[1.0, np.nan, 1.0, 1.0], GPC=[1.0] * 4, GEC=[1.0] * 4)
    common = build_regression_panel(panel, accounting, indices, (2007, 2008))
    assert len(common.frame) == 2 and len(common.attrition) == 2  # GT missing, co2 = 0
    per_table = build_regression_panel(panel, accounting, indices, (2007, 2008),
                                       sample="per_table")
    frame = per_table.frame
    assert len(frame) == 4 and per_table.attrition.empty
    assert np.isnan(frame.loc[1, "lnGT"]) and np.isnan(frame.loc[3, "lnCO2"])
    assert frame.loc[3, "lnCO2pgdp"] == np.log(4.0)
    production = TableSpec(table=2, part=1, sample="all", dependent="lnCO2pgdp",
                           block="production", regressors=("lnT", "lnP"), shown=("lnT",),
                           header="", title="", title_zh="")
    green = TableSpec(table=1, part=2, sample="all", dependent="lnCO2", block="green",
                      regressors=("lnGT", "lnP"), shown=("lnGT",), header="",
                      title="", title_zh="")
    assert sample_of(frame, production)["year"].tolist() == [2007, 2008, 2007, 2008]
    assert sample_of(frame, green)["city_code"].tolist() == [1, 2]
    assert sample_of(common.frame, production) is common.frame  # no copy when complete


# --- summary and curve -----------------------------------------------------------------

def _long() -> pd.DataFrame:
    rows = []
    # two specifications x one cell of lnT at two τ, and one cell of lnGT
    for spec, coefs, ps in ((0, (1.0, -0.5, 2.0), (0.01, 0.20, 0.04)),
                            (1, (0.5, 0.3, -1.0), (0.06, 0.01, 0.30))):
        for (term, tau), coef, p in zip((("lnT", 0.2), ("lnT", 0.8), ("lnGT", 0.2)), coefs,
                                        ps, strict=True):
            rows.append({"spec": spec, "changed": "baseline" if spec == 0 else "x=y",
                         "baseline": spec == 0, "table": 1, "part": 1 if term == "lnT"
                         else 2, "sample": "all", "dependent": "lnCO2", "block": "b",
                         "term": term, "tau": tau, "coef": coef, "se": 0.5, "p": p,
                         "stars": 0, "n": 100})
    return pd.DataFrame(rows)


def test_summary_counts_signs_significance_and_range_by_hand():
    summary = summarise(_long()).set_index("term")
    t = summary.loc["lnT"]
    # baseline signs (+, -); spec 1 (+, +): 3 of 4 estimates keep the baseline's sign
    assert (t["specifications"], t["estimates"]) == (2, 4)
    assert t["same_sign"] == 0.75
    assert t["significant_5pct"] == 0.5  # p = 0.01 and 0.01
    assert t["baseline_significant_5pct"] == 0.5
    assert (t["min"], t["max"]) == (-0.5, 1.0)
    g = summary.loc["lnGT"]
    assert (g["same_sign"], g["significant_5pct"], g["min"], g["max"]) == (0.5, 0.5, -1.0,
                                                                           2.0)
    assert list(summary.index) == ["lnT", "lnGT"]


def test_option_summary_counts_kept_signs_and_stars_by_hand():
    long = _long()
    # stars: baseline lnT (***, none), lnGT **; spec 1 lnT (*, **), lnGT none
    long["stars"] = ["***", "", "**", "*", "**", ""]
    long.loc[long["spec"] == 1, "coef"] = [0.5, -0.3, -1.0]
    specs = pd.DataFrame({"spec": [0, 1], "changed": ["baseline", "x=y"],
                          "baseline": [True, False], "x": ["a", "y"]})
    options = option_summary(long, specs).set_index("term")
    assert list(options.index) == ["lnT", "lnGT"]
    assert (options["axis"] == "x").all() and (options["option"] == "y").all()
    t, g = options.loc["lnT"], options.loc["lnGT"]
    assert (t["cells"], t["same_sign"], t["same_stars"]) == (2, 1.0, 0.0)
    assert (g["cells"], g["same_sign"], g["same_stars"]) == (1, 0.0, 0.0)
    long.loc[long["spec"] == 1, "stars"] = ["***", "", "*"]  # both lnT cells keep theirs
    assert option_summary(long, specs).set_index("term").loc["lnT", "same_stars"] == 1.0


def test_curve_data_sorts_with_intervals_and_choices():
    specs = pd.DataFrame({"spec": [0, 1], "changed": ["baseline", "x=y"],
                          "baseline": [True, False], "x": ["a", "y"]})
    data = curve_data(_long(), specs, "lnT")
    assert data["coef"].tolist() == [-0.5, 0.3, 0.5, 1.0]
    assert data["rank"].tolist() == [1, 2, 3, 4]
    assert data["x"].tolist() == ["a", "y", "y", "a"]
    assert data["significant_5pct"].tolist() == [False, True, False, True]
    np.testing.assert_allclose(data["upper"] - data["lower"], 2 * 1.959963984540054 * 0.5)


def test_to_latex_escapes_and_aligns():
    text = to_latex(pd.DataFrame({"term": ["ln_T"], "share": [0.5]}), 2, caption="a & b")
    assert r"\caption{a \& b}" in text and r"\begin{tabular}{lr}" in text
    assert r"ln\_T & 0.50 \\" in text and text.endswith("\\end{table}\n")


# --- the stage -------------------------------------------------------------------------

def test_robustness_is_not_part_of_a_default_run():
    robustness = find_stage("robustness", STAGES)
    assert not robustness.in_full_run(Config())
    assert robustness.in_full_run(load_config(overrides=["robustness.enabled=true"]))
    assert STAGES[-1].name == "report"


def _run_grid(tmp_path_factory, text: str, name: str) -> Path:
    """A run of the robustness stage and the report on the small panel over ``text``."""
    before = os.environ.get(NO_R_VARIABLE)
    os.environ[NO_R_VARIABLE] = "1"
    out = tmp_path_factory.mktemp(name)
    grid = out.parent / f"{name}.toml"
    grid.write_text(text, encoding="utf-8")
    config = load_config(overrides=[*SMALL, "robustness.enabled=true",
                                    f"robustness.grid=\"{grid.as_posix()}\""])
    try:
        summary = run_pipeline(config, out=out, targets=["robustness", "report"])
    finally:
        if before is None:
            os.environ.pop(NO_R_VARIABLE)
        else:
            os.environ[NO_R_VARIABLE] = before
    assert summary.ok, [(s.name, s.reason) for s in summary.stages]
    return out


@pytest.fixture(scope="module")
def grid_run(tmp_path_factory):
    return _run_grid(tmp_path_factory, GRID, "robustness")


MEASURE_GRID = """
[axes.measure]
sbi = { "productivity.measure" = "sbi" }
ddf-luenberger = { "productivity.measure" = "ddf-luenberger" }
ml = { "productivity.measure" = "ml" }
gml = { "productivity.measure" = "gml", "productivity.frontier" = "global" }
"""


def test_the_measure_axis_reestimates_the_tables_and_the_report_says_what_holds(
        tmp_path_factory):
    out = _run_grid(tmp_path_factory, MEASURE_GRID, "measures")
    specs = pd.read_csv(out / "tables/robustness_specs.csv")
    assert specs["changed"].tolist() == ["baseline", "measure=ddf-luenberger", "measure=ml",
                                         "measure=gml"]
    long = pd.read_csv(out / "tables/robustness.csv")
    cell = long.loc[(long["term"] == "lnT") & (long["table"] == 1) & (long["tau"] == 0.2)]
    coefs = cell.set_index("changed")["coef"]
    assert coefs.notna().all() and coefs.nunique() == 4  # each measure its own regressor
    options = pd.read_csv(out / "tables/robustness_options.csv")
    assert set(options["option"]) == {"ddf-luenberger", "ml", "gml"}
    assert set(options["term"]) == {"lnT", "lnGT", "lnPC", "lnEC", "lnGPC", "lnGEC"}
    assert options["same_sign"].between(0, 1).all() and (options["cells"] > 0).all()
    report = (out / "REPORT.md").read_text(encoding="utf-8")
    assert "keep its sign / its stars under each option" in report
    assert "| measure=gml |" in report


def test_the_baseline_equals_the_runs_tables_bit_for_bit(grid_run):
    long = pd.read_csv(grid_run / "tables/robustness.csv")
    main = pd.read_csv(grid_run / "tables/qreg_estimates.csv")
    keys = ["table", "part", "term", "tau"]
    base = long.loc[long["baseline"]].sort_values(keys).reset_index(drop=True)
    main = main.sort_values(keys).reset_index(drop=True)
    assert len(base) == len(main) > 0
    for column in (*keys, "coef", "se", "p", "stars", "n"):
        np.testing.assert_array_equal(base[column].to_numpy(), main[column].to_numpy())
    assert sorted(long["spec"].unique()) == [0, 1, 2, 3, 4]
    assert (long.groupby("spec").size() == len(main)).all()
    report = (grid_run / "REPORT.md").read_text(encoding="utf-8")
    assert "## Robustness" in report
    assert "the baseline specification equals the run's Tables 1-8 bit for bit" in report


def test_the_stage_counts_its_computations(grid_run):
    counts = pd.read_csv(grid_run / "tables/robustness_computations.csv").set_index("stage")
    # the run's own results serve the baseline and the SE variant
    assert counts["computed"].to_dict() == {"validate": 0, "accounting": 1,
                                            "productivity": 2, "analysis_panel": 3}
    assert counts["reused"].to_dict() == {"validate": 5, "accounting": 4,
                                          "productivity": 3, "analysis_panel": 2}


def test_a_variant_changes_what_it_should(grid_run):
    long = pd.read_csv(grid_run / "tables/robustness.csv")
    cell = long.loc[(long["term"] == "lnT") & (long["table"] == 1) & (long["tau"] == 0.2)]
    by = cell.set_index("changed")
    # the SE method changes the SE, not the coefficient; the frontier changes both
    assert by.loc["se_method=iid", "coef"] == by.loc["baseline", "coef"]
    assert by.loc["se_method=iid", "se"] != by.loc["baseline", "se"]
    assert by.loc["frontier=global", "coef"] != by.loc["baseline", "coef"]
    assert by.loc["regression_sample=per_table", "n"] >= by.loc["baseline", "n"]


def test_the_curves_hold_exactly_the_estimates_of_the_long_table(grid_run):
    long = pd.read_csv(grid_run / "tables/robustness.csv")
    for term in ("lnT", "lnGT", "lnPC", "lnEC", "lnGPC", "lnGEC"):
        curve = pd.read_csv(grid_run / f"figures/specification_curve_{term}.csv")
        assert (grid_run / f"figures/specification_curve_{term}.png").is_file()
        keys = ["spec", "table", "part", "tau", "coef", "se"]
        mine = long.loc[long["term"] == term, keys].sort_values(keys).reset_index(drop=True)
        drawn = curve.loc[:, keys].sort_values(keys).reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, drawn)
        assert curve["coef"].is_monotonic_increasing


def test_specifications_on_two_workers_give_identical_estimates():
    from carbongap.parallel import Execution
    from carbongap.robustness.estimates import grid_estimates
    from carbongap.tables.specs import load_table_specs, select_tables

    base = load_config(overrides=SMALL)
    grid = _grid(GRID.replace('iid = { "regressions.se" = "iid" }',
                              'boot = { "regressions.se" = "boot", '
                              '"regressions.cluster" = "city_code", '
                              '"regressions.boot_reps" = 19 }'), base)
    specs = grid.specifications("one-at-a-time")
    evaluator = Evaluator(Context(config=base, upstream={}, stages=STAGES), {}, base)

    def panel_of(config):
        return evaluator.results(config, "analysis_panel")["analysis_panel"].tables["analysis"]

    tables = select_tables(load_table_specs(None), (1, 3))
    serial = grid_estimates(specs, panel_of, tables)
    both = grid_estimates(specs, panel_of, tables, execution=Execution(2))
    pd.testing.assert_frame_equal(both, serial, check_exact=True)
    assert set(serial["changed"]) == {"baseline", "frontier=global", "delta=0.1",
                                      "regression_sample=per_table", "se_method=boot"}
    booted = serial.loc[serial["changed"] == "se_method=boot"].set_index(["table", "part",
                                                                          "term", "tau"])
    base_rows = serial.loc[serial["baseline"]].set_index(["table", "part", "term", "tau"])
    assert (booted["coef"] == base_rows["coef"]).all()  # the SE method moves SEs only
    assert not (booted["se"] == base_rows["se"]).all()
