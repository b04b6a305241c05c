"""carbongap.dea.sbi: the SBI LP of docs/methods.md §6 on hand-solved cases and known truths."""

from __future__ import annotations

import math

import numpy as np
import pytest

from carbongap.dea import sbi
from carbongap.errors import DataError

# Three units, one input, one good output: A = (1, 1), B = (2, 3), C = (3, 2).
X3 = np.array([[1.0], [2.0], [3.0]])
Y3 = np.array([[1.0], [3.0], [2.0]])


def test_three_units_vrs_by_hand():
    # VRS frontier: A and B. C's best projection is B (λ_B = 1): s_x = 3 - 2 = 1,
    # s_y = 3 - 2 = 1, S = 1/2 (1/3 + 1/2) = 5/12. Mixing A and B (λ_B = μ) gives
    # 1/2 (1/6 + 2μ/3), largest at μ = 1, the same 5/12. A and B score 0.
    r = sbi(X3, Y3, rts="vrs", return_solution=True)
    np.testing.assert_allclose(r.values, [0.0, 0.0, 5 / 12], rtol=0, atol=1e-12)
    assert list(r.status) == ["optimal"] * 3
    np.testing.assert_allclose(r.slacks_x[2], [1.0], atol=1e-12)
    np.testing.assert_allclose(r.slacks_y[2], [1.0], atol=1e-12)
    np.testing.assert_allclose(r.lambdas[2], [0.0, 1.0, 0.0], atol=1e-12)
    assert r.slacks_b.shape == (3, 0)


