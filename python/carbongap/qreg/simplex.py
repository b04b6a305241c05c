"""The full quantile regression LP solved by HiGHS's dual simplex (a vertex method, as br).

The fallback of :func:`carbongap.qreg.solver.solve` when the interior-point vertex cannot
be certified (degenerate data, ties): the dual LP of :mod:`carbongap.qreg.ipm` with all n
observations, started from the basis the interior point suggested (the candidate h basic,
the others at the bound their residual sign implies), so the simplex needs few pivots.
"""

from __future__ import annotations

import highspy
import numpy as np
from scipy import sparse

from ..lp import new_highs

#: HiGHS options: the dual simplex on the unpresolved LP, tight tolerances.
OPTIONS: dict[str, object] = {
    "presolve": "off",
    "solver": "simplex",
    "primal_feasibility_tolerance": 1e-10,
    "dual_feasibility_tolerance": 1e-10,
}


def simplex_vertex(X: np.ndarray, y: np.ndarray, tau: float, u: np.ndarray,
                   rhs: np.ndarray, basis: np.ndarray | None,
                   beta: np.ndarray) -> np.ndarray:
    """The p observations basic at HiGHS's optimal vertex of max y'a s.t. X'a = ``rhs``,
    0 ≤ a ≤ u; ``basis`` and ``beta`` (a start) choose the initial basis.

    Raises ArithmeticError when HiGHS finds no optimum (an infeasible perturbed problem).
    """
    n, p = X.shape
    model = new_highs(OPTIONS)
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = p
    lp.col_cost_ = y.astype(np.float64)
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = u.astype(np.float64)
    lp.row_lower_ = rhs.astype(np.float64)
    lp.row_upper_ = rhs.astype(np.float64)
    lp.sense_ = highspy.ObjSense.kMaximize
    matrix = sparse.csc_matrix(X.T)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr
    lp.a_matrix_.index_ = matrix.indices
    lp.a_matrix_.value_ = matrix.data
    model.passModel(lp)
    if basis is not None and len(basis) == p:
        start = highspy.HighsBasis()
        above = (y - X @ beta) > 0.0
        status = np.where(above, highspy.HighsBasisStatus.kUpper,
                          highspy.HighsBasisStatus.kLower).astype(object)
        status[basis] = highspy.HighsBasisStatus.kBasic
        start.col_status = list(status)
        start.row_status = [highspy.HighsBasisStatus.kLower] * p
        start.valid = True
        model.setBasis(start)
    model.run()
    if model.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        raise ArithmeticError(f"the quantile regression LP has no optimum at tau = {tau} "
                              f"(HiGHS: {model.modelStatusToString(model.getModelStatus())})")
    final = model.getBasis()
    columns = np.array([s == highspy.HighsBasisStatus.kBasic for s in final.col_status])
    chosen = np.flatnonzero(columns)
    if len(chosen) < p:  # a row is basic (degenerate): complete with the tightest fits
        sol = np.asarray(model.getSolution().row_dual, dtype=np.float64)
        r = np.abs(y - X @ sol)
        extra = [i for i in np.argsort(r, kind="stable") if i not in set(chosen)]
        chosen = np.sort(np.concatenate([chosen, extra[: p - len(chosen)]]))
    return chosen.astype(np.int64)
