"""The warm-started HiGHS models of one reference technology (docs/methods.md §6).

The SBI linear programme of docs/methods.md §6 for an evaluated unit o against K reference
units (N inputs x, M good outputs y, J bad outputs b, direction g = (g_x, g_y, g_b)):

.. math::

    S(o) = \\max \\tfrac12\\Big[\\tfrac1N \\sum_n \\frac{s^x_n}{g_{x,n}}
           + \\tfrac{1}{M+J}\\Big(\\sum_m \\frac{s^y_m}{g_{y,m}}
           + \\sum_j \\frac{s^b_j}{g_{b,j}}\\Big)\\Big]

    \\text{s.t.}\\; X^\\top\\lambda + s^x = x_o,\\; Y^\\top\\lambda - s^y = y_o,\\;
    B^\\top\\lambda + s^b = b_o,\\; [\\mathbf 1^\\top\\lambda = 1 \\text{ under VRS}],\\;
    \\lambda, s \\ge 0.

Only the objective (through g) and the right-hand side (x_o, y_o, b_o) depend on the
evaluated unit; the constraint matrix is the reference technology. Both models here are
built once per technology; per unit (or per batch of units) only slack costs and row
bounds change, and HiGHS re-solves from the previous optimal basis (warm start).

* :class:`UnitLP` — one unit per HiGHS run. Columns λ_1..λ_K, s^x_1..s^x_N,
  s^y_1..s^y_M, s^b_1..s^b_J; rows: N input, M good, J bad rows, and Σλ = 1 under VRS.
* :class:`TechnologyLP` — B units per HiGHS run (about four times fewer microseconds
  per LP, the fixed cost of a run being shared): B copies of the unit LP side by side
  (block-diagonal), each made *elastic* with an artificial column a ≥ 0 per row that can
  be infeasible, with the sign opposite to that row's slack: under CRS the M good-output
  rows (λ = 0 with s^x = x_o, s^b = b_o satisfies the others); under VRS every input,
  good and bad row (λ = e_1 satisfies Σλ = 1, so that row needs none). Artificials are
  costed −P(o) = −PENALTY · max(1, max_j w_j(o)) in the objective (w_j(o) = the slack
  weights 1/(2N g), 1/(2(M+J) g) in scaled units). The batch LP is therefore always
  feasible and bounded, and the blocks are independent, so each block's part of the
  optimum is optimal for its own elastic LP. A block whose artificials are all zero has
  a solution feasible for the original LP with the same objective, and the original
  optimum is feasible for the elastic block with the same objective: it is the original
  optimum, exactly (in floating point: artificials at most :data:`ARTIFICIAL_TOLERANCE`
  of their row's direction, and the solution must pass the check below). Every other
  block (an infeasible LP, or a penalty too small) is re-solved alone with
  :class:`UnitLP`, which decides it. Results never depend on P beyond which units take
  the second path.

Checks and retries. Every solution reported optimal is checked in the caller's units
(primal feasibility and a duality-gap certificate, :mod:`carbongap.dea.verify`). An
"unbounded" answer is accepted only where the data allow it (CRS with a reference unit
whose inputs and bads are all zero and which produces a good output); otherwise it is a
solver failure. A unit whose answer fails, or is undecided (HiGHS status other than
optimal, infeasible, unbounded: a warm start occasionally stalls on an infeasible LP),
or that a warm start calls infeasible, is solved again alone from scratch
(``clearSolver``, dual simplex; so "infeasible" always comes from a cold solve, for
a few per cent more time on the paper-size job); if that answer also
fails or is undecided, once more by the interior-point method with crossover. The last
answer stands: an LP that never passes the check is ``"numerical"`` (NaN), an undecided
one keeps the HiGHS status name (e.g. ``"unknown"``, NaN). So a value is either checked
or NaN with a non-optimal status.

Scaling: each variable is divided by the geometric mean of its positive reference
values (:mod:`carbongap.dea.reference`, which also holds the verdict on answers).
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np

from ..choices import Rts
from ..lp import Model, new_highs
from .reference import Reference, Verdict
from .status import INFEASIBLE, OPTIMAL
from .verify import signs

#: HiGHS options (on a silent instance, :func:`carbongap.lp.new_highs`): one thread per
#: model (parallelism is across technologies), plain dual simplex on the unpresolved LP so
#: that the basis carries over between units, tolerances tighter than the defaults (1e-7),
#: and the smallest matrix entry HiGHS keeps at its minimum (default 1e-9; smaller entries
#: are read as zero).
HIGHS_OPTIONS: dict[str, object] = {
    "threads": 1,
    "presolve": "off",
    "solver": "simplex",
    "primal_feasibility_tolerance": 1e-10,
    "dual_feasibility_tolerance": 1e-10,
    "small_matrix_value": 1e-12,
}


@dataclass(frozen=True)
class LPBatch:
    """Results of solving the SBI LP for a batch of evaluated units.

    Attributes
    ----------
    values
        S per unit (float64); NaN where the status is not optimal.
    status
        Status code per unit (int16, :mod:`carbongap.dea.status`).
    slacks
        (units, N + M + J) optimal slacks s^x, s^y, s^b in the data's units, or None.
    lambdas
        (units, K) optimal intensity weights, or None.
    """

    values: np.ndarray
    status: np.ndarray
    slacks: np.ndarray | None = None
    lambdas: np.ndarray | None = None


def _block_lp(scaled: np.ndarray, dims: tuple[int, int, int], rts: Rts, blocks: int,
              elastic: np.ndarray) -> highspy.HighsLp:
    """``blocks`` copies of the SBI LP side by side, zero costs and right-hand sides.

    Block columns: λ (K), slacks (N + M + J), then one artificial per row listed in
    ``elastic``, with the sign opposite to that row's slack. Block rows: N + M + J, plus
    Σλ = 1 under VRS.
    """
    k, n_var = scaled.shape
    vrs = rts == "vrs"
    n_row = n_var + int(vrs)
    sign = signs(dims)
    lam_values = np.hstack([scaled, np.ones((k, 1))]) if vrs else scaled
    index = np.concatenate([np.tile(np.arange(n_row), k), np.arange(n_var), elastic])
    value = np.concatenate([lam_values.ravel(), sign, -sign[elastic]])
    count = np.concatenate([np.full(k, n_row), np.ones(n_var + elastic.size, dtype=np.int64)])
    n_col = count.size
    all_index = (index[None, :] + n_row * np.arange(blocks)[:, None]).ravel()
    start = np.concatenate([[0], np.cumsum(np.tile(count, blocks))])
    bounds = np.zeros(blocks * n_row)
    if vrs:
        bounds[n_row - 1::n_row] = 1.0
    lp = highspy.HighsLp()
    lp.num_col_ = blocks * n_col
    lp.num_row_ = blocks * n_row
    lp.col_cost_ = np.zeros(blocks * n_col)
    lp.col_lower_ = np.zeros(blocks * n_col)
    lp.col_upper_ = np.full(blocks * n_col, highspy.kHighsInf)
    lp.row_lower_ = bounds
    lp.row_upper_ = bounds.copy()
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = start.astype(np.int32)
    lp.a_matrix_.index_ = all_index.astype(np.int32)
    lp.a_matrix_.value_ = np.tile(value, blocks)
    return lp


def redo_rows(model: UnitLP | TechnologyLP, data: np.ndarray, direction: np.ndarray | None,
              rows: np.ndarray, values: np.ndarray, status: np.ndarray, slacks: np.ndarray,
              lambdas: np.ndarray) -> None:
    """Solve the units ``rows`` of ``data`` again with ``model`` and write its answers
    (values, statuses, slacks, λ) into the arrays in place: the hand-over of an answer
    that did not pass (:class:`TechnologyLP` to :class:`UnitLP`, the kernel to
    :class:`TechnologyLP`)."""
    if not rows.size:
        return
    redo = model.solve(data[rows], None if direction is None else direction[rows],
                       solution=True)
    values[rows] = redo.values
    status[rows] = redo.status
    slacks[rows] = redo.slacks
    lambdas[rows] = redo.lambdas


def run_attempt(h: Model, attempt: str) -> tuple[int, highspy.HighsSolution | None]:
    """One HiGHS run of the model in ``h``: its status code and, when optimal, its
    solution. ``attempt``: "warm" (dual simplex from the previous basis), "cold" (from
    scratch) or "ipm" (interior point with crossover, from scratch; the last resort; the
    options are restored afterwards)."""
    if attempt != "warm":
        h.clearSolver()
    if attempt == "ipm":
        h.setOptionValue("solver", "ipm")
        h.setOptionValue("run_crossover", "on")
    h.run()
    code = int(h.getModelStatus().value)
    found = h.getSolution() if code == OPTIMAL else None
    if attempt == "ipm":
        h.setOptionValue("solver", HIGHS_OPTIONS["solver"])
        h.clearSolver()
    return code, found


def _batch(verdict: Verdict, solution: bool) -> LPBatch:
    return LPBatch(verdict.values, verdict.status, verdict.slacks if solution else None,
                   verdict.lambdas if solution else None)


class UnitLP:
    """The SBI LP of one reference technology, solved one unit per HiGHS run.

    Parameters
    ----------
    x_ref, y_ref, b_ref
        Reference data, units in rows: (K, N) inputs, (K, M) good outputs, (K, J) bad
        outputs (J may be 0). Nonnegative.
    rts
        ``"crs"`` or ``"vrs"`` (VRS adds Σλ = 1).
    """

    def __init__(self, x_ref: np.ndarray, y_ref: np.ndarray, b_ref: np.ndarray,
                 rts: Rts) -> None:
        self.ref = Reference(x_ref, y_ref, b_ref, rts)
        n_var = self.ref.data.shape[1]
        k = self.ref.n_ref
        self._n_row = n_var + int(rts == "vrs")
        self._slack_cols = np.arange(k, k + n_var, dtype=np.int32)
        self._rows = np.arange(n_var, dtype=np.int32)
        self._highs = new_highs(HIGHS_OPTIONS)
        self._highs.passModel(_block_lp(self.ref.scaled, self.ref.dims, rts, 1,
                                        np.empty(0, dtype=np.int64)))

    def _run(self, rhs: np.ndarray, cost: np.ndarray, col: np.ndarray, dual: np.ndarray,
             attempt: str) -> int:
        """One HiGHS run; returns the status code, writes the scaled solution if optimal.

        ``attempt``: "warm" (dual simplex from the previous basis), "cold" (from scratch)
        or "ipm" (interior point with crossover, from scratch; the last resort).
        """
        h = self._highs
        n_var = rhs.size
        h.changeColsCost(n_var, self._slack_cols, cost)
        h.changeRowsBounds(n_var, self._rows, rhs, rhs)
        code, found = run_attempt(h, attempt)
        if found is not None:
            col[:] = found.col_value
            dual[:] = found.row_dual
        return code

    def solve(self, data: np.ndarray, direction: np.ndarray | None = None, *,
              solution: bool = False) -> LPBatch:
        """Solve the LP for each row of ``data`` = [x, y, b] (units, N + M + J).

        ``direction`` has the same shape (default: ``data``, the observed values) and
        must be positive. Units are solved in row order, each from the previous basis.
        A unit whose answer is undecided, infeasible or fails the check is solved again
        from scratch, and if it is still undecided or failing, once more by the
        interior-point method (module docstring); the last answer stands.
        """
        n, k = data.shape[0], self.ref.n_ref
        rhs, cost, g = self.ref.prepare(data, direction)
        codes = np.empty(n, dtype=np.int16)
        cols = np.zeros((n, k + data.shape[1]))
        duals = np.zeros((n, self._n_row))
        for i in range(n):
            codes[i] = self._run(rhs[i], cost[i], cols[i], duals[i], "warm")
        verdict = self.ref.judge(codes, cols, duals, data, g)
        for attempt in ("cold", "ipm"):
            retry = verdict.doubtful
            if attempt == "cold":  # a warm start's "infeasible" is confirmed from scratch
                retry = retry | (verdict.status == INFEASIBLE)
            again = np.flatnonzero(retry)
            if not again.size:
                break
            for i in again:
                codes[i] = self._run(rhs[i], cost[i], cols[i], duals[i], attempt)
            second = self.ref.judge(codes[again], cols[again], duals[again], data[again],
                                    g[again])
            for field in ("status", "values", "lambdas", "slacks", "doubtful"):
                getattr(verdict, field)[again] = getattr(second, field)
        return _batch(verdict, solution)


#: Units per HiGHS run of :class:`TechnologyLP` (fastest on the paper-size job: 16-48).
BLOCKS: int = 32
#: Artificial cost relative to the block's largest slack weight (any value is exact).
PENALTY: float = 1e3
#: A block solution is taken as its unit's answer only when every artificial is at most
#: this fraction of its row's direction g_v (a relative test, so independent of the
#: data's units and magnitudes). Artificials are exactly 0 when nonbasic and otherwise
#: measure a real infeasibility, so this only routes near-boundary units to
#: :class:`UnitLP`, which decides them under HiGHS's own tolerance.
ARTIFICIAL_TOLERANCE: float = 1e-12


class TechnologyLP:
    """The SBI LP of one reference technology, solved :data:`BLOCKS` units per run.

    Same interface and results as :class:`UnitLP` (module docstring: the elastic block
    LP and why it is exact); units whose block is not resolved exactly, or whose
    solution fails the check, are re-solved by a :class:`UnitLP` built on first need.
    """

    def __init__(self, x_ref: np.ndarray, y_ref: np.ndarray, b_ref: np.ndarray,
                 rts: Rts, blocks: int = BLOCKS) -> None:
        self._args = (x_ref, y_ref, b_ref, rts)
        self.ref = Reference(x_ref, y_ref, b_ref, rts)
        self.blocks = blocks
        k = self.ref.n_ref
        n_in, n_good, _ = self.ref.dims
        n_var = self.ref.data.shape[1]
        self._elastic = (np.arange(n_var) if rts == "vrs"
                         else np.arange(n_in, n_in + n_good))
        self._n_col = k + n_var + self._elastic.size
        self._n_row = n_var + int(rts == "vrs")
        offsets = np.arange(blocks)[:, None]
        self._cost_cols = (offsets * self._n_col + np.arange(k, self._n_col)).ravel().astype(
            np.int32)
        self._rhs_rows = (offsets * self._n_row + np.arange(n_var)).ravel().astype(np.int32)
        self._highs: Model | None = None
        self._unit: UnitLP | None = None

    def _batch_highs(self) -> Model:
        if self._highs is None:
            self._highs = new_highs(HIGHS_OPTIONS)
            self._highs.passModel(_block_lp(self.ref.scaled, self.ref.dims, self._args[3],
                                            self.blocks, self._elastic))
        return self._highs

    def _unit_lp(self) -> UnitLP:
        if self._unit is None:
            self._unit = UnitLP(*self._args)
        return self._unit

    def solve(self, data: np.ndarray, direction: np.ndarray | None = None, *,
              solution: bool = False) -> LPBatch:
        """Solve the LP for each row of ``data`` = [x, y, b]; see :meth:`UnitLP.solve`."""
        n, k = data.shape[0], self.ref.n_ref
        if n < 2 or self.blocks < 2 or k == 0:
            return self._unit_lp().solve(data, direction, solution=solution)
        rhs, cost, g = self.ref.prepare(data, direction)
        n_var, n_art, blocks = rhs.shape[1], self._elastic.size, self.blocks
        codes = np.full(n, OPTIMAL, dtype=np.int16)
        cols = np.zeros((n, k + n_var))
        duals = np.zeros((n, self._n_row))
        exact = np.zeros(n, dtype=bool)
        art_scale = self.ref.scale[self._elastic]
        h = self._batch_highs()
        for first in range(0, n, blocks):
            units = np.arange(first, min(first + blocks, n))
            used = units.size
            # Unused blocks evaluate reference unit 0 at zero cost (feasible: λ = e_0).
            block_rhs = np.tile(self.ref.scaled[0], (blocks, 1))
            block_rhs[:used] = rhs[units]
            block_cost = np.zeros((blocks, n_var + n_art))
            block_cost[:used, :n_var] = cost[units]
            penalty = PENALTY * np.maximum(block_cost[:, :n_var].max(axis=1), 1.0)
            block_cost[:, n_var:] = -penalty[:, None]
            flat_rhs = np.ascontiguousarray(block_rhs.ravel())
            h.changeColsCost(self._cost_cols.size, self._cost_cols, block_cost.ravel())
            h.changeRowsBounds(self._rhs_rows.size, self._rhs_rows, flat_rhs, flat_rhs)
            h.run()
            if int(h.getModelStatus().value) != OPTIMAL:
                continue
            found = h.getSolution()
            col = np.asarray(found.col_value).reshape(blocks, self._n_col)[:used]
            artificial = col[:, k + n_var:] * art_scale / g[units][:, self._elastic]
            exact[units] = artificial.max(axis=1, initial=0.0) <= ARTIFICIAL_TOLERANCE
            cols[units] = col[:, :k + n_var]
            duals[units] = np.asarray(found.row_dual).reshape(blocks, self._n_row)[:used]
        found = np.flatnonzero(exact)
        verdict = self.ref.judge(codes[found], cols[found], duals[found], data[found],
                                 g[found])
        values = np.full(n, np.nan)
        status = np.empty(n, dtype=np.int16)
        slacks = np.full(data.shape, np.nan)
        lambdas = np.full((n, k), np.nan)
        ok = found[~verdict.doubtful]
        values[ok] = verdict.values[~verdict.doubtful]
        status[ok] = OPTIMAL
        slacks[ok] = verdict.slacks[~verdict.doubtful]
        lambdas[ok] = verdict.lambdas[~verdict.doubtful]
        again = np.setdiff1d(np.arange(n), ok)
        if again.size:
            redo_rows(self._unit_lp(), data, direction, again, values, status, slacks,
                      lambdas)
        return LPBatch(values, status, slacks if solution else None,
                       lambdas if solution else None)