def test_three_units_crs_by_hand():
    # CRS: the best ray is B's (y/x = 3/2). For a unit with ratio ρ the optimum uses all
    # its input, λ_B = x/2, s_y = 3x/2 - y, S = 1/2 (3/2 / ρ - 1):
    # A: ρ = 1, S = 1/4, λ_B = 1/2, s_y = 1/2; C: ρ = 2/3, S = 1/2 (9/4 - 1) = 5/8,
    # λ_B = 3/2, s_y = 9/2 - 2 = 5/2.
    r = sbi(X3, Y3, rts="crs", return_solution=True)
    np.testing.assert_allclose(r.values, [0.25, 0.0, 0.625], atol=1e-12)
    np.testing.assert_allclose(r.slacks_y[:, 0], [0.5, 0.0, 2.5], atol=1e-12)
    np.testing.assert_allclose(r.slacks_x[:, 0], [0.0, 0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(r.lambdas[:, 1], [0.5, 1.0, 1.5], atol=1e-12)


def test_bad_output_weights_by_hand():
    # N = 1, M = 1, J = 1: S = 1/2 [s_x/x + 1/2 (s_y/y + s_b/b)]. F = (1, 1, 1) spans the
    # CRS technology; o = (t, t e^-u, t). With r = λ_F / t in [e^-u, 1]:
    # s_x = s_b = t(1 - r), s_y = t(r - e^-u), S = 1/2 [1 + r (e^u - 3) / 2],
    # so S = 3/4 (1 - e^-u) if e^u <= 3 (r = e^-u), else 1/4 (e^u - 1) (r = 1).
    # t = 2, u = ln 2: S = 3/4 * 1/2 = 3/8, s_x = s_b = 1, s_y = 0.
    # t = 2, u = ln 4: S = 1/4 * 3 = 3/4, s_x = s_b = 0, s_y = 2 - 1/2 = 3/2.
    x = np.array([[1.0], [2.0], [2.0]])
    y = np.array([[1.0], [1.0], [0.5]])
    b = np.array([[1.0], [2.0], [2.0]])
    crs = sbi(x, y, b, rts="crs", return_solution=True)
    np.testing.assert_allclose(crs.values, [0.0, 3 / 8, 3 / 4], atol=1e-12)
    np.testing.assert_allclose(crs.slacks_x[1:, 0], [1.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(crs.slacks_y[1:, 0], [0.0, 1.5], atol=1e-12)
    np.testing.assert_allclose(crs.slacks_b[1:, 0], [1.0, 0.0], atol=1e-12)
    # VRS: F dominates both, λ_F = 1. o2: s_x = 1, s_y = 0.5, s_b = 1:
    # S = 1/2 [1/2 + 1/2 (0.5/0.5 + 1/2)] = 5/8; o1: s_x = 1, s_y = 0, s_b = 1: 3/8.
    vrs = sbi(x, y, b, rts="vrs")
    np.testing.assert_allclose(vrs.values, [0.0, 3 / 8, 5 / 8], atol=1e-12)


def test_two_good_outputs_without_bads_use_one_over_m():
    # J = 0, M = 2: S = 1/2 [s_x/x + (1/2)(s_y1/y1 + s_y2/y2)]. F = (1; 1, 1), o = (1; 0.5, 1):
    # λ_F = 1 (VRS, and the largest λ the input allows under CRS), s_y1 = 0.5:
    # S = 1/2 * 1/2 * (0.5/0.5) = 1/4.
    x = np.array([[1.0], [1.0]])
    y = np.array([[1.0, 1.0], [0.5, 1.0]])
    for rts in ("crs", "vrs"):
        np.testing.assert_allclose(sbi(x, y, rts=rts).values, [0.0, 0.25], atol=1e-12)


def test_infeasible_cross_period_gives_nan_and_status():
    # Reference {A, B}; D = (0.5, 1) uses less input than any combination (VRS) and needs
    # more output per input than the best ray 3/2 allows (CRS: at most 0.75 < 1).
    for rts in ("crs", "vrs"):
        r = sbi([[0.5], [2.0]], [[1.0], [3.0]], x_ref=X3[:2], y_ref=Y3[:2], rts=rts)
        assert r.status[0] == "infeasible"
        assert math.isnan(r.values[0])
        assert r.status[1] == "optimal" and r.values[1] == pytest.approx(0.0, abs=1e-12)
        assert list(r.optimal) == [False, True]


def test_unbounded_only_with_a_free_reference_unit_under_crs():
    # A reference unit with zero input and a positive output can be scaled without limit
    # under CRS (no bad output to bound it): unbounded, NaN. Under VRS Σλ = 1 bounds λ.
    x_ref, y_ref = np.array([[0.0], [1.0]]), np.array([[1.0], [1.0]])
    crs = sbi([[1.0]], [[1.0]], x_ref=x_ref, y_ref=y_ref, rts="crs")
    assert crs.status[0] == "unbounded" and math.isnan(crs.values[0])
    # Several units at once (the batched model falls back to one LP per unit).
    many = sbi([[1.0], [2.0], [3.0]], [[1.0], [1.0], [2.0]], x_ref=x_ref, y_ref=y_ref,
               rts="crs")
    assert list(many.status) == ["unbounded"] * 3 and np.isnan(many.values).all()
    # VRS: λ_0 = 1 frees the input (s_x = 1) and keeps y: S = 1/2 (1/1 + 0) = 1/2.
    vrs = sbi([[1.0]], [[1.0]], x_ref=x_ref, y_ref=y_ref, rts="vrs")
    assert vrs.status[0] == "optimal" and vrs.values[0] == pytest.approx(0.5, abs=1e-12)
    # A positive bad output bounds λ (B'λ <= b_o) even under CRS: λ_0 <= 1, s_y = 0,
    # s_x = 1, s_b = 0: S = 1/2 [1 + 1/2 (0 + 0)] = 1/2.
    bounded = sbi([[1.0]], [[1.0]], [[1.0]], x_ref=x_ref, y_ref=y_ref,
                  b_ref=np.array([[1.0], [1.0]]), rts="crs")
    assert bounded.status[0] == "optimal" and bounded.values[0] == pytest.approx(0.5)


def _random(seed: int, n: int = 40, bads: bool = True):
    rng = np.random.default_rng(seed)
    x = rng.lognormal(size=(n, 2)) * [1e7, 300.0]
    y = (x[:, :1] ** 0.4 * x[:, 1:] ** 0.6) * np.exp(-np.abs(rng.normal(0, 0.3, (n, 1))))
    b = y ** 0.9 * rng.lognormal(0, 0.3, (n, 1)) if bads else None
    return x, y, b


@pytest.mark.parametrize("bads", [False, True])
def test_crs_inefficiency_is_at_least_vrs_for_own_period(bads):
    # The CRS technology contains the VRS one, so every own-period S_C >= S_V.
    x, y, b = _random(1, bads=bads)
    crs, vrs = sbi(x, y, b, rts="crs"), sbi(x, y, b, rts="vrs")
    assert crs.optimal.all() and vrs.optimal.all()
    assert (crs.values >= vrs.values - 1e-12).all()
    assert (vrs.values >= -1e-12).all()


def test_efficient_units_score_zero_and_slacks_reproduce_the_value():
    x, y, b = _random(2)
    r = sbi(x, y, b, rts="vrs", return_solution=True)
    # The unit with the smallest capital is VRS-efficient (nothing uses less of it).
    assert r.values[np.argmin(x[:, 0])] == pytest.approx(0.0, abs=1e-12)
    # Constraints and objective of docs/methods.md §6 hold at the returned solution.
    lam = r.lambdas
    np.testing.assert_allclose(lam @ x + r.slacks_x, x, rtol=1e-9)
    np.testing.assert_allclose(lam @ y - r.slacks_y, y, rtol=1e-9)
    np.testing.assert_allclose(lam @ b + r.slacks_b, b, rtol=1e-9)
    np.testing.assert_allclose(lam.sum(axis=1), 1.0, atol=1e-9)
    objective = 0.5 * ((r.slacks_x / x).mean(axis=1)
                       + ((r.slacks_y / y).sum(axis=1) + (r.slacks_b / b).sum(axis=1)) / 2)
    np.testing.assert_allclose(objective, r.values, atol=1e-10)


def test_invariant_to_the_units_of_every_variable():
    # Directions are the observed values, so rescaling a variable rescales its slacks and
    # its direction alike: S does not change (slacks scale with their variable).
    x, y, b = _random(3)
    base = sbi(x, y, b, rts="vrs", return_solution=True)
    scaled = sbi(x * [1e-4, 10.0], y * 1e3, b * 0.01, rts="vrs", return_solution=True)
    np.testing.assert_allclose(scaled.values, base.values, rtol=1e-10, atol=1e-12)
    # Slacks compared at the data's magnitude (1e-12 of the largest output).
    np.testing.assert_allclose(scaled.slacks_y, base.slacks_y * 1e3, rtol=0,
                               atol=1e-12 * 1e3 * y.max())


def test_user_direction_scales_the_value():
    # S is linear in 1/g: the observed direction doubled halves S; the observed direction
    # passed explicitly changes nothing.
    x, y, b = _random(4)
    base = sbi(x, y, b, rts="crs")
    same = sbi(x, y, b, rts="crs", direction=(x, y, b))
    double = sbi(x, y, b, rts="crs", direction=(2 * x, 2 * y, 2 * b))
    np.testing.assert_allclose(same.values, base.values, atol=1e-13)
    np.testing.assert_allclose(double.values, base.values / 2, atol=1e-12)


def test_known_crs_frontier_and_inefficiency_recovered():
    # Known technology: one input, one good output, CRS, best ratio ρ* = 2 held by the
    # first unit; unit i has y = ρ* x exp(-u_i). By the CRS hand formula above,
    # S_i = 1/2 (ρ*/ρ_i - 1) = 1/2 (exp(u_i) - 1), for any x.
    rng = np.random.default_rng(5)
    u = np.concatenate([[0.0], rng.uniform(0.0, 1.0, 49)])
    x = rng.lognormal(3.0, 1.0, 50)
    y = 2.0 * x * np.exp(-u)
    r = sbi(x, y, rts="crs")
    np.testing.assert_allclose(r.values, 0.5 * np.expm1(u), rtol=1e-10, atol=1e-12)
    # The SBI ranks units as the latent inefficiency does (docs/methods.md §12).
    assert (np.argsort(r.values, kind="mergesort") == np.argsort(u, kind="mergesort")).all()


@pytest.mark.parametrize("rts", ["crs", "vrs"])
@pytest.mark.parametrize("bads", [False, True])
def test_pruning_is_exact_own_and_cross_period(rts, bads):
    # Own technology and a later period's data against it (cross-period, some infeasible).
    x, y, b = _random(6, n=60, bads=bads)
    x2, y2, b2 = _random(7, n=60, bads=bads)
    y2 = y2 * 1.3
    for args in ((x, y, b), (x2, y2, b2, x, y, b)):
        full = sbi(*args, rts=rts)
        pruned = sbi(*args, rts=rts, prune=True, return_solution=True)
        assert list(pruned.status) == list(full.status)
        np.testing.assert_allclose(pruned.values, full.values, rtol=0, atol=1e-10)
    assert (full.status == "infeasible").any()
    # λ of the pruned solution is an optimal λ of the full LP: it reproduces the slacks.
    ok = pruned.optimal
    np.testing.assert_allclose((pruned.lambdas @ x + pruned.slacks_x)[ok], x2[ok], rtol=1e-9)


def test_input_errors_name_the_problem():
    with pytest.raises(ValueError, match="rts 'drs' is not one of: crs, vrs"):
        sbi(X3, Y3, rts="drs")
    with pytest.raises(DataError, match=r"x: negative values in column 0, rows 1"):
        sbi([[1.0], [-2.0]], [[1.0], [1.0]])
    with pytest.raises(DataError, match=r"directions must be positive; zero in column 1, "
                                        r"rows 0"):
        sbi([[1.0, 0.0], [1.0, 1.0]], [[1.0], [1.0]])
    with pytest.raises(DataError, match="y has 3 rows, expected 2"):
        sbi([[1.0], [2.0]], [[1.0], [1.0], [2.0]])
    with pytest.raises(ValueError, match="b_ref exactly when b is given"):
        sbi(X3, Y3, [[1.0], [1.0], [1.0]], x_ref=X3, y_ref=Y3)
    with pytest.raises(DataError, match="missing or infinite"):
        sbi([[np.nan], [1.0]], [[1.0], [1.0]])


def test_result_arrays_are_read_only():
    r = sbi(X3, Y3, rts="vrs")
    with pytest.raises(ValueError, match="read-only"):
        r.values[0] = 1.0


@pytest.mark.parametrize("rts", ["crs", "vrs"])
@pytest.mark.parametrize("penalty", [1e3, 1e-6])
def test_batched_elastic_lp_equals_one_lp_per_unit(monkeypatch, rts, penalty):
    # The batched model (many units per HiGHS run, elastic rows) must reproduce the
    # one-unit model exactly in status and to rounding in value, also when the penalty is
    # far too small and most units go through the exact re-solve.
    from carbongap.dea import highs
    from carbongap.dea.status import INFEASIBLE, OPTIMAL

    monkeypatch.setattr(highs, "PENALTY", penalty)
    x, y, b = _random(20, n=70)
    x2, y2, b2 = _random(21, n=70)
    points = np.hstack([x2, y2 * np.where(np.arange(70) % 2 == 0, 0.7, 1.4)[:, None], b2])
    batched = highs.TechnologyLP(x, y, b, rts, blocks=8).solve(points, solution=True)
    single = highs.UnitLP(x, y, b, rts).solve(points, solution=True)
    assert (batched.status == single.status).all()
    assert (single.status == INFEASIBLE).any() and (single.status == OPTIMAL).any()
    np.testing.assert_allclose(batched.values, single.values, rtol=0, atol=1e-12)
    ok = batched.status == OPTIMAL
    np.testing.assert_allclose((batched.lambdas @ x + batched.slacks[:, :2])[ok], x2[ok],
                               rtol=1e-10)


@pytest.mark.parametrize("rts", ["crs", "vrs"])
def test_dominance_prefilter_matches_brute_force_pairs(rts):
    # A unit is dropped iff some other unit (CRS: some multiple of it) is <= in inputs and
    # bads and >= in outputs, with room to spare; written out pair by pair here.
    from carbongap.dea.prune import undominated

    x, y, b = _random(30, n=300)
    x[5], y[5], b[5] = x[4], y[4], b[4]  # an exact duplicate: neither drops the other
    less, more = np.hstack([x, b]), y
    expected = np.ones(len(x), dtype=bool)
    for i in range(len(x)):
        for j in range(len(x)):
            if rts == "vrs":
                weak = (less[j] <= less[i]).all() and (more[j] >= more[i]).all()
                strict = (less[j] < less[i]).any() or (more[j] > more[i]).any()
                hit = weak and strict
            else:
                hit = (more[i] / more[j]).max() < (less[i] / less[j]).min() * (1 - 1e-9)
            if hit:
                expected[i] = False
                break
    keep = undominated(x, y, b, rts)
    assert (keep == expected).all()
    assert keep[4] == keep[5]
    assert 0 < keep.sum() < len(x)
