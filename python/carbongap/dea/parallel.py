"""Running independent technology jobs: in process, on joblib workers, or on Dask.

Each :class:`~carbongap.dea.technology.TechnologyJob` is solved whole by one worker, so a
job's numbers never depend on the executor or on the number of workers (SPEC section 6,
"identical results for --jobs 1, --jobs 2 and Dask"). Jobs are dispatched largest first
(longest-processing-time order, which balances two workers well) and the results are
returned in the order of the input.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

from ..progress import ProgressFactory, null_progress
from .technology import JobResult, TechnologyJob, solve_job


def _cost(job: TechnologyJob) -> int:
    """A rough work estimate: LPs times the reference size (dispatch order only)."""
    return job.n_points * (job.reference.shape[0] + 16)


@contextlib.contextmanager
def _dask_client(dask: Any, n_workers: int) -> Iterator[Any]:
    """A Dask client: the given one, a new LocalCluster ("local"), or a scheduler address."""
    if not isinstance(dask, str):
        yield dask
        return
    from distributed import Client, LocalCluster

    if dask == "local":
        cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        with (cluster,
              Client(cluster) as client):
            yield client
    else:
        with Client(dask) as client:
            yield client


def run_jobs(jobs: Sequence[TechnologyJob], *, n_jobs: int = 1, dask: Any = "",
             progress: ProgressFactory = null_progress,
             description: str = "SBI linear programmes") -> list[JobResult]:
    """Solve ``jobs`` and return their results in input order.

    Parameters
    ----------
    n_jobs
        Worker processes (joblib ``loky``); 1 solves in this process. With Dask it is
        the number of workers of a ``"local"`` cluster.
    dask
        ``""`` for no Dask, ``"local"`` for a LocalCluster of ``n_jobs`` single-threaded
        worker processes, a scheduler address such as ``"tcp://host:8786"``, or an
        existing ``distributed.Client``.
    progress
        A progress factory; it advances by the LPs each finished job answers.
    """
    if n_jobs < 1:
        raise ValueError(f"n_jobs must be >= 1, got {n_jobs}")
    order = sorted(range(len(jobs)), key=lambda i: -_cost(jobs[i]))
    results: dict[int, JobResult] = {}
    total = sum(job.n_points for job in jobs)
    with progress(total, description) as bar:
        if dask not in ("", None):
            with _dask_client(dask, n_jobs) as client:
                from distributed import as_completed

                futures = client.map(solve_job, [jobs[i] for i in order], pure=False)
                where = {f.key: i for f, i in zip(futures, order, strict=True)}
                for future in as_completed(futures):
                    i = where[future.key]
                    results[i] = future.result()
                    bar.advance(jobs[i].n_points)
        elif n_jobs == 1 or len(jobs) <= 1:
            for i in order:
                results[i] = solve_job(jobs[i])
                bar.advance(jobs[i].n_points)
        else:
            from joblib import Parallel, delayed

            runner = Parallel(n_jobs=n_jobs, backend="loky", return_as="generator",
                              batch_size=1)
            outputs = runner(delayed(solve_job)(jobs[i]) for i in order)
            for i, result in zip(order, outputs, strict=True):
                results[i] = result
                bar.advance(jobs[i].n_points)
    return [results[i] for i in range(len(jobs))]
