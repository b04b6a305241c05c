"""The solver of the DEA's LPs for a backend (:mod:`carbongap.backends`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..choices import BACKENDS, Backend, check
from ..dea.technology import JobResult, SolveJobs, TechnologyJob, run_jobs
from ..progress import ProgressFactory, null_progress


def _solve_jobs_r(jobs: Sequence[TechnologyJob], *, n_jobs: int = 1, dask: Any = "",
                  progress: ProgressFactory = null_progress,
                  description: str = "SBI linear programmes") -> list[JobResult]:
    """Every job in one R session (``n_jobs`` and ``dask`` do not apply)."""
    from ..r.dea import run_jobs_r

    return run_jobs_r(jobs, progress=progress, description=f"{description} in R")


def solve_jobs(name: Backend) -> SolveJobs:
    """The DEA solver of backend ``name``: the HiGHS engine, or R (Benchmarking where
    installed, else lpSolve)."""
    check("backend", name, BACKENDS)
    return _solve_jobs_r if name == "r" else run_jobs
