"""Every SBI evaluation against one reference technology: the unit of parallel work.

A :class:`TechnologyJob` holds a reference set and the points evaluated against it;
:func:`solve_job` solves them with one warm-started HiGHS model
(:class:`~carbongap.dea.highs.TechnologyLP`), after the exact reduction of
:mod:`carbongap.dea.prune` when asked. The job is a plain picklable object and its result
depends only on the job, never on where or with what else it runs: jobs = 1, jobs = 2 and
Dask give bit-identical numbers.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from ..choices import DEA_SOLVERS, DeaSolver, Disposability, Rts, check
from ..parallel import SERIAL, Execution, run_tasks
from . import prune as pruning
from .highs import LPBatch, TechnologyLP
from .status import OPTIMAL


@dataclass(frozen=True)
class Program:
    """The LP each evaluation of a job solves: the SBI (docs/methods.md §6) or the radial
    directional distance function with its bad-output disposability (§15)."""

    kind: str = "sbi"
    disposability: Disposability = "weak"


#: The SBI LP: the default of every job.
SBI = Program()


@dataclass(frozen=True)
class TechnologyJob:
    """One reference technology and the points evaluated against it.

    Attributes
    ----------
    key
        A label returned with the result (e.g. rts and reference periods).
    rts
        ``"crs"`` or ``"vrs"``.
    reference
        (K, N + M + J) reference data [x, y, b].
    dims
        (N, M, J).
    points
        (n, N + M + J) evaluated data [x, y, b].
    direction
        (n, N + M + J) positive direction, or None for the observed values (docs/methods.md §6).
    same_as
        For each evaluated point, the index of the identical reference unit, or -1
        (lets the pruning LPs double as evaluations; used only with observed directions).
    blocks
        (K,) block label of each reference unit (its period), for :func:`prune.candidates`.
    prune
        Apply the exact reduction (needs positive reference data).
    solution
        Also return slacks and λ (over all K reference units).
    program
        The LP (:class:`Program`): the SBI, or the DDF (never pruned; solved by the
        compiled kernel or HiGHS as the SBI would be, :func:`solve_job`).
    """

    key: Hashable
    rts: Rts
    reference: np.ndarray
    dims: tuple[int, int, int]
    points: np.ndarray
    direction: np.ndarray | None = None
    same_as: np.ndarray | None = None
    blocks: np.ndarray | None = None
    prune: bool = False
    solution: bool = False
    program: Program = SBI

    @property
    def n_points(self) -> int:
        """Number of evaluated points (LPs the job answers)."""
        return int(self.points.shape[0])

    @property
    def cost(self) -> int:
        """A rough work estimate: LPs times the reference size (dispatch order only)."""
        return self.n_points * (self.reference.shape[0] + 16)


@dataclass(frozen=True)
class JobResult:
    """What :func:`solve_job` returns.

    ``values`` (NaN unless optimal) and ``status`` (HiGHS codes) per evaluated point;
    ``lps`` counts the LPs actually solved (pruning LPs included); ``reference_used`` the
    reference units left after pruning; ``slacks``/``lambdas`` when requested.
    """

    key: Hashable
    values: np.ndarray
    status: np.ndarray
    lps: int
    reference_used: int
    slacks: np.ndarray | None = None
    lambdas: np.ndarray | None = None


def split(data: np.ndarray, dims: tuple[int, int, int]) -> tuple[np.ndarray, ...]:
    """Columns [x, y, b] -> (x, y, b); b has zero columns when J = 0."""
    n_in, n_good, _ = dims
    return data[:, :n_in], data[:, n_in:n_in + n_good], data[:, n_in + n_good:]


class TechnologyModel(Protocol):
    """What solves the LPs of one technology: :class:`~carbongap.dea.highs.TechnologyLP`
    (HiGHS) or :class:`~carbongap.dea.kernel.KernelLP` (the compiled kernel)."""

    def __init__(self, x_ref: np.ndarray, y_ref: np.ndarray, b_ref: np.ndarray,
                 rts: Rts) -> None: ...

    def solve(self, data: np.ndarray, direction: np.ndarray | None = None, *,
              solution: bool = False) -> LPBatch: ...


def solve_job(job: TechnologyJob, model: type[TechnologyModel] = TechnologyLP) -> JobResult:
    """Solve every evaluation of ``job`` (see the module docstring) with ``model``; a
    DDF job with its DDF counterpart (:func:`_ddf_model`)."""

    n, k = job.n_points, job.reference.shape[0]
    if job.program.kind == "ddf":
        batch = _ddf_model(model)(*split(job.reference, job.dims), job.rts,
                                  job.program.disposability).solve(
            job.points, job.direction, solution=job.solution)
        return JobResult(job.key, batch.values, batch.status, n, k, None, batch.lambdas)
    if not job.prune:
        batch = model(*split(job.reference, job.dims), job.rts).solve(
            job.points, job.direction, solution=job.solution)
        return JobResult(job.key, batch.values, batch.status, n, k, batch.slacks,
                         batch.lambdas)

    blocks = job.blocks if job.blocks is not None else np.zeros(k, dtype=np.int64)
    cand = pruning.candidates(*split(job.reference, job.dims), job.rts, blocks)

    def own_lps(units: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        batch = model(*split(job.reference[units], job.dims), job.rts).solve(
            job.reference[units])
        return batch.values, batch.status

    cand, screened = pruning.screen(cand, own_lps)
    own = model(*split(job.reference[cand], job.dims), job.rts).solve(
        job.reference[cand], solution=job.solution)
    keep = cand[pruning.efficient(own.values, own.status)]

    values = np.full(n, np.nan)
    status = np.empty(n, dtype=np.int16)
    slacks = np.full((n, job.points.shape[1]), np.nan) if job.solution else None
    lambdas = np.zeros((n, k)) if job.solution else None

    # Points identical to a candidate left by the screening reuse its own-technology LP
    # (same LP, observed direction); the rest are solved against the efficient units only.
    position = np.full(k, -1)
    position[cand] = np.arange(len(cand))
    reuse = np.full(n, -1)
    if job.same_as is not None and job.direction is None:
        inside = job.same_as >= 0
        reuse[inside] = position[job.same_as[inside]]
    old = reuse >= 0
    values[old] = own.values[reuse[old]]
    status[old] = own.status[reuse[old]]
    rest = np.flatnonzero(~old)
    direction = None if job.direction is None else job.direction[rest]
    batch = model(*split(job.reference[keep], job.dims), job.rts).solve(
        job.points[rest], direction, solution=job.solution)
    values[rest] = batch.values
    status[rest] = batch.status
    if slacks is not None and lambdas is not None:
        slacks[old] = own.slacks[reuse[old]]  # type: ignore[index]
        slacks[rest] = batch.slacks
        lambdas[np.ix_(np.flatnonzero(old), cand)] = own.lambdas[reuse[old]]  # type: ignore[index]
        lambdas[np.ix_(rest, keep)] = batch.lambdas
        lambdas[status != OPTIMAL] = np.nan
    return JobResult(job.key, values, status, screened + len(cand) + len(rest), len(keep),
                     slacks, lambdas)


def _ddf_model(model: type[TechnologyModel]) -> type:
    """The DDF LP of the solver whose SBI LP is ``model``: the compiled kernel's
    (:class:`carbongap.dea.kernel.KernelDdfLP`) for the kernel, HiGHS's
    (:class:`carbongap.dea.ddf_lp.DdfLP`) otherwise."""
    if getattr(model, "compiled", False):
        from .kernel import KernelDdfLP

        return KernelDdfLP
    from .ddf_lp import DdfLP

    return DdfLP


class SolveJobs(Protocol):
    """What solves a plan's jobs: :func:`run_jobs` (HiGHS, the default) or another
    backend's solver with the same call (the stages choose, :mod:`carbongap.backends`)."""

    def __call__(self, jobs: Sequence[TechnologyJob], *, execution: Execution,
                 description: str) -> list[JobResult]: ...


