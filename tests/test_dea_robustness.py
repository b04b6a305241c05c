"""The SBI engine at extreme magnitudes and when the solver stalls: exact or flagged.

Every LP must come back either with the exact status and value (computed here by hand
and by the rational simplex of ``exact_sbi``) or as NaN with a status that says the
solver did not decide ("numerical", "unknown", ...) — never a wrong number reported as
optimal, never a wrong "infeasible" or "unbounded".
"""

from __future__ import annotations

import logging
import math
from fractions import Fraction

import numpy as np
import pytest

from carbongap.bench.dea import simulate_panel
from carbongap.dea import highs, luenberger, sbi
from carbongap.dea.status import INFEASIBLE, OPTIMAL, UNBOUNDED, status_words
from exact_sbi import sbi_exact

DECIDED = ("optimal", "infeasible", "unbounded")


def _exact_or_flagged(result, i: int, status: str, value: float, rtol: float = 1e-9) -> bool:
    """True when unit i is exact, or NaN with an undecided/numerical status."""
    if result.status[i] == status:
        return status != "optimal" or abs(result.values[i] - value) <= rtol * max(1, value)
    return result.status[i] not in DECIDED and math.isnan(result.values[i])


def _split(data, dims):
    n_in, n_good, n_bad = dims
    return (data[:, :n_in], data[:, n_in:n_in + n_good],
            data[:, n_in + n_good:] if n_bad else None)


def test_exact_reference_reproduces_hand_values():
    # The hand-solved three-unit case of test_dea_sbi: VRS C = 5/12, CRS A = 1/4, C = 5/8;
    # D = (0.5, 1) against {A, B} infeasible.
    ref = np.array([[1.0, 1.0], [2.0, 3.0], [3.0, 2.0]])
    assert sbi_exact(ref[2], ref, (1, 1, 0), "vrs") == ("optimal", 5 / 12)
    assert sbi_exact(ref[0], ref, (1, 1, 0), "crs") == ("optimal", 0.25)
    assert sbi_exact(ref[2], ref, (1, 1, 0), "crs") == ("optimal", 0.625)
    assert sbi_exact(np.array([0.5, 1.0]), ref[:2], (1, 1, 0), "vrs")[0] == "infeasible"
    free = np.array([[0.0, 1.0], [1.0, 1.0]])  # zero input, positive output, CRS
    assert sbi_exact(np.array([1.0, 1.0]), free, (1, 1, 0), "crs")[0] == "unbounded"


def test_tiny_entry_next_to_a_huge_unit():
    # Reviewer's case (a): reference A = (1e9, 1e9), B = (0.01, 1); points o1 = (1, 1),
    # o2 = (2, 1). With the arithmetic-mean scale B's input was 2e-11, below HiGHS's
    # small_matrix_value 1e-9, and read as 0 (CRS "unbounded", VRS 0.5).
    # CRS (one input, one output): only B's ray matters (100 > 1). o1: λ_B <= 100,
    # S = 1/2 [(1 - 0.01 λ) + (λ - 1)] = 1/2 * 0.99 λ = 49.5; o2: λ_B <= 200,
    # S = 1/2 [(2 - 0.01 λ)/2 + (λ - 1)] = 1/2 * 0.995 λ = 99.5.
    # VRS: λ_A = t, λ_B = 1 - t. o1: S = 1/2 [0.99 - (1e9 - 0.01) t + (1e9 - 1) t]
    # = 1/2 (0.99 - 0.99 t), best t = 0: 0.495. o2: S = 1/2 [(1.99 - (1e9 - .01) t)/2
    # + (1e9 - 1) t] rises with t up to s_x = 0, t* = 1.99 / (1e9 - 0.01).
    x_ref, y_ref = np.array([[1e9], [0.01]]), np.array([[1e9], [1.0]])
    x, y = np.array([[1.0], [2.0]]), np.array([[1.0], [1.0]])
    t = Fraction(199, 100) / (Fraction(10**9) - Fraction(1, 100))
    vrs_o2 = float(Fraction(1, 2) * ((Fraction(199, 100) - (Fraction(10**9) - Fraction(1, 100))
                                      * t) / 2 + (10**9 - 1) * t))
    expected = {"crs": [49.5, 99.5], "vrs": [0.495, vrs_o2]}
    for rts, values in expected.items():
        result = sbi(x, y, x_ref=x_ref, y_ref=y_ref, rts=rts)
        for i, value in enumerate(values):
            exact = sbi_exact(np.r_[x[i], y[i]], np.hstack([x_ref, y_ref]), (1, 1, 0), rts)
            assert exact == ("optimal", pytest.approx(value, rel=1e-15))
            assert _exact_or_flagged(result, i, "optimal", value), (rts, i, result)


