"""carbongap.qreg.fit: the results object, formulas, bootstraps, bad input, coverage."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import carbongap as cg
from carbongap.parallel import Execution
from carbongap.qreg import fit, solve
from carbongap.qreg.boot import bootstrap, cluster_index, wild_weights, xy_draw
from qreg_reference import linprog_quantile


def _frame(n: int = 300, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=n), rng.uniform(0, 1, n)
    y = 1 + a - 2 * b + (1 + b) * rng.normal(size=n)
    return pd.DataFrame({"y": y, "a": a, "b": b, "city": np.arange(n) // 5})


def test_results_object_shapes_and_identities():
    res = fit(_frame(), "y ~ a + b", taus=(0.25, 0.75))
    assert list(res.params.index) == ["const", "a", "b"]
    assert list(res.params.columns) == [0.25, 0.75]
    np.testing.assert_allclose(res.tvalues, res.params / res.bse)
    long = res.to_frame()
    assert list(long.columns) == ["term", "tau", "coef", "se", "t", "p", "stars", "n"]
    assert len(long) == 6 and (long["n"] == 300).all()
    ci = res.conf_int()
    row = long.iloc[1]
    assert ci.loc[("a", 0.25), "lower"] == pytest.approx(row.coef - 1.959963984540054 * row.se)
    assert res.objective.index.tolist() == [0.25, 0.75] and res.unique.all()
    text = res.summary()
    assert "Quantile regression: y ~ a + b" in text and "tau = 0.75" in text
    # the same model written with y and x
    same = fit(_frame(), "y", ["a", "b"], taus=(0.25, 0.75))
    pd.testing.assert_frame_equal(same.params, res.params)


def test_stars_follow_the_two_sided_normal_p_value():
    from carbongap.qreg import stars

    assert stars(np.array([0.2, 0.09, 0.049, 0.0099, np.nan])).tolist() == [0, 1, 2, 3, 0]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"y": "y ~ a * b"}, "must look like 'y ~ x1 + x2'"),
    ({"y": "y ~ a + zz"}, "column(s) zz not in the data"),
    ({"y": "y ~ a", "se": "robust"}, "se 'robust' is not one of: nid, iid, ker, boot"),
    ({"y": "y ~ a", "cluster": "city"}, "cluster='city' needs se='boot'"),
    ({"y": "y ~ a", "taus": (0.5, 1.0)}, "taus must be non-empty and lie in (0, 1)"),
])
def test_bad_arguments(kwargs, message):
    import re

    with pytest.raises(ValueError, match=re.escape(message)):
        fit(_frame(), **kwargs)


def test_missing_values_and_collinearity_are_refused():
    frame = _frame()
    frame.loc[[3, 7], "a"] = np.nan
    with pytest.raises(ValueError, match=r"missing or non-finite values in a 2 \(first rows "
                                         r"by position: \[3, 7\]\)"):
        fit(frame, "y ~ a + b")
    frame = _frame().assign(c=lambda f: 2 * f["a"])
    with pytest.raises(ValueError, match="collinear"):
        fit(frame, "y ~ a + c")


@pytest.fixture(params=["br", "weighted"])
def replicate_path(request, monkeypatch):
    """Both ways a replicate is refitted: along br on the resampled rows (up to BR_MAX
    observations) and, above it, the weighted / shifted interior point with its
    certificate (BR_MAX lowered here so that the small samples take that path)."""
    if request.param == "weighted":
        import carbongap.qreg.boot as boot

        monkeypatch.setattr(boot, "BR_MAX", 50)
    return request.param


def test_xy_bootstrap_replicates_are_refits_of_the_resamples(replicate_path):
    frame = _frame(120)
    X = np.column_stack([np.ones(120), frame[["a", "b"]].to_numpy()])
    y = frame["y"].to_numpy()
    beta = solve(X, y, 0.5).beta
    boot = bootstrap(X, y, 0.5, beta, reps=5, seed=3, keys=("k",))
    for b in range(5):
        rows = xy_draw(120, 3, ("k",), b)
        expected, _ = linprog_quantile(X[rows], y[rows], 0.5)
        np.testing.assert_allclose(boot.draws[b], expected, rtol=1e-9)
    np.testing.assert_allclose(boot.vcov(), np.cov(boot.draws.T, ddof=1))


def test_cluster_bootstrap_replicates_solve_the_perturbed_problems(replicate_path):
    frame = _frame(150)
    X = np.column_stack([np.ones(150), frame[["a", "b"]].to_numpy()])
    y = frame["y"].to_numpy()
    beta = solve(X, y, 0.4).beta
    clusters = frame["city"].to_numpy()
    boot = bootstrap(X, y, 0.4, beta, reps=4, seed=1, keys=("c",), clusters=clusters)
    r = y - X @ beta
    psi = np.where((r < 0) & (np.abs(r) >= 1.4901161193847656e-08), 1.0, 0.0) - 0.4
    index = cluster_index(clusters)
    assert (index == clusters).all()  # clusters 0, 1, ... already in order of appearance
    for b in range(4):
        weights = wild_weights(index, 1, ("c",), b)
        assert set(np.round(weights, 12)) <= {-0.618033988750, 1.618033988750}
        assert np.all(weights[clusters == 0] == weights[0])  # one weight per cluster
        expected, _ = linprog_quantile(X, y, 0.4, shift=X.T @ (weights * psi))
        np.testing.assert_allclose(boot.draws[b], expected, rtol=1e-9)


def test_bootstraps_are_reproducible_by_seed_with_any_number_of_workers():
    frame = _frame(200)
    one = fit(frame, "y ~ a + b", taus=(0.5,), se="boot", boot_reps=30, seed=4)
    two = fit(frame, "y ~ a + b", taus=(0.5,), se="boot", boot_reps=30, seed=4,
              execution=Execution(2))
    other = fit(frame, "y ~ a + b", taus=(0.5,), se="boot", boot_reps=30, seed=5)
    np.testing.assert_array_equal(one.draws[0.5], two.draws[0.5])
    pd.testing.assert_frame_equal(one.bse, two.bse)
    assert not np.allclose(one.bse, other.bse)
    cl = fit(frame, "y ~ a + b", taus=(0.5,), se="boot", cluster="city", boot_reps=30, seed=4)
    assert cl.cluster == "city" and cl.failed[0.5] == 0
    assert "cluster bootstrap by city" in cl.summary()


@pytest.mark.filterwarnings("ignore::carbongap.qreg.QuantRegWarning")  # 2 of 400 fits
def test_nid_intervals_cover_the_truth_at_close_to_95_percent():
    """Known truth: the synthetic generator's location-scale model with independent errors.

    200 seeds x 2 quantiles x 5 coefficients = 2000 intervals at n = 800. The nid interval
    is asymptotic; at this n its coverage is close to, not exactly, 0.95. Tolerance 0.03:
    the Monte Carlo SE of a coverage estimate from 200 independent fits is
    sqrt(.95 * .05 / 200) = 0.015, and intervals of one fit are correlated, so 2 SE of the
    fit-level noise; a misspecified SE (say, iid under this heteroskedastic model, or a
    wrong bandwidth) misses by more.
    """
    from carbongap.synth.emissions import eps_quantile
    from carbongap.synth.params import PARAMS

    beta, gamma = np.array(PARAMS.beta), np.array(PARAMS.gamma)
    taus = (0.25, 0.75)
    truth = {t: beta + gamma * float(eps_quantile(t)) for t in taus}
    covered = total = 0
    for seed in range(200):
        rng = np.random.default_rng(1000 + seed)
        n = 800
        x = np.column_stack([np.ones(n), rng.uniform(-0.1, 0.1, n), rng.uniform(4.5, 7, n),
                             rng.uniform(9, 10.5, n), rng.uniform(3.5, 4.2, n)])
        a = PARAMS.eps_beta_shape
        eps = np.sqrt(2 * a + 1) * (2 * rng.beta(a, a, n) - 1)
        y = x @ beta + (x @ gamma) * eps
        frame = pd.DataFrame(x[:, 1:], columns=["lnT", "lnP", "lnA", "lnI"]).assign(lnCO2=y)
        ci = fit(frame, "lnCO2 ~ lnT + lnP + lnA + lnI", taus=taus).conf_int()
        for t in taus:
            for k, term in enumerate(["const", "lnT", "lnP", "lnA", "lnI"]):
                lower, upper = ci.loc[(term, t)]
                covered += lower <= truth[t][k] <= upper
                total += 1
    assert abs(covered / total - 0.95) < 0.03, covered / total


def test_fit_on_the_public_api():
    assert cg.qreg.fit is fit
