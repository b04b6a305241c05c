"""carbongap.dea.verify: the check of solver answers in the caller's units, by hand."""

from __future__ import annotations

import numpy as np
import pytest

from carbongap.dea.verify import VERIFY_TOLERANCE, check, upper_bound

# Three units, one input, one good output: A = (1, 1), B = (2, 3), C = (3, 2); C is
# evaluated (p = g = (3, 2)). Weights w = (1/2, 1/2), so the slack costs are w/g = 1/6
# (input) and 1/4 (output).
REFERENCE = np.array([[1.0, 1.0], [2.0, 3.0], [3.0, 2.0]])
DIMS = (1, 1, 0)
POINT = np.array([[3.0, 2.0]])


def _check(rts, lam, slack, duals):
    return check(REFERENCE, DIMS, rts, POINT, POINT, np.array([lam], dtype=float),
                 np.array([slack], dtype=float), np.array([duals], dtype=float))


def test_vrs_optimum_with_its_duals_passes():
    # VRS optimum: λ_B = 1, s_x = 3 - 2 = 1, s_y = 3 - 2 = 1, S = 1/2 (1/3 + 1/2) = 5/12.
    # Duals u_x = 1/6, u_y = -1/4, u_0 = 5/12: slack columns tight (u_x = 1/6,
    # -u_y = 1/4); λ columns A: 1/6 - 1/4 + 5/12 = 1/3, B: 2/6 - 3/4 + 5/12 = 0,
    # C: 3/6 - 2/4 + 5/12 = 5/12, all >= 0; dual objective 3/6 - 2/4 + 5/12 = 5/12.
    out = _check("vrs", [0, 1, 0], [1, 1], [1 / 6, -1 / 4, 5 / 12])
    assert out.ok[0]
    assert out.values[0] == pytest.approx(5 / 12, abs=1e-15)
    assert out.gap[0] == pytest.approx(0.0, abs=1e-15)


def test_feasible_but_not_optimal_is_caught_by_the_gap():
    # λ_C = 1 with zero slacks is feasible (value 0) but the bound is 5/12.
    out = _check("vrs", [0, 0, 1], [0, 0], [1 / 6, -1 / 4, 5 / 12])
    assert not out.ok[0]
    assert out.values[0] == 0.0
    assert out.gap[0] == pytest.approx(5 / 12, abs=1e-15)


def test_useless_duals_are_repaired_into_a_valid_bound():
    # Zero duals: the slack bounds lift them to u_x = 1/6, u_y = -1/4; the λ columns then
    # fall short by A 1/12, B 5/12, C 0. VRS repair: u_0 = 5/12 (cost 5/12), or raise
    # u_x by max(1/12 / 1, 5/12 / 2) = 5/24 (cost 3 * 5/24 = 5/8): the cheaper gives the
    # bound 3/6 - 2/4 + 5/12 = 5/12, exactly the optimum.
    bound = upper_bound(REFERENCE, DIMS, "vrs", POINT, POINT, np.zeros((1, 3)))
    assert bound[0] == pytest.approx(5 / 12, abs=1e-15)
    assert _check("vrs", [0, 1, 0], [1, 1], [0, 0, 0]).ok[0]
    # CRS (no u_0): raise u_x by 5/24 to 3/8; bound 3 * 3/8 - 2/4 = 5/8 = the CRS
    # optimum (λ_B = 3/2, s_y = 9/2 - 2 = 5/2, S = 1/2 * 5/2 / 2 = 5/8).
    bound = upper_bound(REFERENCE, DIMS, "crs", POINT, POINT, np.zeros((1, 2)))
    assert bound[0] == pytest.approx(5 / 8, abs=1e-15)
    assert _check("crs", [0, 1.5, 0], [0, 2.5], [0, 0]).ok[0]


def test_no_repair_without_a_positive_input_gives_no_bound():
    # A reference unit with zero input and a shortfall cannot be covered under CRS.
    reference = np.array([[0.0, 1.0], [3.0, 2.0]])
    bound = upper_bound(reference, DIMS, "crs", POINT, POINT, np.zeros((1, 2)))
    assert bound[0] == np.inf


def test_constraint_violations_are_caught():
    duals = [1 / 6, -1 / 4, 5 / 12]
    # Output row: 3 - 0.5 - 2 = 0.5 = 1/4 of g_y, far above the tolerance.
    assert not _check("vrs", [0, 1, 0], [1, 0.5], duals).ok[0]
    # Σλ = 1 + 1e-6 under VRS.
    assert not _check("vrs", [0, 1 + 1e-6, 0], [1 - 2e-6, 1 + 3e-6], duals).ok[0]
    # A negative slack is set to zero first, leaving its row violated (the reviewer's
    # case: s_x = -0.001 reported with S = -0.5).
    out = _check("vrs", [0, 1, 0], [-1, 1], duals)
    assert not out.ok[0] and out.slacks[0, 0] == 0.0


def test_residuals_inside_the_tolerance_pass_and_outside_fail():
    # The input row may be off by up to τ g_x = 3τ.
    duals = [1 / 6, -1 / 4, 5 / 12]
    assert _check("vrs", [0, 1, 0], [1 + 2 * VERIFY_TOLERANCE, 1], duals).ok[0]
    assert not _check("vrs", [0, 1, 0], [1 + 6 * VERIFY_TOLERANCE, 1], duals).ok[0]


def test_zero_in_the_evaluated_point_still_gives_a_bound():
    # Two inputs, one output; A = (0, 2; 1), B = (2, 1; 1); the point is A itself with
    # direction g = 1 (a user direction lets x_o have a zero). CRS optimum 0 (λ_B must be 0
    # since B uses input 1 and the point has none; λ_A = 1). Duals u = (1/4, 1/4, -1): the
    # columns fall short by A 1/2, B 1/4. Through u_x1 A cannot be repaired (its x1 is 0:
    # cost inf, never 0 * inf); through u_x2 the raise is max(1/2 / 2, 1/4 / 1) = 1/4 at
    # cost 2 * 1/4 = 1/2. Bound = (0 + 2/4 - 1) + 1/2 = 0, the optimum.
    reference = np.array([[0.0, 2.0, 1.0], [2.0, 1.0, 1.0]])
    point = np.array([[0.0, 2.0, 1.0]])
    bound = upper_bound(reference, (2, 1, 0), "crs", point, np.ones((1, 3)),
                        np.array([[0.25, 0.25, -1.0]]))
    assert bound[0] == pytest.approx(0.0, abs=1e-15)
    out = check(reference, (2, 1, 0), "crs", point, np.ones((1, 3)), np.array([[1.0, 0.0]]),
                np.zeros((1, 3)), np.array([[0.25, 0.25, -1.0]]))
    assert out.ok[0] and out.values[0] == 0.0
