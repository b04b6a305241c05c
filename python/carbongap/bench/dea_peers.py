"""The peers of ``carbongap bench dea``, timed in one process on the engine's own LPs.

A seeded uniform sample of the LPs the engine solved (:func:`sample_lps`) is given to

* :func:`scipy_loop`: one ``scipy.optimize.linprog(method="highs")`` per LP, each built
  from scratch against the full reference set (:func:`naive_linprog`);
* :func:`benchmarking_loop`: R Benchmarking's per-unit ``dea.add`` loop on the
  docs/methods.md §9 rescaling (:func:`carbongap.r.benchmarking.sbi_dea_add`), timed
  inside R;
* :func:`r_backend_loop`: the ``[productivity] backend = "r"`` engine
  (:func:`carbongap.r.dea.solve_job_r`: the sampled points of a technology in one R call,
  the R SBI on lpSolve), timed from Python, so the data transfer counts as it does in a run;

and :func:`compare` sets each peer's time per LP against the engine's single-process time
per LP, with the largest value difference and the status mismatches (the engine's
answers come from the timed run, so nothing is solved twice).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..choices import Rts
from ..dea.status import status_words
from ..dea.technology import TechnologyJob, split

if TYPE_CHECKING:
    from ..dea.plan import LuenbergerPlan
    from ..dea.technology import JobResult


@dataclass(frozen=True)
class EngineAnswers:
    """What a peer is checked and timed against: the engine's plans and results per model
    (job order) and its time per LP in one process (s)."""

    plans: dict[str, LuenbergerPlan]
    results: dict[str, list[JobResult]]
    per_lp: float


@dataclass(frozen=True)
class Comparison:
    """Another solver timed in one process on a seeded sample of the engine's LPs."""

    name: str
    sample: int  #: LPs timed
    seconds_per_lp: float  #: the peer's time per LP (s): building and solving it
    ratio: float  #: seconds_per_lp / the engine's single-process seconds per LP
    cost_seconds: float  #: wall time the comparison took (building, solving, checking)
    cpu_per_wall: float  #: this process's CPU over wall time meanwhile (R runs in-process)
    max_abs_difference: float  #: vs the engine on the sample, where both are optimal
    status_mismatches: int  #: sampled LPs whose status differs from the engine's
    solver_failures: int  #: of those, LPs the other solver could not decide (e.g. scipy 4)


def sample_lps(plans: dict[str, LuenbergerPlan], size: int, seed: int
               ) -> list[tuple[str, int, np.ndarray]]:
    """A seeded uniform sample of the LPs: (model, job index, point indices) groups."""
    owners = [(model, j) for model, plan in plans.items() for j in range(len(plan.jobs))]
    counts = np.array([plans[m].jobs[j].n_points for m, j in owners])
    ends = np.cumsum(counts)
    rng = np.random.default_rng(seed)
    picked = np.sort(rng.choice(int(ends[-1]), size=min(size, int(ends[-1])), replace=False))
    job_of = np.searchsorted(ends, picked, side="right")
    groups = []
    for j in np.unique(job_of):
        first = ends[j] - counts[j]
        groups.append((*owners[j], picked[job_of == j] - first))
    return groups


