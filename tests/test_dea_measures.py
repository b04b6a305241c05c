"""The productivity measures on the directional distance function (docs/methods.md §15):
identities, the components formed here from independently solved terms, the stored R
Benchmarking ``dea.direct`` answers behind ML and GML, and the refusals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from carbongap.dea import ddf, luenberger
from dea_panels import dea_panel

INPUTS, GOOD, BAD = ["capital", "employment"], ["gdp_real"], ["co2"]
REFERENCE = Path(__file__).resolve().parent / "reference" / "benchmarking"


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return dea_panel(9)


@pytest.fixture(scope="module")
def tables(panel) -> dict[str, pd.DataFrame]:
    return {m: luenberger(panel, INPUTS, GOOD, BAD, measure=m).table
            for m in ("ddf-luenberger", "ml", "gml")}


def test_identities(tables):
    ddf_l = tables["ddf-luenberger"]
    whole = ddf_l["PC"].notna()  # LTFP needs the CRS terms only, PC the VRS ones too
    assert whole.sum() >= 60
    np.testing.assert_allclose(ddf_l.loc[whole, "LTFP"],
                               (ddf_l["EC"] + ddf_l["PC"])[whole], rtol=0, atol=1e-15)
    np.testing.assert_allclose(ddf_l["EC"], ddf_l["LPEC"] + ddf_l["LSEC"], rtol=0,
                               atol=1e-15)
    for name in ("ml", "gml"):
        t = tables[name]
        np.testing.assert_allclose(t["ML"], t["MLEFFCH"] * t["MLTECH"], rtol=1e-14, atol=0)
        assert t["ML"].notna().sum() > 60 and 0.9 < t["ML"].mean() < 1.2
    # the global frontier contains every observation: no infeasible LP
    gml = tables["gml"]
    assert not gml.filter(regex="_status$").isin(["infeasible"]).any().any()
    assert gml["ML"].notna().all()
    # ML's efficiency change is GML's: both are measured on the year technologies
    merged = tables["ml"].merge(gml, on=["city_code", "year"], suffixes=("", "_g"))
    np.testing.assert_allclose(merged["MLEFFCH"], merged["MLEFFCH_g"], rtol=1e-14)


def test_components_from_independently_solved_terms(panel, tables):
    # one pair, every term solved by the public ddf() here, the formulas written out
    t, t1 = 2007, 2008
    a = panel.loc[panel["year"] == t].set_index("city_code")
    b = panel.loc[panel["year"] == t1].set_index("city_code")

    def dist(tech, data, rts="crs"):
        return ddf(data[INPUTS], data[GOOD], data[BAD], tech[INPUTS], tech[GOOD],
                   tech[BAD], rts).values

    every = panel.set_index("city_code")
    tt, t_t1, t1_t, t1t1 = dist(a, a), dist(a, b), dist(b, a), dist(b, b)
    ml = np.sqrt((1 + tt) / (1 + t_t1) * (1 + t1_t) / (1 + t1t1))
    effch = (1 + tt) / (1 + t1t1)
    gml = (1 + dist(every, a)) / (1 + dist(every, b))
    luen = 0.5 * ((tt - t_t1) + (t1_t - t1t1))
    for name, column, ours in (("ml", "ML", ml), ("ml", "MLEFFCH", effch),
                               ("gml", "ML", gml), ("ddf-luenberger", "LTFP", luen)):
        table = tables[name].set_index("city_code")
        theirs = table.loc[table["year"] == t1, column].reindex(a.index).to_numpy()
        np.testing.assert_allclose(theirs, ours, rtol=1e-10, atol=1e-12,
                                   err_msg=f"{name} {column}")
    assert np.isnan(ml).any()  # some cross-period LPs are infeasible, NaN propagates


def test_ml_and_gml_equal_their_form_of_the_stored_benchmarking_terms():
    # strong disposability, so the terms are R Benchmarking's dea.direct answers
    panel = pd.read_csv(REFERENCE / "sbi_panel.csv")
    stored = pd.read_csv(REFERENCE / "ddf_expected.csv", dtype={"technology": str})
    green = stored.loc[(stored["model"] == "green") & (stored["rts"] == "crs")]
    term = green.set_index(["technology", "data_year", "unit"])["ddf"]
    for measure, frontier in (("ml", "contemporaneous"), ("gml", "global")):
        table = luenberger(panel, ["K", "L"], ["Y"], ["CO2"], frontier, unit="unit",
                           measure=measure, disposability="strong").table
        assert len(table) == 180  # 60 units x 3 pairs
        for row in table.itertuples():
            t, t1, u = row.year_from, row.year, row.unit
            tt, t1t1 = 1 + term[(str(t), t, u)], 1 + term[(str(t1), t1, u)]
            if measure == "gml":
                expected = (1 + term[("pooled", t, u)]) / (1 + term[("pooled", t1, u)])
            else:
                expected = np.sqrt(tt / (1 + term[(str(t), t1, u)])
                                   * (1 + term[(str(t1), t, u)]) / t1t1)
            assert row.MLEFFCH == pytest.approx(tt / t1t1, rel=1e-10)
            if np.isnan(expected):
                assert np.isnan(row.ML)
            else:
                assert row.ML == pytest.approx(expected, rel=1e-10)


def test_measures_are_refused_where_they_do_not_apply(panel):
    with pytest.raises(ValueError, match="measure 'tfp' is not one of: sbi, ddf-luenberger, "
                                         "ml, gml"):
        luenberger(panel, INPUTS, GOOD, BAD, measure="tfp")
    with pytest.raises(ValueError, match="the gml measure is on the global frontier, not "
                                         "sequential"):
        luenberger(panel, INPUTS, GOOD, BAD, "sequential", measure="gml")
    with pytest.raises(ValueError, match="disposability 'free' is not one of"):
        luenberger(panel, INPUTS, GOOD, BAD, measure="ml", disposability="free")


def test_the_configuration_names_the_frontier_gml_needs():
    from carbongap.config import load_config
    from carbongap.errors import ConfigError

    with pytest.raises(ConfigError, match='measure = "gml" is the Malmquist-Luenberger index '
                                          'on the global frontier: set frontier = "global"'):
        load_config(overrides=['productivity.measure="gml"'])
    config = load_config(overrides=['productivity.measure="gml"',
                                    'productivity.frontier="global"'])
    assert config.productivity.measure == "gml"
    with pytest.raises(ConfigError, match="disposability"):
        load_config(overrides=['productivity.disposability="free"'])
