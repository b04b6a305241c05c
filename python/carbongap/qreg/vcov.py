"""Standard errors of regression quantiles, with the formulas of R quantreg's ``summary.rq``.

docs/methods.md §7. Notation: n observations, p coefficients, β̂(τ) the exact fit,
r = y − Xβ̂ its residuals, φ and Φ the standard normal density and distribution,
ε_M = 2.2e-16 (machine epsilon) and ε = √ε_M (quantreg's ``eps`` in summary.rq 5.94).

Bandwidths (Koenker 2005, section 3.4.4), with z = Φ⁻¹(τ) and α = 0.05:

* Hall & Sheather (1988): h = n^(−1/3) Φ⁻¹(1 − α/2)^(2/3) (1.5 φ(z)² / (2z² + 1))^(1/3);
* Bofinger (1975): h = n^(−1/5) (4.5 φ(z)⁴ / (2z² + 1)²)^(1/5).

``nid`` (Hendricks & Koenker 1992; sandwich of Koenker & Machado 1999): h halved until
0 < τ ± h < 1; f_i = max(0, 2h / (x_i'(β̂(τ+h) − β̂(τ−h)) − ε));
V = τ(1 − τ) (X'FX)⁻¹ X'X (X'FX)⁻¹ with F = diag(f). Where k of the x_i'(β̂(τ+h) − β̂(τ−h))
are ≤ 0 (crossing quantiles), a :class:`QuantRegWarning` says "k non-positive fis", as
quantreg does.

``iid`` (Koenker 2005, section 3.4.3): the sparsity s = 1/f(F⁻¹(τ)) is the slope of the
median regression of the order statistics of the residuals, r_(pz+1) ... r_(pz+h+1)
ordered by |r| and then sorted, on i/(n − p), where pz counts |r_i| < ε and
h = max(p + 1, ⌈n h_HS⌉); V = s² τ(1 − τ) (X'X)⁻¹. That median regression often ties (an
even number of points); it is solved along quantreg's own br path (:mod:`.br`), so the same
vertex — the same sparsity — comes out, with the same warning where it may be nonunique.

``ker`` (Powell 1991): h as for nid, then the kernel bandwidth
κ = (Φ⁻¹(τ + h) − Φ⁻¹(τ − h)) min(sd(r), IQR(r)/1.34) (sd with n − 1, quartiles of
type 7) and f_i = φ(r_i/κ)/κ in the sandwich above.

The inverses (X'FX)⁻¹ are formed from the QR decomposition of √F X, as quantreg does.
The products of R's matrix algebra (``x %*% b``, ``t(x) %*% x``, ``crossprod``, the
sandwich's p x p products) are formed in the order of the reference BLAS that R calls
(:func:`reference_matvec`, :func:`reference_gram`, :func:`reference_product`: every sum
sequential, each product rounded before its addition). The sandwich τ(1 − τ) H X'X H
cancels: its relative rounding is that of X'X times about |H| |X'X| |H| / |V|, so an X'X
summed in another order (a tuned BLAS) moves the SEs by up to 2e-12 relative on Tables 1-8;
in R's order they agree with quantreg's to about 5e-14 (the QR, LAPACK's here and LINPACK's
in R, accounts for the rest).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from numba import njit
from scipy.linalg import solve_triangular
from scipy.linalg.lapack import dgeqrf
from scipy.special import ndtri

from ..errors import TooFewObservationsError
from .br import barrodale_roberts
from .solver import solve

#: quantreg's eps in summary.rq: the square root of the machine epsilon.
EPS: float = float(np.sqrt(np.finfo(np.float64).eps))


class QuantRegWarning(UserWarning):
    """A fit or a standard error that quantreg would warn about (its wording)."""


@dataclass(frozen=True)
class Vcov:
    """A covariance of β̂(τ), (p, p), and for a sandwich τ(1 − τ) H X'X H its bread
    H = (X'FX)⁻¹, which the tests across quantiles combine (docs/methods.md §7, "Tests");
    None for another estimator."""

    matrix: np.ndarray
    bread: np.ndarray | None = None


def _dnorm(x: np.ndarray | float) -> np.ndarray | float:
    return np.exp(-0.5 * np.square(x)) / np.sqrt(2.0 * np.pi)


def bandwidth(tau: float, n: int, hs: bool = True, alpha: float = 0.05) -> float:
    """Hall-Sheather (``hs``) or Bofinger bandwidth of the sparsity estimate (module doc)."""
    z = float(ndtri(tau))
    f0 = float(_dnorm(z))
    if hs:
        return float(n ** (-1.0 / 3.0) * ndtri(1.0 - alpha / 2.0) ** (2.0 / 3.0)
                     * ((1.5 * f0**2) / (2.0 * z**2 + 1.0)) ** (1.0 / 3.0))
    return float(n ** -0.2 * ((4.5 * f0**4) / (2.0 * z**2 + 1.0) ** 2) ** 0.2)


def _inner_bandwidth(tau: float, n: int, hs: bool) -> float:
    """The bandwidth halved until τ − h > 0 and τ + h < 1 (quantreg's nid and ker)."""
    h = bandwidth(tau, n, hs)
    while tau - h < 0.0 or tau + h > 1.0:
        h /= 2.0
    return h


def reference_matvec(X: np.ndarray, b: np.ndarray) -> np.ndarray:
    """X b summed column by column, as the reference BLAS's dgemv (R's ``x %*% b``)."""
    out = np.zeros(X.shape[0])
    for j in range(X.shape[1]):
        out += b[j] * X[:, j]
    return out


@njit(cache=True)
def reference_gram(X: np.ndarray) -> np.ndarray:
    """X'X with each entry summed over the rows in order, as the reference BLAS (R's
    ``t(x) %*% x`` and ``crossprod(x)``)."""
    n, p = X.shape
    out = np.empty((p, p))
    for j in range(p):
        for i in range(p):
            total = 0.0
            for row in range(n):
                total += X[row, j] * X[row, i]
            out[i, j] = total
    return out


@njit(cache=True)
def reference_product(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """A B in the reference BLAS's dgemm order (column j of the product accumulates
    B[l, j] A[:, l] over l), for the small p x p products of the covariances."""
    m, inner = A.shape
    out = np.zeros((m, B.shape[1]))
    for j in range(B.shape[1]):
        for k in range(inner):
            scale = B[k, j]
            for i in range(m):
                out[i, j] += scale * A[i, k]
    return out


def inverse_cross(X: np.ndarray, f: np.ndarray | None = None) -> np.ndarray:
    """(X'FX)⁻¹ (F = diag(f), default the identity) from the QR factor of √F X (built in
    column-major order, which LAPACK's QR works in, so it is not copied again)."""
    Z = np.empty(X.shape, order="F")
    np.multiply(X, 1.0 if f is None else np.sqrt(f)[:, None], out=Z)
    p = X.shape[1]
    factor, _, _, info = dgeqrf(Z, overwrite_a=True)
    R = np.triu(factor[:p])
    if info != 0 or not np.all(np.isfinite(R)) or np.any(np.diag(R) == 0.0):
        raise np.linalg.LinAlgError("X'FX is singular")
    Rinv = solve_triangular(R, np.eye(p))
    return reference_product(Rinv, Rinv.T)


def sandwich(X: np.ndarray, f: np.ndarray, tau: float) -> Vcov:
    """τ(1 − τ) (X'FX)⁻¹ X'X (X'FX)⁻¹ (Koenker & Machado 1999) with its bread; NaN where
    X'FX is singular (too few observations with a positive density estimate, far in a
    tail)."""
    try:
        H = inverse_cross(X, f)
    except np.linalg.LinAlgError:
        H = np.full((X.shape[1], X.shape[1]), np.nan)
    return Vcov(tau * (1.0 - tau) * reference_product(reference_product(H, reference_gram(X)),
                                                      H), H)


def nid_density(X: np.ndarray, y: np.ndarray, tau: float, beta: np.ndarray,
                hs: bool = True) -> tuple[np.ndarray, int]:
    """The nid density estimates f_i, and how many of the fitted differences
    x_i'(β̂(τ+h) − β̂(τ−h)) are ≤ 0 (module docstring). The fits at τ ± h start from
    scratch, as quantreg's: continued from β̂(τ)'s vertex they reach the same vertex, but
    the doubles differ in the last bits, and where an observation is fitted exactly at
    both τ ± h its difference is rounding noise whose sign quantreg's count of
    non-positive values reports (docs/methods.md §7)."""
    h = _inner_bandwidth(tau, len(y), hs)
    high = solve(X, y, tau + h, start=beta).beta
    low = solve(X, y, tau - h, start=beta).beta
    dyhat = reference_matvec(X, high - low)
    return np.maximum(0.0, (2.0 * h) / (dyhat - EPS)), int(np.sum(dyhat <= 0.0))


def vcov_nid(X: np.ndarray, y: np.ndarray, tau: float, beta: np.ndarray,
             hs: bool = True) -> Vcov:
    """Covariance of β̂(τ) under non-identically distributed errors (``se = "nid"``)."""
    f, nonpositive = nid_density(X, y, tau, beta, hs)
    if nonpositive:
        warnings.warn(QuantRegWarning(f"{nonpositive} non-positive fis"), stacklevel=2)
    return sandwich(X, f, tau)


def vcov_iid(X: np.ndarray, y: np.ndarray, tau: float, beta: np.ndarray,
             hs: bool = True) -> Vcov:
    """Covariance of β̂(τ) under iid errors (``se = "iid"``)."""
    n, p = X.shape
    resid = y - X @ beta
    pz = int(np.sum(np.abs(resid) < EPS))
    h = max(p + 1, int(np.ceil(n * bandwidth(tau, n, hs))))
    ir = np.arange(pz + 1, h + pz + 2)  # quantreg's 1-based (pz + 1):(h + pz + 1)
    if ir[-1] > n:  # quantreg stops here too ("variable lengths differ")
        raise TooFewObservationsError(
            f"se = 'iid' at tau {tau:g} needs {ir[-1]} observations for its sparsity "
            f"estimate ({h + 1} order statistics after the {pz} zero residuals); the fit has "
            f"{n}")
    by_size = resid[np.argsort(np.abs(resid), kind="stable")]
    ordered = np.sort(by_size[ir - 1])
    design = np.column_stack([np.ones(ir.size), ir / (n - p)])
    inner = barrodale_roberts(design, ordered, 0.5)
    if not inner.unique:
        warnings.warn(QuantRegWarning("the iid sparsity fit: solution may be nonunique"),
                      stacklevel=2)
    sparsity = inner.beta[1]
    return Vcov(sparsity**2 * inverse_cross(X) * tau * (1.0 - tau))  # R's order


def ker_density(X: np.ndarray, y: np.ndarray, tau: float, beta: np.ndarray,
                hs: bool = True) -> np.ndarray:
    """Powell's kernel density estimates f_i = φ(r_i/κ)/κ (module docstring)."""
    h = _inner_bandwidth(tau, len(y), hs)
    uhat = y - reference_matvec(X, beta)
    q1, q3 = np.quantile(uhat, [0.25, 0.75])
    kappa = float((ndtri(tau + h) - ndtri(tau - h))
                  * min(float(np.std(uhat, ddof=1)), (q3 - q1) / 1.34))
    return np.asarray(_dnorm(uhat / kappa)) / kappa


def vcov_ker(X: np.ndarray, y: np.ndarray, tau: float, beta: np.ndarray,
             hs: bool = True) -> Vcov:
    """Covariance of β̂(τ) with Powell's kernel estimate (``se = "ker"``)."""
    return sandwich(X, ker_density(X, y, tau, beta, hs), tau)

