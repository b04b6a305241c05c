"""The R backend of the DEA: every LP of a Luenberger plan solved in R.

docs/methods.md §6 and §9. The plan (:mod:`carbongap.dea.plan`) is the same as the Python
engine's; only :func:`carbongap.dea.technology.solve_job` is replaced. Each technology job
goes to R once, with its reference set and all its evaluated points (one R call per
technology, not per LP), and is solved there by R Benchmarking's ``dea.add`` on the
rescaled data where that package is installed (observed directions; feasibility checked
separately, :mod:`carbongap.r.benchmarking`), else by the R SBI on lpSolve
(``sbi_lpsolve.R``, written from the formula, not from the Python engine). Every point
is solved against the whole reference set (no pruning; the pruning of the Python engine
is exact, so the values are the same). The directional distance measures' LPs
(docs/methods.md §15) are solved by the R DDF on lpSolve (``ddf_lpsolve.R``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import cache
from typing import Literal

import numpy as np

from ..dea.status import INFEASIBLE, NUMERICAL, OPTIMAL, UNBOUNDED
from ..dea.technology import JobResult, TechnologyJob, split
from ..progress import ProgressFactory, null_progress
from .ddf import ddf_lpsolve
from .sbi import sbi_lpsolve
from .session import has_r_package

logger = logging.getLogger("carbongap.dea")
RSolver = Literal["Benchmarking", "lpSolve"]

#: R's status words -> the engine's status codes; any other lpSolve status is NUMERICAL.
R_STATUS: dict[str, int] = {"optimal": OPTIMAL, "infeasible": INFEASIBLE,
                            "unbounded": UNBOUNDED}


def _none_if_empty(part: np.ndarray) -> np.ndarray | None:
    return part if part.shape[1] else None


@cache
def r_dea_solver() -> RSolver:
    """The R solver of the backend: Benchmarking where installed, else lpSolve."""
    return "Benchmarking" if has_r_package("Benchmarking") else "lpSolve"


def solve_job_r(job: TechnologyJob, solver: RSolver | None = None) -> JobResult:
    """One technology job solved in R (by ``solver``, default :func:`r_dea_solver`; a job
    with its own directions always by lpSolve); the same result fields as the Python
    engine's (no slacks or λ: the R backend returns values and statuses). A directional
    distance job (docs/methods.md §15) is solved by the R DDF on lpSolve
    (``ddf_lpsolve.R``), direction (0, y, b)."""
    x, y, b = split(job.points, job.dims)
    x_ref, y_ref, b_ref = split(job.reference, job.dims)
    if job.program.kind == "ddf":
        values, words = ddf_lpsolve(x, y, _none_if_empty(b), x_ref, y_ref,
                                    _none_if_empty(b_ref), rts=job.rts,
                                    disposability=job.program.disposability)
    elif (solver or r_dea_solver()) == "Benchmarking" and job.direction is None:
        from .benchmarking import sbi_dea_add

        values, words, _ = sbi_dea_add(x, y, _none_if_empty(b), x_ref, y_ref,
                                       _none_if_empty(b_ref), rts=job.rts)
    else:
        direction = None
        if job.direction is not None:
            gx, gy, gb = split(job.direction, job.dims)
            direction = (gx, gy, _none_if_empty(gb))
        values, words = sbi_lpsolve(x, y, _none_if_empty(b), x_ref, y_ref,
                                    _none_if_empty(b_ref), rts=job.rts, direction=direction)
    status = np.array([R_STATUS.get(str(w), NUMERICAL) for w in words], dtype=np.int16)
    values = np.where(status == OPTIMAL, values, np.nan)
    return JobResult(job.key, values, status, job.n_points, job.reference.shape[0])


def run_jobs_r(jobs: Sequence[TechnologyJob], *, progress: ProgressFactory = null_progress,
               description: str = "SBI linear programmes (R)") -> list[JobResult]:
    """Every job in one R session, in input order; progress advances by LPs answered."""
    solver = r_dea_solver()
    logger.info("R backend of the DEA: %s", "Benchmarking dea.add" if solver == "Benchmarking"
                else "the R SBI on lpSolve (R Benchmarking is not installed)")
    results = []
    with progress(sum(job.n_points for job in jobs), description) as bar:
        for job in jobs:
            results.append(solve_job_r(job, solver))
            bar.advance(job.n_points)
    return results
