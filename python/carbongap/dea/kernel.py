"""A compiled dense simplex for the small SBI LPs of one reference technology.

docs/methods.md §6. After pruning, an SBI LP has N + M + J rows (plus Σλ = 1 under VRS)
and tens of columns: a dense two-phase primal simplex on its tableau needs a handful of
pivots of a few hundred flops, so what costs time in the HiGHS path is per-call overhead.
:func:`solve_units` solves every unit of one technology in one compiled call (numba,
compiled once and cached on disk).

The LP in scaled units (:mod:`carbongap.dea.reference`): max c's subject to
A λ + diag(σ) s = r, λ, s ≥ 0, where A is the (rows × K) reference matrix (with a row of
ones under VRS), σ = +1 on input and bad rows and −1 on good rows (no slack on the VRS
row), c the slack costs w / g and r the evaluated unit. Phase 1 starts from the slack of
each row where σ r ≥ 0 and an artificial elsewhere (the good-output rows and the VRS row)
and minimises the artificials; phase 2 maximises c's. The units are taken in order of
size (:func:`solving_order`); a unit starts from the previous unit's optimal basis
(B⁻¹ read from the tableau's artificial columns: only the right-hand side and the cost
row are recomputed) with phase 2 when that basis is primal feasible for it (B⁻¹ r ≥ 0),
or with the dual simplex when it is not but every reduced cost is non-positive;
otherwise cold as above, and every :data:`REFRESH`-th unit starts cold so that rounding
cannot build up along a chain of warm starts; each optimum's basic values are refined
iteratively against the original columns (:func:`_refine`), which keeps warm answers as
accurate as cold ones. Entering column: the largest reduced cost (Dantzig), switching
to the lowest index (Bland's rule, which cannot cycle) after :data:`DEGENERATE_SWITCH`
pivots without progress; leaving row: the smallest ratio, ties to the lowest basic
index. Each optimum comes with its row duals y = c_B B⁻¹ (read
from the artificial columns), so the caller checks it with the same certificate as a
HiGHS answer (:mod:`carbongap.dea.verify`); an infeasible LP comes with the Farkas ray of
phase 1, z = −c1_B B⁻¹ (z'a ≤ 0 on every column, z'r > 0), checked in the caller's units
(:func:`carbongap.dea.verify.infeasibility_certified`). Anything else (unbounded,
iteration cap, a failed certificate) goes to HiGHS.
"""

from __future__ import annotations

import time

import numpy as np
from numba import njit

from ..choices import Disposability, Rts
from . import prune as pruning
from .ddf_lp import DdfLP, certify_all, default_direction, row_sizes, slack_rows
from .highs import LPBatch, TechnologyLP, redo_rows
from .reference import Reference
from .status import INFEASIBLE, NUMERICAL, OPTIMAL, UNBOUNDED
from .verify import FARKAS_MARGIN, FARKAS_TOLERANCE, infeasibility_certified, signs

#: Status codes of :func:`solve_units`: HiGHS's model statuses (:mod:`carbongap.dea.status`),
#: kIterationLimit for the iteration cap.
KERNEL_OPTIMAL, KERNEL_INFEASIBLE, KERNEL_UNBOUNDED, KERNEL_LIMIT = (OPTIMAL, INFEASIBLE,
                                                                    UNBOUNDED, 14)
#: Pivot tolerance: smaller tableau entries are not pivots.
PIVOT_TOLERANCE = 1e-11
#: Reduced costs at most this are taken as non-positive (optimality).
OPTIMALITY_TOLERANCE = 1e-12
#: Phase 1 ends feasible when the artificials sum to at most this times max(1, Σ r).
FEASIBILITY_TOLERANCE = 1e-11
#: Iterative refinement steps of an optimum's basic values at most (:func:`_refine`).
REFINE_STEPS = 3
#: Pivots without objective progress before Bland's rule takes over.
DEGENERATE_SWITCH = 10


