"""Wald tests of quantile regressions (carbongap.qreg.wald): identities, the stacked
covariance's blocks, and the tests' size and power in a seeded simulation with known truth.
Equality with R quantreg's anova.rq: test_qreg_wald_r.py."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from carbongap.qreg import fit
from carbongap.qreg.model import design
from carbongap.qreg.se import SE_RULES
from carbongap.qreg.solver import solve
from carbongap.qreg.vcov import reference_gram
from carbongap.qreg.wald import breads, equal_slopes, stacked_covariance

pytestmark = pytest.mark.filterwarnings("ignore::carbongap.qreg.QuantRegWarning")


def _data(n: int, seed: int, spread: float = 0.0) -> pd.DataFrame:
    """y = 1 + x1 - 0.5 x2 + (1 + spread x1) e: with spread = 0 the slopes are equal at
    every τ (location shift); with spread > 0 the slope of x1 is 1 + spread F⁻¹(τ)."""
    rng = np.random.default_rng(seed)
    x1, x2 = rng.uniform(0.0, 2.0, n), rng.normal(size=n)
    y = 1.0 + x1 - 0.5 * x2 + (1.0 + spread * x1) * rng.normal(size=n)
    return pd.DataFrame({"y": y, "x1": x1, "x2": x2})


def test_dropping_one_term_is_the_square_of_its_t_statistic():
    result = fit(_data(400, 1), "y ~ x1 + x2", taus=(0.3, 0.6), se="iid")
    from carbongap.qreg.wald import drop_terms

    tests = drop_terms(result, ["x2"])
    t = result.params.loc["x2"] / result.bse.loc["x2"]
    np.testing.assert_allclose(tests["statistic"], (t**2).to_numpy(), rtol=1e-12)
    assert list(tests["ndf"]) == [1, 1] and list(tests["ddf"]) == [397, 397]
    both = drop_terms(result, ["x1", "x2"])
    assert list(both["ndf"]) == [2, 2] and (both["p"] < 1e-6).all()
    with pytest.raises(ValueError, match="terms to drop must be regressors"):
        drop_terms(result, ["x3"])


@pytest.mark.parametrize("se", ["nid", "ker"])
def test_the_stacked_covariance_has_the_sandwich_covariances_on_its_diagonal(se):
    data = _data(300, 2)
    X, y, _ = design(data, "y", ["x1", "x2"], None)
    taus = (0.25, 0.5, 0.75)
    betas = [solve(X, y, t).beta for t in taus]
    rule = SE_RULES[se]
    hinvs = breads(X, y, taus, betas, rule)
    W = stacked_covariance(reference_gram(X), taus, hinvs)
    for k, (tau, beta) in enumerate(zip(taus, betas, strict=True)):
        np.testing.assert_allclose(W[3 * k:3 * k + 3, 3 * k:3 * k + 3],
                                   rule.covariance(X, y, tau, beta, True).matrix, rtol=1e-12)
    np.testing.assert_allclose(W, W.T, rtol=1e-12)  # ω and J symmetric: W_lk = W_kl'


def test_with_one_regressor_the_joint_test_is_the_test_of_its_slope():
    tests = equal_slopes(_data(300, 3), "y", ["x1"], taus=(0.2, 0.8))
    assert list(tests["term"]) == ["joint", "x1"]
    assert tests["statistic"].iloc[0] == pytest.approx(tests["statistic"].iloc[1], rel=1e-12)
    assert list(tests["ndf"]) == [1, 1] and list(tests["ddf"]) == [599, 599]
    with pytest.raises(ValueError, match="sandwich covariance"):
        equal_slopes(_data(50, 3), "y", ["x1"], se="iid")


def test_size_near_the_nominal_level_and_power_against_a_scale_shift():
    # Known truth: with spread = 0 every slope is equal across τ, so a 5 % test rejects in
    # about 5 % of samples; with spread = 1 the slope of x1 moves from 1 - 0.84 to 1 + 0.84
    # between τ = 0.2 and 0.8, and the test rejects nearly always.
    reps = 200
    null = [equal_slopes(_data(300, 100 + r), "y ~ x1 + x2", taus=(0.25, 0.5, 0.75))
            for r in range(reps)]
    size = np.mean([t["p"].iloc[0] < 0.05 for t in null])
    assert 0.015 <= size <= 0.10, size
    alternative = [equal_slopes(_data(300, 500 + r, spread=1.0), "y ~ x1 + x2",
                                taus=(0.2, 0.8)) for r in range(40)]
    power = np.mean([t.set_index("term").at["x1", "p"] < 0.05 for t in alternative])
    assert power >= 0.9, power
    # x2's slope does not move: its own test keeps about its size under the alternative
    assert np.mean([t.set_index("term").at["x2", "p"] < 0.05 for t in alternative]) <= 0.2
