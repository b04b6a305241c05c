"""The Barrodale-Roberts simplex for regression quantiles, step for step as R quantreg's ``br``.

Where the quantile regression LP has several optimal vertices (ties: a median regression on
an even number of points, duplicated rows), which vertex comes out depends on the path of
the algorithm. Every unweighted fit of up to :data:`carbongap.qreg.solver.BR_MAX` rows and
the small LPs inside the standard-error formulas (above all the iid sparsity fit,
docs/methods.md §7) are solved here along the path of Barrodale & Roberts (1974) as
modified for quantiles by Koenker & d'Orey (1987, Applied Statistics algorithm AS 229),
the algorithm of quantreg's ``rq(method = "br")``, so that the same vertex, the same
doubles and the same "solution may be nonunique" verdict come out.

The tableau has one row per observation (its current residual in the last column, the row
negated when the residual is negative) and one column per non-basic variable; three cost
rows carry the marginal costs c = c₂ + τ c₃ (Koenker & d'Orey 1987, section 2).

* **Stage 1** brings the p coefficients into the basis: the coefficient column of largest
  |marginal cost| enters; a column that no row can pivot on (linear dependence) is set
  aside with its coefficient 0.
* **Stage 2** exchanges observations: the column of largest reduced gain enters while the
  gain exceeds the tolerance.
* **The ratio test passes through vertices** (Barrodale & Roberts' device): rows are taken in
  increasing order of their ratio, and a row whose pivot would not use up the gain is
  reflected (its residual changes sign, its weight moves from τ to τ − 1) instead.
* **Non-uniqueness**: at the optimum, a basic observation whose dual value is at 0 or 1
  (marginal cost 0 or ±2 within the tolerance) leaves an edge of optimal solutions, and the
  fit is flagged.

Every comparison, its strictness and the order in which ties are resolved follow the
published algorithm as quantreg implements it, and the arithmetic is done in the same order
(every sum sequential in row order, each product rounded before its subtraction: numba
compiles without fast-math, so no multiply-add is fused), so that near-ties resolve
identically too. Compiled with numba (cached on disk): O(n p) per pivot.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

#: quantreg's ``toler``: the machine epsilon to the power 2/3.
TOLERANCE: float = float(np.finfo(np.float64).eps ** (2.0 / 3.0))
#: quantreg's ``big``: the largest finite double.
BIG: float = float(np.finfo(np.float64).max)


@dataclass(frozen=True)
class BRFit:
    """The vertex the Barrodale-Roberts path ends at.

    Attributes
    ----------
    beta
        (p,) coefficients (0 for a coefficient set aside as linearly dependent).
    basis
        Indices of the observations fitted exactly (sorted).
    unique
        False where quantreg warns "Solution may be nonunique".
    pivots
        Simplex pivots taken (stage 1 and 2).
    """

    beta: np.ndarray
    basis: np.ndarray
    unique: bool
    pivots: int


@njit(cache=True)
def _sign(value: float) -> float:
    """Fortran's sign(1, x): +1 for x ≥ 0, −1 for x < 0."""
    return -1.0 if value < 0.0 else 1.0