def naive_linprog(reference: np.ndarray, point: np.ndarray, dims: tuple[int, int, int],
                  rts: Rts) -> tuple[float, int]:
    """One SBI LP built from scratch and solved by ``scipy.optimize.linprog`` (HiGHS).

    Returns (value or NaN, scipy status: 0 optimal, 2 infeasible, 3 unbounded).
    """
    from scipy.optimize import linprog

    n_in, n_good, n_bad = dims
    k, n_var = reference.shape
    weights = np.concatenate([np.full(n_in, 1.0 / (2 * n_in)),
                              np.full(n_good + n_bad, 1.0 / (2 * (n_good + n_bad)))])
    cost = np.concatenate([np.zeros(k), -weights / point])
    signs = np.ones(n_var)
    signs[n_in:n_in + n_good] = -1.0
    a_eq = np.hstack([reference.T, np.diag(signs)])
    b_eq = point.copy()
    if rts == "vrs":
        a_eq = np.vstack([a_eq, np.concatenate([np.ones(k), np.zeros(n_var)])])
        b_eq = np.append(b_eq, 1.0)
    result = linprog(cost, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    return (-result.fun if result.status == 0 else np.nan), int(result.status)


_SCIPY_STATUS = {0: "optimal", 2: "infeasible", 3: "unbounded"}

#: A peer's solver: (job, sampled point indices) -> (values, status words, failures,
#: seconds spent solving).
Answers = tuple[np.ndarray, np.ndarray, int, float]
Peer = Callable[[TechnologyJob, np.ndarray], Answers]


def naive_ddf_linprog(reference: np.ndarray, point: np.ndarray, dims: tuple[int, int, int],
                      rts: Rts, disposability: str) -> tuple[float, int]:
    """One DDF LP (docs/methods.md §15, direction (0, y, b)) built from scratch, each
    variable scaled by its reference mean, and solved by ``scipy.optimize.linprog``
    (HiGHS): variables λ, β (free).

    Returns (β or NaN, scipy status)."""
    from scipy.optimize import linprog

    n_in, n_good, _ = dims
    k, n_var = reference.shape
    # each variable divided by its reference mean (β is unchanged): on the raw panel
    # (capital near 1e7, employment near 1e2) scipy's HiGHS answered 1e-3 off
    scale = np.where(reference.mean(axis=0) > 0, reference.mean(axis=0), 1.0)
    reference, point = reference / scale, point / scale
    signs = np.ones(n_var)
    signs[n_in:n_in + n_good] = -1.0
    g = point.copy()
    g[:n_in] = 0.0
    rows = np.hstack([signs[:, None] * reference.T, g[:, None]])  # the "≤ form"
    rhs = signs * point
    equal = np.zeros(n_var, dtype=bool)
    if disposability == "weak":
        equal[n_in + n_good:] = True
    a_eq, b_eq = rows[equal], rhs[equal]
    if rts == "vrs":
        a_eq = np.vstack([a_eq, np.append(np.ones(k), 0.0)])
        b_eq = np.append(b_eq, 1.0)
    cost = np.append(np.zeros(k), -1.0)
    result = linprog(cost, A_ub=rows[~equal], b_ub=rhs[~equal],
                     A_eq=a_eq if len(b_eq) else None, b_eq=b_eq if len(b_eq) else None,
                     bounds=[(0, None)] * k + [(None, None)], method="highs")
    return (-result.fun if result.status == 0 else np.nan), int(result.status)


def scipy_loop(job: TechnologyJob, points: np.ndarray) -> Answers:
    """One :func:`naive_linprog` (or :func:`naive_ddf_linprog` for a DDF job) per sampled
    point, each timed."""
    values = np.full(len(points), np.nan)
    status = np.empty(len(points), dtype=object)
    seconds, failures = 0.0, 0
    ddf = job.program.kind == "ddf"
    for i, p in enumerate(points):
        started = time.perf_counter()
        if ddf:
            values[i], code = naive_ddf_linprog(job.reference, job.points[p], job.dims,
                                                job.rts, job.program.disposability)
        else:
            values[i], code = naive_linprog(job.reference, job.points[p], job.dims,
                                            job.rts)
        seconds += time.perf_counter() - started
        status[i] = _SCIPY_STATUS.get(code, f"scipy status {code}")
        failures += code not in _SCIPY_STATUS
    return values, status, failures, seconds


def benchmarking_loop(job: TechnologyJob, points: np.ndarray) -> Answers:
    """Benchmarking's ``dea.add`` (SBI jobs) or ``dea.direct`` (strong-disposability DDF
    jobs), one call per sampled point, timed inside R."""
    from ..r.benchmarking import ddf_dea_direct, sbi_dea_add

    evaluated = [p if p.shape[1] else None for p in split(job.points[points], job.dims)]
    reference = [p if p.shape[1] else None for p in split(job.reference, job.dims)]
    solve = ddf_dea_direct if job.program.kind == "ddf" else sbi_dea_add
    values, status, seconds = solve(*evaluated, *reference, rts=job.rts)
    return values, status, 0, seconds


def r_backend_loop(job: TechnologyJob, points: np.ndarray) -> Answers:
    """The R backend's solver on the sampled points of ``job``, in one R call."""
    from ..r.dea import solve_job_r

    sub = dataclasses.replace(
        job, points=job.points[points],
        direction=None if job.direction is None else job.direction[points],
        same_as=None if job.same_as is None else job.same_as[points])
    started = time.perf_counter()
    result = solve_job_r(sub)
    seconds = time.perf_counter() - started
    return result.values, status_words(result.status), 0, seconds


def compare(name: str, peer: Peer, measured: EngineAnswers, sample: int,
            seed: int) -> Comparison:
    """Time ``peer`` on a seeded sample of the LPs and check it against the engine."""
    started, cpu = time.perf_counter(), time.process_time()
    seconds = worst = 0.0
    mismatches = failures = count = 0
    for model, j, points in sample_lps(measured.plans, sample, seed):
        job = measured.plans[model].jobs[j]
        values, status, failed, elapsed = peer(job, points)
        ours = measured.results[model][j]
        our_values, our_status = ours.values[points], status_words(ours.status[points])
        seconds += elapsed
        count += len(points)
        mismatches += int((status != our_status).sum())
        failures += failed
        both = np.isfinite(values) & np.isfinite(our_values)
        if both.any():
            worst = max(worst, float(np.abs(values[both] - our_values[both]).max()))
    per_lp = seconds / count
    cost = time.perf_counter() - started
    return Comparison(name, count, per_lp, per_lp / measured.per_lp,
                      cost, (time.process_time() - cpu) / cost, worst, mismatches, failures)
