"""The equal-slopes tests of Tables 1-8 (carbongap.tables.slopes): the table parts' tests
equal carbongap.qreg.equal_slopes on the part's own sample (an independent path: it refits),
their rows in the paper's layout, and the report's verdicts."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from carbongap.qreg import QregOptions, equal_slopes
from carbongap.tables.estimate import estimate_tables, sample_of
from carbongap.tables.layout import table_grid
from carbongap.tables.slopes import equal_slope_tests, slope_summary
from carbongap.tables.specs import TableSpec

pytestmark = pytest.mark.filterwarnings("ignore::carbongap.qreg.QuantRegWarning")

SPECS = (
    TableSpec(3, 1, "developed", "lnCO2", "production", ("lnT", "lnP"), ("lnT",), "Developed",
              "Technology & CO2", "标题"),
    TableSpec(3, 2, "underdeveloped", "lnCO2", "production", ("lnT", "lnP"), ("lnT",),
              "Underdeveloped", "Technology & CO2", "标题"),
)


def _panel(n: int = 600, seed: int = 4) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    lnT, lnP = rng.uniform(0.0, 1.0, n), rng.normal(5.0, 1.0, n)
    group = np.where(np.arange(n) % 2 == 0, "developed", "underdeveloped")
    scale = np.where(group == "developed", 1.0 + 2.0 * lnT, 1.0)  # developed: slopes move
    lnCO2 = 1.0 + 0.5 * lnT + 0.8 * lnP + scale * rng.normal(size=n)
    return pd.DataFrame({"lnCO2": lnCO2, "lnT": lnT, "lnP": lnP, "group": group})


@pytest.mark.parametrize("se", ["nid", "iid"])
def test_each_part_is_tested_as_equal_slopes_tests_its_sample(se):
    panel = _panel()
    options = QregOptions.of((0.2, 0.5, 0.8), se)
    fitted = estimate_tables(panel, SPECS, options)
    tests = equal_slope_tests(panel, SPECS, fitted.results, options)
    assert list(tests["taus"]) == ["0.2 0.5 0.8", "0.2 0.8"] * 2
    assert set(tests["se"]) == {"nid"}  # iid has no sandwich: the tests use nid
    for spec in SPECS:
        sample = sample_of(panel, spec)
        for taus in ((0.2, 0.5, 0.8), (0.2, 0.8)):
            direct = equal_slopes(sample, "lnCO2", ["lnT", "lnP"], taus).set_index("term")
            row = tests.loc[(tests["part"] == spec.part)
                            & (tests["taus"] == " ".join(f"{t:g}" for t in taus))].iloc[0]
            assert row["statistic"] == pytest.approx(direct.at["lnT", "statistic"], rel=1e-12)
            assert (row["ndf"], row["ddf"]) == (direct.at["lnT", "ndf"], direct.at["lnT", "ddf"])
    developed = tests.loc[(tests["part"] == 1) & (tests["taus"] == "0.2 0.8"), "p"].iloc[0]
    assert developed < 0.01  # the scale shift in lnT of the developed group is found

    _groups, body = table_grid(fitted.frame, SPECS, 3, tests)
    row = next(r for r in body if r[0] == "lnT: equal slopes, p")
    p = {(r.part, r.taus): r.p for r in tests.itertuples()}
    assert row[1:] == [f"{p[(1, '0.2 0.5 0.8')]:.3f}", "", f"{p[(1, '0.2 0.8')]:.3f}",
                       f"{p[(2, '0.2 0.5 0.8')]:.3f}", "", f"{p[(2, '0.2 0.8')]:.3f}"]


@pytest.mark.parametrize(("se", "recomputed"), [("nid", 0), ("ker", 0), ("iid", 2)])
def test_a_sandwich_fit_hands_its_breads_to_the_tests_without_refitting(
        monkeypatch, se, recomputed):
    # The nid and ker fits carry H_k = (X'F_kX)^-1 and X'X (QuantRegResults.breads, gram):
    # the tests use them (no density is computed again); iid fits have none, so the tests
    # compute nid densities for both parts. Same statistics either way (the test above
    # checks nid against the refitting path).
    import carbongap.tables.slopes as slopes

    panel = _panel()
    options = QregOptions.of((0.2, 0.5, 0.8), se)
    fitted = estimate_tables(panel, SPECS, options)
    result = fitted.results[(3, 1)]
    assert (len(result.breads), result.gram is not None) == ((3, True) if recomputed == 0
                                                             else (0, False))
    calls = []
    real = slopes.breads
    monkeypatch.setattr(slopes, "breads", lambda *a, **k: calls.append(a) or real(*a, **k))
    reused = slopes.equal_slope_tests(panel, SPECS, fitted.results, options)
    assert len(calls) == recomputed
    bare = {key: dataclasses.replace(r, breads=(), gram=None)  # as another backend's
            for key, r in fitted.results.items()}
    again = slopes.equal_slope_tests(panel, SPECS, bare, options)
    assert len(calls) == recomputed + 2
    pd.testing.assert_frame_equal(reused, again, check_exact=False, rtol=1e-12)


def test_the_verdicts_follow_the_test_of_the_two_ends():
    slopes = pd.DataFrame({
        "table": [1, 1, 1, 1], "part": [1, 1, 2, 2], "sample": ["all"] * 4,
        "dependent": ["lnCO2"] * 4, "term": ["lnT", "lnT", "lnGT", "lnGT"],
        "taus": ["0.2 0.4 0.8", "0.2 0.8"] * 2, "ndf": [2, 1, 2, 1], "ddf": [9, 9, 9, 9],
        "statistic": [1.0] * 4, "p": [0.2, 0.01, 0.001, 0.3], "se": ["nid"] * 4})
    estimates = pd.DataFrame({"table": 1, "part": [1, 1, 2, 2], "term": ["lnT", "lnT", "lnGT",
                                                                         "lnGT"],
                              "tau": [0.2, 0.8, 0.2, 0.8], "coef": [2.0, 1.0, 0.0, 1.0]})
    summary = slope_summary(slopes, estimates)
    assert list(summary["verdict"]) == ["falls", "no significant change"]
    assert list(summary["change"]) == [-1.0, 1.0]
    assert list(summary["p_all"]) == [0.2, 0.001]
