"""Standard errors: each method against a hand computation of its formula (docs/methods.md §7).

The hand computations use plain matrix inverses and explicit loops where the package uses
QR factors and vectorised code; the inner quantile fits come from the (separately tested)
exact solver.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from carbongap.qreg import solve
from carbongap.qreg.vcov import QuantRegWarning, bandwidth, vcov_iid, vcov_ker, vcov_nid

EPS = math.sqrt(2.220446049250313e-16)


def _data(n: int = 80, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = np.column_stack([np.ones(n), rng.uniform(0, 2, n), rng.normal(size=n)])
    y = 1 + 2 * X[:, 1] - X[:, 2] + (0.5 + X[:, 1]) * rng.normal(size=n)
    return X, y


def _phi(x: float) -> float:
    return math.exp(-x * x / 2) / math.sqrt(2 * math.pi)


def test_hall_sheather_and_bofinger_at_the_median():
    # z = 0, phi(0) = 1/sqrt(2 pi), Phi^-1(0.975) = 1.959963984540054
    f0 = 1 / math.sqrt(2 * math.pi)
    hs = 100 ** (-1 / 3) * 1.959963984540054 ** (2 / 3) * (1.5 * f0**2) ** (1 / 3)
    assert bandwidth(0.5, 100) == pytest.approx(hs, rel=1e-14)
    assert bandwidth(0.5, 100, hs=False) == pytest.approx(100 ** -0.2 * (4.5 * f0**4) ** 0.2,
                                                          rel=1e-14)


def test_nid_by_hand():
    X, y = _data()
    tau, n = 0.3, len(y)
    beta = solve(X, y, tau).beta
    h = bandwidth(tau, n)
    while tau - h < 0 or tau + h > 1:
        h /= 2
    hi, lo = solve(X, y, tau + h).beta, solve(X, y, tau - h).beta
    f = np.array([max(0.0, 2 * h / (float(x @ (hi - lo)) - EPS)) for x in X])
    D = sum(fi * np.outer(x, x) for fi, x in zip(f, X, strict=True))
    Hinv = np.linalg.inv(D)
    expected = tau * (1 - tau) * Hinv @ (X.T @ X) @ Hinv
    np.testing.assert_allclose(vcov_nid(X, y, tau, beta).matrix, expected, rtol=1e-10)


def test_iid_by_hand():
    X, y = _data(seed=1)
    tau, (n, p) = 0.6, X.shape
    beta = solve(X, y, tau).beta
    r = y - X @ beta
    pz = int(sum(abs(v) < EPS for v in r))
    h = max(p + 1, math.ceil(n * bandwidth(tau, n)))
    ranked = sorted(r, key=abs)
    picked = sorted(ranked[pz: pz + h + 1])  # 1-based (pz+1):(h+pz+1)
    xt = np.arange(pz + 1, pz + h + 2) / (n - p)
    slope = solve(np.column_stack([np.ones(h + 1), xt]), np.array(picked), 0.5).beta[1]
    expected = slope**2 * tau * (1 - tau) * np.linalg.inv(X.T @ X)
    np.testing.assert_allclose(vcov_iid(X, y, tau, beta).matrix, expected, rtol=1e-10)


def test_ker_by_hand():
    X, y = _data(seed=2)
    tau, n = 0.5, len(y)
    beta = solve(X, y, tau).beta
    from scipy.stats import norm

    h = bandwidth(tau, n)
    u = y - X @ beta
    q1, q3 = np.percentile(u, [25, 75])  # type 7 = linear interpolation
    kappa = (norm.ppf(tau + h) - norm.ppf(tau - h)) * min(u.std(ddof=1), (q3 - q1) / 1.34)
    f = np.array([_phi(v / kappa) / kappa for v in u])
    Hinv = np.linalg.inv((X * f[:, None]).T @ X)
    expected = tau * (1 - tau) * Hinv @ (X.T @ X) @ Hinv
    np.testing.assert_allclose(vcov_ker(X, y, tau, beta).matrix, expected, rtol=1e-10)


def test_bandwidth_is_halved_near_the_tails():
    X, y = _data(n=100, seed=3)
    tau = 0.02  # h = 0.0243 > tau: quantreg halves h until tau - h > 0
    assert bandwidth(tau, 100) > tau
    beta = solve(X, y, tau).beta
    # quantreg says 26 (sum(dyhat <= 0) in summary.rq on these data, checked live in R 4.2.2,
    # quantreg 5.94): one difference is exactly 0, which x %*% d in R's order keeps
    with pytest.warns(QuantRegWarning, match=r"^26 non-positive fis$"):
        cov = vcov_nid(X, y, tau, beta).matrix
    assert np.all(np.isfinite(cov)) and np.all(np.diag(cov) > 0)


def test_a_density_estimate_of_zero_everywhere_gives_nan_not_an_error():
    X, y = _data(n=40, seed=3)
    beta = solve(X, y, 0.02).beta
    # 40 points: beta(tau + h) = beta(tau - h), no tail density anywhere
    with pytest.warns(QuantRegWarning, match=r"^40 non-positive fis$"):
        cov = vcov_nid(X, y, 0.02, beta).matrix
    assert np.isnan(cov).all()


def test_iid_on_too_few_rows_names_what_it_needs():
    """quantreg's iid sparsity uses the order statistics pz+1 ... pz+h+1 of the residuals;
    with 8 rows and 5 coefficients it would index past the end (R stops: 'variable lengths
    differ'). Here h = max(p + 1, ceil(n h_HS)) = 6 and pz = 5 zero residuals at the
    vertex, so 12 rows are needed."""
    from carbongap.errors import TooFewObservationsError
    from carbongap.qreg import fit

    rng = np.random.default_rng(0)
    X = np.column_stack([np.ones(8), rng.normal(size=(8, 4))])
    y = rng.normal(size=8)
    beta = solve(X, y, 0.5).beta
    with pytest.raises(TooFewObservationsError,
                       match=r"se = 'iid' at tau 0.5 needs 12 observations for its sparsity "
                             r"estimate \(7 order statistics after the 5 zero residuals\); the "
                             "fit has 8"):
        vcov_iid(X, y, 0.5, beta)
    import pandas as pd

    frame = pd.DataFrame(X[:, 1:], columns=list("abcd")).assign(y=y)
    with pytest.raises(TooFewObservationsError, match="5 observations for 5 coefficients"):
        fit(frame.iloc[:5], "y", list("abcd"), taus=(0.5,), se="nid")
