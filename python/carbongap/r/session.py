"""Starting R through rpy2, checking what is installed, converting frames.

docs/methods.md §9: rpy2 ``>=3.5.17,<3.6`` for R < 4.5; conversions go through
``localconverter(default_converter + pandas2ri.converter)``, never
``pandas2ri.activate()``; int64 columns are cast to float before they are sent.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
from collections.abc import Iterator
from functools import cache
from typing import Any

import pandas as pd

#: R packages every R-backed test needs (Debian: r-cran-quantreg, r-cran-lpsolve, r-cran-haven).
REQUIRED_R_PACKAGES: tuple[str, ...] = ("quantreg", "lpSolve", "haven")


def robjects() -> Any:
    """``rpy2.robjects`` (starting R on first use), with ``LD_LIBRARY_PATH`` left unchanged.

    On start-up rpy2 prepends R's library folder to ``LD_LIBRARY_PATH``; that cannot
    affect the running process any more, but every child process inherits it. Where R's
    folder holds another ``libpython`` (Debian's), child Python processes (joblib and Dask
    workers) would load it and fail. The variable is restored right after the import.
    Every module of carbongap reaches R through this function.
    """
    before = os.environ.get("LD_LIBRARY_PATH")
    try:
        import rpy2.robjects as ro
    finally:
        if before is None:
            os.environ.pop("LD_LIBRARY_PATH", None)
        else:
            os.environ["LD_LIBRARY_PATH"] = before
    return ro


#: rpy2 from this version on is built for R >= 4.5 (it calls R_getVar).
RPY2_NEEDS_R45 = (3, 6)


def _version(text: str) -> tuple[int, ...]:
    """The leading numbers of a version string ("3.5.17" -> (3, 5, 17))."""
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def rpy2_r_mismatch(rpy2_version: str, r_version: str | None) -> str | None:
    """Why this rpy2 cannot run with this R (rpy2 >= 3.6 on R < 4.5 crashes with
    "undefined symbol: R_getVar"), with the fix; None when the pair works or R's version
    is unknown."""
    if r_version is None or _version(rpy2_version)[:2] < RPY2_NEEDS_R45:
        return None
    if _version(r_version)[:2] >= (4, 5):
        return None
    return (f"rpy2 {rpy2_version} needs R >= 4.5 but R is {r_version} (it would crash with "
            "'undefined symbol: R_getVar'); fix: pip install 'rpy2>=3.5.17,<3.6'")


def _r_version_from_command() -> str | None:
    """R's version from ``R --version`` without starting embedded R; None if not found."""
    try:
        done = subprocess.run(["R", "--version"], capture_output=True, text=True, timeout=30,
                              check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"R version (\d+\.\d+\.\d+)", done.stdout)
    return found.group(1) if found else None


@cache
def r_unavailable_reason() -> str | None:
    """None when R, rpy2 and the required R packages work; otherwise why not, in a sentence
    (rpy2 and R that do not fit together, and each missing R package, named)."""
    try:
        import rpy2
    except ImportError:
        return "rpy2 is not installed (pip install 'rpy2>=3.5.17,<3.6')"
    mismatch = rpy2_r_mismatch(rpy2.__version__, _r_version_from_command())
    if mismatch:
        return mismatch
    try:
        robjects()
    except Exception as exc:  # rpy2 raises several types when libR is missing or mismatched
        return f"rpy2 cannot start R: {exc}"
    missing = [p for p in REQUIRED_R_PACKAGES if not has_r_package(p)]
    if missing:
        return (f"R packages missing: {', '.join(missing)} (Debian: apt-get install "
                + " ".join(f"r-cran-{p.lower()}" for p in missing) + ")")
    return None


@cache
def has_r_package(name: str) -> bool:
    """Whether ``library(name)`` would succeed in the embedded R."""
    return bool(robjects().r(f'nzchar(system.file(package = "{name}"))')[0])


def require_r() -> None:
    """Raise RuntimeError with the reason when R cannot be used."""
    problem = r_unavailable_reason()
    if problem:
        raise RuntimeError(problem)


@contextlib.contextmanager
def converter() -> Iterator[Any]:
    """The pandas <-> R conversion context of docs/methods.md §9."""
    robjects()
    from rpy2.robjects import default_converter, pandas2ri
    from rpy2.robjects.conversion import localconverter

    with localconverter(default_converter + pandas2ri.converter) as conv:
        yield conv


def to_r_frame(frame: pd.DataFrame) -> Any:
    """A pandas frame as an R data.frame, int64 columns sent as doubles."""
    cast = frame.copy()
    for column in cast.columns:
        if pd.api.types.is_integer_dtype(cast[column]):
            cast[column] = cast[column].astype("float64")
    with converter() as conv:
        return conv.py2rpy(cast)


def r_versions() -> dict[str, str]:
    """Versions of R and the required packages, for the manifest (empty when R is absent)."""
    if r_unavailable_reason():
        return {}
    import rpy2

    ro = robjects()
    out = {"R": str(ro.r("paste(R.version$major, R.version$minor, sep='.')")[0]),
           "rpy2": rpy2.__version__}
    for name in REQUIRED_R_PACKAGES:
        out[name] = str(ro.r(f'as.character(packageVersion("{name}"))')[0])
    return out
