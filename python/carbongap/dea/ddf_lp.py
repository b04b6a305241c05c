"""The radial directional distance function LP of one reference technology (docs/methods.md §15).

For an evaluated unit o = (x_o, y_o, b_o), a direction g = (g_x, g_y, g_b) ≥ 0 and K
reference units (rows of X, Y, B):

.. math::

    D(x_o, y_o, b_o; g) = \\max_{\\lambda, \\beta} \\beta \\quad\\text{s.t.}\\quad
    X^\\top\\lambda \\le x_o - \\beta g_x,\\;
    Y^\\top\\lambda \\ge y_o + \\beta g_y,\\;
    B^\\top\\lambda \\;(=\\text{ or } \\le)\\; b_o - \\beta g_b,\\;
    [\\mathbf 1^\\top\\lambda = 1 \\text{ under VRS}],\\; \\lambda \\ge 0,\\; \\beta \\text{ free}.

The bad-output rows are equalities under weak disposability (Chung, Färe & Grosskopf
1997, eq. 4; the Malmquist-Luenberger literature's default) and inequalities under
strong disposability (bads treated like inputs). β is free: a unit outside a technology
(cross-period terms) has a negative distance; the LP can be infeasible there, and is
unbounded only where the direction leaves every constraint slack (never with g_y > 0 and
positive reference inputs, the data this project screens for).

:class:`DdfLP` builds one HiGHS model per technology (columns λ_1..λ_K and β; rows N
input, M good, J bad and Σλ = 1 under VRS), on the scaled data of
:class:`carbongap.dea.reference.Reference`: only β's column (the unit's direction) and
the row bounds change between units, and each unit starts from the previous basis.

Every answer is checked (:func:`certify`) before it stands, on the scaled LP (dividing a
variable's rows by a positive constant is an exact reformulation; β is unchanged):

* primal: λ⁺ = max(λ, 0) and β meet every row to :data:`DDF_TOLERANCE` of its size;
* dual (optimality): the row duals u (in "≤ form": +dual on input and bad rows, −dual on
  good rows) are repaired into a feasible point of the dual,
  min u_x'x_o − u_y'y_o + u_b'b_o + u_0 s.t. u_x'x_k − u_y'y_k + u_b'b_k + u_0 ≥ 0 for
  every reference unit k, u'g = 1, u_x, u_y ≥ 0 (u_b ≥ 0 under strong disposability,
  free under weak; u_0 = 0 under CRS): signs are clipped, each unit's shortfall is covered
  by raising u_0 (VRS) or the dual of the unit's largest scaled input (CRS), and the
  point is divided by u'g > 0 (the constraints are
  homogeneous, so feasibility survives). By weak duality its objective bounds β from
  above; the answer stands when the bound exceeds β by at most
  :data:`DDF_TOLERANCE` · max(1, |β|).

A warm start's answer that fails, is undecided or says infeasible is solved again from
scratch, then by the interior-point method; an answer that never passes is
``"numerical"`` (NaN), never a number.
"""

from __future__ import annotations

import highspy
import numpy as np
from numba import njit

from ..choices import Disposability, Rts
from ..lp import new_highs
from .highs import HIGHS_OPTIONS, LPBatch, run_attempt
from .reference import Reference
from .status import DECIDED, INFEASIBLE, NUMERICAL, OPTIMAL
from .verify import signs

#: Largest accepted row residual (relative to the row's size) and duality gap (relative
#: to max(1, |β|)) of an answer.
DDF_TOLERANCE: float = 1e-9


def row_sizes(reference: np.ndarray) -> np.ndarray:
    """The largest value of each variable over the reference units (K, N + M + J): the
    part of a row's size (module docstring) that does not depend on the unit."""
    return np.ascontiguousarray(reference.max(axis=0)) if reference.shape[0] else \
        np.zeros(reference.shape[1])


