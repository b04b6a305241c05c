"""The directional slacks-based inefficiency of a set of units (docs/methods.md §6).

:func:`sbi` checks its inputs and solves, for every evaluated unit o, the LP of
Fukuyama & Weber (2009) as written in docs/methods.md §6 (formula in
:mod:`carbongap.dea.highs`) against a reference technology that may differ from the
evaluated data (cross-period terms).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..choices import DeaSolver, Rts
from .arrays import direction_matrix, readonly, require_positive, units
from .reference import check_rts, warn_wide_columns
from .status import OPTIMAL, status_words
from .technology import TechnologyJob, solve_job, technology_model


@dataclass(frozen=True)
class SBIResult:
    """Result of :func:`sbi` (arrays are read-only).

    Attributes
    ----------
    values
        (n,) S per evaluated unit, a share of the direction (unit-free); NaN where the
        LP is not optimal — never 0.
    status
        (n,) "optimal", "infeasible", "unbounded", "numerical" (the solver's answer
        failed the check of :mod:`carbongap.dea.verify`), or another HiGHS status name.
    slacks_x, slacks_y, slacks_b
        (n, N), (n, M), (n, J) optimal slacks in the units of x, y, b
        (``return_solution=True``; NaN rows where not optimal), else None.
    lambdas
        (n, K) optimal intensity weights on the reference units, else None. Optimal
        solutions need not be unique; the value always is.
    rts
        "crs" or "vrs".
    lps
        LPs solved (fewer than n + K when pruning reuses the reference units' LPs).
    """

    values: np.ndarray
    status: np.ndarray
    rts: Rts
    lps: int
    slacks_x: np.ndarray | None = None
    slacks_y: np.ndarray | None = None
    slacks_b: np.ndarray | None = None
    lambdas: np.ndarray | None = None

    @property
    def optimal(self) -> np.ndarray:
        """Boolean mask of the units whose LP was solved to optimality."""
        return self.status == "optimal"


def _direction(direction: object, points: np.ndarray) -> np.ndarray | None:
    """The (n, N + M + J) direction g, positive; None for the observed values (which must
    then be positive themselves)."""
    if direction is None:
        require_positive("direction (observed x, y, b)", points)
        return None
    g = direction_matrix(direction, points)
    require_positive("direction", g)
    return g


def sbi(x: object, y: object, b: object = None, x_ref: object = None, y_ref: object = None,
        b_ref: object = None, rts: Rts = "vrs", direction: object = None, *,
        return_solution: bool = False, prune: bool | None = None,
        solver: DeaSolver = "kernel") -> SBIResult:
    """Directional slacks-based inefficiency S of each evaluated unit (docs/methods.md §6).

    .. math::

        S(o) = \\max \\tfrac12\\Big[\\tfrac1N \\sum_n s^x_n / g_{x,n}
               + \\tfrac{1}{M+J}\\Big(\\sum_m s^y_m / g_{y,m} + \\sum_j s^b_j / g_{b,j}\\Big)\\Big]

    subject to X_ref'λ + s^x = x_o, Y_ref'λ − s^y = y_o, B_ref'λ + s^b = b_o, Σλ = 1
    under VRS, λ, s ≥ 0. With J = 0 the output term is (1/M) Σ s^y/g_y. The bad-output
    row is the equation of docs/methods.md §6, written with a slack; since s^b ≥ 0 it is
    equivalent to the inequality B_ref'λ ≤ b_o (bads treated like inputs), not to the
    weak-disposability equality B_ref'λ = b_o of a model without s^b.

    Parameters
    ----------
    x, y, b
        Evaluated units in rows: (n, N) inputs, (n, M) good outputs, (n, J) bad outputs
        or None (J = 0). A 1-D array is one variable. Finite and nonnegative.
    x_ref, y_ref, b_ref
        The reference technology (K units); default: the evaluated data. Give all of
        them (b_ref exactly when b is given) or none.
    rts
        ``"crs"`` or ``"vrs"``.
    direction
        None for the observed values g = (x_o, y_o, b_o) (which must then be positive),
        or a tuple (g_x, g_y, g_b) of positive arrays shaped like x, y, b (g_b None when
        J = 0).
    return_solution
        Also return the optimal slacks and λ.
    prune
        Solve against the efficient reference units only (exact, see
        :mod:`carbongap.dea.prune`; needs positive reference data). ``None`` (default):
        prune when every reference value is positive, as the pipeline does.
    solver
        ``"kernel"`` (default): the compiled small-LP simplex of
        :mod:`carbongap.dea.kernel`, every answer certified, HiGHS for any it cannot
        certify; ``"highs"``: HiGHS alone (the reference). Values agree to the
        certificate's tolerance (docs/methods.md §6).

    Returns
    -------
    SBIResult
        S is unit-free (a share of the direction); an LP that is not optimal gives NaN
        with its status, never 0.

    Notes
    -----
    Infeasible: only when the reference differs from the evaluated data (cross-period
    terms): no combination of reference units uses at most x_o and b_o while producing
    at least y_o (with Σλ = 1 under VRS). Against its own data the LP is always feasible
    (λ = e_o).

    Unbounded: X'λ ≤ x_o and B'λ ≤ b_o bound λ_k ≤ x_on / x_kn for any reference unit
    with a positive input (or bad), and every slack is then bounded too. The LP can
    therefore be unbounded only under CRS with a reference unit whose inputs and bads
    are all zero and some good output is positive; under VRS (Σλ = 1) never. Where the
    data rule it out, a solver that answers "unbounded" has failed, and the status is
    "numerical" (NaN).

    Accuracy: every value reported optimal has been checked in the caller's units
    (:mod:`carbongap.dea.verify`: each constraint holds to 1e-9 of its direction, S is
    computed from the checked slacks). On data spanning many orders of magnitude
    (a warning is logged above a factor of 1e6 within one variable) the floating-point
    solver can fail; such LPs come back NaN with status "numerical", not as numbers.
    """
    check_rts(rts)
    data = units(x, y, b, x_ref, y_ref, b_ref, "SBI")
    points, reference, dims = data.points, data.reference, data.dims
    warn_wide_columns(np.vstack([points, reference]), data.names(), "sbi")
    g = _direction(direction, points)
    if prune is None:
        prune = bool((reference > 0).all())
    elif prune:
        require_positive("reference data (needed for prune=True)", reference)
    job = TechnologyJob(key="sbi", rts=rts, reference=reference, dims=dims, points=points,
                        direction=g, same_as=np.arange(len(points)) if data.own else None,
                        prune=prune, solution=return_solution)
    result = solve_job(job, technology_model(solver))
    status = status_words(result.status)
    slacks = result.slacks
    cut = np.cumsum(dims)[:2]
    sx, sy, sb = np.split(slacks, cut, axis=1) if slacks is not None else (None, None, None)
    values = np.where(result.status == OPTIMAL, result.values, np.nan)
    return SBIResult(values=readonly(values), status=readonly(status), rts=rts,
                     lps=result.lps, slacks_x=readonly(sx), slacks_y=readonly(sy),
                     slacks_b=readonly(sb), lambdas=readonly(result.lambdas))