@njit(cache=True)
def _pivot(tab, basis, row, col):
    n_rows, width = tab.shape
    p = tab[row, col]
    for j in range(width):
        tab[row, j] /= p
    for i in range(n_rows):
        if i != row:
            f = tab[i, col]
            if f != 0.0:
                for j in range(width):
                    tab[i, j] -= f * tab[row, j]
    if row < basis.size:
        basis[row] = col


@njit(cache=True)
def _simplex(tab, basis, n_enter, max_iter):
    """Maximise the objective in the last row of ``tab`` (reduced costs, negated objective
    in its last cell) over the first ``n_enter`` columns; returns 0 optimal, 1 unbounded,
    2 iteration cap."""
    m = basis.size
    last = tab.shape[1] - 1
    stalled = 0
    previous = tab[m, last]
    for _ in range(max_iter):
        col = -1
        best = OPTIMALITY_TOLERANCE
        for j in range(n_enter):
            d = tab[m, j]
            if d > best:
                col = j
                if stalled >= DEGENERATE_SWITCH:
                    break
                best = d
        if col < 0:
            return 0
        row = -1
        ratio = np.inf
        for i in range(m):
            a = tab[i, col]
            if a > PIVOT_TOLERANCE:
                q = tab[i, last] / a
                if q < ratio or (q == ratio and basis[i] < basis[row]):
                    ratio = q
                    row = i
        if row < 0:
            return 1
        _pivot(tab, basis, row, col)
        if tab[m, last] == previous:
            stalled += 1
        else:
            stalled = 0
            previous = tab[m, last]
    return 2


@njit(cache=True)
def _phase2_costs(tab, basis, costs, cost_u, k):
    """Write the reduced costs of c's (c = ``cost_u`` on the slacks) into the last row."""
    rows = basis.size
    n_var = cost_u.size
    width = tab.shape[1]
    for j in range(costs.size):
        costs[j] = 0.0
    for v in range(n_var):
        costs[k + v] = cost_u[v]
    for j in range(width):
        tab[rows, j] = 0.0
    for j in range(costs.size):
        tab[rows, j] = costs[j]
    for i in range(rows):
        cb = costs[basis[i]]
        if cb != 0.0:
            for j in range(width):
                tab[rows, j] -= cb * tab[i, j]


@njit(cache=True)
def _cold(tab, basis, costs, starts, a_ref, sign, rhs_u, cost_u, max_iter):
    """Both phases from the slack/artificial basis; returns a code of :func:`solve_units`
    (``starts``: a (rows,) work array)."""
    rows, k = a_ref.shape
    n_var = sign.size
    n_cols = k + n_var
    width = tab.shape[1]
    tab[:, :] = 0.0
    for i in range(rows):
        for j in range(k):
            tab[i, j] = a_ref[i, j]
        if i < n_var:
            tab[i, k + i] = sign[i]
        tab[i, n_cols + i] = 1.0
        tab[i, width - 1] = rhs_u[i]
        if rhs_u[i] < 0.0:  # a row with a negative right-hand side is negated
            for j in range(width):
                tab[i, j] = -tab[i, j]
            tab[i, n_cols + i] = 1.0  # its artificial stays +e_i
    for i in range(rows):
        starts[i] = i < n_var and tab[i, k + i] > 0.0
    return _two_phases(tab, basis, costs, starts, k, rhs_u, cost_u, k, max_iter)