@njit(cache=True)
def certify(reference, largest, sign, n_in, has_slack, vrs, point, g, lam, columns, beta,
            dual):
    """Whether (λ, β) with row duals ``dual`` is an optimum of the DDF LP of ``point``
    against ``reference`` (K, N + M + J) in direction ``g`` (module docstring).
    ``largest``: :func:`row_sizes` of ``reference``.

    ``lam`` holds λ on the reference units ``columns`` (zero on the others); the dual is
    checked on every reference unit. ``sign``: +1 on input and bad rows, −1 on good rows
    (the "≤ form"); ``n_in``: N; ``has_slack``: per row, whether it is an inequality
    (False on the bad rows under weak disposability); ``vrs``: Σλ = 1 with its dual last
    in ``dual``.
    """
    k, n_var = reference.shape
    for v in range(n_var):
        made = 0.0
        size = max(abs(point[v]), abs(beta) * g[v], largest[v])
        for t in range(columns.size):
            made += reference[columns[t], v] * max(lam[t], 0.0)
        size = size if size > 0.0 else 1.0
        excess = sign[v] * (made - point[v]) + beta * g[v]  # ≤ 0 when the row holds
        if not has_slack[v]:
            excess = abs(excess)
        if excess > DDF_TOLERANCE * size:
            return False
    if vrs:
        total = 0.0
        for t in range(columns.size):
            total += max(lam[t], 0.0)
        if abs(total - 1.0) > DDF_TOLERANCE:
            return False
    u = np.empty(n_var)
    for v in range(n_var):
        u[v] = sign[v] * dual[v]
        if has_slack[v] and u[v] < 0.0:
            u[v] = 0.0
    u0 = dual[n_var] if vrs else 0.0
    for j in range(k):  # cover each reference unit's shortfall (module docstring)
        slack = u0
        for v in range(n_var):
            slack += sign[v] * reference[j, v] * u[v]
        if slack >= 0.0:
            continue
        if vrs:
            u0 -= slack
            continue
        pick = 0
        for v in range(1, n_in):
            if reference[j, v] > reference[j, pick]:
                pick = v
        if reference[j, pick] <= 0.0:
            return False
        u[pick] -= slack / reference[j, pick]
    scale = 0.0
    bound = u0
    for v in range(n_var):
        scale += u[v] * g[v]  # β's column in the ≤ form is g itself
        bound += u[v] * sign[v] * point[v]
    if scale <= 0.0:
        return False
    return bound / scale - beta <= DDF_TOLERANCE * max(1.0, abs(beta))


@njit(cache=True)
def certify_all(reference, largest, sign, n_in, has_slack, vrs, points, g, solved, columns,
                duals, codes, optimal):
    """:func:`certify` for every unit whose code is ``optimal``: a boolean per unit
    (``solved``: (n, columns + 1) λ on ``columns`` and β per unit)."""
    n, width = solved.shape
    ok = np.zeros(n, dtype=np.bool_)
    for u in range(n):
        if codes[u] == optimal:
            ok[u] = certify(reference, largest, sign, n_in, has_slack, vrs, points[u], g[u],
                            solved[u, :width - 1], columns, solved[u, width - 1], duals[u])
    return ok


def slack_rows(dims: tuple[int, int, int], disposability: Disposability) -> np.ndarray:
    """Per data row, whether it is an inequality: all but the bad rows under weak
    disposability."""
    rows = np.ones(sum(dims), dtype=np.bool_)
    if disposability == "weak":
        rows[dims[0] + dims[1]:] = False
    return rows


