"""Checking the solver's SBI solutions in the caller's units (docs/methods.md §6).

HiGHS solves a rescaled LP (:mod:`carbongap.dea.highs`) in floating point, with its own
internal scaling and tolerances. On data spanning many orders of magnitude it can return
"optimal" with a solution that violates the LP the caller posed (an entry below HiGHS's
``small_matrix_value`` read as zero, a slack that came out negative) or that is feasible
but not optimal (a warm start that stopped early), or claim an LP unbounded that cannot
be. This module is the last word on every solution the engine reports as optimal.

Primal test. For an evaluated unit o with data p = (x_o, y_o, b_o) and direction
g = (g_x, g_y, g_b) > 0, the solver's λ and slacks s (converted to the caller's units)
are first rounded up to zero where negative, λ⁺ = max(λ, 0), s⁺ = max(s, 0). With
τ = :data:`VERIFY_TOLERANCE`, every row must hold to τ of its direction,

.. math::

    |X_{ref}^\\top\\lambda^+ + s^{x+} - x_o| \\le \\tau g_x,\\quad
    |Y_{ref}^\\top\\lambda^+ - s^{y+} - y_o| \\le \\tau g_y,\\quad
    |B_{ref}^\\top\\lambda^+ + s^{b+} - b_o| \\le \\tau g_b,

and |Σλ⁺ − 1| ≤ τ under VRS. The value reported is computed from s⁺,

.. math::

    S = \\tfrac12\\Big[\\tfrac1N \\sum_n s^{x+}_n/g_{x,n}
        + \\tfrac1{M+J}\\Big(\\sum_m s^{y+}_m/g_{y,m} + \\sum_j s^{b+}_j/g_{b,j}\\Big)\\Big]
        \\ge 0,

the SBI objective of a point of the technology that meets every constraint to within τ
of its direction (each row's residual moves S by at most its weight ≤ 1/2 times
residual / g, so by about τ).

Dual test (optimality). The LP's dual is min p'u + u_0 subject to u_v ≥ w_v/g_v on
input and bad rows, −u_v ≥ w_v/g_v on good-output rows (w = 1/(2N), 1/(2(M+J))), and
X_k'u_x + Y_k'u_y + B_k'u_b + u_0 ≥ 0 for every reference unit k (u_0 = 0 under CRS).
The solver's row duals, in the caller's units, are repaired into an exactly feasible
dual point: each u_v is moved to its bound where it violates it; then each reference
unit's shortfall is covered at least cost either by raising u_0 (VRS) or by raising one
input or bad dual u_v (by the largest shortfall / X_kv). By weak duality its objective
is an upper bound on the optimum, and the solution is accepted only when that bound
exceeds S by at most τ · max(1, S). A feasible but non-optimal answer is thus caught.

On the paper-size simulated panel (282 cities, 2006-2016, seeds 0-1, both models, CRS
and VRS, 134,290 solutions) the largest relative residual is 2e-13 and the largest gap
3e-13, four orders of magnitude inside τ. A solution that fails either test is solved
again (:class:`carbongap.dea.highs.UnitLP`); if no attempt passes, the LP gets the
status ``"numerical"`` (NaN), never a number. Only optimal answers are certified here;
a HiGHS "infeasible" answer is not checked by a certificate but always comes from a solve
from scratch (:class:`carbongap.dea.highs.UnitLP`).

Infeasibility test (Farkas). The compiled kernel (:mod:`carbongap.dea.kernel`) answers
"infeasible" with a ray z of the rows. If some λ, s ≥ 0 met the constraints, then
z'p = Σ_k λ_k z'a_k + Σ_v s_v σ_v z_v, so z'p > 0 is impossible when every z'a_k ≤ 0
(a_k the reference unit's column, with 1 on the VRS row) and every σ_v z_v ≤ 0. The ray
is accepted when, relative to the sizes of the products, z'p ≥ :data:`FARKAS_MARGIN` and
no column exceeds :data:`FARKAS_TOLERANCE`; otherwise HiGHS decides the LP.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from ..choices import Rts

#: Largest accepted constraint residual relative to the row's direction g_v, and
#: largest accepted duality gap relative to max(1, S): the order of the largest error
#: in a reported S (module docstring; HiGHS's own tolerances are 1e-10 in its scaled
#: units).
VERIFY_TOLERANCE: float = 1e-9
#: Largest accepted z'a_k (and σ_v z_v) of a Farkas ray, relative to Σ|z_v a_kv| (to
#: max|z| for a slack); rounding of these short sums is about 1e-16.
FARKAS_TOLERANCE: float = 1e-12
#: Smallest accepted z'p of a Farkas ray, relative to Σ|z_v p_v|: the point is clearly
#: outside the technology.
FARKAS_MARGIN: float = 1e-9


def signs(dims: tuple[int, int, int]) -> np.ndarray:
    """+1 for input and bad-output rows, −1 for good-output rows (docs/methods.md §6)."""
    n_in, n_good, n_bad = dims
    out = np.ones(n_in + n_good + n_bad)
    out[n_in:n_in + n_good] = -1.0
    return out


def sbi_weights(dims: tuple[int, int, int]) -> np.ndarray:
    """Objective weights before division by g: 1/(2N) per input, 1/(2(M+J)) per output."""
    n_in, n_good, n_bad = dims
    return np.concatenate([np.full(n_in, 1.0 / (2 * n_in)),
                           np.full(n_good + n_bad, 1.0 / (2 * (n_good + n_bad)))])


@dataclass(frozen=True)
class Checked:
    """Result of :func:`check`, one entry (row) per solution checked.

    ``ok``: the solution passed both tests; ``values``: S from s⁺ (meaningful where ok);
    ``lambdas``, ``slacks``: λ⁺ and s⁺ (caller's units); ``gap``: the certified upper
    bound minus the value (+inf where the duals give no bound).
    """

    ok: np.ndarray
    values: np.ndarray
    lambdas: np.ndarray
    slacks: np.ndarray
    gap: np.ndarray


@njit(cache=True)
def _bounds(reference: np.ndarray, sign: np.ndarray, floor: np.ndarray, vrs: bool,
            points: np.ndarray, duals: np.ndarray) -> np.ndarray:
    """Compiled loop of :func:`upper_bound`, one unit at a time (no (n, K) temporaries)."""
    n, n_var = points.shape
    k = reference.shape[0]
    out = np.empty(n)
    u = np.empty(n_var)
    short = np.empty(k)
    for i in range(n):
        finite = True
        for v in range(duals.shape[1]):
            finite = finite and np.isfinite(duals[i, v])
        if not finite:
            out[i] = np.nan
            continue
        total = 0.0
        for v in range(n_var):
            u[v] = sign[v] * max(sign[v] * duals[i, v], floor[i, v])
            total += u[v] * points[i, v]
        u0 = duals[i, n_var] if vrs else 0.0
        worst = 0.0
        for j in range(k):
            priced = u0
            for v in range(n_var):
                priced += u[v] * reference[j, v]
            short[j] = max(-priced, 0.0)
            worst = max(worst, short[j])
        repair = worst if vrs or worst == 0.0 else np.inf
        for v in range(n_var):
            if sign[v] < 0:
                continue
            need = 0.0
            for j in range(k):
                if short[j] > 0.0:
                    # a unit with 0 in column v cannot be repaired through u_v
                    need = max(need, short[j] / reference[j, v]) if reference[j, v] > 0.0 \
                        else np.inf
            repair = min(repair, np.inf if need == np.inf else points[i, v] * need)
        out[i] = total + u0 + repair
    return out


def upper_bound(reference: np.ndarray, dims: tuple[int, int, int], rts: Rts,
                points: np.ndarray, direction: np.ndarray, duals: np.ndarray) -> np.ndarray:
    """An upper bound on S from the solver's row duals made dual feasible (module doc).

    ``duals``: (n, N + M + J [+ 1 under VRS]) row duals in the caller's units (u_v; the
    last column is the dual of Σλ = 1). Returns (n,) bounds, +inf where no repair works
    and NaN where a dual is not finite. Compiled (numba): each unit's K reference
    columns are priced in one pass.
    """
    sign = signs(dims)
    floor = np.ascontiguousarray(sbi_weights(dims) / direction, dtype=np.float64)
    return _bounds(np.ascontiguousarray(reference, dtype=np.float64), sign, floor,
                   rts == "vrs", np.ascontiguousarray(points, dtype=np.float64),
                   np.ascontiguousarray(duals, dtype=np.float64))


def check(reference: np.ndarray, dims: tuple[int, int, int], rts: Rts, points: np.ndarray,
          direction: np.ndarray, lambdas: np.ndarray, slacks: np.ndarray,
          duals: np.ndarray) -> Checked:
    """Check solutions of the SBI LP in the caller's units (module docstring).

    Parameters
    ----------
    reference
        (K, N + M + J) reference data [x, y, b], caller's units.
    points, direction
        (n, N + M + J) evaluated data and its (positive) direction, caller's units.
    lambdas
        (n, K) intensity weights returned by the solver.
    slacks
        (n, N + M + J) slacks returned by the solver, converted to the caller's units.
    duals
        (n, N + M + J [+ 1]) row duals, converted to the caller's units (see
        :func:`upper_bound`).
    """
    lam = np.maximum(lambdas, 0.0)
    slack = np.maximum(slacks, 0.0)
    residual = lam @ reference + signs(dims) * slack - points
    ok = (np.abs(residual) <= VERIFY_TOLERANCE * direction).all(axis=1)
    if rts == "vrs":
        ok &= np.abs(lam.sum(axis=1) - 1.0) <= VERIFY_TOLERANCE
    values = (slack / direction) @ sbi_weights(dims)
    gap = upper_bound(reference, dims, rts, points, direction, duals) - values
    ok &= gap <= VERIFY_TOLERANCE * np.maximum(1.0, values)
    ok &= np.isfinite(residual).all(axis=1) & np.isfinite(values)
    return Checked(ok=ok, values=values, lambdas=lam, slacks=slack, gap=gap)


def infeasibility_certified(reference: np.ndarray, dims: tuple[int, int, int], rts: Rts,
                            points: np.ndarray, rays: np.ndarray) -> np.ndarray:
    """Whether each ray proves its point's LP infeasible (module docstring, Farkas test).

    ``reference``: (K, N + M + J) caller's units; ``points``: (n, N + M + J);
    ``rays``: (n, N + M + J [+ 1 under VRS]) in the caller's units (the last entry is the
    ray's component on Σλ = 1). Returns (n,) booleans.
    """
    n_var = points.shape[1]
    z = rays[:, :n_var]
    z0 = rays[:, n_var] if rts == "vrs" else np.zeros(points.shape[0])
    columns = z @ reference.T + z0[:, None]  # (n, K)
    sizes = np.abs(z) @ np.abs(reference).T + np.abs(z0)[:, None]
    slack = (signs(dims) * z).max(axis=1, initial=-np.inf) <= (
        FARKAS_TOLERANCE * np.abs(rays).max(axis=1, initial=0.0))
    lam = (columns <= FARKAS_TOLERANCE * sizes).all(axis=1)
    value = (z * points).sum(axis=1) + z0
    margin = (value > 0) & (value >= FARKAS_MARGIN * ((np.abs(z) * np.abs(points)).sum(axis=1)
                                                      + np.abs(z0)))
    return slack & lam & margin & np.isfinite(rays).all(axis=1)
