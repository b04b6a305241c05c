"""Shared fixtures and the R marker policy.

Tests marked ``r`` need R with quantreg, lpSolve and haven through rpy2. Where R is
missing they skip with the reason, except when ``CARBONGAP_REQUIRE_R=1`` (tox env ``r``
and CI): there a missing R is a failure. Tests marked ``benchmarking`` need the R package
Benchmarking, which no registry reachable here provides; they skip with that reason.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

#: The CEADs inventory is not ours to redistribute: tests read it from beside the repository
#: (``../shared/data/ceads/``, as CI provides it) or from CARBONGAP_CEADS_WORKBOOK.
CEADS_WORKBOOK = Path(os.environ.get(
    "CARBONGAP_CEADS_WORKBOOK",
    Path(__file__).resolve().parents[2] / "shared" / "data" / "ceads"
    / "ceads_290_cities_1997_2019.xlsx"))
CEADS_DOWNLOAD = ("https://www.ceads.net (data: 'Emission Inventories for 290 Chinese Cities "
                  "from 1997 to 2019')")


def _r_problem() -> str | None:
    """Why R cannot be used here, or None when it can."""
    try:
        from carbongap.r.session import r_unavailable_reason
    except ImportError as exc:  # pragma: no cover - the package always has it
        return f"carbongap.r.session not importable: {exc}"
    return r_unavailable_reason()


def _benchmarking_problem() -> str | None:
    problem = _r_problem()
    if problem:
        return problem
    from carbongap.r.session import has_r_package

    if not has_r_package("Benchmarking"):
        return ("R package Benchmarking is not installed: no registry reachable here has "
                "it; make test builds it from ../shared/r-src when that folder is beside the "
                "checkout (replication/install_benchmarking.sh), else these tests skip")
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip, or under CARBONGAP_REQUIRE_R=1 fail, R tests where R is unusable."""
    if "r" not in item.keywords and "benchmarking" not in item.keywords:
        return
    problem = _r_problem()
    if problem:
        if os.environ.get("CARBONGAP_REQUIRE_R") == "1":
            pytest.fail(f"CARBONGAP_REQUIRE_R=1 but R is not usable: {problem}", pytrace=False)
        pytest.skip(f"R not available: {problem}")
    if "benchmarking" in item.keywords:
        bproblem = _benchmarking_problem()
        if bproblem:
            pytest.skip(bproblem)


def ceads_missing(workbook: Path, required: bool) -> str | None:
    """What to do about a missing CEADs workbook: None when present, else the message.

    By default the tests that need it skip with this message; with the project variable
    ``CARBONGAP_REQUIRE_CEADS=1`` (a maintainer's CI that provides the workbook) a missing
    workbook is a failure, never a skip. The generic ``CI`` variable is not read: a
    replicator's pipeline sets it without having the workbook.
    """
    if workbook.is_file():
        return None
    where = ("CARBONGAP_REQUIRE_CEADS=1 requires it" if required
             else "those tests are skipped")
    return (f"CEADs workbook not found at {workbook}: it is not part of the project ({where}); "
            f"download it from {CEADS_DOWNLOAD} and put it there or name it in "
            "CARBONGAP_CEADS_WORKBOOK")


@pytest.fixture(scope="session")
def ceads_workbook() -> Path:
    """The real CEADs inventory (when absent: skips, or fails with
    CARBONGAP_REQUIRE_CEADS=1)."""
    required = os.environ.get("CARBONGAP_REQUIRE_CEADS", "") not in ("", "0")
    problem = ceads_missing(CEADS_WORKBOOK, required)
    if problem:
        if required:
            pytest.fail(problem, pytrace=False)
        pytest.skip(problem)
    return CEADS_WORKBOOK
