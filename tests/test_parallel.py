"""The shared executor and random streams: results independent of workers and order."""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from carbongap.parallel import Execution, run_tasks
from carbongap.streams import stream


def _draw(task: tuple[int, str]) -> float:
    seed, label = task
    return float(stream(seed, label).standard_normal())


def test_tasks_come_back_in_order_with_any_executor():
    tasks = [(s, f"cell{s}") for s in range(7)]
    serial = run_tasks(_draw, tasks)
    assert serial == [_draw(t) for t in tasks]
    costly_first = run_tasks(_draw, tasks, execution=Execution(2), cost=lambda t: t[0])
    assert costly_first == serial


def test_progress_advances_by_weight():
    advanced: list[int] = []

    class Bar:
        def __init__(self, total: int, description: str) -> None:
            self.total, self.description = total, description

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return None

        def advance(self, n: int = 1) -> None:
            advanced.append(n)

    bars: list[Bar] = []

    def factory(total: int, description: str) -> Bar:
        bars.append(Bar(total, description))
        return bars[-1]

    run_tasks(_draw, [(1, "a"), (2, "b")], execution=Execution(progress=factory),
              description="draws",
              weight=lambda t: 10 * t[0])
    assert (bars[0].total, bars[0].description) == (30, "draws")
    assert sorted(advanced) == [10, 20]
    with pytest.raises(ValueError, match="workers must be >= 1"):
        Execution(workers=0)


def test_stream_is_seeded_by_the_crc32_of_each_key():
    # The documented seeding (carbongap.streams): [seed, crc32(str(key)) ...].
    expected = np.random.default_rng([5, zlib.crc32(b"co2|national"), zlib.crc32(b"2006")])
    assert stream(5, "co2|national", 2006).integers(0, 10**9, 5).tolist() == \
        expected.integers(0, 10**9, 5).tolist()
    assert stream(5, "a", 1).random() != stream(5, "a", 2).random()