class DdfLP:
    """The DDF LP of one reference technology, one unit per warm-started HiGHS run.

    Parameters
    ----------
    x_ref, y_ref, b_ref
        (K, N), (K, M), (K, J) reference data, nonnegative (J may be 0).
    rts
        ``"crs"`` or ``"vrs"``.
    disposability
        ``"weak"`` (bad rows equalities) or ``"strong"`` (inequalities).
    """

    def __init__(self, x_ref: np.ndarray, y_ref: np.ndarray, b_ref: np.ndarray,
                 rts: Rts, disposability: Disposability = "weak") -> None:
        self.ref = Reference(x_ref, y_ref, b_ref, rts)
        self.rts, self.disposability = rts, disposability
        k, n_var = self.ref.scaled.shape
        vrs = rts == "vrs"
        self._n_row = n_var + int(vrs)
        self._sign = signs(self.ref.dims)
        self._slack_rows = slack_rows(self.ref.dims, disposability)
        self._largest = row_sizes(self.ref.scaled)
        self._columns = np.arange(k)
        column = np.hstack([self.ref.scaled, np.ones((k, 1))]) if vrs else self.ref.scaled
        inf = highspy.kHighsInf
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = k + 1, self._n_row
        lp.col_cost_ = np.r_[np.zeros(k), 1.0]
        lp.col_lower_ = np.r_[np.zeros(k), -inf]
        lp.col_upper_ = np.full(k + 1, inf)
        lp.row_lower_ = np.zeros(self._n_row)
        lp.row_upper_ = np.zeros(self._n_row)
        lp.sense_ = highspy.ObjSense.kMaximize
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.r_[np.arange(k + 1) * self._n_row,
                                    k * self._n_row + n_var].astype(np.int32)
        lp.a_matrix_.index_ = np.r_[np.tile(np.arange(self._n_row), k),
                                    np.arange(n_var)].astype(np.int32)
        lp.a_matrix_.value_ = np.r_[column.ravel(), np.ones(n_var)]
        self._highs = new_highs(HIGHS_OPTIONS)
        self._highs.passModel(lp)
        self._rows = np.arange(self._n_row, dtype=np.int32)

    def _bounds(self, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Row bounds for the scaled point ``p`` (module docstring)."""
        inf = highspy.kHighsInf
        n_in, n_good, _ = self.ref.dims
        lower = np.full(self._n_row, -inf)
        upper = np.full(self._n_row, inf)
        upper[:n_in] = p[:n_in]
        lower[n_in:n_in + n_good] = p[n_in:n_in + n_good]
        upper[n_in + n_good:p.size] = p[n_in + n_good:]
        if self.disposability == "weak":
            lower[n_in + n_good:p.size] = p[n_in + n_good:]
        if self.rts == "vrs":
            lower[-1] = upper[-1] = 1.0
        return lower, upper

    def _run(self, p: np.ndarray, g: np.ndarray, attempt: str) -> tuple[int, np.ndarray,
                                                                        np.ndarray]:
        """One HiGHS run ("warm", "cold" or "ipm"): status, columns, row duals."""
        h = self._highs
        k = self.ref.n_ref
        for row, value in enumerate(self._sign * g):  # β's column: +g_x, −g_y, +g_b
            h.changeCoeff(row, k, float(value))
        lower, upper = self._bounds(p)
        h.changeRowsBounds(self._n_row, self._rows, lower, upper)
        code, found = run_attempt(h, attempt)
        cols, duals = np.zeros(k + 1), np.zeros(self._n_row)
        if found is not None:
            cols[:] = found.col_value
            duals[:] = found.row_dual
        return code, cols, duals

    def _verdict(self, code: int, cols: np.ndarray, duals: np.ndarray, p: np.ndarray,
                 g: np.ndarray) -> int:
        if code != OPTIMAL:
            return code
        k = self.ref.n_ref
        ok = certify(self.ref.scaled, self._largest, self._sign, self.ref.dims[0],
                     self._slack_rows, self.rts == "vrs", p, g, cols[:k], self._columns,
                     float(cols[k]), duals)
        return OPTIMAL if ok else NUMERICAL

    def solve(self, data: np.ndarray, direction: np.ndarray | None = None, *,
              solution: bool = False) -> LPBatch:
        """β for each row of ``data`` = [x, y, b] (units, N + M + J) in the direction of
        the same row of ``direction`` (nonnegative, not all zero; default (0, y, b)).
        ``slacks`` is always None; ``lambdas`` (units, K) when ``solution``."""
        n, k = data.shape[0], self.ref.n_ref
        g = default_direction(data, self.ref.dims) if direction is None else direction
        p_all = data / self.ref.scale
        g_all = g / self.ref.scale
        values = np.full(n, np.nan)
        status = np.empty(n, dtype=np.int16)
        lambdas = np.full((n, k), np.nan)
        for i in range(n):
            p, gi = p_all[i], g_all[i]
            for attempt in ("warm", "cold", "ipm"):
                code, cols, duals = self._run(p, gi, attempt)
                verdict = self._verdict(code, cols, duals, p, gi)
                settled = verdict in DECIDED and not (attempt == "warm"
                                                      and verdict == INFEASIBLE)
                if settled:
                    break
            status[i] = verdict
            if verdict == OPTIMAL:
                values[i] = cols[k]
                lambdas[i] = np.maximum(cols[:k], 0.0)
        return LPBatch(values, status, None, lambdas if solution else None)


def default_direction(data: np.ndarray, dims: tuple[int, int, int]) -> np.ndarray:
    """g = (0, y_o, b_o): the Malmquist-Luenberger literature's direction (Chung, Färe &
    Grosskopf 1997): expand good outputs and contract bad ones in proportion, inputs
    fixed."""
    g = np.array(data, dtype=np.float64, copy=True)
    g[:, :dims[0]] = 0.0
    return g
