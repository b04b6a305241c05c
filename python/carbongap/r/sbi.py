"""The independent R reference of the SBI (``sbi_lpsolve.R``, lpSolve) through rpy2.

docs/methods.md §9: wherever R runs, the DEA is cross-validated against an SBI written
separately in R from the docs/methods.md §6 formula and solved by lpSolve. The R script is
package data, found through :mod:`importlib.resources`.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from ..choices import Rts
from .session import require_r, robjects

SCRIPT = "sbi_lpsolve.R"


def r_matrix(array: np.ndarray | None) -> Any:
    """A float (units, variables) array as an R numeric matrix; None as R NULL."""
    ro = robjects()

    if array is None:
        return ro.NULL
    array = np.asarray(array, dtype=np.float64)
    if array.ndim == 1:
        array = array[:, None]
    # R stores matrices column-major.
    return ro.r.matrix(ro.FloatVector(array.ravel(order="F")), nrow=array.shape[0],
                       ncol=array.shape[1])


def values_and_status(out: Any) -> tuple[np.ndarray, np.ndarray]:
    """The ``value`` (float, NA as NaN) and ``status`` (words) of an R result list."""
    return (np.array(out.rx2("value"), dtype=np.float64),
            np.array(list(out.rx2("status")), dtype=object))


@cache
def r_function(script: str, name: str) -> Any:
    """The R function ``name`` of the package script ``script`` (beside this module),
    sourced into R once per process with lpSolve loaded."""
    require_r()
    ro = robjects()

    ro.r("suppressPackageStartupMessages(library(lpSolve))")
    ro.r(resources.files("carbongap.r").joinpath(script).read_text(encoding="utf-8"))
    return ro.globalenv[name]


def sbi_lpsolve(x: np.ndarray, y: np.ndarray, b: np.ndarray | None = None,
                x_ref: np.ndarray | None = None, y_ref: np.ndarray | None = None,
                b_ref: np.ndarray | None = None, rts: Rts = "vrs",
                direction: tuple[np.ndarray, np.ndarray, np.ndarray | None] | None = None,
                ) -> tuple[np.ndarray, np.ndarray]:
    """S per evaluated unit and its status, from the R/lpSolve reference.

    Same arguments as :func:`carbongap.dea.sbi` (units in rows; reference defaults to the
    evaluated data; ``direction`` = (g_x, g_y, g_b) or None for observed values).
    Returns (values, statuses): NaN values unless lpSolve succeeded; statuses
    "optimal", "infeasible", "unbounded" or "lpSolve status <code>".
    """
    fn = r_function(SCRIPT, "sbi_lpsolve")
    if x_ref is None:
        x_ref, y_ref, b_ref = x, y, b
    gx, gy, gb = direction if direction is not None else (x, y, b)
    out = fn(r_matrix(x), r_matrix(y), r_matrix(b), r_matrix(x_ref), r_matrix(y_ref),
             r_matrix(b_ref), rts, r_matrix(gx), r_matrix(gy), r_matrix(gb))
    return values_and_status(out)
