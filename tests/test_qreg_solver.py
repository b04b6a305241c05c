"""Exact regression quantiles: hand-derivable cases, non-uniqueness, an independent LP."""

from __future__ import annotations

import numpy as np
import pytest

from carbongap.qreg import solver
from carbongap.qreg.solver import check_function, solve
from qreg_reference import linprog_quantile

#: Two exact solutions of the same LP agree to rounding; 1e-9 relative is the target of
#: docs/methods.md §7.
EXACT = 1e-9


def _data(n: int, seed: int = 0, p: int = 4) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = np.column_stack([np.ones(n), rng.normal(size=(n, p - 1))])
    y = X @ np.arange(1.0, p + 1.0) + rng.standard_t(3, size=n) * (1 + 0.5 * np.abs(X[:, 1]))
    return X, y


@pytest.mark.parametrize("tau", [0.1, 0.37, 0.9])
def test_intercept_only_is_the_sample_quantile(tau):
    rng = np.random.default_rng(5)
    y = rng.permutation(np.arange(1.0, 102.0)) * 1.5  # n = 101, n tau not an integer
    fit = solve(np.ones((101, 1)), y, tau)
    k = int(np.ceil(101 * tau))  # the order statistic y_(ceil(n tau)) minimises sum rho
    assert fit.beta[0] == np.sort(y)[k - 1]
    assert fit.unique
    assert fit.objective == pytest.approx(float(check_function(y - fit.beta[0], tau).sum()),
                                          rel=1e-15)


def test_two_groups_give_each_group_quantile():
    rng = np.random.default_rng(1)
    a, b = rng.normal(0, 1, 41), rng.normal(5, 2, 61)
    X = np.column_stack([np.ones(102), np.r_[np.zeros(41), np.ones(61)]])
    fit = solve(X, np.r_[a, b], 0.25)
    assert fit.beta[0] == np.sort(a)[int(np.ceil(41 * 0.25)) - 1]
    assert fit.beta[0] + fit.beta[1] == pytest.approx(np.sort(b)[int(np.ceil(61 * 0.25)) - 1],
                                                      rel=1e-15)


def test_a_degenerate_case_is_flagged_not_failed():
    # Even n at the median: every value between the two middle points is optimal.
    y = np.array([3.0, 1.0, 4.0, 1.5, 9.0, 2.6])
    fit = solve(np.ones((6, 1)), y, 0.5)
    assert not fit.unique
    assert 2.6 <= fit.beta[0] <= 3.0
    assert fit.objective == pytest.approx(0.5 * float(np.abs(y - 2.8).sum()), rel=1e-14)


def test_an_exact_fit_with_tied_residuals(monkeypatch):
    X = np.column_stack([np.ones(8), [0, 0, 1, 1, 2, 2, 3, 3]])
    y = np.array([1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 4.0])  # on a line: many zero residuals
    # The line is the only optimum; br (as R quantreg, which does not warn) says unique.
    fit = solve(X, y, 0.3)
    assert fit.method == "br" and fit.unique
    np.testing.assert_allclose(fit.beta, [1.0, 1.0], rtol=1e-14)
    # The certificate of the large-n path cannot tell with zero residuals outside the
    # basis: same vertex, flagged "may be nonunique" (docs/methods.md §7).
    monkeypatch.setattr(solver, "BR_MAX", 0)
    certified = solve(X, y, 0.3)
    assert certified.method != "br" and not certified.unique
    np.testing.assert_allclose(certified.beta, [1.0, 1.0], rtol=1e-14)
    assert certified.objective == pytest.approx(0.0, abs=1e-14)


@pytest.mark.parametrize("path", ["br", "certified"])
@pytest.mark.parametrize(("n", "tau"), [(200, 0.2), (200, 0.5), (300, 0.83)])
def test_equals_an_independent_primal_lp(n, tau, path, monkeypatch):
    if path == "certified":
        monkeypatch.setattr(solver, "BR_MAX", 0)
    X, y = _data(n, seed=n)
    fit = solve(X, y, tau)
    beta, objective = linprog_quantile(X, y, tau)
    assert fit.unique
    np.testing.assert_allclose(fit.beta, beta, rtol=EXACT)
    assert fit.objective == pytest.approx(objective, rel=EXACT)
    r = y - X @ fit.beta
    assert np.sum(np.abs(r) < 1e-9) == X.shape[1]  # a vertex: p exact fits


def test_band_preprocessing_gives_the_same_vertex(monkeypatch):
    # n = 3000 > PREPROCESS_MIN: the shrunk LP (cold, from a subsample; warm, from a start)
    # gives exactly the vertex of the plain interior point on all observations.
    monkeypatch.setattr(solver, "BR_MAX", 0)
    X, y = _data(3000, seed=7)
    banded = solve(X, y, 0.7)
    warm = solve(X, y, 0.7, start=solve(X, y, 0.6).beta)
    monkeypatch.setattr(solver, "PREPROCESS_MIN", 10**9)
    plain = solve(X, y, 0.7)
    assert banded.method == warm.method == "ipm-band" and plain.method == "ipm"
    np.testing.assert_array_equal(banded.basis, plain.basis)
    np.testing.assert_allclose(banded.beta, plain.beta, rtol=1e-13)
    np.testing.assert_allclose(warm.beta, plain.beta, rtol=1e-13)


def test_a_too_narrow_band_is_widened(monkeypatch):
    monkeypatch.setattr(solver, "BR_MAX", 0)
    X, y = _data(4000, seed=3)
    fit = solve(X, y, 0.5, start=np.zeros(4), band=20)  # a poor start, a tiny band
    ref = solve(X, y, 0.5)
    np.testing.assert_allclose(fit.beta, ref.beta, rtol=1e-13)