@pytest.mark.parametrize("big", [1e3, 1e6, 1e9])
def test_infeasible_point_next_to_a_huge_unit(big):
    # Reviewer's case (b), VRS: reference A = (big, big), B = (1e-3, 1e-3); o = (1e-3,
    # 2e-3). Any λ_A = t > 0 uses input big t + 1e-3 (1 - t) > 1e-3, so t = 0 and the
    # output is 1e-3 < 2e-3: infeasible. (At big = 1e9 the engine said "optimal",
    # S = -0.5 with s_x = -0.001.)
    result = sbi([[1e-3]], [[2e-3]], x_ref=[[big], [1e-3]], y_ref=[[big], [1e-3]],
                 rts="vrs", return_solution=True)
    assert sbi_exact(np.array([1e-3, 2e-3]), np.array([[big, big], [1e-3, 1e-3]]),
                     (1, 1, 0), "vrs")[0] == "infeasible"
    assert _exact_or_flagged(result, 0, "infeasible", math.nan)
    assert math.isnan(result.values[0]) and np.isnan(result.slacks_x[0]).all()


@pytest.mark.parametrize("factor", [1e2, 1e6, 1e7, 1e8])
def test_point_far_larger_than_a_one_unit_crs_reference(factor):
    # Reviewer's case (c): CRS, one reference unit r = (x, y, b), the point o = factor *
    # o'. With λ = factor μ: S = 1/2 [1 - μ r_x/o'_x + 1/2 (μ r_y/o'_y - 1 + 1 -
    # μ r_b/o'_b)]; the coefficient of μ, -r_x/o'_x + r_y/(2 o'_y) - r_b/(2 o'_b), is
    # negative, so μ is the least that covers the output, μ = o'_y / r_y (input and bad
    # still fit): S = 1/2 [3/2 - (o'_y r_x)/(r_y o'_x) - (o'_y r_b)/(2 r_y o'_b)],
    # whatever the factor. (From factor 1e7 the engine said "unbounded".)
    r = np.array([2.150e-3, 1.439e-2, 2.122e-3])
    unit = np.array([3.315e-3, 5.468e-3, 1.401e-3])
    o = unit * factor
    coefficient = -r[0] / unit[0] + r[1] / (2 * unit[1]) - r[2] / (2 * unit[2])
    assert coefficient < 0 and ((unit[1] / r[1]) * r[[0, 2]] <= unit[[0, 2]]).all()
    value = 0.5 * (1.5 - unit[1] * r[0] / (r[1] * unit[0])
                   - unit[1] * r[2] / (2 * r[1] * unit[2]))
    assert sbi_exact(o, r[None, :], (1, 1, 1), "crs") == ("optimal", pytest.approx(value))
    result = sbi(o[None, :1], o[None, 1:2], o[None, 2:], r[None, :1], r[None, 1:2],
                 r[None, 2:], rts="crs")
    assert result.status[0] != "unbounded"
    assert _exact_or_flagged(result, 0, "optimal", value)


