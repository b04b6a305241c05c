"""The warm-started HiGHS models of one reference technology (SPEC section 6).

The SBI linear programme of SPEC section 6 for an evaluated unit o against K reference
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
  be infeasible (good-output rows under CRS, where λ = 0 satisfies the others; every row
  under VRS), costed −P(o) = −PENALTY · max(1, max_j w_j(o)) in the objective
  (w_j(o) = the slack weights 1/(2N g), 1/(2(M+J) g) in scaled units). The batch LP is
  therefore always feasible and bounded, and the blocks are independent, so each block's
  part of the optimum is optimal for its own elastic LP. A block whose artificials are
  all zero has a solution feasible for the original LP with the same objective, and the
  original optimum is feasible for the elastic block with the same objective: it is the
  original optimum, exactly. Every other block (an infeasible LP, or a penalty too
  small) is re-solved alone with :class:`UnitLP`, which gives its exact status. Results
  never depend on P beyond which units take the second path.

Each variable is divided by a positive scale (its mean over the reference units) before
it enters the LP. The SBI value and λ are unchanged by this (every slack is divided by a
direction in the same units; SPEC section 6), the LP is better conditioned, and slacks
are returned in the caller's units.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
from highspy import _core

#: HiGHS model status code -> carbongap status name (SPEC section 6); other codes use the
#: HiGHS wording in lower case, see :func:`status_name`.
_STATUS_NAMES: dict[int, str] = {
    int(highspy.HighsModelStatus.kOptimal.value): "optimal",
    int(highspy.HighsModelStatus.kInfeasible.value): "infeasible",
    int(highspy.HighsModelStatus.kUnbounded.value): "unbounded",
}
OPTIMAL: int = int(highspy.HighsModelStatus.kOptimal.value)
INFEASIBLE: int = int(highspy.HighsModelStatus.kInfeasible.value)
UNBOUNDED: int = int(highspy.HighsModelStatus.kUnbounded.value)

#: HiGHS options: one thread per model (parallelism is across technologies), plain dual
#: simplex on the unpresolved LP so that the basis carries over between units, and
#: tolerances tighter than the defaults (1e-7) so that values agree with other solvers to
#: better than 1e-8.
HIGHS_OPTIONS: dict[str, object] = {
    "output_flag": False,
    "threads": 1,
    "presolve": "off",
    "solver": "simplex",
    "primal_feasibility_tolerance": 1e-10,
    "dual_feasibility_tolerance": 1e-10,
}


def status_name(code: int) -> str:
    """The status of an LP as a word: optimal, infeasible, unbounded, or the HiGHS name."""
    name = _STATUS_NAMES.get(int(code))
    if name is not None:
        return name
    return str(_new_highs().modelStatusToString(highspy.HighsModelStatus(int(code)))).lower()


def status_words(codes: np.ndarray) -> np.ndarray:
    """HiGHS status codes -> an object array of words (:func:`status_name`)."""
    names = {int(c): status_name(int(c)) for c in np.unique(codes)}
    return np.array([names[int(c)] for c in codes], dtype=object)


def _new_highs() -> _core._Highs:
    """A silent HiGHS instance.

    ``highspy.Highs`` prints a banner when it is constructed, before any option can be
    set; its base class ``_Highs`` does not, and has every method used here.
    """
    h = _core._Highs()
    for key, value in HIGHS_OPTIONS.items():
        h.setOptionValue(key, value)
    return h


@dataclass(frozen=True)
class LPBatch:
    """Results of solving the SBI LP for a batch of evaluated units.

    Attributes
    ----------
    values
        S per unit (float64); NaN where the LP is not optimal.
    status
        HiGHS model status code per unit (int16); :func:`status_name` gives the word.
    slacks
        (units, N + M + J) optimal slacks s^x, s^y, s^b in the data's units, or None.
    lambdas
        (units, K) optimal intensity weights, or None.
    """

    values: np.ndarray
    status: np.ndarray
    slacks: np.ndarray | None = None
    lambdas: np.ndarray | None = None


def sbi_weights(dims: tuple[int, int, int]) -> np.ndarray:
    """Objective weights before division by g: 1/(2N) per input, 1/(2(M+J)) per output."""
    n_in, n_good, n_bad = dims
    return np.concatenate([np.full(n_in, 1.0 / (2 * n_in)),
                           np.full(n_good + n_bad, 1.0 / (2 * (n_good + n_bad)))])


def _block_lp(scaled: np.ndarray, dims: tuple[int, int, int], rts: str, blocks: int,
              elastic: np.ndarray) -> highspy.HighsLp:
    """``blocks`` copies of the SBI LP side by side, zero costs and right-hand sides.

    Block columns: λ (K), slacks (N + M + J), then one artificial per row listed in
    ``elastic``, with the sign opposite to that row's slack. Block rows: N + M + J, plus
    Σλ = 1 under VRS.
    """
    k, n_var = scaled.shape
    n_in, n_good, _ = dims
    vrs = rts == "vrs"
    n_row = n_var + int(vrs)
    sign = np.ones(n_var)
    sign[n_in:n_in + n_good] = -1.0  # good outputs: Y'λ - s^y = y_o
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


class _Reference:
    """Reference data split, scaled by column means, with the SBI weights."""

    def __init__(self, x_ref: np.ndarray, y_ref: np.ndarray, b_ref: np.ndarray) -> None:
        self.n_ref = int(x_ref.shape[0])
        self.dims = (int(x_ref.shape[1]), int(y_ref.shape[1]), int(b_ref.shape[1]))
        self.data = np.hstack([x_ref, y_ref, b_ref]).astype(np.float64)
        mean = self.data.mean(axis=0) if self.n_ref else np.ones(self.data.shape[1])
        self.scale = np.where(mean > 0, mean, 1.0)
        self.scaled = self.data / self.scale
        self.weights = sbi_weights(self.dims)

    def prepare(self, data: np.ndarray, direction: np.ndarray | None
                ) -> tuple[np.ndarray, np.ndarray]:
        """Scaled right-hand sides and slack costs w / g, one row per unit."""
        rhs = np.ascontiguousarray(data / self.scale, dtype=np.float64)
        g = rhs if direction is None else direction / self.scale
        return rhs, np.ascontiguousarray(self.weights / g, dtype=np.float64)


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
                 rts: str) -> None:
        self.ref = _Reference(x_ref, y_ref, b_ref)
        n_var = self.ref.data.shape[1]
        k = self.ref.n_ref
        self._slack_cols = np.arange(k, k + n_var, dtype=np.int32)
        self._rows = np.arange(n_var, dtype=np.int32)
        self._highs = _new_highs()
        self._highs.passModel(_block_lp(self.ref.scaled, self.ref.dims, rts, 1,
                                        np.empty(0, dtype=np.int64)))

    def solve(self, data: np.ndarray, direction: np.ndarray | None = None, *,
              solution: bool = False) -> LPBatch:
        """Solve the LP for each row of ``data`` = [x, y, b] (units, N + M + J).

        ``direction`` has the same shape (default: ``data``, the observed values) and
        must be positive. Units are solved in row order, each from the previous basis.
        """
        n, k = data.shape[0], self.ref.n_ref
        rhs, cost = self.ref.prepare(data, direction)
        values = np.full(n, np.nan)
        status = np.empty(n, dtype=np.int16)
        slacks = np.full(data.shape, np.nan) if solution else None
        lambdas = np.full((n, k), np.nan) if solution else None
        h = self._highs
        n_var = rhs.shape[1]
        cols, rows = self._slack_cols, self._rows
        for i in range(n):
            h.changeColsCost(n_var, cols, cost[i])
            h.changeRowsBounds(n_var, rows, rhs[i], rhs[i])
            h.run()
            code = int(h.getModelStatus().value)
            status[i] = code
            if code == OPTIMAL:
                values[i] = h.getObjectiveValue()
                if slacks is not None and lambdas is not None:
                    col = np.asarray(h.getSolution().col_value)
                    lambdas[i] = col[:k]
                    slacks[i] = col[k:] * self.ref.scale
        return LPBatch(values, status, slacks, lambdas)


#: Units per HiGHS run of :class:`TechnologyLP` (fastest on the paper-size job: 16-48).
BLOCKS: int = 32
#: Artificial cost relative to the block's largest slack weight (any value is exact).
PENALTY: float = 1e3
#: An artificial above this (scaled units, data are O(1)) sends its unit to UnitLP.
ARTIFICIAL_TOLERANCE: float = 1e-12


class TechnologyLP:
    """The SBI LP of one reference technology, solved :data:`BLOCKS` units per run.

    Same interface and results as :class:`UnitLP` (module docstring: the elastic block
    LP and why it is exact); units whose block is not resolved exactly are re-solved by
    a :class:`UnitLP` built on first need.
    """

    def __init__(self, x_ref: np.ndarray, y_ref: np.ndarray, b_ref: np.ndarray,
                 rts: str, blocks: int = BLOCKS) -> None:
        self._args = (x_ref, y_ref, b_ref, rts)
        self.ref = _Reference(x_ref, y_ref, b_ref)
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
        self._highs: _core._Highs | None = None
        self._unit: UnitLP | None = None

    def _batch_highs(self) -> _core._Highs:
        if self._highs is None:
            self._highs = _new_highs()
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
        rhs, cost = self.ref.prepare(data, direction)
        values = np.full(n, np.nan)
        status = np.empty(n, dtype=np.int16)
        slacks = np.full(data.shape, np.nan) if solution else None
        lambdas = np.full((n, k), np.nan) if solution else None
        n_var, n_art, blocks = rhs.shape[1], self._elastic.size, self.blocks
        h = self._batch_highs()
        retry = []
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
                retry.extend(units.tolist())
                continue
            col = np.asarray(h.getSolution().col_value).reshape(blocks, self._n_col)[:used]
            exact = col[:, k + n_var:].max(axis=1, initial=0.0) <= ARTIFICIAL_TOLERANCE
            found = units[exact]
            slack = col[exact, k:k + n_var]
            values[found] = (slack * cost[found]).sum(axis=1)
            status[found] = OPTIMAL
            if slacks is not None and lambdas is not None:
                slacks[found] = slack * self.ref.scale
                lambdas[found] = col[exact, :k]
            retry.extend(units[~exact].tolist())
        if retry:
            again = np.array(retry)
            redo = self._unit_lp().solve(data[again],
                                         None if direction is None else direction[again],
                                         solution=solution)
            values[again] = redo.values
            status[again] = redo.status
            if slacks is not None and lambdas is not None:
                slacks[again] = redo.slacks
                lambdas[again] = redo.lambdas
        return LPBatch(values, status, slacks, lambdas)