@njit(cache=True)
def _two_phases(tab, basis, costs, starts, first_slack, rhs_u, cost_u, cost_at, max_iter):
    """Both phases on a filled tableau (columns, then one artificial per row, then the
    right-hand side): phase 1 from the slack ``first_slack + i`` of each row i that
    ``starts`` and the artificial of every other row, then phase 2 maximising ``cost_u``
    on the columns from ``cost_at``. Returns a code of :func:`solve_units`; after
    KERNEL_INFEASIBLE ``costs`` still hold phase 1's (the Farkas ray)."""
    rows = basis.size
    width = tab.shape[1]
    n_cols = width - 1 - rows
    total = 0.0
    for j in range(n_cols + rows):
        costs[j] = 0.0
    for i in range(rows):
        if starts[i]:
            basis[i] = first_slack + i
        else:
            basis[i] = n_cols + i
            costs[n_cols + i] = -1.0
            total += abs(rhs_u[i])
            for j in range(width):
                tab[rows, j] += tab[i, j]
    for i in range(rows):
        if basis[i] >= n_cols:
            tab[rows, basis[i]] = 0.0
    state = _simplex(tab, basis, n_cols, max_iter)
    residual = 0.0
    for i in range(rows):
        if basis[i] >= n_cols:
            residual += tab[i, width - 1]
    if state == 2:
        return KERNEL_LIMIT
    if residual > FEASIBILITY_TOLERANCE * max(1.0, total):
        return KERNEL_INFEASIBLE
    # drive zero-level artificials out of the basis (a redundant row keeps its own)
    for i in range(rows):
        if basis[i] >= n_cols:
            pick = -1
            size = PIVOT_TOLERANCE
            for j in range(n_cols):
                if abs(tab[i, j]) > size:
                    size = abs(tab[i, j])
                    pick = j
            if pick >= 0:
                _pivot(tab, basis, i, pick)
    _phase2_costs(tab, basis, costs, cost_u, cost_at)
    return _phase2_code(_simplex(tab, basis, n_cols, max_iter))


@njit(cache=True)
def _phase2_code(state):
    if state == 1:
        return KERNEL_UNBOUNDED
    if state == 2:
        return KERNEL_LIMIT
    return KERNEL_OPTIMAL


@njit(cache=True)
def _dual_simplex(tab, basis, n_enter, max_iter):
    """Restore primal feasibility of a dual feasible tableau (every reduced cost ≤ the
    optimality tolerance): leaving row the most negative basic value, entering column the
    smallest ratio d_j / a_rj over a_rj < 0, which keeps the reduced costs non-positive.
    Returns 0 primal feasible, 1 a row with no negative entry (the LP is infeasible),
    2 iteration cap."""
    m = basis.size
    last = tab.shape[1] - 1
    for _ in range(max_iter):
        row = -1
        worst = 0.0
        for i in range(m):
            if tab[i, last] < worst:
                worst = tab[i, last]
                row = i
        if row < 0:
            return 0
        col = -1
        ratio = np.inf
        for j in range(n_enter):
            a = tab[row, j]
            if a < -PIVOT_TOLERANCE:
                q = tab[m, j] / a
                if q < ratio:
                    ratio = q
                    col = j
        if col < 0:
            return 1
        _pivot(tab, basis, row, col)
    return 2


@njit(cache=True)
def _warm(tab, basis, costs, rhs_u, cost_u, k, max_iter):
    """This unit from the previous unit's optimal basis (B⁻¹ read from the artificial
    columns; only the right-hand side B⁻¹ r and the cost row are recomputed): phase 2 when
    the basis is primal feasible for it (B⁻¹ r ≥ 0), the dual simplex first when it is
    not but its reduced costs are all non-positive. Returns the optimal code of
    :func:`solve_units` (negated after the dual simplex), or -1 when neither applies or
    the warm start does not end optimal, and the unit needs :func:`_cold`."""
    rows = basis.size
    width = tab.shape[1]
    n_cols = width - 1 - rows
    for i in range(rows):
        if rhs_u[i] < 0.0 or basis[i] >= n_cols:
            return -1
    feasible = True
    for i in range(rows):
        value = 0.0
        for r in range(rows):
            value += tab[i, n_cols + r] * rhs_u[r]
        feasible = feasible and value >= 0.0
        tab[i, width - 1] = value
    _phase2_costs(tab, basis, costs, cost_u, k)
    if not feasible:
        for j in range(n_cols):
            if tab[rows, j] > OPTIMALITY_TOLERANCE:
                return -1
        if _dual_simplex(tab, basis, n_cols, max_iter) != 0:
            return -1
    code = _phase2_code(_simplex(tab, basis, n_cols, max_iter))
    if code != KERNEL_OPTIMAL:
        return -1
    return KERNEL_OPTIMAL if feasible else -KERNEL_OPTIMAL  # the sign tells the start


