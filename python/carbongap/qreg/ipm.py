"""Frisch-Newton interior point for the quantile regression LP (Portnoy & Koenker 1997).

The τ-th regression quantile minimises Σ_i u_i ρ_τ(y_i − x_i'β) − g'β over β, with
ρ_τ(r) = r (τ − 1{r < 0}) (Koenker & Bassett 1978; docs/methods.md §7), weights u_i ≥ 0
(1 for a plain fit, resampling counts in the xy bootstrap) and a gradient shift g (0, or
the perturbation of the wild gradient bootstrap). Its LP dual, solved here, is

    max_a  y'a   s.t.  X'a = (1 − τ) X'u − g,   0 ≤ a_i ≤ u_i,

and β is the vector of multipliers of the p equality constraints. The method is a
primal-dual path-following interior point with Mehrotra's predictor-corrector (Portnoy &
Koenker 1997, section 3; Koenker 2005, section 6.4), started from a = (1 − τ)u and the
least-squares β; every Newton step solves two p × p systems in X'QX (predictor and
corrector). It returns an approximate optimum only: :mod:`carbongap.qreg.solver` turns it
into the exact vertex.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Fraction of the step to the boundary taken (Portnoy & Koenker's 0.99995).
STEP_FRACTION = 0.99995
#: Stop when the duality gap is below this times (1 + |objective|).
GAP_TOLERANCE = 1e-11


@dataclass(frozen=True)
class IpmResult:
    """An approximate optimum: ``beta`` (p,), the dual point ``a`` (n,), the iterations
    used and whether the gap and feasibility tolerances were met."""

    beta: np.ndarray
    a: np.ndarray
    iterations: int
    converged: bool


def _max_step(v: np.ndarray, dv: np.ndarray) -> float:
    """The largest α ≤ 1 with v + α dv ≥ 0 (v > 0)."""
    ratio = np.divide(v, -dv, out=np.full(v.shape, np.inf), where=dv < 0.0)
    return float(min(1.0, ratio.min(initial=np.inf)))


def _max_box_step(a: np.ndarray, s: np.ndarray, da: np.ndarray) -> float:
    """The largest α ≤ 1 with a + α da ≥ 0 and s − α da ≥ 0 (a, s > 0)."""
    room = np.where(da < 0.0, a, s)
    with np.errstate(divide="ignore"):
        return float(min(1.0, (room / np.abs(da)).min(initial=np.inf)))


def frisch_newton(X: np.ndarray, y: np.ndarray, tau: float, u: np.ndarray | None = None,
                  g: np.ndarray | None = None, *, maxit: int = 60) -> IpmResult:
    """Solve the dual LP of the module docstring approximately.

    Parameters
    ----------
    X
        (n, p) design, full column rank.
    y
        (n,) response.
    tau
        Quantile in (0, 1).
    u
        (n,) positive upper bounds (observation weights); default 1.
    g
        (p,) gradient shift; default 0.
    """
    n = X.shape[0]
    u = np.ones(n) if u is None else np.asarray(u, dtype=np.float64)
    rhs = (1.0 - tau) * (X.T @ u) - (0.0 if g is None else np.asarray(g, dtype=np.float64))
    c = -y  # the dual is solved as min c'a
    a = (1.0 - tau) * u
    s = u - a
    beta = np.linalg.lstsq(X, c, rcond=None)[0]
    r = c - X @ beta
    z = np.maximum(r, 0.0)
    w = z - r
    floor = max(1e-3 * float(np.mean(np.abs(r))), 1e-12)
    z += floor
    w += floor
    scale = 1.0 + float(np.max(np.abs(rhs)))
    converged = False
    iterations = 0
    for iterations in range(1, maxit + 1):  # noqa: B007 (the count is returned)
        rp = rhs - X.T @ a
        rd = c - X @ beta - z + w
        gap = float(a @ z + s @ w)
        if (gap <= GAP_TOLERANCE * (1.0 + abs(float(c @ a)))
                and float(np.max(np.abs(rp))) <= 1e-10 * scale):
            converged = True
            break
        q = 1.0 / (z / a + w / s)
        normal = (X.T * q) @ X
        if not np.all(np.isfinite(normal)):
            break

        def newton(rt: np.ndarray, normal: np.ndarray = normal, q: np.ndarray = q,
                   rp: np.ndarray = rp) -> tuple[np.ndarray, np.ndarray]:
            db = np.linalg.solve(normal, rp + X.T @ (q * rt))
            return db, q * (X @ db - rt)

        # predictor (affine scaling)
        try:
            db, da = newton(rd + z - w)
        except np.linalg.LinAlgError:  # a singular X'QX: an infeasible (band) problem
            break
        dz = -z - (z / a) * da
        dw = -w + (w / s) * da
        ap = _max_box_step(a, s, da)
        ad = min(_max_step(z, dz), _max_step(w, dw))
        mu = gap / (2 * n)
        mu_aff = float((a + ap * da) @ (z + ad * dz) + (s - ap * da) @ (w + ad * dw)) / (2 * n)
        target = (mu_aff / mu) ** 3 * mu
        # corrector (centring and second-order terms)
        cz = (target - a * z - da * dz) / a
        cw = (target - s * w + da * dw) / s
        db, da = newton(rd - cz + cw)
        dz = cz - (z / a) * da
        dw = cw + (w / s) * da
        ap = min(1.0, STEP_FRACTION * _max_box_step(a, s, da))
        ad = min(1.0, STEP_FRACTION * min(_max_step(z, dz), _max_step(w, dw)))
        a = a + ap * da
        s = u - a
        beta = beta + ad * db
        z = z + ad * dz
        w = w + ad * dw
        if not (np.all(np.isfinite(beta)) and np.all(s > 0) and np.all(a > 0)):
            break
    return IpmResult(-beta, a, iterations, converged)
