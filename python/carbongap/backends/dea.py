"""The solver of the DEA's LPs for a backend (:mod:`carbongap.backends`)."""

from __future__ import annotations

from collections.abc import Sequence

from ..choices import BACKENDS, Backend, DeaSolver, check
from ..dea.technology import JobResult, SolveJobs, TechnologyJob, job_solver
from ..parallel import SERIAL, Execution


def _solve_jobs_r(jobs: Sequence[TechnologyJob], *, execution: Execution = SERIAL,
                  description: str = "SBI linear programmes") -> list[JobResult]:
    """Every job in one R session (only the execution's progress applies)."""
    from ..r.dea import run_jobs_r

    return run_jobs_r(jobs, progress=execution.progress, description=f"{description} in R")


def solve_jobs(name: Backend, solver: DeaSolver = "kernel") -> SolveJobs:
    """The DEA solver of backend ``name``: R (Benchmarking where installed, else
    lpSolve), or Python with ``solver``: the HiGHS engine or the compiled kernel."""
    check("backend", name, BACKENDS)
    solve = job_solver(solver)
    return _solve_jobs_r if name == "r" else solve
