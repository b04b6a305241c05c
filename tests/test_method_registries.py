"""Method choices are registry entries: a frontier rule or an SE method added in one place
(here, in the test) flows through planning, estimation, the do-file and the results
without any other edit; the registries agree with the public spellings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from carbongap.choices import FRONTIERS, SE_METHODS
from carbongap.crossval import compare_estimates
from carbongap.dea import luenberger
from carbongap.dea.frontiers import FRONTIER_RULES, FrontierRule, frontier_rule
from carbongap.dea.models import productivity_models
from carbongap.dea.plan import plan_luenberger
from carbongap.dea.spec import LuenbergerSpec
from carbongap.exports.dofile import replicate_do
from carbongap.qreg import QregOptions, fit
from carbongap.qreg.se import SE_RULES, SeRule, StataVce, se_rule
from carbongap.qreg.vcov import vcov_nid
from carbongap.tables.specs import load_table_specs
from dea_panels import dea_panel

INPUTS, GOOD, BAD = ["capital", "employment"], ["gdp_real"], ["co2"]


def _window(period: int, periods) -> tuple[int, ...]:
    """A two-period window technology: T^a = data of periods a - 1 and a."""
    return tuple(p for p in periods if period - 1 <= p <= period)


WINDOW = FrontierRule("window", _window)
NID_COPY = SeRule("nid_copy", vcov_nid, "nid", StataVce(
    "vce(robust)", "qreg {regress}, quantile({tau}) vce(robust) /* test */",
    "A test method: nid under another name."))


@pytest.fixture
def registered(monkeypatch):
    monkeypatch.setitem(FRONTIER_RULES, "window", WINDOW)
    monkeypatch.setitem(SE_RULES, "nid_copy", NID_COPY)


def test_the_registries_hold_exactly_the_public_choices():
    assert tuple(FRONTIER_RULES) == FRONTIERS and tuple(SE_RULES) == SE_METHODS
    assert all(rule.name == name for name, rule in FRONTIER_RULES.items())
    assert all(rule.name == name for name, rule in SE_RULES.items())
    assert [n for n, r in SE_RULES.items() if r.refits] == ["boot"]
    assert [n for n, r in SE_RULES.items() if r.takes_cluster] == ["boot"]
    assert [n for n, r in FRONTIER_RULES.items() if r.pooled] == ["global", "biennial"]
    with pytest.raises(ValueError, match="frontier 'window' is not one of: contemporaneous"):
        frontier_rule("window")
    with pytest.raises(ValueError, match="se 'nid_copy' is not one of: nid, iid, ker, boot"):
        se_rule("nid_copy")


def test_a_new_frontier_flows_through_planning_and_the_models(registered):
    panel = dea_panel(3, 20, range(2006, 2010))
    variables = [*INPUTS, *GOOD]
    plan = plan_luenberger(panel, variables, (2, 1, 0), frontier_rule("window"),
                           unit="city_code", time="year", rts_decomposition=True, prune=True)
    # every technology of the window frontier spans one or two consecutive periods
    assert sorted({tech for _, tech in plan.job_index}) == [
        (2006,), (2006, 2007), (2007, 2008), (2008, 2009)]
    table = luenberger(panel, INPUTS, GOOD, BAD, "window").table
    ok = table[["LTFP", "EC", "PC"]].notna().all(axis=1)
    assert ok.sum() > 0
    np.testing.assert_allclose(table.loc[ok, "LTFP"], (table["EC"] + table["PC"])[ok],
                               atol=1e-12)
    # the first pair's technologies are those of the sequential frontier: same numbers
    first = table["year"] == 2007
    sequential = luenberger(panel, INPUTS, GOOD, BAD, "sequential").table
    pd.testing.assert_frame_equal(table.loc[first], sequential.loc[first])
    assert not np.allclose(table.loc[~first & ok, "PC"], sequential.loc[~first & ok, "PC"])
    computed = productivity_models(panel, LuenbergerSpec.of(INPUTS, GOOD, BAD, "window"))
    assert set(computed.tables["infeasible"]["frontier"]) == {"window"}
    assert "(window frontier)" in " ".join(computed.notes)


def test_a_new_se_method_flows_through_estimation_crossval_and_the_do_file(registered):
    rng = np.random.default_rng(5)
    data = pd.DataFrame({"x": rng.normal(size=300)})
    data["y"] = 1.0 + 0.5 * data["x"] + rng.standard_t(4, size=300)
    copy = fit(data, "y ~ x", taus=(0.3, 0.7), se="nid_copy")
    nid = fit(data, "y ~ x", taus=(0.3, 0.7), se="nid")
    assert copy.se == "nid_copy" and "standard errors: nid_copy" in copy.summary()
    pd.testing.assert_frame_equal(copy.bse, nid.bse)
    options = QregOptions.of((0.5,), "nid_copy")
    frame = copy.to_frame().assign(table=1, part=1, objective=1.0, unique=True)
    cells = compare_estimates(frame, frame, options)
    assert set(cells["kind"]) == {"coef", "se (nid_copy)", "objective"}
    text = replicate_do(load_table_specs()[:1], options)
    assert "quietly qreg lnCO2 lnT lnP lnA lnI, quantile(0.5) vce(robust) /* test */" in text
    assert '* Standard errors: the run used se = "nid_copy"; Stata option vce(robust).' in text
    with pytest.raises(ValueError, match="needs se='boot'"):
        QregOptions.of((0.5,), "nid_copy", "city_code")
