"""The block screening of large candidate sets before their own LPs (dea/prune.py)."""

from __future__ import annotations

import numpy as np
import pytest

from carbongap.dea import prune
from carbongap.dea.highs import UnitLP
from carbongap.dea.status import OPTIMAL
from carbongap.dea.technology import TechnologyJob, solve_job, solve_job_kernel

DIMS = (2, 1, 1)


def _units(seed: int, n: int) -> np.ndarray:
    """[x1, x2, y, b]: a Cobb-Douglas frontier with half-normal inefficiency."""
    rng = np.random.default_rng(seed)
    x = rng.lognormal(size=(n, 2)) * [1e4, 30.0]
    y = (x[:, :1] ** 0.4 * x[:, 1:] ** 0.5) * np.exp(-np.abs(rng.normal(0, 0.3, (n, 1))))
    b = y ** 0.9 * rng.lognormal(0, 0.3, (n, 1))
    return np.hstack([x, y, b])


def _own(data: np.ndarray, rts: str, log: list[int]):
    """own(indices) of prune.screen: the units' LPs against themselves, one HiGHS run each."""
    def own(units: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        log.append(units.size)
        part = data[units]
        batch = UnitLP(part[:, :2], part[:, 2:3], part[:, 3:], rts).solve(part)
        return batch.values, batch.status
    return own


@pytest.mark.parametrize("rts", ["crs", "vrs"])
def test_screening_keeps_every_efficient_unit_and_drops_many(rts):
    data = _units(1, 400)
    everyone = np.arange(400)
    full = UnitLP(data[:, :2], data[:, 2:3], data[:, 3:], rts).solve(data)
    efficient = everyone[prune.efficient(full.values, full.status)]
    log: list[int] = []
    kept, solved = prune.screen(everyone, _own(data, rts, log), block=32)
    assert set(efficient) <= set(kept)
    assert len(kept) < 400 / 2  # it screens: most of the 400 go
    assert (np.diff(kept) > 0).all()
    # Rounds of blocks of at most 32, whose sizes add up to the LPs reported.
    assert max(log) <= 32 and sum(log) == solved and solved >= 400
    # The kept units span the same technology: every unit's value is unchanged.
    sub = data[kept]
    again = UnitLP(sub[:, :2], sub[:, 2:3], sub[:, 3:], rts).solve(data)
    assert (again.status == OPTIMAL).all() == (full.status == OPTIMAL).all()
    np.testing.assert_allclose(again.values, full.values, rtol=0, atol=1e-10)


def test_screening_stops_when_a_round_drops_too_little():
    # Blocks of one unit: each is efficient in its own block, nothing is dropped, and the
    # screening stops after that one round of 5 LPs.
    data = _units(2, 5)
    kept, solved = prune.screen(np.arange(5), _own(data, "vrs", []), block=1)
    assert list(kept) == [0, 1, 2, 3, 4] and solved == 5
    # Small sets (at most twice the block) are not screened at all.
    kept, solved = prune.screen(np.arange(5), _own(data, "vrs", []), block=3)
    assert list(kept) == [0, 1, 2, 3, 4] and solved == 0


@pytest.mark.parametrize("rts", ["crs", "vrs"])
@pytest.mark.parametrize("solve", [solve_job, solve_job_kernel], ids=["highs", "kernel"])
def test_a_screened_job_equals_the_unpruned_job(monkeypatch, rts, solve):
    # Own period (the points are the reference units) and cross period (a later period's
    # points, some outside the technology): screening in blocks of 16 changes nothing.
    monkeypatch.setattr(prune, "SCREEN_BLOCK", 16)
    screens: list[tuple[int, int]] = []
    screen = prune.screen

    def spy(units, own, block=None):
        kept, solved = screen(units, own, block)
        screens.append((units.size, kept.size))
        return kept, solved

    monkeypatch.setattr(prune, "screen", spy)
    ref = _units(3, 150)
    later = _units(4, 150) * [1.0, 1.0, 1.25, 1.0]
    for points, same_as in ((ref, np.arange(150)), (later, None)):
        job = dict(key="k", rts=rts, reference=ref, dims=DIMS, points=points,
                   same_as=same_as, blocks=np.repeat([0, 1], 75), solution=True)
        full = solve(TechnologyJob(**job))
        screened = solve(TechnologyJob(**job, prune=True))
        assert (screened.status == full.status).all()
        np.testing.assert_allclose(screened.values, full.values, rtol=0, atol=1e-10)
        ok = screened.status == OPTIMAL
        slacks = screened.slacks * [1, 1, -1, 1]
        np.testing.assert_allclose((screened.lambdas @ ref + slacks)[ok], points[ok],
                                   rtol=1e-9)
    assert (full.status != OPTIMAL).any()  # the cross-period points include infeasible LPs
    # The screening ran on the candidates left by the dominance test and dropped some.
    assert len(screens) == 2 and all(32 < before and after < before
                                     for before, after in screens)
