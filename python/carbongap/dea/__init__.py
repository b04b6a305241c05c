"""SBI Luenberger productivity (SPEC section 6): DEA with bad outputs, fast and distributable.

Public functions::

    sbi(x, y, b=None, x_ref=None, y_ref=None, b_ref=None, rts="vrs", direction=None)
        -> SBIResult   # directional slacks-based inefficiency of each unit
    luenberger(panel, inputs, good, bad=(), frontier="contemporaneous", ...)
        -> DataFrame   # LTFP, LPEC, LSEC, LPTP, LTPSC, EC, PC, S terms, statuses
    screen(panel, variables, ...) -> Screened   # which unit-periods enter, and why not

Modules, one job each: ``highs`` (the warm-started HiGHS LP of one technology), ``prune``
(exact reference-set reduction), ``technology`` (every evaluation of one technology),
``parallel`` (joblib / Dask execution), ``frontiers`` (which periods span a technology),
``decomposition`` (the SPEC section 6 formulas), ``panel`` (screening), ``sbi`` and
``luenberger`` (the public functions).
"""

from .luenberger import luenberger
from .panel import Screened, screen
from .sbi import SBIResult, sbi

__all__ = ["SBIResult", "Screened", "luenberger", "sbi", "screen"]
