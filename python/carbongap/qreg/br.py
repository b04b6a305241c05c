"""The Barrodale-Roberts simplex for regression quantiles, step for step as R quantreg's ``br``.

Where the quantile regression LP has several optimal vertices (ties: a median regression on
an even number of points, duplicated rows), which vertex comes out depends on the path of
the algorithm. The small LPs inside the standard-error formulas — above all the iid
sparsity fit (docs/methods.md §7), a median regression of some dozens of ordered residuals
on their ranks — are solved here along the path of Barrodale & Roberts (1974) as modified
for quantiles by Koenker & d'Orey (1987, Applied Statistics algorithm AS 229), the
algorithm of quantreg's ``rq(method = "br")``, so that the same vertex, and the same
"solution may be nonunique" verdict, come out.

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
published algorithm as quantreg implements it, and the arithmetic is done in the same order,
so that near-ties resolve identically too. The cost is O(n p) per pivot in Python: meant for
the n of an inner fit or a small data set (hundreds of rows), not for the main fits at
thousands of rows, which :func:`carbongap.qreg.solver.solve` handles.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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


def _sign(values: np.ndarray | float) -> np.ndarray:
    """Fortran's sign(1, x): +1 for x ≥ 0, −1 for x < 0."""
    return np.where(np.asarray(values) < 0.0, -1.0, 1.0)


class _Tableau:
    """The AS 229 tableau: rows 0..n−1 the observations, rows n..n+2 the cost rows c, c₂,
    c₃; columns 0..p−1 the non-basic variables, column p the right-hand side (residuals).
    Labels: a coefficient j is j + 1, an observation i is p + i + 1; negative when the
    row (column) is reflected."""

    def __init__(self, X: np.ndarray, y: np.ndarray, tau: float) -> None:
        n, p = X.shape
        self.n, self.p = n, p
        body = np.empty((n + 3, p + 1))
        body[:n, :p] = X
        body[:n, p] = y
        self.row_label = np.arange(p + 1, p + n + 1, dtype=np.float64)
        negative = y < 0.0
        body[:n][negative] = -body[:n][negative]
        self.row_label[negative] = -self.row_label[negative]
        self.col_label = np.arange(1, p + 1, dtype=np.float64)
        # Marginal costs (AS 229): c₂ = Σ (1 − s_i) x_ij, c₃ = 2 Σ s_i x_ij with s_i the row
        # sign, summed in row order as the reference does.
        signs = _sign(self.row_label)[:, None]
        body[n + 1, :p] = np.cumsum(body[:n, :p] * (1.0 - signs), axis=0)[-1]
        body[n + 2, :p] = 2.0 * np.cumsum(body[:n, :p] * signs, axis=0)[-1]
        body[n:, p] = 0.0
        body[n, :p] = body[n + 1, :p] + body[n + 2, :p] * tau
        self.body = body

    @property
    def cost(self) -> np.ndarray:
        return self.body[self.n]

    def negate_column(self, j: int) -> None:
        self.body[:, j] = -self.body[:, j]
        self.col_label[j] = -self.col_label[j]

    def reflect_rows(self, rows: list[int], first: int) -> None:
        """The rows' residuals change sign, in this order (each passes through zero): the
        costs move by 2 x_row each, subtracted one after another as the reference does."""
        if not rows:
            return
        n = self.n
        d = self.body[rows, first:].copy()
        steps = np.repeat(d, 2, axis=0)
        for cost_row in (n, n + 1):
            chain = np.vstack([self.body[cost_row, first:], steps])
            self.body[cost_row, first:] = np.subtract.accumulate(chain, axis=0)[-1]
        self.body[rows, first:] = -d
        self.row_label[rows] = -self.row_label[rows]

    def pivot(self, row: int, col: int, first: int) -> None:
        """Exchange the variable of ``row`` with that of ``col`` (columns ``first``..p)."""
        body = self.body
        pivot = body[row, col]
        scaled = body[row, first:] / pivot
        d = body[:, col].copy()
        block = body[:, first:]
        block -= np.outer(d, scaled)  # w_ij − d_i (w_row,j / pivot), as the reference
        body[row, first:] = scaled  # the pivot row and column are then set apart
        body[:, col] = -d / pivot
        body[row, col] = 1.0 / pivot
        self.row_label[row], self.col_label[col] = self.col_label[col], self.row_label[row]

    def swap_rows(self, a: int, b: int, first: int) -> None:
        self.body[[a, b], first:] = self.body[[b, a], first:]
        self.row_label[[a, b]] = self.row_label[[b, a]]

    def swap_columns(self, a: int, b: int) -> None:
        self.body[:, [a, b]] = self.body[:, [b, a]]
        self.col_label[[a, b]] = self.col_label[[b, a]]


