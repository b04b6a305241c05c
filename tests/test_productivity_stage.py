"""Stage productivity: both models, index forms, status tables, exclusions, Figures 2-6."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from carbongap.config import load_config
from carbongap.dea.indices import index_form
from carbongap.inequality import gini
from carbongap.stagekit.stage import Context, StageResult
from carbongap.stagekit.writer import OutputWriter
from carbongap.stages import productivity
from dea_panels import dea_panel


def _frames(n: int = 20, years: range = range(2006, 2011), seed: int = 0):
    full = dea_panel(seed, n, years, codes=130100 + 100 * np.arange(n))
    full.insert(2, "province_code", 13)
    # Accounting leaves NaN where it cannot compute: no CO2 for one city-year, and a
    # zero capital stock for another.
    full.loc[(full.city_code == 130200) & (full.year == 2008), "co2"] = np.nan
    full.loc[(full.city_code == 130300) & (full.year == 2006), "capital"] = 0.0
    accounting = full.drop(columns="employment")
    panel = full.loc[:, ["city_code", "year", "province_code", "employment"]]
    return accounting, panel


def _context(*overrides: str) -> Context:
    accounting, panel = _frames()
    config = load_config(overrides=["productivity.years=[2006, 2010]", *overrides])
    return Context(config=config, upstream={"validate": StageResult({"panel": panel}),
                                            "accounting": StageResult({"accounting": accounting})})


@pytest.fixture(scope="module")
def result() -> StageResult:
    return productivity.compute(_context())


def test_tables_and_columns(result):
    assert set(result.tables) == {"luenberger", "indices", "lp_status", "infeasible",
                                  "yearly_means", "yearly_gini"}
    luen = result.tables["luenberger"]
    assert list(luen.columns[:4]) == ["city_code", "year", "model", "year_from"]
    assert {"LTFP", "LPEC", "LSEC", "LPTP", "LTPSC", "EC", "PC", "S_C_t_t1",
            "S_V_t1_t_status"} <= set(luen.columns)
    assert set(luen["model"]) == {"production", "green"}
    assert list(result.tables["indices"].columns) == ["city_code", "year", "T", "PC", "EC",
                                                      "GT", "GPC", "GEC"]


def test_increment_indices_are_one_plus_the_indicators(result):
    luen = result.tables["luenberger"].set_index(["model", "city_code", "year"])
    idx = result.tables["indices"].set_index(["city_code", "year"])
    for model, names in (("production", ("T", "PC", "EC")), ("green", ("GT", "GPC", "GEC"))):
        part = luen.loc[model]
        for indicator, name in zip(("LTFP", "PC", "EC"), names, strict=True):
            np.testing.assert_array_equal(idx.loc[part.index, name].to_numpy(),
                                          1.0 + part[indicator].to_numpy())


def test_exclusions_name_model_and_variable(result):
    log = result.attrition
    assert set(log["stage"]) == {"productivity"}
    rows = set(zip(log["city_code"], log["year"], log["reason"], strict=True))
    assert (130200, 2008, "green model: co2 missing") in rows
    assert (130300, 2006, "production model: capital <= 0") in rows
    assert (130300, 2006, "green model: capital <= 0") in rows
    assert (130300, 2007, "production model: no indicator for the pair (year - 1, year): "
                          "year - 1 not usable") in rows
    luen = result.tables["luenberger"]
    green = luen.loc[luen.model == "green"]
    production = luen.loc[luen.model == "production"]
    assert not ((green.city_code == 130200) & (green.year == 2008)).any()
    assert ((production.city_code == 130200) & (production.year == 2008)).any()


def test_status_tables_account_for_every_non_optimal_lp(result):
    luen = result.tables["luenberger"]
    statuses = luen.filter(like="_status")
    status_rows = result.tables["lp_status"]
    assert len(status_rows) == int((statuses != "optimal").to_numpy().sum()) > 0
    assert set(status_rows.columns) == {"model", "frontier", "rts", "term", "year_pair",
                                        "city_code", "status"}
    counts = result.tables["infeasible"]
    assert counts["infeasible"].sum() == int((statuses == "infeasible").to_numpy().sum())
    # Every model x pair x term appears, with its LP count (= cities in the pair).
    assert len(counts) == 2 * 4 * 8
    first = counts.loc[(counts.model == "green") & (counts.year_pair == "2006-2007")
                       & (counts.term == "S_C_t_t1")].iloc[0]
    in_pair = luen.loc[(luen.model == "green") & (luen.year == 2007)]
    assert first["lps"] == len(in_pair)
    assert first["infeasible"] == (in_pair["S_C_t_t1_status"] == "infeasible").sum()


def test_cumulative_index_chains_increments_by_hand():
    # City 1: LTFP 0.1 (2007), -0.2 (2008): T = 1 (2006), 1.1, 1.1 * 0.8 = 0.88.
    # City 2 lacks the 2006-2007 pair: its chain from 2006 is broken (NaN) afterwards.
    table = pd.DataFrame({"city_code": [1, 1, 2], "year": [2007, 2008, 2008],
                          "year_from": [2006, 2007, 2007], "LTFP": [0.1, -0.2, 0.05]})
    out = index_form(table, {"LTFP": "T"}, "cumulative", periods=[2006, 2007, 2008])
    assert out["year"].tolist() == [2006, 2007, 2008, 2006, 2007, 2008]
    np.testing.assert_allclose(out["T"].to_numpy()[:3], [1.0, 1.1, 1.1 * 0.8], rtol=1e-15)
    assert out["T"].iloc[3] == 1.0 and np.isnan(out["T"].iloc[4:]).all()
    with pytest.raises(ValueError, match="index form 'log' is not one of"):
        index_form(table, {"LTFP": "T"}, "log")


def test_cumulative_option_in_the_stage(result):
    cumulative = productivity.compute(_context('productivity.index_form="cumulative"'))
    idx = cumulative.tables["indices"].set_index(["city_code", "year"])
    assert (idx.xs(2006, level="year")["T"] == 1.0).all()
    luen = result.tables["luenberger"]
    city = luen.loc[(luen.model == "production") & (luen.city_code == 130100)]
    chain = np.cumprod(1.0 + city.sort_values("year")["LTFP"].to_numpy())
    np.testing.assert_allclose(idx.loc[130100, "T"].to_numpy()[1:], chain, rtol=1e-14)


def test_figure_data_are_yearly_means_and_ginis(result):
    idx = result.tables["indices"]
    means = result.tables["yearly_means"].set_index(["variable", "year"])
    year = idx.loc[idx.year == 2009]
    assert means.loc[("GT", 2009), "mean"] == pytest.approx(year["GT"].mean(), rel=1e-14)
    assert means.loc[("GT", 2009), "n_dropped"] == year["GT"].isna().sum()
    ginis = result.tables["yearly_gini"].set_index(["variable", "year"])
    assert ginis.loc[("EC", 2009), "gini"] == pytest.approx(
        gini(year["EC"].dropna().to_numpy()), rel=1e-14)


def test_write_produces_tables_and_figures_2_to_6(result, tmp_path):
    out = OutputWriter(tmp_path)
    productivity.write(result, out, _context().config)
    for name in ("tables/luenberger.csv", "tables/productivity_indices.csv",
                 "tables/lp_status.csv", "tables/lp_infeasible.csv", "tables/lp_infeasible.md"):
        assert (tmp_path / name).is_file(), name
    for number in range(2, 7):
        png = tmp_path / f"figures/figure{number}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        data = pd.read_csv(tmp_path / f"figures/figure{number}.csv")
        assert len(data) > 0
    fig4 = pd.read_csv(tmp_path / "figures/figure4.csv")
    assert set(fig4["variable"]) == {"T", "GT"}
    fig3 = pd.read_csv(tmp_path / "figures/figure3.csv")
    assert list(pd.unique(fig3["variable"])) == ["PC", "EC", "GPC", "GEC"]
    reread = pd.read_csv(tmp_path / "tables/luenberger.csv")
    assert math.isclose(reread["LTFP"].sum(), result.tables["luenberger"]["LTFP"].sum(),
                        rel_tol=1e-15)


def test_missing_variable_is_a_clear_error():
    ctx = _context('productivity.inputs=["capital", "land"]')
    with pytest.raises(ValueError, match="DEA variable 'land' is neither in the accounting"):
        productivity.compute(ctx)


def test_missing_capital_says_why_it_was_not_computed():
    accounting, panel = _frames()
    ctx = _context_with(accounting.drop(columns="capital"), panel)
    with pytest.raises(ValueError, match=r"'capital' is neither .* only when a provincial "
                       r"table is given and the panel has city fai"):
        productivity.compute(ctx)


def test_missing_panel_variable_lists_its_accepted_headers():
    accounting, panel = _frames()
    ctx = _context_with(accounting, panel.drop(columns="employment"))
    with pytest.raises(ValueError, match=r"'employment' is neither .* \(the panel gives it as "
                       r"employment \(10\^4 persons; accepted headers: employment, "
                       r"全社会从业人员\(万人\)"):
        productivity.compute(ctx)


def _context_with(accounting: pd.DataFrame, panel: pd.DataFrame, *overrides: str) -> Context:
    config = load_config(overrides=["productivity.years=[2006, 2010]", *overrides])
    return Context(config=config, upstream={"validate": StageResult({"panel": panel}),
                                            "accounting": StageResult({"accounting": accounting})})


def test_cumulative_base_is_the_first_usable_year_and_not_drawn():
    # No usable 2006 (capital 0 everywhere): the base of both chains is 2007, not the
    # configured first year 2006; the figures start after the base.
    accounting, panel = _frames()
    accounting.loc[accounting.year == 2006, "capital"] = 0.0
    result = productivity.compute(_context_with(accounting, panel,
                                                'productivity.index_form="cumulative"'))
    notes = " ".join(result.notes)
    assert "production model: cumulative index, base year 2007 = 1" in notes
    assert "green model: cumulative index, base year 2007 = 1" in notes
    idx = result.tables["indices"]
    assert idx["year"].min() == 2007 and (idx.loc[idx.year == 2007, "T"] == 1.0).all()
    assert result.tables["yearly_means"]["year"].min() == 2008
    assert result.tables["yearly_gini"]["year"].min() == 2008


def test_cumulative_notes_count_city_years_lost_to_broken_chains(tmp_path):
    result = productivity.compute(_context('productivity.index_form="cumulative"'))
    luen = result.tables["luenberger"]
    for model, (name, indicator) in (("production", ("T", "LTFP")),
                                     ("green", ("GT", "LTFP"))):
        part = luen.loc[luen.model == model]
        # By hand: a city-year whose own indicator is defined but some earlier link
        # (2006-2007 ... t-1 - t) is missing or NaN.
        broken = 0
        for _, city in part.groupby("city_code"):
            links = dict(zip(city["year"], city[indicator], strict=True))
            for year, value in links.items():
                earlier = [links.get(y, np.nan) for y in range(2007, year)]
                broken += bool(np.isfinite(value) and not np.isfinite(earlier).all())
        assert broken > 0, model
        note = next(n for n in result.notes if n.startswith(f"{model} model: cumulative"))
        assert f"of {len(part)} city-year indicators" in note
        assert f"chain is missing or NaN: {name} {broken}, " in note
    # The figures start after the base year 2006; its all-1 values are not drawn.
    out = OutputWriter(tmp_path)
    productivity.write(result, out, _context('productivity.index_form="cumulative"').config)
    for number in (2, 3, 4):
        data = pd.read_csv(tmp_path / f"figures/figure{number}.csv")
        assert data["year"].min() == 2007, number


def test_each_model_is_screened_once_and_exclusions_are_recorded_once(monkeypatch):
    import importlib

    module = importlib.import_module("carbongap.dea.luenberger")
    calls = []
    original = module.screen

    def counting(*args, **kwargs):
        calls.append(kwargs.get("label"))
        return original(*args, **kwargs)

    monkeypatch.setattr(module, "screen", counting)
    result = productivity.compute(_context())
    assert calls == ["production model", "green model"]
    log = result.attrition
    assert not log.duplicated(["stage", "reason", "city_code", "year"]).any()


def test_a_lost_year_is_recorded_for_every_city(result):
    accounting, panel = _frames()
    accounting.loc[accounting.year == 2008, "co2"] = np.nan
    lost = productivity.compute(_context_with(accounting, panel))
    luen = lost.tables["luenberger"]
    green = luen.loc[luen.model == "green"]
    assert sorted(set(zip(green.year_from, green.year, strict=True))) == [
        (2006, 2007), (2009, 2010)]
    log = lost.attrition
    rows = log.loc[log.reason == "green model: no indicator for the pair 2008-2009: no unit "
                                 "is usable in year 2008"]
    assert len(rows) == 20 and set(rows["year"]) == {2009}


def test_mean_lines_takes_the_time_column_name():
    from carbongap.dea.figures import mean_lines
    from carbongap.figure_notes import DataSource

    means = pd.DataFrame({"variable": ["T", "T", "GT"], "period": [2, 1, 1], "n": 3,
                          "mean": [1.1, 1.0, 0.9]})
    figure, data = mean_lines(means, {"T": "T", "GT": "GT"}, "title", "mean", time="period",
                              source=DataSource(True, "synthetic panel"))
    assert data["period"].tolist() == [1, 2, 1] and data["variable"].tolist() == [
        "T", "T", "GT"]
    assert figure.axes[0].get_xlabel() == "period"


def test_figure_label_names_each_models_base_year_when_they_differ():
    indices = pd.DataFrame({"city_code": [1, 1, 1], "year": [2006, 2007, 2008],
                            "T": [1.0, 1.1, 1.2], "GT": [np.nan, 1.0, 0.9]})
    assert productivity._base_label(indices) == "T 2006 = 1, GT 2007 = 1"
    indices["GT"] = [1.0, 1.0, 0.9]
    assert productivity._base_label(indices) == "2006 = 1"
