"""Exact regression quantiles: the vertex solution that R quantreg's ``rq(method = "br")`` gives.

A regression quantile is a vertex of the LP of :mod:`carbongap.qreg.ipm`: β(h) = X_h⁻¹ y_h
for a set h of p observations fitted exactly (Koenker 2005, section 2.2.1). An unweighted
fit of at most :data:`BR_MAX` observations runs quantreg's own Barrodale-Roberts path
(:mod:`carbongap.qreg.br`: R's vertex also where the LP ties, br's nonuniqueness verdict).
Larger or weighted fits are found in three steps.

1. **An approximate optimum** from the Frisch-Newton interior point (:mod:`.ipm`). For
   large n (above :data:`PREPROCESS_MIN` observations) the LP is first shrunk as in
   Portnoy & Koenker (1997, section 4): from a start β̃ (the caller's — a neighbouring
   quantile, the full-sample fit for a bootstrap replicate — or a fit on a subsample), the
   observations far above (below) the fitted plane are fixed at a_i = u_i (a_i = 0) and
   only a band of m observations around the τ-th position is solved.
2. **The vertex**: h = the p observations whose dual values are most interior, and
   β = X_h⁻¹ y_h, solved exactly in floating point.
3. **A certificate on the full data** (Koenker 2005, Theorem 2.1): with a_i = u_i for
   r_i > 0 and a_i = 0 for r_i < 0 outside h, the a_h solving X_h'a_h = (1 − τ)X'u − g −
   Σ_{i∉h} a_i x_i must satisfy 0 ≤ a_h ≤ u_h; then β is optimal. It is *unique* when
   moreover no residual outside h is zero and 0 < a_h < u_h strictly; otherwise the fit
   is flagged ``unique = False`` ("solution may be nonunique", as br warns).

If the certificate fails (the band was too narrow: the band is doubled and the step
repeated, up to :data:`MAX_BANDS` times; or a degenerate or singular case), the full LP is
solved by HiGHS's dual simplex (a vertex method like br), started from the best basis
found, and its vertex is certified the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .br import barrodale_roberts
from .ipm import frisch_newton

#: Observations up to which an unweighted fit follows quantreg's own br path (:mod:`.br`).
BR_MAX = 5000
#: Observations above which the LP is shrunk around a start (Portnoy & Koenker 1997).
PREPROCESS_MIN = 1000
#: Band doublings tried before the full LP is solved.
MAX_BANDS = 4
#: Relative tolerance of the certificate's bounds on a_h.
CERTIFICATE_TOLERANCE = 1e-9
#: Rounding of a vertex residual, in units of the machine epsilon times cond(X_h) and the
#: scale |y_i| + Σ|x_ij β_j|: a residual within it of zero is a tie (its sign unknown).
TIE_ROUNDING = 100.0


@dataclass(frozen=True)
class Solution:
    """An exact regression quantile.

    Attributes
    ----------
    beta
        (p,) coefficients.
    basis
        (p,) indices of the observations fitted exactly (r_i = 0).
    objective
        Σ u_i ρ_τ(r_i) (without the gradient shift).
    unique
        True when the certificate shows the solution is the only one.
    method
        "ipm" (interior point + vertex), "ipm-band" (on a shrunk LP) or "simplex"
        (HiGHS on the full LP).
    """

    beta: np.ndarray
    basis: np.ndarray
    objective: float
    unique: bool
    method: str


_SINGULAR = ("the design is singular at the quantile's vertex: a regressor is collinear "
             "with the others")


def check_function(r: np.ndarray, tau: float) -> np.ndarray:
    """ρ_τ(r) = r (τ − 1{r < 0}) (Koenker & Bassett 1978)."""
    return r * (tau - (r < 0.0))


@dataclass(frozen=True)
class _Certificate:
    optimal: bool
    unique: bool


def _certify(X: np.ndarray, y: np.ndarray, tau: float, u: np.ndarray, rhs: np.ndarray,
             h: np.ndarray, beta: np.ndarray) -> _Certificate:
    """Koenker (2005) Theorem 2.1 at the vertex β(h) (module docstring, step 3)."""
    r = y - X @ beta
    try:
        rounding = TIE_ROUNDING * np.finfo(np.float64).eps * float(np.linalg.cond(X[h]))
    except np.linalg.LinAlgError:
        return _Certificate(False, False)
    # Ties: |r_i| ≤ rounding (1 + |y_i| + Σ_j |x_ij β_j|), screened first with the bound
    # max_i |x_ij| for |x_ij| (two reductions over X instead of a copy of |X|).
    largest = np.maximum(X.max(axis=0), -X.min(axis=0))
    absy = np.abs(y)
    near = np.flatnonzero(np.abs(r) <= rounding * (1.0 + absy + largest @ np.abs(beta)))
    scale = 1.0 + absy[near] + np.abs(X[near]) @ np.abs(beta)
    ties = np.zeros(len(y), dtype=bool)
    ties[near[np.abs(r[near]) <= rounding * scale]] = True
    ties[h] = False
    # A residual within the tolerance of zero ("tie") may be on either side of the fit: its
    # a_i is put at u_i/2 and the certificate must hold for every a_i in [0, u_i], i.e. with
    # a margin of Σ_ties |X_h'⁻¹ x_i| u_i/2 on each side (a_h is linear in a_i).
    a = np.where(r > 0.0, u, 0.0)
    a[ties] = 0.5 * u[ties]
    a[h] = 0.0
    try:
        a_h = np.linalg.solve(X[h].T, rhs - X.T @ a)
        margin = np.abs(np.linalg.solve(X[h].T, X[ties].T * (0.5 * u[ties]))).sum(axis=1)
    except np.linalg.LinAlgError:
        return _Certificate(False, False)
    bound = CERTIFICATE_TOLERANCE * (1.0 + u[h])
    low, high = a_h - margin, a_h + margin
    optimal = bool(np.all(low >= -bound) and np.all(high <= u[h] + bound))
    unique = optimal and bool(np.all(low > bound) and np.all(high < u[h] - bound))
    return _Certificate(optimal, unique)


def _vertex(X: np.ndarray, y: np.ndarray, h: np.ndarray) -> np.ndarray | None:
    try:
        return np.linalg.solve(X[h], y[h])
    except np.linalg.LinAlgError:
        return None


def _interior_basis(a: np.ndarray, u: np.ndarray, p: int) -> np.ndarray:
    """The p observations whose dual values are furthest from their bounds."""
    slack = np.minimum(a, u - a)
    return np.sort(np.argsort(-slack, kind="stable")[:p])


def _band(X: np.ndarray, y: np.ndarray, u: np.ndarray, rhs: np.ndarray,
          start: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray] | None:
    """The band LP around ``start``: (observations kept, the right-hand side left for
    them once the others are fixed at a_i = u_i above or 0 below), or None when the band
    would be the whole sample."""
    n = len(y)
    if size >= n:
        return None
    r = y - X @ start
    # The intercept row of X'a = rhs asks Σ a = rhs[0] (the first column is the constant),
    # i.e. the weight of the observations above the fit: centre the band at the residual
    # rank where the weight above reaches it (by the mean weight: a guess, the certificate
    # decides). A partial sort (selection, O(n)) finds the band and the rows above it.
    centre = round(n - float(rhs[0]) * n / float(u.sum()))
    low = min(max(0, centre - size // 2), n - size)
    high = low + size
    order = np.argpartition(r, (low, high - 1))
    keep = np.sort(order[low:high])
    above = np.zeros(n)
    above[order[high:]] = u[order[high:]]
    return keep, rhs - X.T @ above


def _objective(X: np.ndarray, y: np.ndarray, tau: float, u: np.ndarray,
               beta: np.ndarray) -> float:
    return float(u @ check_function(y - X @ beta, tau))


def solve(X: np.ndarray, y: np.ndarray, tau: float, *, weights: np.ndarray | None = None,
          shift: np.ndarray | None = None, start: np.ndarray | None = None,
          band: int | None = None) -> Solution:
    """The exact τ-th regression quantile of y on X (module docstring).

    Parameters
    ----------
    X
        (n, p) design whose first column is the constant 1 (the band centring uses it).
    y
        (n,) response.
    tau
        Quantile in (0, 1).
    weights
        (n,) positive observation weights u_i (resampling counts); default 1.
    shift
        (p,) gradient shift g of the objective Σ u_i ρ_τ(r_i) − g'β; default 0.
    start
        (p,) a nearby solution; with n > :data:`PREPROCESS_MIN` it selects the band.
    band
        Initial band size; default 4 √(n p) with a start, 2 √p n^(2/3) without one.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n, p = X.shape
    u = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    g = np.zeros(p) if shift is None else np.asarray(shift, dtype=np.float64)
    if weights is None and shift is None and n <= BR_MAX:
        path = barrodale_roberts(X, y, tau)
        if len(path.basis) < p:
            raise np.linalg.LinAlgError(_SINGULAR)
        return Solution(path.beta, path.basis, _objective(X, y, tau, u, path.beta),
                        path.unique, "br")
    rhs = (1.0 - tau) * (X.T @ u) - g
    best: np.ndarray | None = None
    if n > PREPROCESS_MIN:
        warm = int(4.0 * np.sqrt(n * p))  # the band around a nearby solution
        if start is None:
            start = _subsample_start(X, y, tau, u, g)
            size = band or int(2.0 * np.sqrt(p) * n ** (2.0 / 3.0))
        else:
            size = band or warm
        for _ in range(MAX_BANDS):
            shrunk = _band(X, y, u, rhs, np.asarray(start, dtype=np.float64), size)
            if shrunk is None:
                break
            keep, reduced = shrunk
            fit = frisch_newton(X[keep], y[keep], tau, u[keep],
                                (1.0 - tau) * (X[keep].T @ u[keep]) - reduced)
            if not fit.converged:  # the band cannot meet the constraints: widen it
                size *= 2
                continue
            h = np.sort(keep[_interior_basis(fit.a, u[keep], p)])
            beta = _vertex(X, y, h)
            if beta is not None:
                best = h
                cert = _certify(X, y, tau, u, rhs, h, beta)
                if cert.optimal:
                    return Solution(beta, h, _objective(X, y, tau, u, beta), cert.unique,
                                    "ipm-band")
                # the band's vertex is nearly optimal: a warm band around it, unless
                # the band was that narrow already
                start, size = beta, (warm if size > warm else 2 * size)
                continue
            size *= 2
    fit = frisch_newton(X, y, tau, u, g)
    h = _interior_basis(fit.a, u, p)
    beta = _vertex(X, y, h)
    if beta is not None:
        cert = _certify(X, y, tau, u, rhs, h, beta)
        if cert.optimal:
            return Solution(beta, h, _objective(X, y, tau, u, beta), cert.unique, "ipm")
        best = h
    from .simplex import simplex_vertex

    h = simplex_vertex(X, y, tau, u, rhs, best, fit.beta)
    beta = _vertex(X, y, h)
    if beta is None:
        raise np.linalg.LinAlgError(_SINGULAR)
    cert = _certify(X, y, tau, u, rhs, h, beta)
    return Solution(beta, h, _objective(X, y, tau, u, beta), cert.unique, "simplex")


def _subsample_start(X: np.ndarray, y: np.ndarray, tau: float, u: np.ndarray,
                     g: np.ndarray) -> np.ndarray:
    """β on an evenly spaced subsample of √p n^(2/3) observations (Portnoy & Koenker
    1997): a start for the band, never the answer (the certificate decides)."""
    n, p = X.shape
    m = min(n, int(np.sqrt(p) * n ** (2.0 / 3.0)))
    take = np.linspace(0, n - 1, m).astype(np.int64)
    share = m / n
    return frisch_newton(X[take], y[take], tau, u[take], g * share).beta