def test_weights_equal_repeated_rows():
    X, y = _data(150, seed=2)
    counts = np.random.default_rng(0).integers(1, 4, size=150).astype(float)
    weighted = solve(X, y, 0.4, weights=counts)
    repeated = solve(np.repeat(X, counts.astype(int), axis=0),
                     np.repeat(y, counts.astype(int)), 0.4)
    np.testing.assert_allclose(weighted.beta, repeated.beta, rtol=1e-12)
    assert weighted.objective == pytest.approx(repeated.objective, rel=1e-12)


def test_gradient_shift_matches_the_primal_lp():
    X, y = _data(250, seed=4)
    g = np.array([3.0, -2.0, 1.0, 0.5])
    fit = solve(X, y, 0.3, shift=g)
    beta, _ = linprog_quantile(X, y, 0.3, shift=g)
    np.testing.assert_allclose(fit.beta, beta, rtol=EXACT)


def test_simplex_fallback_when_the_interior_point_cannot_be_certified(monkeypatch):
    X, y = _data(120, seed=9)
    from carbongap.qreg import ipm

    def poor(X, y, tau, u=None, g=None, **kwargs):
        return ipm.IpmResult(np.zeros(X.shape[1]), np.full(len(y), 0.5), 1, False)

    monkeypatch.setattr(solver, "frisch_newton", poor)
    monkeypatch.setattr(solver, "BR_MAX", 0)
    fit = solve(X, y, 0.6)
    assert fit.method == "simplex" and fit.unique
    np.testing.assert_allclose(fit.beta, linprog_quantile(X, y, 0.6)[0], rtol=EXACT)


def _heavy_with_ties(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Cauchy errors, a discrete regressor and a response rounded to 0.25: many exactly
    tied residuals and duplicated rows."""
    rng = np.random.default_rng(seed)
    X = np.column_stack([np.ones(n), rng.normal(size=n), rng.integers(0, 5, n),
                         rng.uniform(0, 1, n)])
    y = np.round((X @ np.array([1.0, 2.0, -0.5, 3.0]) + rng.standard_cauchy(n)) * 4) / 4
    return X, y


@pytest.mark.parametrize("data", ["heavy", "heavy-ties"])
@pytest.mark.parametrize("tau", [0.1, 0.5, 0.9])
def test_the_band_gives_the_plain_solvers_solution(monkeypatch, data, tau):
    # Portnoy-Koenker preprocessing (a band around a subsample fit, the rest fixed at their
    # bounds) against the interior point + simplex on all 20,000 rows: the objective
    # always, the coefficients where the vertex is unique.
    n = 20_000
    if data == "heavy":
        rng = np.random.default_rng(11)
        X = np.column_stack([np.ones(n), rng.normal(size=(n, 3))])
        y = X @ np.array([1.0, 2.0, -1.0, 0.5]) + rng.standard_cauchy(n)
    else:
        X, y = _heavy_with_ties(n, seed=12)
    monkeypatch.setattr(solver, "BR_MAX", 0)
    banded = solve(X, y, tau)
    monkeypatch.setattr(solver, "PREPROCESS_MIN", 10**9)
    plain = solve(X, y, tau)
    assert banded.objective == pytest.approx(plain.objective, rel=1e-12)
    if banded.unique and plain.unique:
        np.testing.assert_allclose(banded.beta, plain.beta, rtol=1e-10, atol=1e-12)
    if data == "heavy":
        assert banded.method == "ipm-band" and banded.unique


def test_a_failed_first_band_is_redone_around_its_vertex(monkeypatch):
    # The τ = 0.5 fit as the start of τ = 0.3 and a band of 1,000 of 30,000 rows: the first
    # band's vertex fails the certificate on all rows; the next band, around that vertex,
    # passes, and the answer is the plain solver's.
    monkeypatch.setattr(solver, "BR_MAX", 0)
    X, y = _data(30_000, seed=21)
    start = solve(X, y, 0.5).beta
    calls = []
    certify = solver._certify

    def counting(*args):
        outcome = certify(*args)
        calls.append(outcome.optimal)
        return outcome

    monkeypatch.setattr(solver, "_certify", counting)
    fit = solve(X, y, 0.3, start=start, band=1000)
    assert calls == [False, True] and fit.method == "ipm-band"
    monkeypatch.setattr(solver, "_certify", certify)
    monkeypatch.setattr(solver, "PREPROCESS_MIN", 10**9)
    np.testing.assert_allclose(fit.beta, solve(X, y, 0.3).beta, rtol=1e-10)


def test_a_residual_near_zero_is_a_tie_only_within_rounding():
    # The certificate reads a residual's sign unless it is within the rounding of the
    # vertex (100 eps cond(X_h) times the scale): moved to 1e-9 of the fit, a high-leverage
    # row keeps its side (optimal) and on the other side breaks the certificate; at 1e-16
    # it is a tie, and the certificate is the same on either side.
    X, y = _data(400, seed=5)
    fit = solve(X, y, 0.5)
    h, beta = fit.basis, fit.beta
    rhs, u = 0.5 * X.sum(axis=0), np.ones(400)
    outside = np.setdiff1d(np.arange(400), h)
    influence = np.abs(np.linalg.solve(X[h].T, X[outside].T)).max(axis=0)
    i = outside[np.argmax(influence)]
    side = np.sign(y[i] - X[i] @ beta)

    def certificate(offset: float):
        moved = y.copy()
        moved[i] = X[i] @ beta + offset
        return solver._certify(X, moved, 0.5, u, rhs, h, beta)

    assert certificate(1e-9 * side) == solver._certify(X, y, 0.5, u, rhs, h, beta)
    assert certificate(1e-9 * side).optimal and not certificate(-1e-9 * side).optimal
    assert certificate(1e-16) == certificate(-1e-16)
