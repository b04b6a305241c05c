"""The compiled small-LP kernel against HiGHS: every LP shape, the hand-over of answers it
cannot certify, and the four frontiers of the default panel (docs/methods.md §6)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from carbongap.config import load_config
from carbongap.dea import kernel
from carbongap.dea.highs import TechnologyLP
from carbongap.dea.kernel import KernelLP
from carbongap.dea.status import INFEASIBLE, OPTIMAL
from carbongap.dea.technology import TechnologyJob, solve_job, solve_job_kernel
from carbongap.dea.verify import infeasibility_certified
from carbongap.pipeline.registry import STAGES
from carbongap.stagekit.evaluate import Evaluator
from carbongap.stagekit.stage import Context

#: Largest |kernel - HiGHS| accepted on any S value (the issue's goal; measured about 1e-12).
TOL = 1e-10


def _split(data, dims):
    n_in, n_good, _ = dims
    return data[:, :n_in], data[:, n_in:n_in + n_good], data[:, n_in + n_good:]


def _shapes():
    """(name, reference, points, dims, rts) of every kind the issue lists."""
    rng = np.random.default_rng(7)
    cases = []
    for rts in ("crs", "vrs"):
        for n_bad in (0, 1, 2):
            dims = (2, 1, n_bad)
            width = sum(dims)
            ref = rng.lognormal(size=(40, width))
            outside = rng.lognormal(size=(15, width)) * np.r_[np.full(2, 0.3),
                                                              np.full(width - 2, 3.0)]
            cases.append((f"{rts}-J{n_bad}-random", ref, np.vstack([ref, outside]), dims, rts))
            tied = np.repeat(rng.lognormal(size=(8, width)), 3, axis=0)  # duplicated units
            cases.append((f"{rts}-J{n_bad}-ties", tied, tied[::2], dims, rts))
            zeros = ref.copy()
            zeros[::4, 2] = 0.0  # zero good outputs in the reference
            cases.append((f"{rts}-J{n_bad}-zeros", zeros, rng.lognormal(size=(12, width)), dims,
                          rts))
            wide = ref * np.logspace(-3, 6, width)  # columns spanning nine orders
            wide[:, 0] *= rng.lognormal(0, 3, 40)
            cases.append((f"{rts}-J{n_bad}-wide", wide, wide[::3] * 1.7, dims, rts))
    return cases


@pytest.mark.parametrize(("name", "ref", "points", "dims", "rts"), _shapes(),
                         ids=[c[0] for c in _shapes()])
def test_kernel_equals_highs_on_every_shape(name, ref, points, dims, rts):
    mine = KernelLP(*_split(ref, dims), rts).solve(points, solution=True)
    theirs = TechnologyLP(*_split(ref, dims), rts).solve(points, solution=True)
    np.testing.assert_array_equal(mine.status, theirs.status)
    np.testing.assert_array_equal(np.isnan(mine.values), np.isnan(theirs.values))
    np.testing.assert_allclose(mine.values, theirs.values, rtol=0, atol=TOL)
    # every optimum is a point of the technology: λ and slacks reproduce the unit
    ok = mine.status == OPTIMAL
    sign = np.r_[np.ones(dims[0]), -np.ones(dims[1]), np.ones(dims[2])]
    rebuilt = mine.lambdas[ok] @ ref + sign * mine.slacks[ok]
    np.testing.assert_allclose(rebuilt, points[ok], rtol=1e-9, atol=1e-9 * points[ok].max())


@pytest.mark.parametrize("rts", ["crs", "vrs"])
def test_warm_starts_give_the_cold_answers(monkeypatch, rts):
    # 600 points, some outside the technology: units that start from the previous
    # unit's basis (refresh 32, the default), by the primal or the dual simplex, answer
    # as units that all start cold.
    rng = np.random.default_rng(11)
    dims = (2, 1, 1)
    ref = rng.lognormal(size=(60, 4))
    points = rng.lognormal(size=(600, 4)) * [1.0, 1.0, 1.6, 1.0]
    warm = KernelLP(*_split(ref, dims), rts)
    mine = warm.solve(points, solution=True)
    monkeypatch.setattr(kernel, "REFRESH", 1)
    cold = KernelLP(*_split(ref, dims), rts)
    theirs = cold.solve(points, solution=True)
    assert (warm.warm_starts > 15).all() and (cold.warm_starts == 0).all()  # both paths
    assert warm.handed_over == cold.handed_over == 0
    np.testing.assert_array_equal(mine.status, theirs.status)
    assert (mine.status == INFEASIBLE).any() and (mine.status == OPTIMAL).any()
    np.testing.assert_allclose(mine.values, theirs.values, rtol=0, atol=1e-12)


def test_warm_chains_keep_cold_accuracy_at_paper_size(monkeypatch):
    # Every job of both models on the paper-size simulated panel: chains of up to 32 warm
    # starts give the cold values to rounding. Without the iterative refinement of each
    # optimum (kernel._refine) they were up to 1.4e-12 from HiGHS's values here, cold
    # starts 4.4e-14.
    from carbongap.bench.dea import plan_models, simulate_panel

    plans = plan_models(simulate_panel(282, (2006, 2016), 0), "contemporaneous", True)
    jobs = [job for plan in plans.values() for job in plan.jobs]
    warm = [solve_job_kernel(job) for job in jobs]
    monkeypatch.setattr(kernel, "REFRESH", 1)
    cold = [solve_job_kernel(job) for job in jobs]
    for mine, theirs in zip(warm, cold, strict=True):
        np.testing.assert_array_equal(mine.status, theirs.status)
        np.testing.assert_allclose(mine.values, theirs.values, rtol=0, atol=1e-13)


def test_the_solving_order_is_by_size_with_zeros_first():
    rhs = np.array([[2.0, 2.0], [1.0, 1.0], [0.0, 5.0], [1.0, 1.0], [4.0, 0.5]])
    # Σ log: 1.39, 0, -inf, 0, 0.69: the zero first, ties in the data's order
    assert list(kernel.solving_order(rhs)) == [2, 1, 3, 4, 0]


def test_the_random_cases_include_infeasible_and_degenerate_lps():
    statuses = []
    for _, ref, points, dims, rts in _shapes():
        statuses.append(TechnologyLP(*_split(ref, dims), rts).solve(points).status)
    found = np.concatenate(statuses)
    assert (found == INFEASIBLE).sum() > 50 and (found == OPTIMAL).sum() > 400


def test_a_kernel_answer_failing_the_certificate_goes_to_highs(monkeypatch):
    rng = np.random.default_rng(3)
    ref = rng.lognormal(size=(30, 4))
    dims = (2, 1, 1)
    honest = kernel.solve_units

    def corrupt(*args):
        codes, cols, duals, warm = honest(*args)
        cols[:, 0] += 0.5  # λ_1 moved: the primal test fails for every unit
        return codes, cols, duals, warm

    monkeypatch.setattr(kernel, "solve_units", corrupt)
    model = KernelLP(*_split(ref, dims), "vrs")
    mine = model.solve(ref, solution=True)
    theirs = TechnologyLP(*_split(ref, dims), "vrs").solve(ref)
    assert model.handed_over == 30
    np.testing.assert_array_equal(mine.values, theirs.values)  # HiGHS's answers stand


def test_an_infeasible_lp_stands_with_its_farkas_ray_and_goes_to_highs_without(
        monkeypatch):
    rng = np.random.default_rng(5)
    ref = rng.lognormal(size=(20, 3))
    far = ref[:4] * np.array([0.01, 0.01, 100.0])  # outside the VRS technology
    model = KernelLP(*_split(ref, (2, 1, 0)), "vrs")
    result = model.solve(far)
    assert model.handed_over == 0 and (result.status == INFEASIBLE).all()
    assert np.isnan(result.values).all()
    honest = kernel.solve_units

    def no_ray(*args):
        codes, cols, duals, warm = honest(*args)
        duals[codes == INFEASIBLE] = 0.0  # a ray proving nothing
        return codes, cols, duals, warm

    monkeypatch.setattr(kernel, "solve_units", no_ray)
    model = KernelLP(*_split(ref, (2, 1, 0)), "vrs")
    result = model.solve(far)
    assert model.handed_over == 4 and (result.status == INFEASIBLE).all()


def test_the_farkas_check_by_hand():
    # one reference unit x = (1, 1), y = 1 under VRS: λ = 1, so y = 2 is out of reach.
    # Rows x1, x2, y, Σλ; z = (0, 0, 1, -1): z'a = 1 - 1 = 0, slacks σz = (0, 0, -1) <= 0,
    # z'p = 2 - 1 = 1 > 0, a proof; z = (0, 0, 1, 0) has z'a = 1 > 0, none.
    reference = np.array([[1.0, 1.0, 1.0]])
    point = np.array([[1.0, 1.0, 2.0]])
    rays = np.array([[0.0, 0.0, 1.0, -1.0], [0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    proven = infeasibility_certified(reference, (2, 1, 0), "vrs", np.repeat(point, 3, 0),
                                     rays)
    assert proven.tolist() == [True, False, False]
    # under CRS the point needs λ >= 2 (output) and λ <= 1 (inputs): z = (-1, 0, 1) has
    # z'a = 0, σz = (-1, 0, -1) <= 0 and z'p = -1 + 2 = 1 > 0
    assert infeasibility_certified(reference, (2, 1, 0), "crs", point,
                                   np.array([[-1.0, 0.0, 1.0]])).tolist() == [True]


def test_a_job_gives_the_same_answers_through_either_solver():
    rng = np.random.default_rng(11)
    ref = rng.lognormal(size=(60, 3))
    blocks = np.repeat([2010, 2011], 30)
    job = TechnologyJob(key="k", rts="crs", reference=ref, dims=(2, 1, 0), points=ref[:40],
                        same_as=np.arange(40), blocks=blocks, prune=True)
    mine, theirs = solve_job_kernel(job), solve_job(job)
    np.testing.assert_allclose(mine.values, theirs.values, rtol=0, atol=TOL)
    np.testing.assert_array_equal(mine.status, theirs.status)
    assert (mine.lps, mine.reference_used) == (theirs.lps, theirs.reference_used)


@pytest.fixture(scope="module")
def default_panel_tables():
    """The productivity stage's Luenberger table on the synthetic default (282 cities),
    by frontier and solver."""
    base = load_config()
    evaluator = Evaluator(Context(config=base, upstream={}, stages=STAGES), {}, base)
    found = {}
    for frontier in ("contemporaneous", "sequential", "global", "biennial"):
        for solver in ("highs", "kernel"):
            config = load_config(overrides=[f"productivity.frontier=\"{frontier}\"",
                                            f"productivity.solver=\"{solver}\""])
            result = evaluator.results(config, "productivity")["productivity"]
            found[(frontier, solver)] = result.tables["luenberger"]
    return found


@pytest.mark.parametrize("frontier", ["contemporaneous", "sequential", "global", "biennial"])
def test_every_term_of_the_default_panel_equals_highs(default_panel_tables, frontier):
    mine = default_panel_tables[(frontier, "kernel")]
    theirs = default_panel_tables[(frontier, "highs")]
    assert list(mine.columns) == list(theirs.columns) and len(mine) == len(theirs) > 5000
    numbers = [c for c in mine.columns if pd.api.types.is_float_dtype(mine[c])]
    words = [c for c in mine.columns if c.endswith("_status")]
    assert len(numbers) > 10 and len(words) > 4
    pd.testing.assert_frame_equal(mine.loc[:, words], theirs.loc[:, words])
    for column in numbers:
        a, b = mine[column].to_numpy(), theirs[column].to_numpy()
        np.testing.assert_array_equal(np.isnan(a), np.isnan(b), err_msg=column)
        np.testing.assert_allclose(a, b, rtol=0, atol=TOL, err_msg=column)


# --- the public API -----------------------------------------------------------------------

def test_public_sbi_solves_with_the_kernel_by_default(monkeypatch):
    from carbongap.dea import sbi

    rng = np.random.default_rng(3)
    x, y, b = rng.lognormal(size=(50, 2)), rng.lognormal(size=(50, 1)), rng.lognormal(size=50)
    used = []
    original = KernelLP.solve

    def spy(self, *args, **kwargs):
        used.append(type(self).__name__)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(KernelLP, "solve", spy)
    for rts in ("crs", "vrs"):
        mine = sbi(x, y, b, rts=rts, return_solution=True)
        assert used and set(used) == {"KernelLP"}
        used.clear()
        theirs = sbi(x, y, b, rts=rts, return_solution=True, solver="highs")
        assert not used  # HiGHS alone: the kernel never ran
        np.testing.assert_array_equal(mine.status, theirs.status)
        np.testing.assert_allclose(mine.values, theirs.values, rtol=0, atol=TOL)
        assert np.nanmax(mine.values) > 0.1 and (mine.values == 0).any()  # off and on
        # the kernel's slacks are an optimum: they give its S (docs/methods.md §6 objective)
        s = 0.5 * (mine.slacks_x / x).mean(axis=1) + 0.5 * (
            (mine.slacks_y[:, 0] / y[:, 0] + mine.slacks_b[:, 0] / b) / 2)
        np.testing.assert_allclose(s, mine.values, rtol=0, atol=1e-9)


def test_public_sbi_prunes_positive_references_by_default_with_the_same_values(monkeypatch):
    from carbongap.dea import prune, sbi

    calls = []
    original = prune.candidates
    monkeypatch.setattr(prune, "candidates", lambda *a: calls.append(1) or original(*a))
    rng = np.random.default_rng(5)
    x, y = rng.lognormal(size=(80, 2)), rng.lognormal(size=(80, 1))
    pruned = sbi(x, y, rts="vrs")
    assert len(calls) == 1
    whole = sbi(x, y, rts="vrs", prune=False)
    assert len(calls) == 1
    np.testing.assert_allclose(pruned.values, whole.values, rtol=0, atol=TOL)
    ref = x.copy()
    ref[3, 0] = 0.0  # a zero in the reference: no pruning by default, refused when asked
    assert np.isfinite(sbi(x, y, x_ref=ref, y_ref=y, rts="vrs").values).all()
    assert len(calls) == 1
    with pytest.raises(ValueError, match="prune=True"):
        sbi(x, y, x_ref=ref, y_ref=y, rts="vrs", prune=True)
    with pytest.raises(ValueError, match="solver 'glpk' is not one of: kernel, highs"):
        sbi(x, y, solver="glpk")


def test_public_luenberger_solves_with_the_kernel_by_default():
    from carbongap.dea import luenberger
    from dea_panels import dea_panel

    panel = dea_panel(9)
    mine = luenberger(panel, ["capital", "employment"], ["gdp_real"], ["co2"]).table
    theirs = luenberger(panel, ["capital", "employment"], ["gdp_real"], ["co2"],
                        solver="highs").table
    assert (mine.filter(regex="_status$") == "infeasible").any().any()
    numbers = [c for c in mine.columns if not c.endswith("_status")]
    pd.testing.assert_frame_equal(mine[numbers], theirs[numbers], check_exact=False,
                                  rtol=0, atol=TOL)
    status = [c for c in mine.columns if c.endswith("_status")]
    pd.testing.assert_frame_equal(mine[status], theirs[status])