class _Candidates:
    """The ratio test's candidate rows (a positive entry in the entering column, above the
    tolerance), taken smallest ratio first.

    The reference scans a list for the first smallest ratio and fills the hole with the
    last entry, so among equal ratios the one first in that shuffled list wins. The same
    choice is made here from one sort: the current list position of every candidate is
    tracked, and among equal ratios the lowest position is taken."""

    def __init__(self, tab: _Tableau, col: int, first_row: int) -> None:
        entries = tab.body[first_row:tab.n, col]
        rows = np.flatnonzero(entries > TOLERANCE) + first_row
        ratios = tab.body[rows, tab.p] / tab.body[rows, col]
        self.rows: list[int] = rows.tolist()
        self.pivots: list[float] = tab.body[rows, col].tolist()
        self.ratios: list[float] = ratios.tolist()
        self.order: list[int] = np.argsort(ratios, kind="stable").tolist()
        self.position = list(range(len(self.rows)))  # candidate -> place in the list
        self.holder = list(range(len(self.rows)))  # place in the list -> candidate
        self.taken = 0

    def __len__(self) -> int:
        return len(self.rows) - self.taken

    def pop_smallest(self) -> tuple[int, float]:
        """(row, its entry in the entering column) of the next candidate."""
        order, ratios, taken = self.order, self.ratios, self.taken
        best = order[taken]
        end = taken + 1
        while end < len(order) and ratios[order[end]] == ratios[best]:
            end += 1
        if end > taken + 1:  # equal ratios: the first in the reference's list
            group = order[taken:end]
            best = min(group, key=self.position.__getitem__)
            k = group.index(best)
            order[taken], order[taken + k] = order[taken + k], order[taken]
        self.taken = taken + 1
        place, last = self.position[best], len(self.rows) - taken - 1
        moved = self.holder[last]
        self.holder[place], self.position[moved] = moved, place
        return self.rows[best], self.pivots[best]


def _stage1_column(tab: _Tableau, first_col: int) -> int:
    """The coefficient column of largest |marginal cost| (first on ties)."""
    best, largest = first_col, -1.0
    for j in range(first_col, tab.p):
        if abs(tab.col_label[j]) <= tab.p and abs(tab.cost[j]) > largest:
            best, largest = j, abs(tab.cost[j])
    return best


def _stage2_column(tab: _Tableau, first_col: int) -> tuple[int, float]:
    """The observation column of largest gain: c_j, or −c_j − 2 where c_j ≤ −2."""
    best, largest = first_col, -BIG
    for j in range(first_col, tab.p):
        d = tab.cost[j]
        if d < 0.0:
            if d > -2.0:
                continue
            d = -d - 2.0
        if d > largest:
            best, largest = j, d
    return best, largest


def barrodale_roberts(X: np.ndarray, y: np.ndarray, tau: float) -> BRFit:
    """The τ-th regression quantile of y on X along quantreg's br path (module docstring).

    Parameters
    ----------
    X
        (n, p) design (the constant, if any, is one of its columns).
    y
        (n,) response.
    tau
        Quantile in (0, 1).

    Raises ArithmeticError if the path ends without an optimum (an unbounded ray, which
    cannot happen for τ in (0, 1); quantreg's "premature end").
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    tab = _Tableau(X, y, tau)
    n, p = tab.n, tab.p
    first_col, first_row, pivots = 0, 0, 0
    stage1 = True
    col = _stage1_column(tab, first_col)
    if tab.cost[col] < 0.0:
        tab.negate_column(col)
    while True:
        candidates = _Candidates(tab, col, first_row)
        pivoted = False
        gain = float(tab.cost[col])
        passed: list[int] = []
        while len(candidates):
            row, pivot = candidates.pop_smallest()
            if gain - pivot - pivot <= TOLERANCE:
                pivoted = True
                break
            gain = gain - pivot - pivot
            passed.append(row)  # pass through this vertex
        tab.reflect_rows(passed, first_col)
        if pivoted:
            tab.pivot(row, col, first_col)
            pivots += 1
        if not pivoted:
            if not stage1:
                raise ArithmeticError(f"the Barrodale-Roberts path found no optimum at "
                                      f"tau = {tau} (an unbounded direction)")
            tab.swap_columns(first_col, col)  # linearly dependent: coefficient stays 0
            first_col += 1
        elif stage1:
            first_row += 1
            tab.swap_rows(row, pivots - 1, first_col)
        if stage1 and pivots + first_col == p:
            stage1 = False
        if stage1:
            col = _stage1_column(tab, first_col)
            if tab.cost[col] < 0.0:
                tab.negate_column(col)
            continue
        col, gain = _stage2_column(tab, first_col)
        if gain <= TOLERANCE:
            break
        if tab.cost[col] <= 0.0:
            tab.negate_column(col)
            tab.body[n, col] -= 2.0
            tab.body[n + 1, col] -= 2.0
    unique = True
    if first_col == 0:
        d = np.abs(tab.cost[:p])
        unique = not bool(np.any((d <= TOLERANCE) | (2.0 - d <= TOLERANCE)))
    beta = np.zeros(p)
    basic = np.abs(tab.row_label[:first_row]).astype(np.int64) - 1
    beta[basic] = tab.body[:first_row, p] * _sign(tab.row_label[:first_row])
    basis = np.sort(np.abs(tab.col_label[first_col:]).astype(np.int64) - p - 1)
    return BRFit(beta, basis, unique, pivots)
