"""The radial directional distance function (docs/methods.md §15): hand-solved cases,
the LP's certificate, and an independent formulation on random data (the bench's naive
scipy peer)."""

from __future__ import annotations

import numpy as np
import pytest

from carbongap.bench.dea_peers import naive_ddf_linprog
from carbongap.dea import ddf
from carbongap.errors import DataError

#: Units (x, y, b): F is evaluated; G is much cleaner than F, G2 cleaner and larger.
F = np.array([[1.0, 1.0, 2.0]])
G = np.array([[1.0, 1.5, 0.1]])
G2 = np.array([[1.0, 2.0, 0.1]])


def _solve(point, reference, rts, disposability, direction=None, solver="kernel"):
    result = ddf(point[:, :1], point[:, 1:2], point[:, 2:], reference[:, :1],
                 reference[:, 1:2], reference[:, 2:], rts, direction,
                 disposability=disposability, solver=solver)
    return float(result.values[0]), str(result.status[0])


# Worked by hand in docs/methods.md §15 ("Two small cases"): against {G, F} the strong
# model expands y by half along g = (0, y, b) using G alone with the bad row slack,
# while under weak disposability every λ on G must be paid for in the bad row, so F
# stays on the frontier; against {G2} alone both agree (39/41 under CRS, 0.95 under VRS).
@pytest.mark.parametrize("solver", ["kernel", "highs"])
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
def test_hand_solved_cases(reference, rts, disposability, expected, solver):
    value, status = _solve(F, reference, rts, disposability, solver=solver)
    assert status == "optimal"
    assert value == pytest.approx(expected, abs=1e-12)


#: Three units (x, y, b): A is evaluated; B makes twice A's good output with A's input and
#: bad, C is A doubled (the same ray).
A, B, C = np.array([[1.0, 1.0, 1.0]]), np.array([[1.0, 2.0, 1.0]]), np.array([[2.0, 2.0, 2.0]])


# By hand: with s = λ_A + λ_B + 2λ_C (the input and bad used), CRS needs s ≤ 1 and
# s + λ_B ≥ 1 + β, and s = 1 − β (weak) or s ≤ 1 − β (strong): both give β = 1/3 at
# s = λ_B = 2/3; under VRS λ_C = 0 (x ≤ 1) and the bad row is 1 ≤ 1 − β: β = 0.
@pytest.mark.parametrize("solver", ["kernel", "highs"])
@pytest.mark.parametrize(("rts", "disposability", "expected"), [
    ("crs", "weak", 1 / 3), ("crs", "strong", 1 / 3), ("vrs", "weak", 0.0),
    ("vrs", "strong", 0.0)])
def test_a_hand_solved_three_unit_case(rts, disposability, expected, solver):
    value, status = _solve(A, np.vstack([A, B, C]), rts, disposability, solver=solver)
    assert status == "optimal" and value == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("solver", ["kernel", "highs"])
def test_outside_the_technology_negative_or_infeasible_never_zero(solver):
    small = np.array([[0.5, 1.0, 2.0]])  # uses half G's input
    assert _solve(small, G, "crs", "strong", solver=solver) == (
        pytest.approx(-0.25, abs=1e-12), "optimal")
    for rts, disposability in (("vrs", "strong"), ("crs", "weak"), ("vrs", "weak")):
        value, status = _solve(small, G, rts, disposability, solver=solver)
        assert status == "infeasible" and np.isnan(value)
    # weak, VRS: G alone cannot cut F's bad to its own level while raising y enough
    value, status = _solve(F, G, "vrs", "weak", solver=solver)
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


@pytest.mark.parametrize("solver", ["kernel", "highs"])
@pytest.mark.parametrize("disposability", ["weak", "strong"])
@pytest.mark.parametrize("rts", ["crs", "vrs"])
def test_random_cases_equal_an_independent_formulation(rts, disposability, solver):
    rng = np.random.default_rng(4)
    reference = rng.lognormal(size=(30, 4)) * np.array([1e5, 50.0, 1e6, 2e3])
    outside = reference[:8] * np.array([0.6, 0.7, 1.8, 0.5])  # beyond the frontier
    points = np.vstack([reference, outside])
    mine = ddf(points[:, :2], points[:, 2:3], points[:, 3:], reference[:, :2],
               reference[:, 2:3], reference[:, 3:], rts, disposability=disposability,
               solver=solver)
    # the same LP written out for scipy, variables (λ, β) (the bench's naive peer)
    theirs = np.array([naive_ddf_linprog(reference, p, (2, 1, 1), rts, disposability)[0]
                       for p in points])
    np.testing.assert_array_equal(np.isnan(mine.values), np.isnan(theirs))
    np.testing.assert_allclose(mine.values, theirs, rtol=1e-7, atol=1e-9)
    assert (mine.values[:30] >= -1e-12).all() and np.nanmax(mine.values) > 0.1
    assert np.nanmin(mine.values[30:]) < 0 or np.isnan(mine.values[30:]).any()


def _kernel_problem(seed: int, n_bad: int):
    rng = np.random.default_rng(seed)
    reference = rng.lognormal(size=(60, 3 + n_bad))
    later = rng.lognormal(size=(40, 3 + n_bad)) * np.r_[0.8, 0.8, 1.4, np.full(n_bad, 0.7)]
    return reference, np.vstack([reference, later])


