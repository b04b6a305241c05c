"""The SBI against independent R implementations (docs/methods.md §9).

``carbongap/r/sbi_lpsolve.R`` is a separate SBI written in R from the docs/methods.md §6
formula and solved with lpSolve; it must agree with the HiGHS engine to 1e-8 in value and
exactly in status, on own-technology and cross-period problems (with infeasible LPs),
CRS and VRS, with and without bad outputs. Benchmarking's ``dea.add`` (docs/methods.md §9
rescaling) is compared where the package is installed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from carbongap.dea import luenberger, sbi

pytestmark = pytest.mark.r

#: Both solvers return vertex solutions of the same LP; 1e-8 leaves room for lpSolve's
#: default tolerances only.
TOLERANCE = 1e-8


def _problem(seed: int, n: int = 25, bads: bool = True):
    rng = np.random.default_rng(seed)
    x = rng.lognormal(size=(n, 2)) * [1e7, 300.0]
    y = (x[:, :1] ** 0.35 * x[:, 1:] ** 0.6) * np.exp(-np.abs(rng.normal(0, 0.3, (n, 1))))
    b = y ** 0.9 * rng.lognormal(0, 0.3, (n, 1)) if bads else None
    return x, y, b


def _both_agree(args, rts):
    from carbongap.r.sbi import sbi_lpsolve

    ours = sbi(*args, rts=rts)
    values, status = sbi_lpsolve(*args, rts=rts)
    assert list(status) == list(ours.status)
    np.testing.assert_allclose(values, ours.values, rtol=0, atol=TOLERANCE)
    return ours


@pytest.mark.parametrize("rts", ["crs", "vrs"])
@pytest.mark.parametrize("bads", [False, True])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_own_technology_matches_lpsolve(rts, bads, seed):
    ours = _both_agree(_problem(seed, bads=bads), rts)
    assert ours.optimal.all()


@pytest.mark.parametrize("rts", ["crs", "vrs"])
@pytest.mark.parametrize("bads", [False, True])
def test_cross_period_matches_lpsolve_including_infeasible(rts, bads):
    x, y, b = _problem(10, bads=bads)
    x2, y2, b2 = _problem(11, bads=bads)
    shift = np.where(np.arange(len(y2)) % 2 == 0, 0.7, 1.4)[:, None]  # half of them ahead
    ours = _both_agree((x2, y2 * shift, b2, x, y, b), rts)
    assert (ours.status == "infeasible").any() and ours.optimal.any()


def test_hand_infeasible_case_is_status_2_in_lpsolve():
    from carbongap.r.sbi import sbi_lpsolve

    # D = (0.5, 1) against {A = (1, 1), B = (2, 3)}: no combination uses <= 0.5 input.
    values, status = sbi_lpsolve(np.array([[0.5]]), np.array([[1.0]]),
                                 x_ref=np.array([[1.0], [2.0]]),
                                 y_ref=np.array([[1.0], [3.0]]), rts="vrs")
    assert list(status) == ["infeasible"] and np.isnan(values[0])


def test_user_direction_matches_lpsolve():
    x, y, b = _problem(12)
    rng = np.random.default_rng(13)
    direction = (x * rng.uniform(0.5, 2, x.shape), y * rng.uniform(0.5, 2, y.shape),
                 b * rng.uniform(0.5, 2, b.shape))
    from carbongap.r.sbi import sbi_lpsolve

    ours = sbi(x, y, b, rts="vrs", direction=direction)
    values, _ = sbi_lpsolve(x, y, b, rts="vrs", direction=direction)
    np.testing.assert_allclose(values, ours.values, atol=TOLERANCE)


def test_luenberger_terms_match_lpsolve():
    # Every S term of one year pair of a small panel, recomputed in R.
    from carbongap.r.sbi import sbi_lpsolve

    rng = np.random.default_rng(14)
    frames = []
    for year, tech in ((2006, 1.0), (2007, 1.1)):
        x, y, b = _problem(int(year), n=20)
        frames.append(pd.DataFrame({"city_code": np.arange(20), "year": year,
                                    "k": x[:, 0], "l": x[:, 1], "y": y[:, 0] * tech,
                                    "b": b[:, 0] * rng.uniform(0.9, 1.1, 20)}))
    panel = pd.concat(frames, ignore_index=True)
    out = luenberger(panel, ["k", "l"], ["y"], ["b"]).table
    data = {t: [p[["k", "l"]].to_numpy(), p[["y"]].to_numpy(), p[["b"]].to_numpy()]
            for t, p in panel.groupby("year")}
    for name, tech, when in (("S_C_t_t1", 2006, 2007), ("S_V_t1_t", 2007, 2006),
                             ("S_V_t_t", 2006, 2006)):
        rts = "crs" if name.startswith("S_C") else "vrs"
        values, status = sbi_lpsolve(*data[when], *data[tech], rts=rts)
        assert list(status) == list(out[f"{name}_status"])
        np.testing.assert_allclose(values, out[name].to_numpy(), atol=TOLERANCE)


@pytest.mark.benchmarking
@pytest.mark.parametrize("rts", ["crs", "vrs"])
@pytest.mark.parametrize("bads", [False, True])
def test_benchmarking_dea_add_matches(rts, bads):
    from carbongap.r.benchmarking import sbi_dea_add

    x, y, b = _problem(20, bads=bads)
    x2, y2, b2 = _problem(21, bads=bads)
    shift = np.where(np.arange(len(y2)) % 2 == 0, 0.7, 1.4)[:, None]
    for args in ((x, y, b), (x2, y2 * shift, b2, x, y, b)):
        ours = sbi(*args, rts=rts)
        values, status, _ = sbi_dea_add(*args, rts=rts)
        assert list(status) == list(ours.status)  # infeasible detected, not reported as 0
        np.testing.assert_allclose(values, ours.values, atol=TOLERANCE)


def _job(rts: str = "vrs", direction: bool = False):
    from carbongap.dea.technology import TechnologyJob

    x, y, b = _problem(30)
    data = np.hstack([x, y, b])
    return TechnologyJob(key="k", rts=rts, reference=data, dims=(2, 1, 1), points=data[:6],
                         direction=data[:6] * 2 if direction else None)


def test_r_backend_uses_benchmarking_where_installed_and_lpsolve_otherwise(monkeypatch):
    import carbongap.r.benchmarking as benchmarking
    from carbongap.dea.status import INFEASIBLE
    from carbongap.r import dea as r_dea

    calls = []

    def fake_dea_add(*args, rts):
        calls.append(rts)
        return np.full(6, 0.25), np.array(["optimal"] * 5 + ["infeasible"], dtype=object), 0.0

    monkeypatch.setattr(benchmarking, "sbi_dea_add", fake_dea_add)
    result = r_dea.solve_job_r(_job(), "Benchmarking")
    assert calls == ["vrs"]
    np.testing.assert_array_equal(result.values[:5], 0.25)
    assert np.isnan(result.values[5]) and result.status[5] == INFEASIBLE
    # a job with its own directions, or the lpSolve solver, never goes to dea.add
    with_direction = r_dea.solve_job_r(_job(direction=True), "Benchmarking")
    lpsolve = r_dea.solve_job_r(_job(), "lpSolve")
    assert calls == ["vrs"]
    ours = sbi(*_problem(30), rts="vrs")
    np.testing.assert_allclose(lpsolve.values, ours.values[:6], rtol=0, atol=TOLERANCE)
    assert np.isfinite(with_direction.values).any()
    assert r_dea.r_dea_solver() in ("Benchmarking", "lpSolve")


@pytest.mark.benchmarking
def test_r_backend_with_benchmarking_equals_lpsolve():
    from carbongap.r import dea as r_dea

    for rts in ("crs", "vrs"):
        bench = r_dea.solve_job_r(_job(rts), "Benchmarking")
        lpsolve = r_dea.solve_job_r(_job(rts), "lpSolve")
        np.testing.assert_array_equal(bench.status, lpsolve.status)
        np.testing.assert_allclose(bench.values, lpsolve.values, rtol=0, atol=TOLERANCE)