@njit(cache=True)
def _refine(tab, basis, a_ref, sign, rhs_u, x):
    """The basic values x = B⁻¹ r of an optimum, refined iteratively: the residual
    ρ = r − B x is formed from the original columns of the basis (rows with a negative
    right-hand side negated, as in :func:`_cold`) and x += B⁻¹ ρ, B⁻¹ read from the
    artificial columns, up to :data:`REFINE_STEPS` times or until the step is at the
    rounding level. A chain of warm starts accumulates rounding in the tableau; this
    brings the solution back to the accuracy of a cold start."""
    rows, k = a_ref.shape
    n_cols = k + sign.size
    last = tab.shape[1] - 1
    rho = np.empty(rows)
    for t in range(rows):
        x[t] = tab[t, last]
    for _ in range(REFINE_STEPS):
        for i in range(rows):
            flip = -1.0 if rhs_u[i] < 0.0 else 1.0
            value = abs(rhs_u[i])
            for t in range(rows):
                b = basis[t]
                if b < k:
                    value -= flip * a_ref[i, b] * x[t]
                elif b < n_cols:
                    if b - k == i:
                        value -= flip * sign[i] * x[t]
                elif b - n_cols == i:
                    value -= x[t]
            rho[i] = value
        largest = 0.0
        change = 0.0
        for t in range(rows):
            step = 0.0
            for i in range(rows):
                step += tab[t, n_cols + i] * rho[i]
            x[t] += step
            largest = max(largest, abs(x[t]))
            change = max(change, abs(step))
        if change <= 1e-16 * largest:
            break


@njit(cache=True)
def solve_units(a_ref, sign, rhs, cost, max_iter, refresh):
    """Solve the LP of each row of ``rhs`` (module docstring).

    ``a_ref``: (rows, K) scaled reference matrix (VRS: last row ones); ``sign``: (n_var,)
    slack signs of the first n_var rows; ``rhs``: (n, rows) scaled right-hand sides;
    ``cost``: (n, n_var) slack costs. A unit starts from the previous unit's optimal
    basis when that basis is primal or dual feasible for it (:func:`_warm`), else (and
    at every ``refresh``-th unit, which bounds the rounding a long chain of pivots
    accumulates; 1 = always) cold. Returns codes (n,), solutions (n, K + n_var): λ and
    slacks, row duals (n, rows): y of an optimum, the Farkas ray z of an infeasible LP,
    and how many units started warm by the primal and by the dual simplex (2,).
    """
    rows, k = a_ref.shape
    n_var = sign.size
    n = rhs.shape[0]
    n_cols = k + n_var
    width = n_cols + rows + 1
    codes = np.empty(n, dtype=np.int16)
    cols = np.zeros((n, n_cols))
    duals = np.zeros((n, rows))
    tab = np.empty((rows + 1, width))
    basis = np.empty(rows, dtype=np.int64)
    costs = np.zeros(n_cols + rows)
    warm = False
    started = np.zeros(2, dtype=np.int64)  # primal, dual warm starts
    x = np.empty(rows)
    starts = np.zeros(rows, dtype=np.bool_)
    for u in range(n):
        code = -1
        if warm and u % refresh != 0:
            code = _warm(tab, basis, costs, rhs[u], cost[u], k, max_iter)
            if code == -KERNEL_OPTIMAL:
                started[1] += 1
                code = KERNEL_OPTIMAL
            elif code >= 0:
                started[0] += 1
        if code < 0:
            code = _cold(tab, basis, costs, starts, a_ref, sign, rhs[u], cost[u], max_iter)
        codes[u] = code
        warm = code == KERNEL_OPTIMAL and rhs[u].min() >= 0.0  # no negated rows
        if code != KERNEL_OPTIMAL and code != KERNEL_INFEASIBLE:
            continue
        if code == KERNEL_OPTIMAL:
            _refine(tab, basis, a_ref, sign, rhs[u], x)
            for i in range(rows):
                if basis[i] < n_cols:
                    cols[u, basis[i]] = x[i]
        # optimum: y = c_B B^-1; infeasible: the Farkas ray z = -c1_B B^-1 of phase 1
        # (z'a_j <= 0 on every column, z'r > 0). B^-1 e_r is the artificial column of
        # row r; sign-flipped rows carry -e_r, so their entry changes sign back.
        flip = -1.0 if code == KERNEL_INFEASIBLE else 1.0
        for r in range(rows):
            y = 0.0
            for i in range(rows):
                y += costs[basis[i]] * tab[i, n_cols + r]
            duals[u, r] = -flip * y if rhs[u, r] < 0.0 else flip * y
    return codes, cols, duals, started


