"""Every replication of both schemes, in chunks on the workers (docs/methods.md §14).

:func:`resample_pipeline` draws the cities of each replication
(:mod:`carbongap.inference.draws`), groups the replications into chunks of
:data:`CHUNK` and runs them (:func:`carbongap.inference.replication.run_chunk`) on the
execution's workers or Dask, keeping each finished chunk so that a killed run continues
where it stopped (:mod:`carbongap.stagekit.checkpoints`). Draws come from streams keyed
by scheme and replication, and each chunk is computed whole by one worker, so the results
do not depend on the number of workers; they are returned sorted by scheme, replication
and cell.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..parallel import SERIAL, Execution, run_tasks
from ..stagekit.checkpoints import NO_CHECKPOINTS, Checkpoints
from .draws import BOOTSTRAP, SUBSAMPLING, city_groups, draw, subsample_sizes
from .replication import COEF_COLUMNS, MEAN_COLUMNS, Chunk, Pipeline, run_chunk

#: Replications per task (a worker's unit of work, about ten seconds at the paper's size).
CHUNK = 25


@dataclass(frozen=True)
class Design:
    """How many replications of each scheme, their seed, the cities of each region group
    (:func:`carbongap.inference.draws.city_groups`) and the subsample rule (κ):
    ``sizes`` cities per group."""

    reps: int
    seed: int
    power: float
    groups: dict[str, np.ndarray]
    sizes: dict[str, int]

    @property
    def cities(self) -> int:
        """n, the cities of the data."""
        return sum(len(codes) for codes in self.groups.values())

    @property
    def subsample(self) -> int:
        """m, the cities of a subsample."""
        return sum(self.sizes.values())

    @property
    def ratio(self) -> float:
        """m/n."""
        return self.subsample / self.cities


@dataclass(frozen=True)
class Resampled:
    """Every replication's coefficients and yearly means (replication 0: the data as they
    are), the replications that failed with the reason, and how many chunks were taken
    from an interrupted run."""

    coefficients: pd.DataFrame
    means: pd.DataFrame
    failed: pd.DataFrame
    resumed: int = 0  #: chunks found kept from an interrupted run
    chunks: int = 0  #: chunks in all


def design_of(pipeline: Pipeline, reps: int, seed: int, power: float) -> Design:
    """The design for the pipeline's cities."""
    groups = city_groups(pipeline.panel.frame)
    return Design(reps, seed, power, groups, subsample_sizes(groups, power))


def scheme_chunks(pipeline: Pipeline, design: Design, scheme: str, first: int
                  ) -> list[Chunk]:
    """Replications ``first``..reps of ``scheme`` with their draws, :data:`CHUNK` at a
    time (replication 0 has no draw: the data as they are)."""
    reps = list(range(first, design.reps + 1))
    return [Chunk(pipeline, scheme, part,
                  tuple(None if r == 0 else draw(design.groups, scheme, design.seed, r,
                                                 sizes=design.sizes) for r in part))
            for part in (tuple(reps[i:i + CHUNK]) for i in range(0, len(reps), CHUNK))]


def chunks(pipeline: Pipeline, design: Design) -> list[Chunk]:
    """The tasks: replication 0 and bootstrap replications 1..reps, then subsamples
    1..reps."""
    return [*scheme_chunks(pipeline, design, BOOTSTRAP, 0),
            *scheme_chunks(pipeline, design, SUBSAMPLING, 1)]


def chunk_name(chunk: Chunk) -> str:
    """The name a finished chunk is kept under: scheme and replications."""
    return f"{chunk.scheme}-{chunk.reps[0]:06d}-{chunk.reps[-1]:06d}"


def resample_pipeline(pipeline: Pipeline, design: Design, *,
                      execution: Execution = SERIAL,
                      checkpoints: Checkpoints = NO_CHECKPOINTS) -> Resampled:
    """Every chunk of :func:`chunks` on the execution (progress: replications done).

    Each chunk is kept in ``checkpoints`` as it finishes, and a chunk found there (a
    killed run's, under the same stage key) is not computed again: the result is the
    same as an uninterrupted run's, bit for bit.
    """
    tasks = chunks(pipeline, design)
    found = {i: checkpoints.load(chunk_name(t)) for i, t in enumerate(tasks)}
    kept = {i: r for i, r in found.items() if r is not None}
    todo = [i for i in range(len(tasks)) if i not in kept]
    results = run_tasks(run_chunk, [tasks[i] for i in todo], execution=execution,
                        description="inference replications",
                        weight=lambda task: len(task.reps),
                        on_result=lambda k, result: checkpoints.save(
                            chunk_name(tasks[todo[k]]), result))
    every = {**kept, **dict(zip(todo, results, strict=True))}
    ordered = [every[i] for i in range(len(tasks))]
    coefs = pd.concat([r[0] for r in ordered], ignore_index=True)
    means = pd.concat([r[1] for r in ordered], ignore_index=True)
    failed = pd.concat([r[2] for r in ordered], ignore_index=True)
    order = {BOOTSTRAP: 0, SUBSAMPLING: 1}
    return Resampled(
        _sorted(coefs, ["scheme", "rep", "table", "part", "tau"], order, COEF_COLUMNS),
        _sorted(means, ["scheme", "rep", "sample", "variable", "year"], order,
                MEAN_COLUMNS),
        failed.reset_index(drop=True), resumed=len(kept), chunks=len(tasks))


def _sorted(frame: pd.DataFrame, keys: list[str], order: dict[str, int],
            columns: tuple[str, ...]) -> pd.DataFrame:
    """Stable sort by ``keys`` (the scheme in ``order``), the columns typed as stored."""
    rank = frame["scheme"].map(order).to_numpy(np.int64)
    frame = frame.assign(_rank=rank).sort_values(["_rank", *keys[1:]], kind="mergesort")
    return frame.drop(columns="_rank").loc[:, list(columns)].reset_index(drop=True)