@pytest.mark.parametrize("decades", [9, 12])
def test_units_spanning_many_orders_of_magnitude_are_exact_or_flagged(decades):
    # Unit sizes spread uniformly over 10^decades (the reviewer's sweep): cross-period
    # problems, CRS and VRS, pruned and not, each LP against the rational simplex. Before
    # the checks, 12 decades gave wrong statuses and values reported as optimal (relative
    # errors above 1).
    rng = np.random.default_rng(decades)
    decided_right = 0
    for _ in range(12):
        dims = (int(rng.integers(1, 3)), 1, int(rng.integers(0, 2)))
        width = sum(dims)
        ref = 10 ** rng.uniform(-3, decades - 3, (8, 1)) * rng.lognormal(0, 0.5, (8, width))
        pts = 10 ** rng.uniform(-3, decades - 3, (6, 1)) * rng.lognormal(0, 0.5, (6, width))
        pts[:, dims[0]] *= rng.choice([0.7, 1.5], size=6)
        for rts in ("crs", "vrs"):
            exact = [sbi_exact(p, ref, dims, rts) for p in pts]
            for prune in (False, True):
                result = sbi(*_split(pts, dims), *_split(ref, dims), rts=rts, prune=prune)
                for i, (status, value) in enumerate(exact):
                    assert _exact_or_flagged(result, i, status, value), (rts, prune, i)
                    decided_right += result.status[i] == status
    assert decided_right >= 0.95 * 12 * 2 * 2 * 6  # flagging is the exception


def _unit_solve(monkeypatch, forced: dict[str, int], points, x_ref, y_ref, rts):
    """UnitLP with its HiGHS runs forced to a status code for the given attempts.

    The real run still happens first (so the basis moves on as usual); only the status
    it reports is replaced. Returns (status words, values).
    """
    original = highs.UnitLP._run

    def run(self, rhs, cost, col, dual, attempt):
        code = original(self, rhs, cost, col, dual, attempt)
        return forced.get(attempt, code)

    monkeypatch.setattr(highs.UnitLP, "_run", run)
    x_ref, y_ref = np.asarray(x_ref, dtype=float), np.asarray(y_ref, dtype=float)
    lp = highs.UnitLP(x_ref, y_ref, np.empty((len(x_ref), 0)), rts)
    batch = lp.solve(np.asarray(points, dtype=float))
    return list(status_words(batch.status)), batch.values


# Three units A = (1, 1), B = (2, 3), C = (3, 2), plus D = (0.5, 1), infeasible against
# them under VRS: S = (0, 0, 5/12, infeasible).
POINTS = np.array([[1.0, 1.0], [2.0, 3.0], [3.0, 2.0], [0.5, 1.0]])
REF = ([[1.0], [2.0], [3.0]], [[1.0], [3.0], [2.0]])
UNKNOWN = int(highs.highspy.HighsModelStatus.kUnknown.value)


def test_undecided_warm_start_is_solved_again_from_scratch(monkeypatch):
    status, values = _unit_solve(monkeypatch, {"warm": UNKNOWN}, POINTS, *REF, "vrs")
    assert status == ["optimal", "optimal", "optimal", "infeasible"]
    np.testing.assert_allclose(values[:3], [0, 0, 5 / 12], atol=1e-12)


def test_infeasible_from_a_warm_start_is_confirmed_from_scratch(monkeypatch):
    # A warm start that wrongly says "infeasible" for every unit: the cold re-solve
    # restores the three optima, and D stays infeasible (it really is).
    status, values = _unit_solve(monkeypatch, {"warm": INFEASIBLE}, POINTS, *REF, "vrs")
    assert status == ["optimal", "optimal", "optimal", "infeasible"]
    np.testing.assert_allclose(values[:3], [0, 0, 5 / 12], atol=1e-12)


def test_interior_point_is_the_last_resort(monkeypatch):
    forced = {"warm": UNKNOWN, "cold": UNKNOWN}
    status, values = _unit_solve(monkeypatch, forced, POINTS, *REF, "vrs")
    assert status == ["optimal", "optimal", "optimal", "infeasible"]
    np.testing.assert_allclose(values[:3], [0, 0, 5 / 12], atol=1e-12)


def test_never_decided_keeps_the_highs_word_with_nan(monkeypatch):
    forced = dict.fromkeys(("warm", "cold", "ipm"), UNKNOWN)
    status, values = _unit_solve(monkeypatch, forced, POINTS, *REF, "vrs")
    assert status == ["unknown"] * 4 and np.isnan(values).all()


