"""carbongap.dea.luenberger: S terms, the docs/methods.md §6 decomposition, frontiers, panels."""

from __future__ import annotations

import logging
import math

import numpy as np
import pandas as pd
import pytest

from carbongap.choices import FRONTIERS
from carbongap.dea import luenberger, sbi, screen
from carbongap.dea.frontiers import frontier_rule, year_pairs
from dea_panels import dea_panel

INPUTS, GOOD, BAD = ["capital", "employment"], ["gdp_real"], ["co2"]


def _hand_panel() -> pd.DataFrame:
    # One input, one output. Year 1: A = (1, 1), B = (1, 2); year 2: A = (1, 3), B = (1, 2).
    return pd.DataFrame({"city_code": [1, 2, 1, 2], "year": [1, 1, 2, 2],
                         "x": [1.0, 1.0, 1.0, 1.0], "y": [1.0, 2.0, 3.0, 2.0]})


def test_contemporaneous_by_hand_with_an_infeasible_cross_term():
    # All inputs equal 1, so CRS = VRS and for best output y* of a technology,
    # S = 1/2 (y*/y_o - 1) when y_o <= y*, else infeasible. y*_1 = 2, y*_2 = 3.
    # B: S^1(1) = 0, S^1(2) = 0, S^2(1) = 1/4, S^2(2) = 1/4:
    #   LTFP = 1/2 {[0 - 0] + [1/4 - 1/4]} = 0; LPEC = 0 - 1/4 = -1/4; LSEC = 0;
    #   LPTP = 1/2 {[1/4 - 0] + [1/4 - 0]} = 1/4; LTPSC = 0; EC = -1/4; PC = 1/4.
    # A: S^1(2) is infeasible (3 > 2); LPEC = S^1(1) - S^2(2) = 1/2 - 0 = 1/2.
    out = luenberger(_hand_panel(), ["x"], ["y"]).table.set_index("city_code")
    b = out.loc[2]
    expected = {"LTFP": 0.0, "LPEC": -0.25, "LSEC": 0.0, "LPTP": 0.25, "LTPSC": 0.0,
                "EC": -0.25, "PC": 0.25, "S_C_t_t": 0.0, "S_C_t_t1": 0.0, "S_C_t1_t": 0.25,
                "S_C_t1_t1": 0.25}
    for column, value in expected.items():
        assert b[column] == pytest.approx(value, abs=1e-12), column
    a = out.loc[1]
    assert a["year"] == 2 and a["year_from"] == 1
    assert a["LPEC"] == pytest.approx(0.5, abs=1e-12)
    assert a["S_C_t_t1_status"] == "infeasible" and a["S_V_t_t1_status"] == "infeasible"
    for column in ("LTFP", "LPTP", "LTPSC", "PC", "S_C_t_t1"):
        assert math.isnan(a[column]), column
    assert a["S_C_t1_t"] == pytest.approx(1.0, abs=1e-12)  # 1/2 (3/1 - 1)