#: Pivots allowed per phase and LP, times (rows + columns); the cap is never met by the
#: SBI LPs (a handful of pivots) and hands a cycling LP to HiGHS.
ITERATION_FACTOR = 50
#: Every this many units of a call the kernel starts cold (:func:`solve_units`).
REFRESH = 32


def solving_order(rhs: np.ndarray) -> np.ndarray:
    """The order in which :func:`solve_units` takes the units: by size, Σ log of the
    scaled right-hand side (stable; zeros first). Units of similar size tend to share
    their optimal basis, so about twice as many start warm as in the data's order."""
    with np.errstate(divide="ignore"):
        size = np.log(rhs).sum(axis=1)
    return np.argsort(size, kind="stable")


class KernelLP:
    """The SBI LP of one reference technology, solved by :func:`solve_units`.

    Same interface and results as :class:`carbongap.dea.highs.TechnologyLP`. Every
    kernel answer is judged by the reference's certificate (:mod:`carbongap.dea.verify`);
    an infeasible answer stands only with its Farkas certificate
    (:func:`carbongap.dea.verify.infeasibility_certified`). An answer that fails its
    check, and every LP the kernel calls unbounded or stops at its iteration cap, is
    solved again by :class:`TechnologyLP` (HiGHS), whose answer stands. ``handed_over``
    counts those LPs; ``warm_starts`` the units that started from the previous unit's
    basis, by the primal and by the dual simplex.
    """

    #: Marks the compiled solver: a DDF job of this solver goes to :class:`KernelDdfLP`.
    compiled = True

    def __init__(self, x_ref: np.ndarray, y_ref: np.ndarray, b_ref: np.ndarray,
                 rts: Rts) -> None:
        self._args = (x_ref, y_ref, b_ref, rts)
        self.ref = Reference(x_ref, y_ref, b_ref, rts)
        matrix = self.ref.scaled.T
        if rts == "vrs":
            matrix = np.vstack([matrix, np.ones((1, self.ref.n_ref))])
        self._matrix = np.ascontiguousarray(matrix, dtype=np.float64)
        self._sign = signs(self.ref.dims)
        self._highs: TechnologyLP | None = None
        self.handed_over = 0
        self.warm_starts = np.zeros(2, dtype=np.int64)

    def _fallback(self) -> TechnologyLP:
        if self._highs is None:
            self._highs = TechnologyLP(*self._args)
        return self._highs

    def solve(self, data: np.ndarray, direction: np.ndarray | None = None, *,
              solution: bool = False) -> LPBatch:
        """Solve the LP for each row of ``data`` = [x, y, b] (see
        :meth:`carbongap.dea.highs.UnitLP.solve`)."""
        n, k = data.shape[0], self.ref.n_ref
        if n == 0 or k == 0:
            return self._fallback().solve(data, direction, solution=solution)
        rhs, cost, g = self.ref.prepare(data, direction)
        if self.ref.rts == "vrs":
            rhs = np.hstack([rhs, np.ones((n, 1))])
        rows, cols = self._matrix.shape
        order = solving_order(rhs)
        codes, solved, duals, warm = solve_units(
            self._matrix, self._sign, np.ascontiguousarray(rhs[order]),
            np.ascontiguousarray(cost[order]), ITERATION_FACTOR * (rows + cols), REFRESH)
        back = np.empty_like(order)
        back[order] = np.arange(n)
        codes, solved, duals = codes[back], solved[back], duals[back]
        self.warm_starts += warm
        verdict = self.ref.judge(codes, solved, duals, data, g)
        values, status = verdict.values, verdict.status
        slacks, lambdas = verdict.slacks, verdict.lambdas
        infeasible = np.flatnonzero(codes == INFEASIBLE)
        proven = np.zeros(n, dtype=bool)
        proven[infeasible] = infeasibility_certified(
            self.ref.data, self.ref.dims, self.ref.rts, data[infeasible],
            duals[infeasible] / np.append(self.ref.scale, 1.0)[:rows])
        again = np.flatnonzero((status != OPTIMAL) & ~proven)
        if again.size:
            self.handed_over += int(again.size)
            redo_rows(self._fallback(), data, direction, again, values, status, slacks,
                      lambdas)
        return LPBatch(values, status, slacks if solution else None,
                       lambdas if solution else None)


