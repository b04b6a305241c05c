"""The independent R reference of the directional distance function (``ddf_lpsolve.R``,
lpSolve) through rpy2: docs/methods.md §15, checked against the engine where R runs."""

from __future__ import annotations

import numpy as np

from ..choices import Disposability, Rts
from .sbi import r_function, r_matrix, values_and_status

SCRIPT = "ddf_lpsolve.R"


def ddf_lpsolve(x: np.ndarray, y: np.ndarray, b: np.ndarray | None = None,
                x_ref: np.ndarray | None = None, y_ref: np.ndarray | None = None,
                b_ref: np.ndarray | None = None, rts: Rts = "vrs",
                disposability: Disposability = "weak") -> tuple[np.ndarray, np.ndarray]:
    """β per evaluated unit and its status, direction (0, y, b), from the R/lpSolve
    reference. Same arguments as :func:`carbongap.dea.ddf`; returns (values, statuses)
    as :func:`carbongap.r.sbi.sbi_lpsolve` does."""
    fn = r_function(SCRIPT, "ddf_lpsolve")
    if x_ref is None:
        x_ref, y_ref, b_ref = x, y, b
    out = fn(r_matrix(x), r_matrix(y), r_matrix(b), r_matrix(x_ref), r_matrix(y_ref),
             r_matrix(b_ref), rts, disposability)
    return values_and_status(out)