@pytest.mark.parametrize("frontier", ["global", "biennial"])
def test_pooled_frontiers_by_hand(frontier):
    # Two years: global = biennial = both years pooled, y* = 3.
    # S^P(t): A 1/2 (3 - 1) = 1, B 1/2 (3/2 - 1) = 1/4; S^P(t+1): A 0, B 1/4.
    # A: LTFP = 1 - 0 = 1; LPEC = 1/2; LPTP = [1 - 1/2] - [0 - 0] = 1/2.
    # B: LTFP = 1/4 - 1/4 = 0; LPEC = -1/4; LPTP = [1/4 - 0] - [1/4 - 1/4] = 1/4.
    out = luenberger(_hand_panel(), ["x"], ["y"], frontier=frontier).table.set_index("city_code")
    np.testing.assert_allclose(out["LTFP"], [1.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(out["LPEC"], [0.5, -0.25], atol=1e-12)
    np.testing.assert_allclose(out["LPTP"], [0.5, 0.25], atol=1e-12)
    np.testing.assert_allclose(out["S_C_P_t"], [1.0, 0.25], atol=1e-12)
    assert (out.filter(like="_status") == "optimal").all().all()


def _panel(seed: int, n: int = 30, years: range = range(2006, 2011)) -> pd.DataFrame:
    return dea_panel(seed, n, years)


@pytest.mark.parametrize("frontier", FRONTIERS)
@pytest.mark.parametrize("bad", [[], BAD])
def test_decomposition_identities_hold_for_every_city_year(frontier, bad):
    out = luenberger(_panel(1), INPUTS, GOOD, bad, frontier).table
    parts = out["LPEC"] + out["LSEC"] + out["LPTP"] + out["LTPSC"]
    ok = out[["LTFP", "LPEC", "LSEC", "LPTP", "LTPSC"]].notna().all(axis=1)
    assert ok.sum() > 0
    # A NaN term (non-optimal LP) makes every component using it NaN, never 0.
    assert (parts.isna() == out["PC"].isna() | out["EC"].isna()).all()
    np.testing.assert_allclose(out.loc[ok, "LTFP"], parts[ok], rtol=0, atol=1e-12)
    np.testing.assert_allclose(out.loc[ok, "LTFP"], (out["EC"] + out["PC"])[ok], atol=1e-12)
    assert len(out) == 30 * 4


def _technology(frontier: str, role: str, pair: tuple[int, int], years: list[int]):
    """The years spanning a technology, from the definitions (frontiers module doc)."""
    if role == "P":
        return years if frontier == "global" else list(pair)
    own = pair[0] if role == "t" else pair[1]
    return [y for y in years if y <= own] if frontier == "sequential" else [own]


@pytest.mark.parametrize("frontier", FRONTIERS)
@pytest.mark.parametrize("bad", [[], BAD])
def test_components_from_eight_directly_computed_s_terms(frontier, bad):
    # Every S term recomputed with sbi() on the technology of its definition, then the
    # formulas applied here: docs/methods.md §6 for the adjacent frontiers, the pooled forms
    # of carbongap.dea.decomposition for global and biennial. The panel has decreasing
    # returns and heterogeneous cities, so CRS and VRS terms differ (LSEC and LTPSC are
    # far from 0): a swapped CRS/VRS term, or a swapped period, would show.
    panel = _panel(12, n=20, years=range(2006, 2010))
    years = sorted(panel["year"].unique().tolist())
    out = luenberger(panel, INPUTS, GOOD, bad, frontier).table.set_index(["city_code", "year"])

    def arrays(frame):
        return (frame[INPUTS].to_numpy(), frame[GOOD].to_numpy(),
                frame[bad].to_numpy() if bad else None)

    def s_term(rts, tech_years, data_year, cities):
        ref = panel.loc[panel["year"].isin(tech_years)]
        data = panel.loc[panel["year"] == data_year].set_index("city_code").loc[cities]
        x, y, b = arrays(data)
        x_ref, y_ref, b_ref = arrays(ref)
        return sbi(x, y, b, x_ref, y_ref, b_ref, rts=rts).values

    scale_parts = []

    for t in years[:-1]:
        t1 = t + 1
        cities = sorted(set(panel.loc[panel.year == t, "city_code"])
                        & set(panel.loc[panel.year == t1, "city_code"]))
        S = {}
        for rts, letter in (("crs", "C"), ("vrs", "V")):
            roles = (("t", "t"), ("t", "t1"), ("t1", "t"), ("t1", "t1"), ("P", "t"),
                     ("P", "t1"))
            for tech, data in roles:
                tech_years = _technology(frontier, tech, (t, t1), years)
                S[f"{letter}_{tech}_{data}"] = s_term(rts, tech_years,
                                                      t if data == "t" else t1, cities)
        c, v = ({k[2:]: val for k, val in S.items() if k[0] == x} for x in "CV")
        lpec = v["t_t"] - v["t1_t1"]
        lsec = (c["t_t"] - v["t_t"]) - (c["t1_t1"] - v["t1_t1"])
        if frontier in ("contemporaneous", "sequential"):
            ltfp = 0.5 * ((c["t_t"] - c["t_t1"]) + (c["t1_t"] - c["t1_t1"]))
            lptp = 0.5 * ((v["t1_t"] - v["t_t"]) + (v["t1_t1"] - v["t_t1"]))
            ltpsc = 0.5 * (((c["t1_t"] - v["t1_t"]) - (c["t_t"] - v["t_t"]))
                           + ((c["t1_t1"] - v["t1_t1"]) - (c["t_t1"] - v["t_t1"])))
        else:
            ltfp = c["P_t"] - c["P_t1"]
            lptp = (v["P_t"] - v["t_t"]) - (v["P_t1"] - v["t1_t1"])
            ltpsc = (((c["P_t"] - v["P_t"]) - (c["t_t"] - v["t_t"]))
                     - ((c["P_t1"] - v["P_t1"]) - (c["t1_t1"] - v["t1_t1"])))
        got = out.loc[[(city, t1) for city in cities]]
        expected = {"LTFP": ltfp, "LPEC": lpec, "LSEC": lsec, "LPTP": lptp, "LTPSC": ltpsc}
        for name, value in expected.items():
            np.testing.assert_allclose(got[name].to_numpy(), value, rtol=0, atol=1e-10,
                                       err_msg=f"{frontier} {t}-{t1} {name}")
        scale_parts.append(np.column_stack([lsec, ltpsc]))
    scale = np.abs(np.vstack(scale_parts))
    assert (scale[:, 0] > 1e-3).sum() >= 20 and (scale[:, 1] > 1e-3).sum() >= 5


def test_s_terms_are_the_sbi_of_the_right_data_against_the_right_technology():
    panel = _panel(2)
    out = luenberger(panel, INPUTS, GOOD, BAD).table.query("year == 2008")
    by_year = {y: part.sort_values("city_code") for y, part in panel.groupby("year")}
    now, before = by_year[2008], by_year[2007]
    cols = [INPUTS, GOOD, BAD]

    def data(frame):
        return [frame[c].to_numpy() for c in cols]

    # S_V^t(t+1): 2008 data against the 2007 technology; S_C^{t+1}(t): 2007 data, 2008.
    v_t_t1 = sbi(*data(now), *data(before), rts="vrs")
    c_t1_t = sbi(*data(before), *data(now), rts="crs")
    np.testing.assert_allclose(out["S_V_t_t1"], v_t_t1.values, atol=1e-10)
    assert list(out["S_V_t_t1_status"]) == list(v_t_t1.status)
    np.testing.assert_allclose(out["S_C_t1_t"], c_t1_t.values, atol=1e-10)
    np.testing.assert_allclose(out["S_C_t_t"], sbi(*data(before), rts="crs").values,
                               atol=1e-10)


def test_contemporaneous_own_terms_are_always_feasible_and_vrs_below_crs():
    out = luenberger(_panel(3), INPUTS, GOOD, BAD).table
    for term in ("S_C_t_t", "S_C_t1_t1", "S_V_t_t", "S_V_t1_t1"):
        assert (out[f"{term}_status"] == "optimal").all()
    assert (out["S_C_t_t"] >= out["S_V_t_t"] - 1e-12).all()
    assert (out.filter(like="_status") == "infeasible").any().any()  # some cross terms


def test_sequential_frontier_has_no_technical_regress():
    # T^{t+1} contains T^t, so S^{t+1}(.) >= S^t(.): LPTP >= 0 and PC >= 0 wherever defined.
    out = luenberger(_panel(4), INPUTS, GOOD, BAD, "sequential").table
    assert (out["S_V_t1_t"] >= out["S_V_t_t"] - 1e-10).all()
    defined = out["PC"].notna()
    assert defined.sum() > 0
    assert (out.loc[defined, "LPTP"] >= -1e-10).all()
    assert (out.loc[defined, "PC"] >= -1e-10).all()
    # S^{t+1}(t) is always feasible: the period-t data belong to the later technology.
    assert (out["S_C_t1_t_status"] == "optimal").all()


@pytest.mark.parametrize("frontier", ["global", "biennial"])
def test_pooled_frontiers_never_infeasible_and_contain_the_period_technology(frontier):
    out = luenberger(_panel(5), INPUTS, GOOD, BAD, frontier).table
    assert (out.filter(like="_status") == "optimal").all().all()
    # P contains period t's technology: S^P(t) >= S^t(t).
    assert (out["S_V_P_t"] >= out["S_V_t_t"] - 1e-10).all()
    assert (out["S_C_P_t1"] >= out["S_C_t1_t1"] - 1e-10).all()


def test_global_technology_is_one_technology_for_all_years():
    panel = _panel(6, n=15)
    out = luenberger(panel, INPUTS, GOOD, [], "global").table
    every = [panel[c].to_numpy() for c in (INPUTS, GOOD)]
    direct = pd.Series(sbi(*every, rts="crs").values,
                       index=pd.MultiIndex.from_frame(panel[["city_code", "year"]]))
    later = direct.loc[list(zip(out["city_code"], out["year"], strict=True))].to_numpy()
    np.testing.assert_allclose(out["S_C_P_t1"], later, atol=1e-10)
    earlier = direct.loc[list(zip(out["city_code"], out["year_from"], strict=True))]
    np.testing.assert_allclose(out["S_C_P_t"], earlier.to_numpy(), atol=1e-10)


def test_known_frontier_and_inefficiency_recovered_over_two_years():
    # CRS, one input, one output; best ratio 2 in year 1 and 2.5 in year 2 (city 0 on both
    # frontiers). City i: ratio ρ*_t exp(-u_it). With the CRS hand formula
    # S^a(b) = 1/2 (ρ*_a / ρ_ib - 1) (feasible because u_i2 >= ln 1.25 for i > 0):
    # LTFP = 1/2 {[S^1(1) - S^1(2)] + [S^2(1) - S^2(2)]}.
    rng = np.random.default_rng(7)
    n = 20
    u1 = np.concatenate([[0.0], rng.uniform(0.0, 0.8, n - 1)])
    u2 = np.concatenate([[0.0], rng.uniform(0.25, 0.8, n - 1)])
    x1, x2 = rng.lognormal(2, 1, n), rng.lognormal(2, 1, n)
    panel = pd.DataFrame({"city_code": np.tile(np.arange(n), 2), "year": np.repeat([1, 2], n),
                          "x": np.concatenate([x1, x2]),
                          "y": np.concatenate([2.0 * x1 * np.exp(-u1), 2.5 * x2 * np.exp(-u2)])})
    out = luenberger(panel, ["x"], ["y"], rts_decomposition=False).table.set_index("city_code")
    rho1, rho2 = 2.0 * np.exp(-u1), 2.5 * np.exp(-u2)
    s11, s12 = 0.5 * (2.0 / rho1 - 1), 0.5 * (2.0 / rho2 - 1)
    s21, s22 = 0.5 * (2.5 / rho1 - 1), 0.5 * (2.5 / rho2 - 1)
    truth = 0.5 * ((s11 - s12) + (s21 - s22))
    np.testing.assert_allclose(out.loc[1:, "LTFP"], truth[1:], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(out["EC"], s11 - s22, rtol=1e-9, atol=1e-12)
    assert out.loc[0, "S_C_t_t1_status"] == "infeasible"  # 2.5 > 2: city 0 left technology 1
    assert list(out.columns[:4]) == ["year", "year_from", "LTFP", "EC"]


def test_crs_only_components_match_the_full_decomposition():
    panel = _panel(8)
    full = luenberger(panel, INPUTS, GOOD, BAD).table
    crs = luenberger(panel, INPUTS, GOOD, BAD, rts_decomposition=False).table
    names = [t.name for t in frontier_rule("contemporaneous").terms(rts_decomposition=False)]
    assert names == ["S_C_t_t", "S_C_t_t1", "S_C_t1_t", "S_C_t1_t1"]
    assert [c for c in crs.columns if c.startswith("S_")] == [
        *names, *(f"{n}_status" for n in names)]
    np.testing.assert_allclose(crs["LTFP"], full["LTFP"], atol=1e-13)
    np.testing.assert_allclose(crs["EC"], full["EC"], atol=1e-13)
    # The full PC also needs the VRS cross terms; where they exist, both PCs agree.
    both = full["PC"].notna()
    assert both.sum() > 0 and crs.loc[~both, "PC"].notna().any()
    np.testing.assert_allclose(crs.loc[both, "PC"], full.loc[both, "PC"], atol=1e-13)


@pytest.mark.parametrize("frontier", FRONTIERS)
def test_pruning_leaves_every_value_unchanged(frontier):
    panel = _panel(9, n=40)
    pruned = luenberger(panel, INPUTS, GOOD, BAD, frontier, prune=True).table
    full = luenberger(panel, INPUTS, GOOD, BAD, frontier, prune=False).table
    numbers = [c for c in full.columns if c.startswith(("S_", "L", "EC", "PC"))
               and not c.endswith("_status")]
    np.testing.assert_allclose(pruned[numbers].to_numpy(), full[numbers].to_numpy(),
                               rtol=0, atol=1e-10)
    assert pruned.filter(like="_status").equals(full.filter(like="_status"))


def test_unbalanced_panel_and_invalid_values_are_excluded_and_logged(caplog):
    panel = _panel(10, n=6, years=range(2006, 2009))
    # City 101 lacks 2007; city 102 has no CO2 in 2008; city 103 zero employment in 2006.
    panel = panel.loc[~((panel.city_code == 101) & (panel.year == 2007))]
    panel.loc[(panel.city_code == 102) & (panel.year == 2008), "co2"] = np.nan
    panel.loc[(panel.city_code == 103) & (panel.year == 2006), "employment"] = 0.0
    with caplog.at_level(logging.INFO, logger="carbongap.dea"):
        out = luenberger(panel, INPUTS, GOOD, BAD, label="green model").table
    keys = set(zip(out["city_code"], out["year"], strict=True))
    assert (101, 2007) not in keys and (101, 2008) not in keys
    assert (102, 2008) not in keys and (102, 2007) in keys
    assert (103, 2007) not in keys and (103, 2008) in keys
    assert len(out) == 6 * 2 - 2 - 1 - 1
    excluded = screen(panel, [*INPUTS, *GOOD, *BAD], label="green model").excluded
    rows = set(zip(excluded["city_code"], excluded["year"], excluded["reason"], strict=True))
    earlier = "green model: no indicator for the pair (year - 1, year): year - 1 not usable"
    later = "green model: no indicator for the pair (year - 1, year): year not usable"
    assert rows == {
        (102, 2008, "green model: co2 missing"),
        (103, 2006, "green model: employment <= 0"),
        (101, 2007, later),  # keyed by the later year of the pair
        (101, 2008, earlier),
        (102, 2008, later),
        (103, 2007, earlier),
    }
    assert "green model: 1 unit-periods excluded (green model: co2 missing)" in caplog.text
    # Without the bad output, city 102 keeps its 2008 indicator.
    production = luenberger(panel, INPUTS, GOOD).table
    assert (102, 2008) in set(zip(production["city_code"], production["year"], strict=True))


def test_panel_errors_name_the_column():
    panel = _panel(11, n=4, years=range(2006, 2008))
    with pytest.raises(ValueError, match="co2 missing; the DEA needs"):
        luenberger(panel.drop(columns="co2"), INPUTS, GOOD, BAD)
    with pytest.raises(ValueError, match=r"duplicated \(city_code, year\) keys at rows 0, 8"):
        luenberger(pd.concat([panel, panel.iloc[:1]], ignore_index=True), INPUTS, GOOD)
    with pytest.raises(ValueError, match="frontier 'window' is not one of"):
        luenberger(panel, INPUTS, GOOD, frontier="window")


def test_year_pairs_are_calendar_pairs_only():
    assert year_pairs([2009, 2006, 2007, 2010]) == [(2006, 2007), (2009, 2010)]
    assert year_pairs([2006, 2008]) == []
    assert year_pairs(range(2006, 2009)) == [(2006, 2007), (2007, 2008)]


@pytest.mark.parametrize("how", ["co2 missing", "rows absent"])
def test_a_lost_year_breaks_its_pairs_and_each_loss_is_listed(how):
    # No usable 2008 for the green model (every CO2 missing, or no 2008 rows at all): the
    # pairs 2007-2008 and 2008-2009 are lost; 2007 and 2009 never form a pair (docs/methods.md §6).
    panel = _panel(13, n=5, years=range(2006, 2011))
    if how == "co2 missing":
        panel.loc[panel.year == 2008, "co2"] = np.nan
    else:
        panel = panel.loc[panel.year != 2008]
    out = luenberger(panel, INPUTS, GOOD, BAD, label="green model").table
    assert sorted(set(zip(out["year_from"], out["year"], strict=True))) == [
        (2006, 2007), (2009, 2010)]
    excluded = screen(panel, [*INPUTS, *GOOD, *BAD], label="green model").excluded
    lost = excluded.loc[excluded.reason.str.contains("no unit is usable")]
    cities = sorted(panel.city_code.unique())
    # One row per city per lost pair, keyed by the later year, naming the pair.
    assert sorted(zip(lost.city_code, lost.year, lost.reason, strict=True)) == sorted(
        [(c, 2008, "green model: no indicator for the pair 2007-2008: no unit is usable "
                   "in year 2008") for c in cities]
        + [(c, 2009, "green model: no indicator for the pair 2008-2009: no unit is usable "
                     "in year 2008") for c in cities])
    assert len(excluded) == len(lost) + (5 if how == "co2 missing" else 0)


def test_periods_must_be_whole_numbers():
    panel = _panel(14, n=3, years=range(2006, 2008)).astype({"year": "float64"})
    panel.loc[4, "year"] = 2007.5
    with pytest.raises(ValueError, match=r"year must hold whole periods .* rows 4"):
        luenberger(panel, INPUTS, GOOD)


def test_a_unit_slip_in_one_row_is_named_in_the_wide_column_warning(caplog):
    from carbongap.dea import luenberger

    panel = dea_panel(5, n=12, years=range(2006, 2008))
    row = (panel["city_code"] == 104) & (panel["year"] == 2007)
    panel.loc[row, "capital"] *= 1e8  # yuan where 10^4 yuan was meant, and then some
    with caplog.at_level(logging.WARNING, logger="carbongap"):
        result = luenberger(panel, ["capital", "employment"], ["gdp_real"],
                            label="production model")
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith("production model: capital spans ")
    assert "largest at city_code 104 year 2007" in result.warnings[0]
    assert result.warnings[0] in caplog.text
    clean = luenberger(dea_panel(5, n=12, years=range(2006, 2008)),
                       ["capital", "employment"], ["gdp_real"])
    assert clean.warnings == ()
