"""quantreg's Barrodale-Roberts path (carbongap.qreg.br): R's vertex where solutions tie, R's
"Solution may be nonunique", and optimality against an independent LP.

The expected vertices of the tied examples are R quantreg 5.94's answers (``coef(rq(...))``,
R 4.2.2), facts quoted with the call that gives them; the stored data sets of
tests/reference/quantreg are tested in test_quantreg_stored.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from carbongap.qreg import QuantRegWarning, fit, solve
from carbongap.qreg.br import barrodale_roberts
from carbongap.qreg.solver import check_function
from qreg_reference import linprog_quantile


def test_even_sample_median_takes_quantregs_end_and_warns():
    # rq(c(1, 2, 3, 4) ~ 1, tau = 0.5): 2, "Solution may be nonunique" (any of [2, 3]).
    path = barrodale_roberts(np.ones((4, 1)), np.array([1.0, 2.0, 3.0, 4.0]), 0.5)
    assert path.beta.tolist() == [2.0] and not path.unique and path.basis.tolist() == [1]


def test_a_nonunique_main_fit_warns_as_quantreg_does():
    # rq(y ~ x, tau = 0.5) with x = (0, 0, 0, 0, 1, 1, 1), y = 1..7: R returns (3, 3), the
    # objective 3, and warns "Solution may be nonunique" (the first group's median is any
    # value in [2, 3]).
    data = pd.DataFrame({"y": np.arange(1.0, 8.0), "x": [0.0, 0, 0, 0, 1, 1, 1]})
    with pytest.warns(QuantRegWarning, match=r"y ~ x, tau = 0.5: solution may be nonunique"):
        result = fit(data, "y", ["x"], taus=(0.5,), se="ker")
    assert result.params[0.5].tolist() == [3.0, 3.0]
    assert result.objective[0.5] == 3.0 and not result.unique[0.5]
    assert result.warnings == ("y ~ x, tau = 0.5: solution may be nonunique",)
    assert result.summary().splitlines()[-1] == (
        "Warning: y ~ x, tau = 0.5: solution may be nonunique")


@pytest.mark.parametrize(("tau", "expected"), [(0.5, [0.0, 1.0]), (0.25, [0.25, 0.75])])
def test_small_regressions_take_quantregs_vertex(tau, expected):
    # rq(y ~ x, tau) with x = 1..6, y = (1, 3, 2, 5, 4, 6): R gives (0, 1) at 0.5 and
    # (0.25, 0.75) at 0.25, without a warning.
    X = np.column_stack([np.ones(6), np.arange(1.0, 7.0)])
    path = barrodale_roberts(X, np.array([1.0, 3.0, 2.0, 5.0, 4.0, 6.0]), tau)
    np.testing.assert_allclose(path.beta, expected, rtol=0, atol=1e-15)
    assert path.unique


def _heavy(n: int, seed: int, rounding: float | None) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = np.column_stack([np.ones(n), rng.normal(size=n), rng.integers(0, 3, n)])
    y = X @ np.array([1.0, 2.0, -1.0]) + rng.standard_cauchy(n)
    if rounding is not None:  # many ties in the response, and duplicated rows
        y = np.round(y / rounding) * rounding
        X[:, 1] = np.round(X[:, 1])
    return X, y


@pytest.mark.parametrize("rounding", [None, 0.5])
@pytest.mark.parametrize("tau", [0.1, 0.5, 0.77])
@pytest.mark.parametrize("seed", [1, 2])
def test_the_path_ends_at_an_optimum(seed, tau, rounding):
    X, y = _heavy(300, seed, rounding)
    path = barrodale_roberts(X, y, tau)
    beta, objective = linprog_quantile(X, y, tau)
    ours = float(check_function(y - X @ path.beta, tau).sum())
    assert ours == pytest.approx(objective, rel=1e-12)
    r = y - X @ path.beta
    assert np.all(np.abs(r[path.basis]) < 1e-9) and len(path.basis) == 3  # a vertex
    if path.unique:
        np.testing.assert_allclose(path.beta, beta, rtol=1e-10, atol=1e-12)


def test_a_linearly_dependent_column_is_set_aside():
    rng = np.random.default_rng(3)
    x = rng.normal(size=40)
    X = np.column_stack([np.ones(40), x, 2.0 * x])  # the third column is the second's double
    y = 1.0 + x + rng.normal(size=40)
    path = barrodale_roberts(X, y, 0.5)
    assert len(path.basis) == 2 and np.count_nonzero(path.beta[1:] == 0.0) == 1
    reduced = barrodale_roberts(X[:, :2], y, 0.5)  # the same fit, one column fewer
    np.testing.assert_allclose(X @ path.beta, X[:, :2] @ reduced.beta, rtol=1e-12)
    with pytest.raises(np.linalg.LinAlgError, match="collinear"):
        solve(X, y, 0.5)
