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

from ..choices import Disposability, Rts
from ..lp import new_highs
from .highs import HIGHS_OPTIONS, LPBatch, run_attempt
from .reference import Reference
from .status import DECIDED, INFEASIBLE, NUMERICAL, OPTIMAL
from .verify import signs

#: Largest accepted row residual (relative to the row's size) and duality gap (relative
#: to max(1, |β|)) of an answer.
DDF_TOLERANCE: float = 1e-9


def certify(reference: np.ndarray, dims: tuple[int, int, int], rts: Rts,
            disposability: Disposability, point: np.ndarray, g: np.ndarray,
            lam: np.ndarray, beta: float, dual: np.ndarray) -> bool:
    """Whether (λ, β) with row duals ``dual`` is an optimum of the DDF LP of ``point``
    against ``reference`` (K, N + M + J), direction ``g`` (module docstring)."""
    sign = signs(dims)  # the "≤ form": +1 on input and bad rows, −1 on good rows
    n_var = sign.size
    lam = np.maximum(lam, 0.0)
    made = reference.T @ lam
    size = np.maximum.reduce([np.abs(point), np.abs(beta) * g, reference.max(axis=0,
                                                                               initial=0.0)])
    size = np.where(size > 0, size, 1.0)
    excess = sign * (made + sign * beta * g - point)  # ≤ 0 when the row holds
    bad = slice(dims[0] + dims[1], n_var)
    if disposability == "weak":
        excess[bad] = np.abs(excess[bad])
    if (excess > DDF_TOLERANCE * size).any():
        return False
    if rts == "vrs" and abs(lam.sum() - 1.0) > DDF_TOLERANCE:
        return False
    u = sign * dual[:n_var]
    free = np.zeros(n_var, dtype=bool)
    if disposability == "weak":
        free[bad] = True
    u = np.where(free, u, np.maximum(u, 0.0))
    u0 = float(dual[n_var]) if rts == "vrs" else 0.0
    columns = reference * sign  # a_k in the ≤ form
    slack = columns @ u + u0
    short = np.flatnonzero(slack < 0)
    if short.size:
        if rts == "vrs":
            u0 -= float(slack[short].min())
        else:
            inputs = columns[:, :dims[0]]
            for k in short:
                deficit = -(columns[k] @ u)
                if deficit <= 0:
                    continue
                v = int(np.argmax(inputs[k]))
                if inputs[k, v] <= 0:
                    return False
                u[v] += deficit / inputs[k, v]
    scale = float(u @ g)  # β's column in the ≤ form is g itself
    if scale <= 0:
        return False
    bound = (u @ (sign * point) + u0) / scale
    return bool(bound - beta <= DDF_TOLERANCE * max(1.0, abs(beta)))


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
        ok = certify(self.ref.scaled, self.ref.dims, self.rts, self.disposability, p, g,
                     cols[:k], float(cols[k]), duals)
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
