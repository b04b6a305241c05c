"""An independent quantile regression: the primal LP solved by scipy's linprog (HiGHS).

min τ 1'u⁺ + (1 − τ) 1'u⁻ − g'β  s.t.  Xβ + u⁺ − u⁻ = y, u± ≥ 0 (Koenker & Bassett 1978),
with observation weights on u±. Written separately from carbongap.qreg (which solves the
dual by an interior point and certifies the vertex), for tests only.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linprog


def linprog_quantile(X: np.ndarray, y: np.ndarray, tau: float,
                     weights: np.ndarray | None = None,
                     shift: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """(β, objective Σ w ρ_τ(r)) of the primal LP."""
    n, p = X.shape
    w = np.ones(n) if weights is None else weights
    g = np.zeros(p) if shift is None else shift
    cost = np.concatenate([-g, tau * w, (1 - tau) * w])
    A = np.hstack([X, np.eye(n), -np.eye(n)])
    bounds = [(None, None)] * p + [(0, None)] * (2 * n)
    res = linprog(cost, A_eq=A, b_eq=y, bounds=bounds, method="highs-ds",
                  options={"primal_feasibility_tolerance": 1e-10,
                           "dual_feasibility_tolerance": 1e-10})
    assert res.status == 0, res.message
    beta = res.x[:p]
    r = y - X @ beta
    return beta, float(w @ (r * (tau - (r < 0))))
