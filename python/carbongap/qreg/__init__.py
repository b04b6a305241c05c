"""Quantile regression (Koenker & Bassett 1978) with R quantreg's solutions and standard errors.

Public API::

    fit(data, y, x=None, taus=(0.2, 0.4, 0.6, 0.8), se="nid", cluster=None, seed=0)
        -> QuantRegResults   # params, bse, tvalues, pvalues, conf_int(), objective, ...
    estimate(data, dependent, regressors, QregOptions.of(taus, se)) -> QuantRegResults
        # the same fit from an options record (an Estimator)
    solve(X, y, tau) -> Solution   # one exact regression quantile (the br vertex)
    equal_slopes(data, y, x, taus, se="nid") -> DataFrame   # anova.rq across quantiles
    drop_terms(results, terms) -> DataFrame   # anova.rq of nested models at each τ

Modules, one job each: ``br`` (quantreg's Barrodale-Roberts path, for small fits),
``ipm`` (Frisch-Newton interior point), ``solver`` (the exact vertex and its
certificate), ``simplex`` (the HiGHS fallback), ``vcov`` (nid, iid, ker, and the
warnings quantreg gives),
``boot`` (xy and cluster bootstraps), ``se`` (the registry of SE methods),
``options`` (the options record), ``estimator`` (the ``Estimator`` protocol),
``results`` (the results object), ``model`` (``fit``, ``estimate``), ``wald`` (the Wald
tests of quantreg's ``anova.rq``), ``formula`` (``"y ~ a + b"``). docs/methods.md §7.
"""

from .estimator import Estimator
from .model import estimate, fit
from .options import QregOptions
from .results import QuantRegResults, stars
from .solver import Solution, solve
from .vcov import QuantRegWarning
from .wald import drop_terms, equal_slopes

__all__ = ["Estimator", "QregOptions", "QuantRegResults", "QuantRegWarning", "Solution",
           "drop_terms", "equal_slopes", "estimate", "fit", "solve", "stars"]