def warm_up() -> float:
    """Seconds to make :func:`solve_units` callable in this process: compiling it, or
    loading it from numba's on-disk cache (``cache=True``); about 0 once loaded."""
    started = time.perf_counter()
    solve_units(np.ones((1, 1)), np.ones(1), np.ones((1, 1)), np.ones((1, 1)), 10, 1)
    return time.perf_counter() - started


@njit(cache=True)
def solve_ddf_units(a_ref, sign, has_slack, rhs, g, max_iter):
    """The directional distance LP of each row of ``rhs`` (docs/methods.md §15), cold,
    by both phases of the dense simplex above.

    Columns: λ (K, the columns of ``a_ref``: (rows, K), VRS last row ones), β⁺ and β⁻
    (β = β⁺ − β⁻ is free; its column is σ g: +g on input and bad rows, −g on good rows),
    one slack per data row (σ on inequality rows, ``has_slack``; an empty column on the
    bad rows under weak disposability), then one artificial per row. Phase 1 starts from
    the slacks with coefficient +1 and artificials elsewhere; phase 2 maximises β.
    Returns codes (n,), solutions (n, K + 1): λ and β, and per row (n, rows) the duals
    of an optimum (y = c_B B⁻¹, the change of β per unit of a row's right-hand side) or
    the Farkas ray z = −c1_B B⁻¹ of an LP phase 1 finds infeasible (:func:`ddf_farkas`).
    """
    rows, k = a_ref.shape
    n_var = sign.size
    n = rhs.shape[0]
    n_cols = k + 2 + n_var
    width = n_cols + rows + 1
    codes = np.empty(n, dtype=np.int16)
    cols = np.zeros((n, k + 1))
    duals = np.zeros((n, rows))
    tab = np.empty((rows + 1, width))
    basis = np.empty(rows, dtype=np.int64)
    costs = np.zeros(n_cols + rows)
    beta_cost = np.array([1.0, -1.0])
    starts = np.zeros(rows, dtype=np.bool_)
    for u in range(n):
        tab[:, :] = 0.0
        for i in range(rows):
            for j in range(k):
                tab[i, j] = a_ref[i, j]
            if i < n_var:
                tab[i, k] = sign[i] * g[u, i]
                tab[i, k + 1] = -sign[i] * g[u, i]
                if has_slack[i]:
                    tab[i, k + 2 + i] = sign[i]
            tab[i, n_cols + i] = 1.0
            tab[i, width - 1] = rhs[u, i]
        for i in range(rows):
            starts[i] = i < n_var and has_slack[i] and sign[i] > 0.0
        code = _two_phases(tab, basis, costs, starts, k + 2, rhs[u], beta_cost, k, max_iter)
        codes[u] = code
        if code != KERNEL_OPTIMAL and code != KERNEL_INFEASIBLE:
            continue
        # optimum: y = c_B B^-1; infeasible: the Farkas ray z = -c1_B B^-1 of phase 1
        flip = -1.0 if code == KERNEL_INFEASIBLE else 1.0
        for r in range(rows):
            y = 0.0
            for i in range(rows):
                y += costs[basis[i]] * tab[i, n_cols + r]
            duals[u, r] = flip * y
        if code == KERNEL_INFEASIBLE:
            continue
        for i in range(rows):
            b = basis[i]
            if b < k:
                cols[u, b] = tab[i, width - 1]
            elif b == k:
                cols[u, k] += tab[i, width - 1]
            elif b == k + 1:
                cols[u, k] -= tab[i, width - 1]
    return codes, cols, duals