@njit(cache=True)
def _tableau(X: np.ndarray, y: np.ndarray, tau: float
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(T, row labels, column labels) of the AS 229 tableau, stored by column: T[j, i] is
    row i, column j of the reference's tableau (rows 0..n−1 the observations, rows n..n+2
    the cost rows c, c₂, c₃; columns 0..p−1 the non-basic variables, column p the
    right-hand side, the residuals), so that the long loops run over contiguous memory.
    Labels: a coefficient j is j + 1, an observation i is p + i + 1; negative when the row
    (column) is reflected."""
    n, p = X.shape
    T = np.zeros((p + 1, n + 3))
    row_label = np.empty(n)
    col_label = np.empty(p)
    for i in range(n):
        flip = -1.0 if y[i] < 0.0 else 1.0
        for j in range(p):
            T[j, i] = flip * X[i, j]
        T[p, i] = flip * y[i]
        row_label[i] = flip * (p + i + 1.0)
    for j in range(p):
        col_label[j] = j + 1.0
        # Marginal costs (AS 229): c₂ = Σ (1 − s_i) x_ij, c₃ = 2 Σ s_i x_ij with s_i the
        # row sign, summed in row order as the reference does.
        c2 = 0.0
        c3 = 0.0
        for i in range(n):
            s = _sign(row_label[i])
            c2 += T[j, i] * (1.0 - s)
            c3 += T[j, i] * s
        T[j, n + 1] = c2
        T[j, n + 2] = 2.0 * c3
        T[j, n] = T[j, n + 1] + T[j, n + 2] * tau
    return T, row_label, col_label


@njit(cache=True)
def _reflect(T: np.ndarray, row_label: np.ndarray, passed: np.ndarray, count: int,
             first: int, n: int) -> None:
    """The passed rows' residuals change sign, in this order (each passes through zero):
    the costs move by 2 x_row each, subtracted one after another as the reference does."""
    for j in range(first, T.shape[0]):
        column = T[j]
        for cost_row in (n, n + 1):
            c = column[cost_row]
            for k in range(count):
                d = column[passed[k]]
                c = c - d
                c = c - d
            column[cost_row] = c
        for k in range(count):
            column[passed[k]] = -column[passed[k]]
    for k in range(count):
        row_label[passed[k]] = -row_label[passed[k]]


@njit(cache=True)
def _pivot(T: np.ndarray, row_label: np.ndarray, col_label: np.ndarray, row: int,
           col: int, first: int) -> None:
    """Exchange the variable of ``row`` with that of ``col`` (columns ``first``..p)."""
    width, rows = T.shape
    pivot = T[col, row]
    d = T[col].copy()
    for j in range(first, width):
        scaled = T[j, row] / pivot
        column = T[j]
        for i in range(rows):
            column[i] -= d[i] * scaled  # w_ij − d_i (w_row,j / pivot), as the reference
        column[row] = scaled  # the pivot row and column are then set apart
    column = T[col]
    for i in range(rows):
        column[i] = -d[i] / pivot
    column[row] = 1.0 / pivot
    label = row_label[row]
    row_label[row] = col_label[col]
    col_label[col] = label


@njit(cache=True)
def _swap_rows(T: np.ndarray, row_label: np.ndarray, a: int, b: int, first: int) -> None:
    for j in range(first, T.shape[0]):
        T[j, a], T[j, b] = T[j, b], T[j, a]
    row_label[a], row_label[b] = row_label[b], row_label[a]


@njit(cache=True)
def _swap_columns(T: np.ndarray, col_label: np.ndarray, a: int, b: int) -> None:
    for i in range(T.shape[1]):
        T[a, i], T[b, i] = T[b, i], T[a, i]
    col_label[a], col_label[b] = col_label[b], col_label[a]


@njit(cache=True)
def _negate_column(T: np.ndarray, col_label: np.ndarray, j: int) -> None:
    column = T[j]
    for i in range(column.shape[0]):
        column[i] = -column[i]
    col_label[j] = -col_label[j]


@njit(cache=True)
def _stage1_column(T: np.ndarray, col_label: np.ndarray, first: int, n: int, p: int) -> int:
    """The coefficient column of largest |marginal cost| (first on ties)."""
    best, largest = first, -1.0
    for j in range(first, p):
        if abs(col_label[j]) <= p and abs(T[j, n]) > largest:
            best, largest = j, abs(T[j, n])
    return best


@njit(cache=True)
def _stage2_column(T: np.ndarray, first: int, n: int, p: int, big: float
                   ) -> tuple[int, float]:
    """The observation column of largest gain: c_j, or −c_j − 2 where c_j ≤ −2."""
    best, largest = first, -big
    for j in range(first, p):
        d = T[j, n]
        if d < 0.0:
            if d > -2.0:
                continue
            d = -d - 2.0
        if d > largest:
            best, largest = j, d
    return best, largest


@njit(cache=True)
def _sift_down(keys: np.ndarray, items: np.ndarray, size: int, at: int) -> None:
    """Restore the min-heap order of ``keys[:size]`` (with ``items`` alongside) below
    ``at``."""
    while True:
        child = 2 * at + 1
        if child >= size:
            return
        if child + 1 < size and keys[child + 1] < keys[child]:
            child += 1
        if keys[child] >= keys[at]:
            return
        keys[at], keys[child] = keys[child], keys[at]
        items[at], items[child] = items[child], items[at]
        at = child


@njit(cache=True)
def _pop(keys: np.ndarray, items: np.ndarray, size: int) -> int:
    """Remove the heap's top; its item."""
    top = items[0]
    keys[0], items[0] = keys[size - 1], items[size - 1]
    _sift_down(keys, items, size - 1, 0)
    return top


