"""The radial directional distance function of a set of units (docs/methods.md §15).

:func:`ddf` checks its inputs and solves, for every evaluated unit, the LP of
:mod:`carbongap.dea.ddf_lp` against a reference technology (by default the evaluated data).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..choices import DEA_SOLVERS, DISPOSABILITIES, DeaSolver, Disposability, Rts, check
from ..errors import DataError, format_rows
from .arrays import direction_matrix, readonly, units
from .ddf_lp import DdfLP, default_direction
from .reference import check_rts, warn_wide_columns
from .status import OPTIMAL, status_words


@dataclass(frozen=True)
class DDFResult:
    """Result of :func:`ddf` (arrays are read-only).

    Attributes
    ----------
    values
        (n,) β per evaluated unit, in multiples of the direction (unit-free when the
        direction is the unit's own data); ≥ 0 against a technology that contains the
        unit, negative outside it; NaN where the LP is not optimal — never 0.
    status
        (n,) "optimal", "infeasible", "unbounded", "numerical" (no answer passed the
        check of :func:`carbongap.dea.ddf_lp.certify`) or another HiGHS status name.
    rts, disposability
        As given.
    lambdas
        (n, K) optimal intensity weights (``return_solution=True``), else None.
    """

    values: np.ndarray
    status: np.ndarray
    rts: Rts
    disposability: Disposability
    lambdas: np.ndarray | None = None

    @property
    def optimal(self) -> np.ndarray:
        """Boolean mask of the units whose LP was solved to optimality."""
        return self.status == "optimal"


def ddf(x: object, y: object, b: object = None, x_ref: object = None, y_ref: object = None,
        b_ref: object = None, rts: Rts = "vrs", direction: object = None, *,
        disposability: Disposability = "weak", return_solution: bool = False,
        solver: DeaSolver = "kernel") -> DDFResult:
    """Radial directional distance function β of each evaluated unit (docs/methods.md §15).

    .. math::

        D(x_o, y_o, b_o; g) = \\max \\beta \\;\\text{s.t.}\\; X_{ref}^\\top\\lambda \\le
        x_o - \\beta g_x,\\; Y_{ref}^\\top\\lambda \\ge y_o + \\beta g_y,\\;
        B_{ref}^\\top\\lambda = b_o - \\beta g_b \\text{ (weak; } \\le \\text{ strong)},\\;
        [\\textstyle\\sum\\lambda = 1],\\; \\lambda \\ge 0.

    Parameters
    ----------
    x, y, b
        Evaluated units in rows: (n, N) inputs, (n, M) good outputs, (n, J) bad outputs
        or None. A 1-D array is one variable. Finite and nonnegative.
    x_ref, y_ref, b_ref
        The reference technology (K units); default: the evaluated data.
    rts
        ``"crs"`` or ``"vrs"``.
    direction
        None for g = (0, y_o, b_o) (Chung, Färe & Grosskopf 1997: goods up and bads down
        in proportion, inputs fixed), or a tuple (g_x, g_y, g_b) of nonnegative arrays
        shaped like x, y, b (g_b None when J = 0), not all zero for any unit.
    disposability
        ``"weak"`` (bad rows are equalities, the Malmquist-Luenberger literature's
        assumption) or ``"strong"`` (inequalities: bads treated like inputs; equal to R
        Benchmarking's ``dea.direct`` with the bads entered as inputs).
    return_solution
        Also return λ.
    solver
        ``"kernel"`` (default): the compiled dense simplex
        (:class:`carbongap.dea.kernel.KernelDdfLP`: every optimum certified, every
        infeasible answer with its Farkas ray, HiGHS for any other); ``"highs"``: HiGHS
        alone (:class:`carbongap.dea.ddf_lp.DdfLP`, the reference).

    Returns
    -------
    DDFResult
        β per unit with its status; an LP that is not optimal gives NaN, never 0.
    """
    check_rts(rts)
    check("disposability", disposability, DISPOSABILITIES)
    data = units(x, y, b, x_ref, y_ref, b_ref, "DDF")
    points, reference = data.points, data.reference
    warn_wide_columns(np.vstack([points, reference]), data.names(), "ddf")
    g = (default_direction(points, data.dims) if direction is None
         else direction_matrix(direction, points))
    empty = np.flatnonzero(~(g > 0).any(axis=1))
    if empty.size:
        raise DataError(f"direction: all zero for rows {format_rows(empty)} (with the "
                        "default direction (0, y, b): no good or bad output)",
                        source="direction", rows=empty)
    check("solver", solver, DEA_SOLVERS)
    if solver == "kernel":
        from .kernel import KernelDdfLP

        model: DdfLP | KernelDdfLP = KernelDdfLP(data.x_ref, data.y_ref, data.b_ref, rts,
                                                 disposability)
    else:
        model = DdfLP(data.x_ref, data.y_ref, data.b_ref, rts, disposability)
    batch = model.solve(points, g, solution=return_solution)
    values = np.where(batch.status == OPTIMAL, batch.values, np.nan)
    return DDFResult(values=readonly(values), status=readonly(status_words(batch.status)),
                     rts=rts, disposability=disposability,
                     lambdas=readonly(batch.lambdas))