@njit(cache=True)
def ddf_farkas(a_full, sign, has_slack, rhs, g, rays, codes, infeasible):
    """Per unit whose code is ``infeasible``, whether its ray z proves the DDF LP against
    *every* reference unit infeasible (docs/methods.md §15): z'a_k ≤ 0 on each reference
    column (``a_full``: (rows, K)), z'(σ g) = 0 (β is free, so both signs of its column;
    relative to max|z| Σ|g|), σ_v z_v ≤ 0 on each inequality row's slack, and z'r > 0;
    relative to the products' sizes, with the tolerance and margin of the SBI's check
    (:func:`carbongap.dea.verify.infeasibility_certified`). Then no λ ≥ 0, β can meet
    the rows: z'r = Σλ_k z'a_k + β z'(σg) + Σ s_v σ_v z_v ≤ 0."""
    rows, k = a_full.shape
    n_var = sign.size
    n = codes.size
    ok = np.zeros(n, dtype=np.bool_)
    for u in range(n):
        if codes[u] != infeasible:
            continue
        z = rays[u]
        good = True
        largest = 0.0
        for r in range(rows):
            largest = max(largest, abs(z[r]))
        for j in range(k):
            dot, size = 0.0, 0.0
            for r in range(rows):
                dot += z[r] * a_full[r, j]
                size += abs(z[r] * a_full[r, j])
            if dot > FARKAS_TOLERANCE * size:
                good = False
                break
        if not good:
            continue
        dot, size = 0.0, 0.0
        for v in range(n_var):
            dot += z[v] * sign[v] * g[u, v]
            size += abs(g[u, v])
            if has_slack[v] and sign[v] * z[v] > FARKAS_TOLERANCE * largest:
                good = False
        # β's column: relative to max|z| Σ|g| (its entries can all meet z at rounding level)
        if not good or abs(dot) > FARKAS_TOLERANCE * largest * size:
            continue
        dot, size = 0.0, 0.0
        for r in range(rows):
            dot += z[r] * rhs[u, r]
            size += abs(z[r] * rhs[u, r])
        ok[u] = dot >= FARKAS_MARGIN * size and dot > 0.0
    return ok


