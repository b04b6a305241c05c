"""An exact SBI reference for tests: the docs/methods.md §6 LP solved in rational arithmetic.

Every float input is converted exactly to a ``fractions.Fraction`` and the LP is solved
by a two-phase tableau simplex with Bland's rule (no cycling, no rounding), so the
status and value are those of the LP as posed, whatever the magnitudes. Slow (pure
Python): meant for a few small LPs per test.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np


def _pivot(tableau: list[list[Fraction]], basis: list[int], row: int, col: int) -> None:
    pivot = tableau[row][col]
    tableau[row] = [v / pivot for v in tableau[row]]
    for r, line in enumerate(tableau):
        if r != row and line[col] != 0:
            factor = line[col]
            tableau[r] = [a - factor * b for a, b in zip(line, tableau[row], strict=True)]
    basis[row] = col


def _maximise(tableau: list[list[Fraction]], basis: list[int], cost: list[Fraction],
              allowed: list[bool]) -> str:
    """Primal simplex on the tableau (last column = right-hand side), Bland's rule."""
    m = len(tableau)
    while True:
        entering = None
        for j, ok in enumerate(allowed):
            if not ok or j in basis:
                continue
            reduced = cost[j] - sum(cost[basis[i]] * tableau[i][j] for i in range(m))
            if reduced > 0:
                entering = j
                break
        if entering is None:
            return "optimal"
        leaving = None
        for i in range(m):
            if tableau[i][entering] > 0:
                ratio = tableau[i][-1] / tableau[i][entering]
                if leaving is None or ratio < leaving[0] or (
                        ratio == leaving[0] and basis[i] < basis[leaving[1]]):
                    leaving = (ratio, i)
        if leaving is None:
            return "unbounded"
        _pivot(tableau, basis, leaving[1], entering)


def solve_lp(cost: list[Fraction], matrix: list[list[Fraction]], rhs: list[Fraction]
             ) -> tuple[str, Fraction | None]:
    """max cost'z s.t. matrix z = rhs, z >= 0, exactly: (status, optimal value or None)."""
    m, n = len(matrix), len(cost)
    rows = []
    for line, b in zip(matrix, rhs, strict=True):
        sign = -1 if b < 0 else 1
        rows.append([sign * v for v in line] + [Fraction(sign) * b])
    # Phase I: one artificial per row, maximise minus their sum.
    tableau = [row[:-1] + [Fraction(int(i == r)) for i in range(m)] + [row[-1]]
               for r, row in enumerate(rows)]
    basis = [n + r for r in range(m)]
    phase1 = [Fraction(0)] * n + [Fraction(-1)] * m
    _maximise(tableau, basis, phase1, [True] * (n + m))
    if any(basis[r] >= n and tableau[r][-1] != 0 for r in range(m)):
        return "infeasible", None
    for r in range(m):  # drive zero-level artificials out of the basis where possible
        if basis[r] >= n:
            for j in range(n):
                if tableau[r][j] != 0 and j not in basis:
                    _pivot(tableau, basis, r, j)
                    break
    phase2 = list(cost) + [Fraction(0)] * m
    if _maximise(tableau, basis, phase2, [True] * n + [False] * m) == "unbounded":
        return "unbounded", None
    z = [Fraction(0)] * n
    for r in range(m):
        if basis[r] < n:
            z[basis[r]] = tableau[r][-1]
    return "optimal", sum((c * v for c, v in zip(cost, z, strict=True)), Fraction(0))


def sbi_exact(point: np.ndarray, reference: np.ndarray, dims: tuple[int, int, int],
              rts: str, direction: np.ndarray | None = None) -> tuple[str, float]:
    """The SBI of ``point`` = [x, y, b] against ``reference`` (K, N + M + J), docs/methods.md §6.

    Direction g = ``direction`` (positive), by default the observed point. Returns
    (status, value as float or NaN).
    """
    n_in, n_good, n_bad = dims
    p = [Fraction(float(v)) for v in point]
    ref = [[Fraction(float(v)) for v in row] for row in reference]
    k, n_var = len(ref), len(p)
    weights = ([Fraction(1, 2 * n_in)] * n_in
               + [Fraction(1, 2 * (n_good + n_bad))] * (n_good + n_bad))
    g = p if direction is None else [Fraction(float(v)) for v in direction]
    cost = [Fraction(0)] * k + [weights[v] / g[v] for v in range(n_var)]
    matrix = []
    for v in range(n_var):
        sign = -1 if n_in <= v < n_in + n_good else 1
        matrix.append([ref[j][v] for j in range(k)]
                      + [Fraction(sign if u == v else 0) for u in range(n_var)])
    rhs = list(p)
    if rts == "vrs":
        matrix.append([Fraction(1)] * k + [Fraction(0)] * n_var)
        rhs.append(Fraction(1))
    status, value = solve_lp(cost, matrix, rhs)
    return status, float(value) if value is not None else float("nan")