def run_jobs(jobs: Sequence[TechnologyJob], *, execution: Execution = SERIAL,
             description: str = "SBI linear programmes") -> list[JobResult]:
    """Solve ``jobs`` with :func:`carbongap.parallel.run_tasks` (largest first, results in
    input order); the progress advances by the LPs each finished job answers.

    Each job is solved whole by one worker, so its numbers never depend on the executor
    or on the number of workers (``execution``).
    """
    return run_tasks(solve_job, jobs, execution=execution, description=description,
                     cost=lambda job: job.cost, weight=lambda job: job.n_points)


def solve_job_kernel(job: TechnologyJob) -> JobResult:
    """:func:`solve_job` with the compiled kernel (:class:`carbongap.dea.kernel.KernelLP`;
    HiGHS for every answer it cannot certify). The kernel module, and numba with it,
    is imported only when the kernel is chosen."""
    from .kernel import KernelLP

    return solve_job(job, KernelLP)


def run_jobs_kernel(jobs: Sequence[TechnologyJob], *, execution: Execution = SERIAL,
                    description: str = "SBI linear programmes") -> list[JobResult]:
    """:func:`run_jobs` with the compiled kernel (``[productivity] solver = "kernel"``):
    the same jobs, order and executor; numbers equal HiGHS's to the certificate's
    tolerance (docs/methods.md §6)."""
    return run_tasks(solve_job_kernel, jobs, execution=execution, description=description,
                     cost=lambda job: job.cost, weight=lambda job: job.n_points)


def technology_model(solver: DeaSolver) -> type[TechnologyModel]:
    """The LP model of ``solver``: the compiled kernel (HiGHS where it cannot certify an
    answer) or HiGHS alone (docs/methods.md §6)."""
    check("solver", solver, DEA_SOLVERS)
    if solver == "highs":
        return TechnologyLP
    from .kernel import KernelLP

    return KernelLP


def job_solver(solver: DeaSolver) -> SolveJobs:
    """The solver of a plan's jobs for ``solver``: :func:`run_jobs_kernel` or
    :func:`run_jobs` (HiGHS)."""
    check("solver", solver, DEA_SOLVERS)
    return run_jobs_kernel if solver == "kernel" else run_jobs