def test_unbounded_where_the_data_forbid_it_is_a_solver_failure(monkeypatch):
    # Positive data: unbounded is impossible (sbi Notes), so it becomes "numerical".
    forced = dict.fromkeys(("warm", "cold", "ipm"), UNBOUNDED)
    status, values = _unit_solve(monkeypatch, forced, POINTS, *REF, "crs")
    assert status == ["numerical"] * 4 and np.isnan(values).all()
    # A free reference unit (zero input, positive output) makes it possible under CRS.
    status, _ = _unit_solve(monkeypatch, forced, [[1.0, 1.0]], [[0.0], [1.0]],
                            [[1.0], [1.0]], "crs")
    assert status == ["unbounded"]


def test_optimal_answers_that_fail_the_check_are_numerical(monkeypatch):
    # A solver that says optimal for the infeasible D leaves no solution behind
    # (λ = 0, s = 0 violates every row): D is "numerical", not a number.
    forced = dict.fromkeys(("warm", "cold", "ipm"), OPTIMAL)
    status, values = _unit_solve(monkeypatch, forced, POINTS, *REF, "vrs")
    assert status == ["optimal", "optimal", "optimal", "numerical"]
    assert math.isnan(values[3]) and values[2] == pytest.approx(5 / 12, abs=1e-12)


def test_wide_variables_are_reported(caplog):
    with caplog.at_level(logging.WARNING, logger="carbongap.dea"):
        sbi([[1.0], [1e7]], [[1.0], [2.0]], rts="vrs")
    assert "sbi: x[0] spans 1.0e+00 to 1.0e+07" in caplog.text
    assert "y[0]" not in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="carbongap.dea"):
        sbi([[1.0], [1e5]], [[1.0], [2.0]], rts="vrs")
    assert caplog.text == ""


def test_paper_size_statuses_do_not_depend_on_pruning_or_warm_starts():
    # The paper-size simulated panel, green model: pruned and unpruned runs solve the
    # same LPs in different orders (different warm starts). Before the cold re-solve,
    # 3 (pruned) and 1 (unpruned) infeasible LPs came back "unknown".
    panel = simulate_panel(282, (2006, 2016), seed=0)
    args = (panel, ["capital", "employment"], ["gdp_real"], ["co2"])
    pruned = luenberger(*args, prune=True).table
    full = luenberger(*args, prune=False).table
    statuses = full.filter(like="_status")
    assert set(np.unique(statuses.to_numpy())) == {"optimal", "infeasible"}
    assert pruned.filter(like="_status").equals(statuses)
    numbers = [c for c in full.columns if c.startswith(("S_", "L", "EC", "PC"))
               and not c.endswith("_status")]
    np.testing.assert_allclose(pruned[numbers].to_numpy(), full[numbers].to_numpy(),
                               rtol=0, atol=1e-10)


@pytest.mark.parametrize("rts", ["crs", "vrs"])
def test_zero_inputs_with_a_user_direction_are_solved_not_numerical(rts):
    # Evaluated units with a zero input (allowed when the direction is given) against a
    # reference unit with a zero in the same input: the duality-gap certificate must
    # still certify the optimum (it once computed 0 * inf = NaN and reported "numerical").
    x_ref = np.array([[0.0, 2.0], [1.0, 1.0], [2.0, 0.5], [3.0, 3.0]])
    y_ref = np.array([[1.0], [1.0], [1.5], [2.0]])
    b_ref = np.array([[1.0], [0.8], [2.0], [1.0]])
    x = np.array([[0.0, 2.5], [0.0, 4.0], [1.5, 1.5]])
    y = np.array([[0.8], [1.0], [1.0]])
    b = np.array([[1.2], [3.0], [1.0]])
    ones = (np.ones_like(x), np.ones_like(y), np.ones_like(b))
    result = sbi(x, y, b, x_ref, y_ref, b_ref, rts=rts, direction=ones)
    reference = np.hstack([x_ref, y_ref, b_ref])
    for i, point in enumerate(np.hstack([x, y, b])):
        status, value = sbi_exact(point, reference, (2, 1, 1), rts, direction=np.ones(4))
        assert result.status[i] == status == "optimal"
        assert result.values[i] == pytest.approx(value, abs=1e-12)
