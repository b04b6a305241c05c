"""The SBI through R Benchmarking's ``dea.add`` (docs/methods.md §9), where it is installed.

``dea.add(X, Y, RTS, XREF, YREF)`` solves the additive model
max Σ s^x + Σ s^y s.t. XREF'λ + s^x = x, YREF'λ − s^y = y (units in rows). The SBI of
docs/methods.md §6 is that model on rescaled data, one call per evaluated unit o:

* bad outputs enter as extra inputs (B'λ + s^b = b_o has the input form);
* each column is multiplied by its SBI weight at o: inputs by 1/(2N g_x), bads by
  1/(2(M+J) g_b), good outputs by 1/(2(M+J) g_y), with g = (x_o, y_o, b_o);

so that the returned ``$sum`` equals S(o). ``dea.add`` reports an infeasible LP as 0, so
feasibility is checked separately: the returned λ and slacks must satisfy the scaled
constraints (and Σλ = 1 under VRS) to 1e-7; otherwise the value is NaN with status
"infeasible". Only observed directions are supported. The R package Benchmarking
(CRAN; needs lpSolveAPI and ucminf) is not installed here; callers check
``carbongap.r.session.has_r_package("Benchmarking")`` first.

The directional distance function under strong disposability (docs/methods.md §15) is
``dea.direct`` with the bads entered as inputs (:func:`ddf_dea_direct`).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from ..choices import Rts
from .sbi import r_matrix, values_and_status
from .session import has_r_package, require_r, robjects

#: Largest constraint residual (scaled units, where each term is O(1/(2N))) accepted as
#: a feasible solution.
FEASIBILITY_TOLERANCE: float = 1e-7

_R_CODE = r"""
carbongap_sbi_dea_add <- function(X, Y, B, XREF, YREF, BREF, rts, tol) {
  n <- nrow(X); N <- ncol(X); M <- ncol(Y)
  J <- if (is.null(B)) 0 else ncol(B)
  value <- rep(NA_real_, n); status <- character(n)
  elapsed <- 0
  for (o in seq_len(n)) {
    wx <- 1 / (2 * N * X[o, ]); wy <- 1 / (2 * (M + J) * Y[o, ])
    xo <- X[o, ] * wx; xref <- sweep(XREF, 2, wx, "*")
    if (J > 0) {
      wb <- 1 / (2 * (M + J) * B[o, ])
      xo <- c(xo, B[o, ] * wb); xref <- cbind(xref, sweep(BREF, 2, wb, "*"))
    }
    yo <- Y[o, ] * wy; yref <- sweep(YREF, 2, wy, "*")
    started <- proc.time()[["elapsed"]]
    fit <- Benchmarking::dea.add(matrix(xo, nrow = 1), matrix(yo, nrow = 1), RTS = rts,
                                 XREF = xref, YREF = yref)
    elapsed <- elapsed + proc.time()[["elapsed"]] - started
    lambda <- as.numeric(fit$lambda); sx <- as.numeric(fit$sx); sy <- as.numeric(fit$sy)
    ok <- length(lambda) == nrow(xref) && all(is.finite(c(lambda, sx, sy)))
    if (ok) {
      residual <- c(xo - (colSums(xref * lambda) + sx), yo - (colSums(yref * lambda) - sy))
      if (rts == "vrs") residual <- c(residual, sum(lambda) - 1)
      ok <- max(abs(residual)) <= tol && min(c(lambda, sx, sy)) >= -tol
    }
    if (ok) {
      value[o] <- as.numeric(fit$sum); status[o] <- "optimal"
    } else {
      status[o] <- "infeasible"
    }
  }
  list(value = value, status = status, elapsed = elapsed)
}

carbongap_ddf_dea_direct <- function(X, Y, B, XREF, YREF, BREF, rts) {
  n <- nrow(X)
  value <- rep(NA_real_, n); status <- character(n)
  elapsed <- 0
  xin <- if (is.null(B)) X else cbind(X, B)
  xref <- if (is.null(B)) XREF else cbind(XREF, BREF)
  for (o in seq_len(n)) {
    direct <- matrix(c(rep(0, ncol(X)), if (!is.null(B)) B[o, ], Y[o, ]), nrow = 1)
    started <- proc.time()[["elapsed"]]
    fit <- Benchmarking::dea.direct(xin[o, , drop = FALSE], Y[o, , drop = FALSE],
                                    DIRECT = direct, RTS = rts, ORIENTATION = "in-out",
                                    XREF = xref, YREF = YREF)
    elapsed <- elapsed + proc.time()[["elapsed"]] - started
    if (is.finite(fit$objval[1])) {
      value[o] <- fit$objval[1]; status[o] <- "optimal"
    } else {
      status[o] <- "infeasible"
    }
  }
  list(value = value, status = status, elapsed = elapsed)
}
"""


def available() -> bool:
    """Whether R works and the Benchmarking package is installed."""
    try:
        require_r()
    except RuntimeError:
        return False
    return has_r_package("Benchmarking")


@cache
def _function(name: str = "carbongap_sbi_dea_add") -> Any:
    """The R function ``name`` of :data:`_R_CODE`, with Benchmarking loaded."""
    require_r()
    if not has_r_package("Benchmarking"):
        raise RuntimeError("the R package Benchmarking is not installed "
                           "(install.packages('Benchmarking'))")
    ro = robjects()

    ro.r("suppressPackageStartupMessages(library(Benchmarking))")
    ro.r(_R_CODE)
    return ro.globalenv[name]


def sbi_dea_add(x: np.ndarray, y: np.ndarray, b: np.ndarray | None = None,
                x_ref: np.ndarray | None = None, y_ref: np.ndarray | None = None,
                b_ref: np.ndarray | None = None, rts: Rts = "vrs",
                ) -> tuple[np.ndarray, np.ndarray, float]:
    """S per unit via ``Benchmarking::dea.add`` on docs/methods.md §9 rescaled data.

    Arguments as :func:`carbongap.dea.sbi` (observed directions only). Returns
    (values, statuses, seconds): NaN where the returned solution is not feasible
    (status "infeasible"); ``seconds`` is the time R spent inside ``dea.add``.
    """
    fn = _function()
    if x_ref is None:
        x_ref, y_ref, b_ref = x, y, b
    out = fn(r_matrix(x), r_matrix(y), r_matrix(b), r_matrix(x_ref), r_matrix(y_ref),
             r_matrix(b_ref), rts, FEASIBILITY_TOLERANCE)
    return (*values_and_status(out), float(out.rx2("elapsed")[0]))


def ddf_dea_direct(x: np.ndarray, y: np.ndarray, b: np.ndarray | None = None,
                   x_ref: np.ndarray | None = None, y_ref: np.ndarray | None = None,
                   b_ref: np.ndarray | None = None, rts: Rts = "vrs",
                   ) -> tuple[np.ndarray, np.ndarray, float]:
    """The strong-disposability DDF, direction (0, y, b), per unit via
    ``Benchmarking::dea.direct`` (bads as inputs, ``ORIENTATION = "in-out"``), one call
    per unit. Returns (values, statuses, seconds inside ``dea.direct``): NaN with status
    "infeasible" where it answers -Inf."""
    fn = _function("carbongap_ddf_dea_direct")
    if x_ref is None:
        x_ref, y_ref, b_ref = x, y, b
    out = fn(r_matrix(x), r_matrix(y), r_matrix(b), r_matrix(x_ref), r_matrix(y_ref),
             r_matrix(b_ref), rts)
    return (*values_and_status(out), float(out.rx2("elapsed")[0]))