class KernelDdfLP:
    """The DDF LP of one reference technology, solved by :func:`solve_ddf_units`.

    Same interface and results as :class:`carbongap.dea.ddf_lp.DdfLP` (HiGHS). Each unit
    is solved first against the reference units no other unit dominates pairwise
    (:func:`carbongap.dea.prune.candidates`; under weak disposability a dominated unit can
    still be needed, so this is only a first guess), and the answer is certified against
    *every* reference unit (:func:`carbongap.dea.ddf_lp.certify`: λ zero off the subset,
    the dual checked on all K columns), so a unit the subset cannot serve fails and is
    solved again against all of them (``second_pass`` counts those). An infeasible
    answer stands with its Farkas ray checked on every reference unit
    (:func:`ddf_farkas`). An answer that fails either check, and every LP the kernel
    calls unbounded or stops at its iteration cap, is solved again by
    :class:`~carbongap.dea.ddf_lp.DdfLP` (HiGHS), whose answer stands. ``handed_over``
    counts those LPs.
    """

    def __init__(self, x_ref: np.ndarray, y_ref: np.ndarray, b_ref: np.ndarray,
                 rts: Rts, disposability: Disposability = "weak") -> None:
        self._args = (x_ref, y_ref, b_ref, rts, disposability)
        self.ref = Reference(x_ref, y_ref, b_ref, rts)
        matrix = self.ref.scaled.T
        if rts == "vrs":
            matrix = np.vstack([matrix, np.ones((1, self.ref.n_ref))])
        self._matrix = np.ascontiguousarray(matrix, dtype=np.float64)
        # first pass: the units no other unit dominates (a candidate set, not a claim;
        # the dominance screen needs positive data, else every unit)
        self._first = (pruning.candidates(x_ref, y_ref, b_ref, rts,
                                          np.zeros(self.ref.n_ref, dtype=np.int64))
                       if (self.ref.data > 0).all() else np.arange(self.ref.n_ref))
        self._sign = signs(self.ref.dims)
        self._slack_rows = slack_rows(self.ref.dims, disposability)
        self._largest = row_sizes(self.ref.scaled)
        self._highs: DdfLP | None = None
        self.handed_over = 0
        self.second_pass = 0

    def solve(self, data: np.ndarray, direction: np.ndarray | None = None, *,
              solution: bool = False) -> LPBatch:
        """β for each row of ``data`` (see :meth:`carbongap.dea.ddf_lp.DdfLP.solve`)."""
        n, k = data.shape[0], self.ref.n_ref
        g = default_direction(data, self.ref.dims) if direction is None else direction
        if n == 0 or k == 0:
            return self._fallback().solve(data, g, solution=solution)
        rhs = data / self.ref.scale
        scaled_g = np.ascontiguousarray(g / self.ref.scale)
        if self.ref.rts == "vrs":
            rhs = np.hstack([rhs, np.ones((n, 1))])
        rhs = np.ascontiguousarray(rhs)
        values = np.full(n, np.nan)
        status = np.full(n, NUMERICAL, dtype=np.int16)
        lambdas = np.full((n, k), np.nan) if solution else None
        todo = np.arange(n)
        for columns in (self._first, np.arange(k)):
            matrix = np.ascontiguousarray(self._matrix[:, columns])
            codes, found, duals = solve_ddf_units(
                matrix, self._sign, self._slack_rows, rhs[todo], scaled_g[todo],
                ITERATION_FACTOR * sum(matrix.shape))
            passed = certify_all(self.ref.scaled, self._largest, self._sign,
                                 self.ref.dims[0], self._slack_rows, self.ref.rts == "vrs",
                                 rhs[todo],
                                 scaled_g[todo], found, columns, duals, codes, OPTIMAL)
            proven = ddf_farkas(self._matrix, self._sign, self._slack_rows, rhs[todo],
                                scaled_g[todo], duals, codes, INFEASIBLE)
            status[todo[proven]] = INFEASIBLE
            done = todo[passed]
            values[done] = found[passed, -1]
            status[done] = OPTIMAL
            if lambdas is not None:
                lambdas[done] = 0.0
                lambdas[np.ix_(done, columns)] = np.maximum(found[passed, :-1], 0.0)
            todo = todo[~(passed | proven)]
            if not todo.size or columns.size == k:
                break
            self.second_pass += int(todo.size)
        again = todo
        if again.size:
            self.handed_over += int(again.size)
            redo = self._fallback().solve(data[again], g[again], solution=solution)
            values[again] = redo.values
            status[again] = redo.status
            if lambdas is not None:
                lambdas[again] = redo.lambdas
        return LPBatch(values, status, None, lambdas)

    def _fallback(self) -> DdfLP:
        if self._highs is None:
            self._highs = DdfLP(*self._args)
        return self._highs