@pytest.mark.parametrize("n_bad", [0, 1, 2])
@pytest.mark.parametrize("disposability", ["weak", "strong"])
@pytest.mark.parametrize("rts", ["crs", "vrs"])
def test_the_kernel_equals_highs_on_every_shape(rts, disposability, n_bad):
    from carbongap.dea.ddf_lp import DdfLP
    from carbongap.dea.kernel import KernelDdfLP

    reference, points = _kernel_problem(11 + n_bad, n_bad)
    parts = (reference[:, :2], reference[:, 2:3], reference[:, 3:])
    kernel = KernelDdfLP(*parts, rts, disposability)
    mine = kernel.solve(points, solution=True)
    theirs = DdfLP(*parts, rts, disposability).solve(points, solution=True)
    np.testing.assert_array_equal(mine.status, theirs.status)
    np.testing.assert_allclose(mine.values, theirs.values, rtol=0, atol=1e-10)
    # λ meets the rows at β: the kernel's answers are real solutions (docs/methods.md §15)
    ok = ~np.isnan(mine.values)
    beta = mine.values[ok]
    made = mine.lambdas[ok] @ reference
    assert (made[:, :2] <= points[ok, :2] * (1 + 1e-9)).all()
    assert (made[:, 2] >= points[ok, 2] * (1 + beta) * (1 - 1e-9)).all()
    bads = points[ok, 3:] * (1 - beta)[:, None]
    if disposability == "weak":
        np.testing.assert_allclose(made[:, 3:], bads, rtol=1e-9, atol=1e-12)
    else:
        assert (made[:, 3:] <= bads * (1 + 1e-9) + 1e-12).all()
    from carbongap.dea.status import INFEASIBLE

    if rts == "vrs":  # the later units use less input than any reference unit: infeasible
        assert (mine.status == INFEASIBLE).any()
    assert kernel.handed_over == 0  # no answer needed HiGHS: optima and Farkas rays held


def test_a_kernel_answer_failing_its_checks_goes_to_highs(monkeypatch):
    from carbongap.dea import kernel as kernel_module

    reference, points = _kernel_problem(3, 1)
    parts = (reference[:, :2], reference[:, 2:3], reference[:, 3:])
    honest = kernel_module.KernelDdfLP(*parts, "vrs", "weak")
    expected = honest.solve(points)
    infeasible = int((expected.status == kernel_module.INFEASIBLE).sum())
    assert infeasible > 0 and honest.handed_over == 0
    # rays that do not prove anything: every infeasible LP is decided by HiGHS instead
    monkeypatch.setattr(kernel_module, "ddf_farkas",
                        lambda *args: np.zeros(args[-2].size, dtype=bool))
    doubting = kernel_module.KernelDdfLP(*parts, "vrs", "weak")
    again = doubting.solve(points)
    assert doubting.handed_over == infeasible
    np.testing.assert_array_equal(again.status, expected.status)
    np.testing.assert_array_equal(again.values, expected.values)


def _awkward_shapes():
    """(name, reference, points, dims) of the shapes the SBI kernel is tested on: tied
    (duplicated) units, zero good outputs in the reference, columns spanning nine orders."""
    rng = np.random.default_rng(21)
    cases = []
    for n_bad in (0, 1):
        dims = (2, 1, n_bad)
        width = sum(dims)
        ref = rng.lognormal(size=(40, width))
        tied = np.repeat(rng.lognormal(size=(8, width)), 3, axis=0)
        cases.append((f"J{n_bad}-ties", tied, tied[::2], dims))
        zeros = ref.copy()
        zeros[::4, 2] = 0.0
        cases.append((f"J{n_bad}-zeros", zeros, rng.lognormal(size=(12, width)), dims))
        wide = ref * np.logspace(-3, 6, width)
        wide[:, 0] *= rng.lognormal(0, 3, 40)
        cases.append((f"J{n_bad}-wide", wide, wide[::3] * 1.7, dims))
    return cases


@pytest.mark.parametrize("disposability", ["weak", "strong"])
@pytest.mark.parametrize("rts", ["crs", "vrs"])
@pytest.mark.parametrize(("name", "reference", "points", "dims"), _awkward_shapes(),
                         ids=[c[0] for c in _awkward_shapes()])
def test_the_kernel_equals_highs_on_awkward_shapes(name, reference, points, dims, rts,
                                                    disposability):
    from carbongap.dea.ddf_lp import DdfLP
    from carbongap.dea.kernel import KernelDdfLP

    n_in, n_good, _ = dims
    parts = (reference[:, :n_in], reference[:, n_in:n_in + n_good],
             reference[:, n_in + n_good:])
    mine = KernelDdfLP(*parts, rts, disposability).solve(points)
    theirs = DdfLP(*parts, rts, disposability).solve(points)
    np.testing.assert_array_equal(mine.status, theirs.status)
    np.testing.assert_allclose(mine.values, theirs.values, rtol=1e-9, atol=1e-10)
    assert (mine.status == theirs.status).all() and np.isfinite(mine.values).any()
