"""The radial directional distance function (docs/methods.md §15): hand-solved cases,
the LP's certificate, and an independent formulation on random data."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog

from carbongap.dea import ddf
from carbongap.errors import DataError

#: Units (x, y, b): F is evaluated; G is much cleaner than F, G2 cleaner and larger.
F = np.array([[1.0, 1.0, 2.0]])
G = np.array([[1.0, 1.5, 0.1]])
G2 = np.array([[1.0, 2.0, 0.1]])


def _solve(point, reference, rts, disposability, direction=None):
    result = ddf(point[:, :1], point[:, 1:2], point[:, 2:], reference[:, :1],
                 reference[:, 1:2], reference[:, 2:], rts, direction,
                 disposability=disposability)
    return float(result.values[0]), str(result.status[0])


# Worked by hand in docs/methods.md §15 ("Two small cases"): against {G, F} the strong
# model expands y by half along g = (0, y, b) using G alone with the bad row slack,
# while under weak disposability every λ on G must be paid for in the bad row, so F
# stays on the frontier; against {G2} alone both agree (39/41 under CRS, 0.95 under VRS).
@pytest.mark.parametrize(("reference", "rts", "disposability", "expected"), [
    (np.vstack([G, F]), "crs", "strong", 0.5),
    (np.vstack([G, F]), "vrs", "strong", 0.5),
    (np.vstack([G, F]), "crs", "weak", 0.0),
    (np.vstack([G, F]), "vrs", "weak", 0.0),
    (G2, "crs", "strong", 39 / 41),
    (G2, "crs", "weak", 39 / 41),
    (G2, "vrs", "strong", 0.95),
    (G2, "vrs", "weak", 0.95),
])
def test_hand_solved_cases(reference, rts, disposability, expected):
    value, status = _solve(F, reference, rts, disposability)
    assert status == "optimal"
    assert value == pytest.approx(expected, abs=1e-12)


def test_outside_the_technology_negative_or_infeasible_never_zero():
    small = np.array([[0.5, 1.0, 2.0]])  # uses half G's input
    assert _solve(small, G, "crs", "strong") == (pytest.approx(-0.25, abs=1e-12), "optimal")
    for rts, disposability in (("vrs", "strong"), ("crs", "weak"), ("vrs", "weak")):
        value, status = _solve(small, G, rts, disposability)
        assert status == "infeasible" and np.isnan(value)
    # weak, VRS: G alone cannot cut F's bad to its own level while raising y enough
    value, status = _solve(F, G, "vrs", "weak")
    assert status == "infeasible" and np.isnan(value)


def test_a_given_direction():
    # goods only: β = 0.5 (y from 1 to 1.5 on G); inputs only, VRS: no room (x equal)
    goods = (np.zeros((1, 1)), np.ones((1, 1)), np.zeros((1, 1)))
    assert _solve(F, G, "crs", "strong", goods)[0] == pytest.approx(0.5, abs=1e-12)
    inputs = (np.ones((1, 1)), np.zeros((1, 1)), np.zeros((1, 1)))
    assert _solve(F, G, "vrs", "strong", inputs)[0] == pytest.approx(0.0, abs=1e-12)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="disposability 'free' is not one of: weak, strong"):
        ddf(F[:, :1], F[:, 1:2], F[:, 2:], disposability="free")
    with pytest.raises(DataError, match="direction: all zero for rows 0"):
        ddf([[1.0]], [[0.0]], [[0.0]])
    with pytest.raises(DataError, match="x: negative values in column 0, rows 1"):
        ddf([[1.0], [-1.0]], [[1.0], [1.0]])


def _linprog_ddf(point, reference, dims, rts, disposability):
    """The same LP written out for scipy in the caller's units (no scaling), variables
    (λ, β): an independent formulation of docs/methods.md §15."""
    n_in, n_good, n_bad = dims
    k = reference.shape[0]
    g = point.copy()
    g[:n_in] = 0.0
    c = np.r_[np.zeros(k), -1.0]
    xs, ys, bs = (slice(0, n_in), slice(n_in, n_in + n_good),
                  slice(n_in + n_good, n_in + n_good + n_bad))
    a_ub = [np.c_[reference[:, xs].T, g[xs]], np.c_[-reference[:, ys].T, g[ys]]]
    b_ub = [point[xs], -point[ys]]
    a_eq, b_eq = [], []
    bad = np.c_[reference[:, bs].T, g[bs]]
    (a_eq if disposability == "weak" else a_ub).append(bad)
    (b_eq if disposability == "weak" else b_ub).append(point[bs])
    if rts == "vrs":
        a_eq.append(np.r_[np.ones(k), 0.0][None, :])
        b_eq.append(np.ones(1))
    result = linprog(c, A_ub=np.vstack(a_ub), b_ub=np.concatenate(b_ub),
                     A_eq=np.vstack(a_eq) if a_eq else None,
                     b_eq=np.concatenate(b_eq) if b_eq else None,
                     bounds=[(0, None)] * k + [(None, None)], method="highs")
    return -result.fun if result.status == 0 else np.nan


@pytest.mark.parametrize("disposability", ["weak", "strong"])
@pytest.mark.parametrize("rts", ["crs", "vrs"])
def test_random_cases_equal_an_independent_formulation(rts, disposability):
    rng = np.random.default_rng(4)
    reference = rng.lognormal(size=(30, 4)) * np.array([1e5, 50.0, 1e6, 2e3])
    outside = reference[:8] * np.array([0.6, 0.7, 1.8, 0.5])  # beyond the frontier
    points = np.vstack([reference, outside])
    mine = ddf(points[:, :2], points[:, 2:3], points[:, 3:], reference[:, :2],
               reference[:, 2:3], reference[:, 3:], rts, disposability=disposability)
    theirs = np.array([_linprog_ddf(p, reference, (2, 1, 1), rts, disposability)
                       for p in points])
    np.testing.assert_array_equal(np.isnan(mine.values), np.isnan(theirs))
    np.testing.assert_allclose(mine.values, theirs, rtol=1e-7, atol=1e-9)
    assert (mine.values[:30] >= -1e-12).all() and np.nanmax(mine.values) > 0.1
    assert np.nanmin(mine.values[30:]) < 0 or np.isnan(mine.values[30:]).any()