@njit(cache=True)
def _ratio_test(T: np.ndarray, col: int, first_row: int, n: int, p: int, gain: float,
                tol: float, passed: np.ndarray) -> tuple[int, int]:
    """(pivot row or −1, rows passed through) of the ratio test on column ``col``.

    Candidates are rows with an entry above the tolerance, taken smallest ratio first (a
    binary heap: only the candidates taken are ordered). The reference scans a list for
    the first smallest ratio and fills the hole with the last entry, so among equal ratios
    the one first in that shuffled list wins: the current list position of every candidate
    is tracked, and among equal ratios the lowest position is taken. A candidate whose
    pivot would not use up the gain is passed through."""
    entering, rhs = T[col], T[p]
    rows = np.empty(n - first_row, dtype=np.int64)
    count = 0
    for i in range(first_row, n):
        if entering[i] > tol:
            rows[count] = i
            count += 1
    keys = np.empty(count)
    items = np.empty(count, dtype=np.int64)
    for k in range(count):
        keys[k] = rhs[rows[k]] / entering[rows[k]]
        items[k] = k
    for at in range(count // 2 - 1, -1, -1):
        _sift_down(keys, items, count, at)
    position = np.arange(count)  # candidate -> place in the list
    holder = np.arange(count)  # place in the list -> candidate
    tied = np.empty(count, dtype=np.int64)
    size, passes = count, 0
    for taken in range(count):
        smallest = keys[0]
        best = _pop(keys, items, size)
        size -= 1
        ties = 0
        while size > 0 and keys[0] == smallest:  # equal ratios: the first in the list
            tied[ties] = _pop(keys, items, size)
            size -= 1
            ties += 1
        for k in range(ties):
            if position[tied[k]] < position[best]:
                tied[k], best = best, tied[k]
        for k in range(ties):  # the others go back
            keys[size], items[size] = smallest, tied[k]
            at = size
            size += 1
            while at > 0 and keys[(at - 1) // 2] > keys[at]:
                up = (at - 1) // 2
                keys[at], keys[up] = keys[up], keys[at]
                items[at], items[up] = items[up], items[at]
                at = up
        place, last = position[best], count - taken - 1
        moved = holder[last]
        holder[place] = moved
        position[moved] = place
        pivot = entering[rows[best]]
        if gain - pivot - pivot <= tol:
            return rows[best], passes
        gain = gain - pivot - pivot
        passed[passes] = rows[best]  # pass through this vertex
        passes += 1
    return -1, passes


@njit(cache=True)
def _path(X: np.ndarray, y: np.ndarray, tau: float, tol: float, big: float
          ) -> tuple[np.ndarray, np.ndarray, bool, int, bool]:
    """(beta, basis, unique, pivots, found) along the br path (module docstring)."""
    n, p = X.shape
    T, row_label, col_label = _tableau(X, y, tau)
    passed = np.empty(n, dtype=np.int64)
    first_col, first_row, pivots = 0, 0, 0
    stage1 = True
    col = _stage1_column(T, col_label, first_col, n, p)
    if T[col, n] < 0.0:
        _negate_column(T, col_label, col)
    while True:
        row, passes = _ratio_test(T, col, first_row, n, p, T[col, n], tol, passed)
        _reflect(T, row_label, passed, passes, first_col, n)
        if row >= 0:
            _pivot(T, row_label, col_label, row, col, first_col)
            pivots += 1
        else:
            if not stage1:
                return np.zeros(p), np.zeros(0, dtype=np.int64), False, pivots, False
            _swap_columns(T, col_label, first_col, col)  # linearly dependent: 0
            first_col += 1
        if row >= 0 and stage1:
            first_row += 1
            _swap_rows(T, row_label, row, pivots - 1, first_col)
        if stage1 and pivots + first_col == p:
            stage1 = False
        if stage1:
            col = _stage1_column(T, col_label, first_col, n, p)
            if T[col, n] < 0.0:
                _negate_column(T, col_label, col)
            continue
        col, gain = _stage2_column(T, first_col, n, p, big)
        if gain <= tol:
            break
        if T[col, n] <= 0.0:
            _negate_column(T, col_label, col)
            T[col, n] -= 2.0
            T[col, n + 1] -= 2.0
    unique = True
    if first_col == 0:
        for j in range(p):
            d = abs(T[j, n])
            if d <= tol or 2.0 - d <= tol:
                unique = False
    beta = np.zeros(p)
    for i in range(first_row):
        beta[int(abs(row_label[i])) - 1] = T[p, i] * _sign(row_label[i])
    basis = np.empty(p - first_col, dtype=np.int64)
    for j in range(first_col, p):
        basis[j - first_col] = int(abs(col_label[j])) - p - 1
    return beta, np.sort(basis), unique, pivots, True


def barrodale_roberts(X: np.ndarray, y: np.ndarray, tau: float,
                      tol: float = TOLERANCE) -> BRFit:
    """The τ-th regression quantile of y on X along quantreg's br path (module docstring).

    Parameters
    ----------
    X
        (n, p) design (the constant, if any, is one of its columns).
    y
        (n,) response.
    tau
        Quantile in (0, 1).
    tol
        The path's tolerance: quantreg's ``rq.fit.br`` default (:data:`TOLERANCE`), or
        1e-4 as its bootstrap replicates use (``boot.rq.xy``, ``boot.rq.pwy``).

    Raises ArithmeticError if the path ends without an optimum (an unbounded ray, which
    cannot happen for τ in (0, 1); quantreg's "premature end").
    """
    beta, basis, unique, pivots, found = _path(
        np.ascontiguousarray(X, dtype=np.float64), np.ascontiguousarray(y, dtype=np.float64),
        float(tau), float(tol), BIG)
    if not found:
        raise ArithmeticError(f"the Barrodale-Roberts path found no optimum at tau = {tau} "
                              "(an unbounded direction)")
    return BRFit(beta, basis, bool(unique), int(pivots))
