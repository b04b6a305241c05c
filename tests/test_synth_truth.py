"""The known truth of the synthetic panel: quantile coefficients and the DEA frontier."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy.stats import spearmanr

from carbongap.dea import sbi
from carbongap.synth import generate, true_quantile_coefficients
from carbongap.synth.emissions import min_scale_on_support
from carbongap.synth.params import PARAMS

TAUS = (0.2, 0.4, 0.6, 0.8)
REGRESSORS = ["lnT", "lnP", "lnA", "lnI"]


def beta33_quantile(tau: float) -> float:
    """Quantile of Beta(3, 3) by bisection on its CDF I_x(3, 3) = 10x^3 - 15x^4 + 6x^5."""
    low, high = 0.0, 1.0
    for _ in range(200):
        mid = (low + high) / 2
        if 10 * mid ** 3 - 15 * mid ** 4 + 6 * mid ** 5 < tau:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def test_true_coefficients_by_hand():
    beta, gamma = np.array(PARAMS.beta), np.array(PARAMS.gamma)
    table = true_quantile_coefficients((0.2, 0.5, 0.8))
    assert list(table.index) == ["const", "lnT", "lnP", "lnA", "lnI"]
    assert list(table.columns) == [0.2, 0.5, 0.8]
    # F^-1(0.5) = sqrt(7) (2 x 0.5 - 1) = 0: the median coefficients are beta
    np.testing.assert_allclose(table[0.5], beta, atol=1e-12)
    for tau in (0.2, 0.8):
        f_inv = np.sqrt(7.0) * (2 * beta33_quantile(tau) - 1)
        np.testing.assert_allclose(table[tau], beta + gamma * f_inv, rtol=1e-10)
    # symmetry of Beta(3, 3): F^-1(0.2) = -F^-1(0.8)
    np.testing.assert_allclose(table[0.2] + table[0.8], 2 * beta, atol=1e-12)
    # lnT and lnI effects fall with tau as in the paper's Table 1 (gamma < 0)
    assert table.loc["lnT", 0.2] > table.loc["lnT", 0.8]
    assert table.loc["lnI", 0.2] > table.loc["lnI", 0.8]


def test_scale_is_positive_on_the_support():
    # corner of the box: lnT = 0.25, lnP = ln 10, lnI = ln 88 (gamma_lnA = 0)
    # 0.75 - 0.6 x 0.25 + 0.05 x 2.302585 - 0.15 x 4.477337 = 0.043528
    assert min_scale_on_support(PARAMS) == pytest.approx(0.043528, abs=1e-6)


@pytest.fixture(scope="module")
def large() -> pd.DataFrame:
    """Truth of 10,000 cities (at most 999 per province fit the PP8NNN codes)."""
    return generate(seed=5, n_cities=10000).truth


def test_eps_has_the_documented_distribution(large):
    eps = large.loc[large["year"] == 2010, "eps"].to_numpy()
    c = np.sqrt(7.0)
    assert eps.min() >= -c and eps.max() <= c
    # sample quantiles against F^-1 by bisection; the sample quantile's sd at n = 10,000
    # is below 0.02 here (density of eps >= 0.2 at these points), 4 sd = 0.08
    for tau in (0.1, 0.3, 0.5, 0.7, 0.9):
        assert np.quantile(eps, tau) == pytest.approx(c * (2 * beta33_quantile(tau) - 1),
                                                      abs=0.08)


def test_quantile_regression_recovers_the_true_coefficients(large):
    """statsmodels QuantReg on the latent regressors of one year's cross-section.

    One year: eps is persistent over a city's years but independent across cities, so a
    cross-section has independent errors and QuantReg's (kernel sandwich) standard errors
    are valid. Tolerance 4 SE: under the truth each of the 20 errors is about N(0, 1) in
    SE units and P(max |z| > 4) < 20 x 6.3e-5 = 0.13 %; the seed is fixed, so the test
    is deterministic. Power: the location-only alternative (coefficients beta at every
    tau) puts the lnP slopes at 0.2 and 0.8 about 0.09 apart less than the truth, about
    8 SE (checked below).
    """
    year = large[large["year"] == 2010]
    x = sm.add_constant(year[REGRESSORS])
    y = np.log(year["co2"])
    truth = true_quantile_coefficients(TAUS)
    slopes = {}
    for tau in TAUS:
        fit = sm.QuantReg(y, x).fit(q=tau, max_iter=5000)
        z = (fit.params - truth[tau]) / fit.bse
        assert (z.abs() <= 4.0).all(), (tau, z.round(2).to_dict())
        slopes[tau] = (fit.params["lnP"], fit.bse["lnP"])
    gap = slopes[0.8][0] - slopes[0.2][0]
    true_gap = truth.loc["lnP", 0.8] - truth.loc["lnP", 0.2]
    assert true_gap == pytest.approx(0.05 * 2 * np.sqrt(7.0) * (2 * beta33_quantile(0.8) - 1))
    se_gap = np.hypot(slopes[0.2][1], slopes[0.8][1])  # ignoring their (positive) covariance
    assert true_gap > 4 * se_gap  # the test can tell the truth from location-only
    assert gap > true_gap / 2  # and the estimate sides with the truth


@pytest.fixture(scope="module")
def default_truth() -> pd.DataFrame:
    return generate().truth


@pytest.mark.parametrize("rts", ["vrs", "crs"])
def test_sbi_on_noise_free_data_scores_frontier_units_zero(default_truth, rts):
    """docs/methods.md §12: the DEA truth is the generator's frontier and inefficiency.

    Against the true constant-returns Cobb-Douglas frontier the SBI is an increasing
    function of u alone, 0 at u = 0; a DEA frontier from 282 cities lies inside the true
    one, so frontier units score 0 and the ranking follows u up to sampling error of
    the DEA frontier (rank correlation >= 0.9 here; about 0.94 VRS, 0.97 CRS).
    """
    for year in (2006, 2011, 2016):
        part = default_truth[default_truth["year"] == year]
        result = sbi(part[["capital", "employment"]].to_numpy(),
                     part[["gdp_real"]].to_numpy(), rts=rts)
        values = result.values
        on = part["on_frontier"].to_numpy()
        assert on.sum() >= 10
        assert np.nanmax(np.abs(values[on])) < 1e-9
        assert (values[~on] >= -1e-9).all()
        assert spearmanr(values, part["inefficiency"]).statistic >= 0.9
