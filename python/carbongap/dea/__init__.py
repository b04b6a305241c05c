"""SBI Luenberger productivity (docs/methods.md §6): DEA with bad outputs, fast and distributable.

Public functions::

    sbi(x, y, b=None, x_ref=None, y_ref=None, b_ref=None, rts="vrs", direction=None,
        solver="kernel") -> SBIResult   # directional slacks-based inefficiency of each unit
    luenberger(panel, inputs, good, bad=(), frontier="contemporaneous", solver="kernel", ...)
        -> LuenbergerResult   # .table: LTFP, LPEC, LSEC, LPTP, LTPSC, EC, PC, S terms,
                              # statuses; .screened, .periods, .warnings
    screen(panel, variables, ...) -> Screened   # which unit-periods enter, and why not

Both solve with the compiled small-LP kernel by default (``kernel``: every answer
certified, HiGHS for any it cannot certify); ``solver="highs"`` uses HiGHS alone.

Modules, one job each: ``highs`` (the warm-started HiGHS LP of one technology),
``kernel`` (the compiled dense simplex),
``reference`` (scaling and the verdict on answers), ``verify`` (the check of every
solution in the caller's units), ``status`` (status codes and names), ``prune``
(exact reference-set reduction), ``technology`` (every evaluation of one technology,
and running the jobs through :mod:`carbongap.parallel`), ``frontiers`` (which periods
span a technology), ``models`` (the production and green models with their indices and
tables), ``lp_tables`` (the tables of LPs without a number),
``decomposition`` (the docs/methods.md §6 formulas), ``panel`` (screening), ``sbi`` and
``luenberger`` (the public functions).
"""

from .ddf import DDFResult, ddf
from .luenberger import LuenbergerResult, luenberger
from .panel import Screened, screen
from .sbi import SBIResult, sbi

__all__ = ["DDFResult", "LuenbergerResult", "SBIResult", "Screened", "ddf", "luenberger",
           "sbi", "screen"]
