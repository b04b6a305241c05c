"""Stage ``inequality``: tables, attrition, notes and files from a small accounting table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from carbongap.config import load_config
from carbongap.errors import DataError
from carbongap.figure_notes import DataSource
from carbongap.inequality.figures import figure1, gini_lines
from carbongap.stagekit.stage import Context, StageResult
from carbongap.stagekit.writer import OutputWriter
from carbongap.stages import inequality

EXACT = 1e-12
#: provinces: 11, 32 developed; 51, 62 underdeveloped; 14, 42 other (docs/methods.md §3)
PROVINCES = (11, 32, 51, 62, 14, 42)
GROUP = {11: "developed", 32: "developed", 51: "underdeveloped", 62: "underdeveloped",
         14: "other", 42: "other"}


def double_sum(x: np.ndarray) -> float:
    """Eq. 4-5 over all pairs, independent of the package."""
    return float(np.abs(x[:, None] - x[None, :]).sum() / (2 * x.size**2 * x.mean()))


def _accounting(intensity: bool = True) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    cities = [p * 10000 + 100 * k for p in PROVINCES for k in range(1, 6)]  # 30 cities
    years = [2006, 2007, 2008]
    frame = pd.DataFrame({
        "city_code": np.repeat(cities, len(years)).astype("int64"),
        "year": np.tile(years, len(cities)).astype("int64"),
    })
    frame["province_code"] = (frame["city_code"] // 10000).astype("int64")
    frame["co2"] = rng.lognormal(16.0, 1.0, size=len(frame))
    frame["gdp_real"] = rng.lognormal(15.0, 0.8, size=len(frame)) if intensity else np.nan
    frame["co2pgdp"] = frame["co2"] / frame["gdp_real"]
    frame.loc[(frame["city_code"] == 110100) & (frame["year"] == 2007), "co2pgdp"] = np.nan
    frame.loc[(frame["city_code"] == 620300) & (frame["year"] == 2008), "co2pgdp"] = np.nan
    return frame


def _run(accounting: pd.DataFrame, *overrides: str) -> StageResult:
    config = load_config(overrides=["inequality.bootstrap_draws=99", *overrides])
    upstream = {"accounting": StageResult(tables={"accounting": accounting})}
    return inequality.compute(Context(config=config, upstream=upstream))


def test_gini_table_matches_the_definition() -> None:
    frame = _accounting()
    result = _run(frame)
    table = result.tables["gini"]
    assert list(table.columns) == ["variable", "group", "year", "n", "n_dropped", "gini",
                                   "ci_low", "ci_high"]
    assert sorted(set(table["group"])) == ["developed", "national", "underdeveloped"]
    assert len(table) == 2 * 3 * 3  # variables x groups x years
    groups = frame["province_code"].map(GROUP)
    for row in table.itertuples():
        rows = frame.loc[(frame["year"] == row.year)
                         & ((groups == row.group) | (row.group == "national"))]
        values = rows[row.variable].dropna().to_numpy()
        assert row.n == values.size
        assert row.n_dropped == rows[row.variable].isna().sum()
        assert row.gini == pytest.approx(double_sum(values), abs=EXACT)
        assert row.ci_low < row.ci_high
    national = table.loc[(table["group"] == "national") & (table["variable"] == "co2pgdp")]
    assert national["n"].tolist() == [30, 29, 29]
    assert national["n_dropped"].tolist() == [0, 1, 1]


def test_dagum_tables_decompose_the_national_gini() -> None:
    result = _run(_accounting())
    dagum, gini = result.tables["dagum"], result.tables["gini"]
    assert list(dagum.columns) == ["variable", "year", "n", "total", "within", "between_net",
                                   "transvariation", "within_share", "between_net_share",
                                   "transvariation_share"]
    national = gini.loc[gini["group"] == "national"].reset_index(drop=True)
    np.testing.assert_allclose(dagum["total"], national["gini"], rtol=0, atol=EXACT)
    parts = dagum["within"] + dagum["between_net"] + dagum["transvariation"]
    np.testing.assert_allclose(parts, dagum["total"], rtol=0, atol=EXACT)
    shares = dagum[["within_share", "between_net_share", "transvariation_share"]].sum(axis=1)
    np.testing.assert_allclose(shares, 1.0, rtol=0, atol=EXACT)

    details = result.tables["dagum_groups"]
    assert len(details) == 2 * 3 * (3 + 3)  # variables x years x (3 groups + 3 pairs)
    own = details.loc[(details["group_a"] == details["group_b"]) & (details["variable"] == "co2")]
    by_group = gini.loc[gini["variable"] == "co2"].set_index(["group", "year"])["gini"]
    for row in own.loc[own["group_a"] != "other"].itertuples():
        assert row.gini == pytest.approx(by_group[(row.group_a, row.year)], abs=EXACT)
    sums = details.groupby(["variable", "year"])["contribution"].sum().to_numpy()
    np.testing.assert_allclose(sums, dagum["total"], rtol=0, atol=EXACT)


def test_attrition_and_notes() -> None:
    result = _run(_accounting())
    attr = result.attrition
    assert attr["reason"].unique().tolist() == ["co2pgdp missing"]
    assert attr[["city_code", "year"]].values.tolist() == [[110100, 2007], [620300, 2008]]
    assert "co2: the same 30 cities in every year 2006-2008" in result.notes
    assert ("co2pgdp: cities per year 2006 30, 2007 29, 2008 29; 2 city-years without a value "
            "left out; only 28 of 30 cities have a value in every year, so year-to-year "
            "changes of the Gini partly reflect the changing set of cities") in result.notes


def test_without_intensity_only_totals() -> None:
    result = _run(_accounting(intensity=False))
    assert set(result.tables["gini"]["variable"]) == {"co2"}
    assert set(result.tables["dagum"]["variable"]) == {"co2"}
    assert any(note.startswith("co2pgdp was not computed") for note in result.notes)
    assert result.attrition.empty  # nothing of co2 is missing
    no_column = _accounting().drop(columns=["co2pgdp"])
    assert set(_run(no_column).tables["gini"]["variable"]) == {"co2"}


def test_nan_policy_error_names_the_rows() -> None:
    with pytest.raises(DataError, match=r"2 city-years have no co2pgdp and \[inequality\] "
                       r"nan_policy = 'error' \(city_code:year 110100:2007, 620300:2008\)"):
        _run(_accounting(), "inequality.nan_policy='error'")


def test_unknown_province_is_an_error() -> None:
    frame = _accounting()
    frame.loc[5, "province_code"] = 99
    with pytest.raises(DataError, match="province code without a region group"):
        _run(frame)


def test_correction_and_nbs_grouping() -> None:
    frame = _accounting()
    plain = _run(frame).tables["gini"]
    corrected = _run(frame, "inequality.correction=true")
    factor = corrected.tables["gini"]["n"] / (corrected.tables["gini"]["n"] - 1)
    np.testing.assert_allclose(corrected.tables["gini"]["gini"], plain["gini"] * factor,
                               rtol=0, atol=EXACT)
    dagum = corrected.tables["dagum"]  # decomposes the uncorrected Gini (eq. 4-5)
    national = plain.loc[plain["group"] == "national", "gini"].to_numpy()
    np.testing.assert_allclose(dagum["total"], national, rtol=0, atol=EXACT)
    assert any("n/(n-1) correction" in note for note in corrected.notes)

    nbs = _run(frame, "inequality.grouping='nbs4'")
    # 11, 32 east; 14, 42 central; 51, 62 west (no northeast city here)
    assert sorted(set(nbs.tables["gini"]["group"])) == ["central", "east", "national", "west"]
    pairs = nbs.tables["dagum_groups"].query("variable == 'co2' and year == 2006")
    assert len(pairs) == 3 + 3


def test_write_tables_and_figures(tmp_path: Path) -> None:
    result = _run(_accounting())
    config = load_config(overrides=["inequality.bootstrap_draws=99"])
    writer = OutputWriter(tmp_path)
    inequality.write(result, writer, config)
    for name in ("tables/gini.csv", "tables/gini.md", "tables/dagum.csv", "tables/dagum.md",
                 "tables/dagum_groups.csv", "figures/figure1.png", "figures/figure1.csv",
                 "figures/figure1_developed.png", "figures/figure1_developed.csv",
                 "figures/figure1_underdeveloped.png", "figures/figure1_underdeveloped.csv"):
        assert (tmp_path / name).is_file(), name
    assert (tmp_path / "figures/figure1.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    drawn = pd.read_csv(tmp_path / "figures/figure1.csv")
    gini = result.tables["gini"]
    expected = gini.loc[gini["group"] == "national"].reset_index(drop=True)
    assert drawn["variable"].tolist() == expected["variable"].tolist()
    np.testing.assert_array_equal(drawn["gini"].to_numpy(), expected["gini"].to_numpy())
    reread = pd.read_csv(tmp_path / "tables/gini.csv")
    np.testing.assert_array_equal(reread["ci_high"].to_numpy(), gini["ci_high"].to_numpy())
    # byte-identical on a second write (no timestamps in tables or PNGs)
    before = {p: p.read_bytes() for p in writer.paths}
    inequality.write(_run(_accounting()), OutputWriter(tmp_path), config)
    assert all(p.read_bytes() == content for p, content in before.items())


def test_figure_functions_return_what_they_draw() -> None:
    table = pd.DataFrame({"variable": ["co2pgdp", "co2", "co2", "co2pgdp"],
                          "group": "national", "year": [2007, 2007, 2006, 2006],
                          "n": 3, "gini": [0.3, 0.5, 0.6, 0.2],
                          "ci_low": [0.2, 0.4, 0.5, 0.1], "ci_high": [0.4, 0.6, 0.7, 0.3]})
    source = DataSource(False, "file cities.csv")
    figure, data = figure1(table, "national", 0.95, source=source)
    # drawing order: totals then intensity, each by year
    assert list(zip(data["variable"], data["year"], strict=True)) == [
        ("co2", 2006), ("co2", 2007), ("co2pgdp", 2006), ("co2pgdp", 2007)]
    axes = figure.axes[0]
    lines = [line for line in axes.lines if line.get_marker() == "o"]  # not the bars' caps
    assert len(lines) == 2
    np.testing.assert_array_equal(lines[0].get_ydata(), [0.6, 0.5])
    np.testing.assert_array_equal(lines[1].get_ydata(), [0.2, 0.3])
    assert len(axes.collections) == 2  # one set of interval bars per line
    with pytest.raises(ValueError, match="no rows for group 'developed'"):
        figure1(table, "developed", source=source)
    # Figures 4-6: any indicators, absent ones skipped, no band without intervals
    indices = pd.DataFrame({"variable": ["T", "T"], "year": [2007, 2008], "gini": [0.1, 0.2]})
    indices["n"] = 3
    figure, data = gini_lines(indices, {"GT": "green", "T": "production"}, "Figure 4",
                              source=source)
    assert data["variable"].tolist() == ["T", "T"]
    assert len(figure.axes[0].lines) == 1 and not figure.axes[0].collections
    with pytest.raises(ValueError, match="no rows for any of GT"):
        gini_lines(indices, {"GT": "green"}, "Figure 4", source=source)


def test_year_with_one_city_has_nan_shares_and_a_note() -> None:
    frame = _accounting()
    lonely = frame.loc[(frame["year"] < 2008) | (frame["city_code"] == 320100)]
    result = _run(lonely.reset_index(drop=True))
    dagum = result.tables["dagum"].set_index(["variable", "year"])
    # 2008 has one city: G = 0 and every part 0, so the shares are 0/0 = NaN
    assert dagum.loc[("co2", 2008), ["n", "total", "within"]].tolist() == [1, 0.0, 0.0]
    assert dagum.loc[("co2", 2008), ["within_share", "between_net_share",
                                     "transvariation_share"]].isna().all()
    assert dagum.loc[("co2", 2007), "within_share"] > 0
    assert ("co2: the national Gini is 0 in 2008 (1 city): one city or all values equal, so "
            "the Dagum shares of those years are NaN (0/0)") in result.notes
    # a resample of one city has Gini 0: no interval (n < 2), as documented
    gini = result.tables["gini"]
    one = gini.loc[(gini["group"] == "national") & (gini["year"] == 2008)]
    assert one["gini"].tolist() == [0.0, 0.0] and one["ci_low"].isna().all()


def test_zero_values_are_noted_and_bootstrapped() -> None:
    frame = _accounting()
    frame.loc[frame["city_code"].isin([110100, 110200, 320100]), "co2"] = 0.0
    result = _run(frame)
    assert ("co2: 9 city-years have the value 0; a bootstrap resample made only of such "
            "cities counts as Gini 0 (all cities equal)") in result.notes


def test_command_line_run_with_a_one_city_year(tmp_path: Path) -> None:
    # the reviewer's case: 3 cities in 2006-2007, one left in 2008, through the CLI
    from typer.testing import CliRunner

    from carbongap.cli import app

    from panel_factory import raw_panel, raw_provinces

    panel = raw_panel()
    panel = panel.loc[(panel["year"] < 2008) | (panel["city_code"] == 130100)]
    panel.to_csv(tmp_path / "panel.csv", index=False)
    raw_provinces().to_csv(tmp_path / "provinces.csv", index=False)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, [
        "run", "inequality", "--data", str(tmp_path / "panel.csv"), "--provinces",
        str(tmp_path / "provinces.csv"), "--out", str(out), "--quiet", "--no-cache",
        "--set", "inequality.bootstrap_draws=19"])
    assert result.exit_code == 0, result.output
    dagum = pd.read_csv(out / "tables" / "dagum.csv")
    last = dagum.loc[dagum["year"] == 2008]
    assert last["n"].tolist() == [1, 1] and last["within_share"].isna().all()


def test_figure1_draws_an_interval_that_leaves_out_its_gini() -> None:
    """A percentile interval need not contain the point estimate (few draws, a skewed
    bootstrap distribution): the bar still spans exactly [ci_low, ci_high]."""
    table = pd.DataFrame({"variable": ["co2", "co2"], "group": "national",
                          "year": [2006, 2007], "n": 3, "gini": [0.30, 0.50],
                          "ci_low": [0.32, 0.40], "ci_high": [0.45, 0.48]})
    figure, _ = figure1(table, "national", 0.95, source=DataSource(False, "file cities.csv"))
    (bars,) = [c for c in figure.axes[0].collections if len(c.get_segments())]
    spans = [sorted((seg[0][1], seg[1][1])) for seg in bars.get_segments()]
    np.testing.assert_allclose(spans, [[0.32, 0.45], [0.40, 0.48]])
