"""The python and r backends, chosen in one place (docs/architecture.md, "Backends").

The core (``dea``, ``qreg``, ``tables``) never imports :mod:`carbongap.r`: it takes the
solver of the DEA's LPs (:class:`carbongap.dea.technology.SolveJobs`) and the quantile
regression estimator (:class:`carbongap.qreg.Estimator`) as arguments. The stages
ask :func:`carbongap.backends.dea.solve_jobs` and :func:`carbongap.backends.qreg.estimator`
for the configured backend's function (``[productivity] backend``, ``[regressions]
backend``) and pass it in; the R functions are imported only when called, so R is never
started otherwise. The two choices live in two modules so that a stage's code hash (its
cache key) covers only the engine it uses.
"""

from __future__ import annotations

from ..choices import Backend

#: The backend a cross-validation computes beside the run's.
OTHER: dict[str, Backend] = {"python": "r", "r": "python"}
