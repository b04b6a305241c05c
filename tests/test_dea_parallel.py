"""Execution never changes a number: jobs = 1, jobs = 2 (loky) and Dask agree bit for bit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from carbongap.dea import luenberger
from carbongap.dea.technology import TechnologyJob, run_jobs, run_jobs_kernel
from carbongap.parallel import Execution
from dea_panels import dea_panel

INPUTS, GOOD, BAD = ["capital", "employment"], ["gdp_real"], ["co2"]


def _panel(seed: int = 0, n: int = 25, years: range = range(2006, 2011)) -> pd.DataFrame:
    return dea_panel(seed, n, years)


@pytest.fixture(scope="module")
def serial() -> pd.DataFrame:
    return luenberger(_panel(), INPUTS, GOOD, BAD, execution=Execution(1)).table


def test_two_loky_workers_give_identical_results(serial):
    pd.testing.assert_frame_equal(luenberger(_panel(), INPUTS, GOOD, BAD,
                                             execution=Execution(2)).table, serial,
                                  check_exact=True)


def test_dask_client_gives_identical_results(serial):
    distributed = pytest.importorskip("distributed")
    with (distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                   dashboard_address=None) as cluster,
          distributed.Client(cluster) as client):
        out = luenberger(_panel(), INPUTS, GOOD, BAD, execution=Execution(dask=client)).table
    pd.testing.assert_frame_equal(out, serial, check_exact=True)


@pytest.mark.slow
def test_dask_local_cluster_of_processes_gives_identical_results(serial):
    pytest.importorskip("distributed")
    out = luenberger(_panel(), INPUTS, GOOD, BAD, execution=Execution(2, "local")).table
    pd.testing.assert_frame_equal(out, serial, check_exact=True)


def test_results_come_back_in_input_order_with_progress():
    # Jobs of different sizes (dispatched largest first) return in the order given, and
    # the progress tracker advances by each job's LP count.
    rng = np.random.default_rng(3)
    jobs = [TechnologyJob(key=i, rts="vrs", reference=rng.lognormal(size=(k, 3)),
                          dims=(1, 1, 1), points=rng.lognormal(size=(k, 3)))
            for i, k in enumerate((3, 30, 10))]
    seen: list[tuple[int, str]] = []
    advanced: list[int] = []

    class Tracker:
        def advance(self, n: int = 1) -> None:
            advanced.append(n)

    class Factory:
        def __call__(self, total: int, description: str):
            seen.append((total, description))
            return self

        def __enter__(self):
            return Tracker()

        def __exit__(self, *exc):
            return None

    for n_jobs in (1, 2):
        seen.clear()
        advanced.clear()
        results = run_jobs(jobs, execution=Execution(n_jobs, progress=Factory()),
                           description="LPs")
        assert [r.key for r in results] == [0, 1, 2]
        assert seen == [(43, "LPs")]
        assert sorted(advanced) == [3, 10, 30]
    with pytest.raises(ValueError, match="workers must be >= 1"):
        run_jobs(jobs, execution=Execution(0))


@pytest.fixture(scope="module")
def serial_kernel() -> pd.DataFrame:
    return luenberger(_panel(), INPUTS, GOOD, BAD, execution=Execution(1),
                      solve_jobs=run_jobs_kernel).table


def test_the_kernel_on_two_workers_and_dask_gives_identical_results(serial_kernel):
    # the compiled kernel runs inside each worker (loaded from its disk cache there)
    loky = luenberger(_panel(), INPUTS, GOOD, BAD, execution=Execution(2),
                      solve_jobs=run_jobs_kernel).table
    pd.testing.assert_frame_equal(loky, serial_kernel, check_exact=True)
    distributed = pytest.importorskip("distributed")
    with (distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                   dashboard_address=None) as cluster,
          distributed.Client(cluster) as client):
        out = luenberger(_panel(), INPUTS, GOOD, BAD, execution=Execution(dask=client),
                         solve_jobs=run_jobs_kernel).table
    pd.testing.assert_frame_equal(out, serial_kernel, check_exact=True)


def test_the_kernel_equals_highs_on_the_parallel_panel(serial, serial_kernel):
    numbers = [c for c in serial.columns if pd.api.types.is_float_dtype(serial[c])]
    np.testing.assert_allclose(serial_kernel[numbers].to_numpy(), serial[numbers].to_numpy(),
                               rtol=0, atol=1e-10)
    words = [c for c in serial.columns if c.endswith("_status")]
    pd.testing.assert_frame_equal(serial_kernel[words], serial[words])
