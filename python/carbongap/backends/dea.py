"""The solver of the DEA's LPs for a backend (:mod:`carbongap.backends`)."""

from __future__ import annotations

from collections.abc import Sequence

from ..choices import BACKENDS, Backend, check
from ..dea.technology import JobResult, SolveJobs, TechnologyJob, run_jobs
from ..parallel import SERIAL, Execution


def _solve_jobs_r(jobs: Sequence[TechnologyJob], *, execution: Execution = SERIAL,
                  description: str = "SBI linear programmes") -> list[JobResult]:
    """Every job in one R session (only the execution's progress applies)."""
    from ..r.dea import run_jobs_r

    return run_jobs_r(jobs, progress=execution.progress, description=f"{description} in R")


def solve_jobs(name: Backend) -> SolveJobs:
    """The DEA solver of backend ``name``: the HiGHS engine, or R (Benchmarking where
    installed, else lpSolve)."""
    check("backend", name, BACKENDS)
    return _solve_jobs_r if name == "r" else run_jobs
