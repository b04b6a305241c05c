"""One executor for independent tasks: in process, on joblib workers, or on Dask.

Used by the DEA (one task per reference technology), the Gini bootstrap and the
regression bootstraps. Each task is computed whole by one worker from its own
arguments (randomness comes from :func:`carbongap.streams.stream`, keyed by the task, not
from the worker), so results never depend on the executor or the number of workers.
Tasks are dispatched most costly first (longest-processing-time order, which balances two
workers well) and returned in the order given. How they run is one small object,
:class:`Execution` (workers, Dask, progress), passed through every function that runs
tasks instead of three parameters.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from .errors import MissingExtraError
from .progress import ProgressFactory, null_progress

Task = TypeVar("Task")
Result = TypeVar("Result")


@dataclass(frozen=True)
class Execution:
    """How independent tasks run; it never changes a number (module docstring).

    Attributes
    ----------
    workers
        Worker processes (joblib ``loky``); 1 computes in this process. With Dask, the
        number of workers of a ``"local"`` cluster.
    dask
        ``""`` for no Dask, ``"local"`` for a LocalCluster of ``workers`` single-threaded
        worker processes, a scheduler address such as ``"tcp://host:8786"``, or an
        existing ``distributed.Client``. Dask is the optional extra
        ``pip install 'carbongap[dist]'``; without it a Dask run raises
        :class:`~carbongap.errors.MissingExtraError` saying so.
    progress
        A progress factory (:mod:`carbongap.progress`), advanced as tasks finish.
    """

    workers: int = 1
    dask: Any = ""
    progress: ProgressFactory = null_progress

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise ValueError(f"workers must be >= 1, got {self.workers}")


#: In this process, without progress: the default of every function that runs tasks.
SERIAL = Execution()


@contextlib.contextmanager
def _dask_client(dask: Any, n_workers: int) -> Iterator[Any]:
    """A Dask client: the given one, a new LocalCluster ("local"), or a scheduler address.

    Raises :class:`~carbongap.errors.MissingExtraError` naming the install command when
    Dask's ``distributed`` is not installed.
    """
    if not isinstance(dask, str):
        yield dask
        return
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise MissingExtraError(
            f"Dask ({dask!r}) needs the package 'distributed', which is not installed "
            f"({exc}); install it with pip install 'carbongap[dist]', or leave Dask off "
            "(local worker processes: --jobs N, [run] jobs)") from exc

    if dask == "local":
        cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        with cluster, Client(cluster) as client:
            yield client
    else:
        with Client(dask) as client:
            yield client


def run_tasks(func: Callable[[Task], Result], tasks: Sequence[Task], *,
              execution: Execution = SERIAL, description: str = "tasks",
              cost: Callable[[Task], float] | None = None,
              weight: Callable[[Task], int] | None = None,
              on_result: Callable[[int, Result], None] | None = None) -> list[Result]:
    """``[func(t) for t in tasks]``, computed as ``execution`` says, in the order of ``tasks``.

    Parameters
    ----------
    func
        A module-level function (picklable for worker processes).
    execution
        Workers, Dask and progress (:class:`Execution`).
    description
        The progress bar's label; it advances by ``weight(task)`` (default 1) as each
        task finishes.
    cost
        A work estimate per task, used only for the dispatch order (default: as given).
    on_result
        Called in this process with (the task's index, its result) as each task finishes,
        e.g. to keep finished work of a long run (:mod:`carbongap.stagekit.checkpoints`).
    """
    n_jobs, dask, progress = execution.workers, execution.dask, execution.progress
    order = list(range(len(tasks)))
    if cost is not None:
        order.sort(key=lambda i: -cost(tasks[i]))
    size = weight or (lambda _task: 1)
    results: dict[int, Result] = {}

    def finished(i: int, result: Result) -> None:
        results[i] = result
        if on_result is not None:
            on_result(i, result)
        bar.advance(size(tasks[i]))

    with progress(sum(size(t) for t in tasks), description) as bar:
        if dask not in ("", None):
            with _dask_client(dask, n_jobs) as client:
                from distributed import as_completed

                futures = client.map(func, [tasks[i] for i in order], pure=False)
                where = {f.key: i for f, i in zip(futures, order, strict=True)}
                for future in as_completed(futures):
                    finished(where[future.key], future.result())
        elif n_jobs == 1 or len(tasks) <= 1:
            for i in order:
                finished(i, func(tasks[i]))
        else:
            from joblib import Parallel, delayed

            runner = Parallel(n_jobs=n_jobs, backend="loky", return_as="generator",
                              batch_size=1)
            outputs = runner(delayed(func)(tasks[i]) for i in order)
            for i, result in zip(order, outputs, strict=True):
                finished(i, result)
    return [results[i] for i in range(len(tasks))]
