"""R quantreg through rpy2: ``rq`` fits and ``summary.rq`` standard errors, every option set.

The independent implementation the Python estimator (:mod:`carbongap.qreg`) is checked
against (:func:`rq`, given the bootstrap draws so both languages solve the same
problems), and the R backend of the regressions (:func:`fit`, quantreg all the way,
bootstraps drawn by R from ``set.seed(seed)``). Every quantreg option is given explicitly
(method, se, hs, R, bsmethod), never left to defaults that change with n.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..choices import SeMethod
from ..parallel import SERIAL, Execution
from ..qreg.formula import parse_formula
from ..qreg.model import design
from ..qreg.options import DEFAULT_REPS, QregOptions
from ..qreg.results import QuantRegResults, TauFit
from ..tables.estimate import sample_of
from ..tables.specs import TableSpec
from .sbi import r_matrix
from .session import require_r, robjects

_SETUP = """
suppressPackageStartupMessages(library(quantreg))
carbongap_rq <- function(x, y, tau, method, se, hs, U, R) {
  d <- data.frame(y = y, x)
  t0 <- proc.time()[["elapsed"]]
  f <- rq(y ~ . - 1, data = d, tau = tau, method = method)
  out <- list(coef = unname(coef(f)))
  if (se %in% c("nid", "iid", "ker")) {
    s <- suppressWarnings(summary(f, se = se, hs = hs))
    out$se <- unname(s$coefficients[, 2])
  } else if (se %in% c("xy", "pwy")) {
    B <- switch(se, xy = boot.rq(x, y, tau, R = R, bsmethod = "xy", U = U + 1)$B,
                pwy = quantreg:::boot.rq.pwy(U, x, y, tau))
    out$se <- sqrt(diag(cov(B)))
    out$draws <- B
  }
  out$seconds <- proc.time()[["elapsed"]] - t0
  out$objective <- sum(f$residuals * (tau - (f$residuals < 0)))
  out
}
carbongap_rq_fit <- function(x, y, tau, se, boot, hs, R, seed, cluster) {
  d <- data.frame(y = y, x)
  nonunique <- FALSE
  f <- withCallingHandlers(
    rq(y ~ . - 1, data = d, tau = tau, method = "br"),
    warning = function(w) {
      if (grepl("nonunique", conditionMessage(w))) nonunique <<- TRUE
      invokeRestart("muffleWarning")
    })
  if (boot) {
    set.seed(seed)
    s <- summary(f, se = se, R = R, bsmethod = "xy", cluster = cluster,
                 covariance = TRUE)
  } else {
    s <- suppressWarnings(summary(f, se = se, hs = hs, covariance = TRUE))
  }
  list(coef = unname(coef(f)), cov = unname(s$cov),
       objective = sum(f$residuals * (tau - (f$residuals < 0))), unique = !nonunique)
}
carbongap_equal_slopes <- function(x, names, y, taus, se) {
  colnames(x) <- names
  d <- data.frame(y = y, x)
  fits <- lapply(taus, function(t) rq(y ~ ., data = d, tau = t, method = "br"))
  each <- do.call(anova, c(fits, list(joint = FALSE, se = se)))$table
  list(Tn = each$Tn, p = each$pvalue, ndf = each$ndf, ddf = each$ddf)
}
"""


@dataclass(frozen=True)
class RFit:
    """What R returned for one τ: coefficients, objective, SEs (or None), bootstrap
    replicate coefficients (or None) and the seconds R spent fitting and computing the
    SEs (timed inside R, without the data transfer)."""

    coef: np.ndarray
    objective: float
    se: np.ndarray | None
    draws: np.ndarray | None
    seconds: float


def _function():
    require_r()
    ro = robjects()
    if "carbongap_rq" not in ro.globalenv:
        ro.r(_SETUP)
    return ro.globalenv["carbongap_rq"]


def rq(X: np.ndarray, y: np.ndarray, tau: float, *, method: str = "br", se: str = "none",
       hs: bool = True, draws: np.ndarray | None = None) -> RFit:
    """quantreg's fit of y on X (X holds the constant column; no intercept is added).

    ``se``: "none", an analytic method of ``summary.rq`` ("nid", "iid", "ker") or a
    bootstrap's replicates: "xy" (``boot.rq(bsmethod = "xy")``; ``draws`` (n, R) the
    0-based resampled indices, quantreg's ``U`` less 1) or "pwy" (the replicates of the
    cluster bootstrap, ``boot.rq.pwy``; ``draws`` the (p, R) matrix of gradient
    perturbations W_b = X'(U_b ∘ ψ)), so both languages solve the same perturbed problems.
    """
    ro = robjects()
    fn = _function()
    U = ro.NULL
    reps = 0
    if draws is not None:
        reps = int(draws.shape[1])
        U = r_matrix(draws)
    out = fn(r_matrix(X), ro.FloatVector(np.asarray(y, np.float64)), float(tau), method, se,
             bool(hs), U, reps)
    seconds = float(out.rx2("seconds")[0])
    names = list(out.names)
    se_values = np.array(out.rx2("se"), dtype=np.float64) if "se" in names else None
    boot = None
    if "draws" in names:
        boot = np.array(out.rx2("draws"), dtype=np.float64).reshape(reps, X.shape[1],
                                                                    order="F")
    return RFit(np.array(out.rx2("coef"), dtype=np.float64),
                float(out.rx2("objective")[0]), se_values, boot, seconds)


#: The solver path recorded for every τ the R backend fits.
R_METHOD = "r-br"


def estimate(data: pd.DataFrame, dependent: str, regressors: Sequence[str],
             options: QregOptions, *, label: Sequence[object] = (),
             execution: Execution = SERIAL) -> QuantRegResults:
    """The R :class:`~carbongap.qreg.options.Estimator` (docs/methods.md §7, §9):
    ``rq(method = "br")`` and ``summary.rq(se = options.se.r_name, hs = options.hs,
    covariance = TRUE)``. A bootstrap is drawn by R after ``set.seed(options.seed)``
    (``bsmethod = "xy"``, or quantreg's cluster bootstrap with ``options.cluster``), so
    bootstrap SEs agree with the Python ones in distribution, not digit by digit; ``label``
    and ``execution`` do not apply. ``unique`` is False where br warned "Solution may be
    nonunique"."""
    regressors = tuple(regressors)
    X, yv, clusters = design(data, dependent, regressors, options.cluster)
    ro = robjects()
    _function()
    fn = ro.globalenv["carbongap_rq_fit"]
    labels = ro.NULL
    if clusters is not None:  # quantreg wants cluster codes; int codes in first-seen order
        labels = ro.IntVector(pd.factorize(clusters)[0] + 1)
    xr, yr = r_matrix(X), ro.FloatVector(yv)
    fits = []
    for tau in options.taus:
        out = fn(xr, yr, tau, options.se.r_name, options.se.refits, bool(options.hs),
                 int(options.boot_reps), int(options.seed), labels)
        fits.append((tau, TauFit(
            np.array(out.rx2("coef"), dtype=np.float64),
            np.array(out.rx2("cov"), dtype=np.float64).reshape(X.shape[1], X.shape[1],
                                                                order="F"),
            float(out.rx2("objective")[0]), bool(out.rx2("unique")[0]), R_METHOD)))
    return QuantRegResults.collect(dependent, regressors, fits, nobs=len(yv), options=options)


def fit(data: pd.DataFrame, y: str, x: Sequence[str] | None = None,
        taus: Sequence[float] = (0.2, 0.4, 0.6, 0.8), se: SeMethod = "nid",
        cluster: str | None = None, seed: int = 0, *, boot_reps: int = DEFAULT_REPS,
        hs: bool = True) -> QuantRegResults:
    """:func:`carbongap.qreg.fit` computed by R quantreg 5.x (:func:`estimate`): same
    arguments, checks and results as the Python estimator."""
    dependent, regressors = parse_formula(y) if x is None else (y, tuple(x))
    options = QregOptions.of(taus, se, cluster, boot_reps=boot_reps, seed=seed, hs=hs)
    return estimate(data, dependent, regressors, options)


def equal_slopes(data: pd.DataFrame, dependent: str, regressors: Sequence[str],
                 taus: Sequence[float], se: str = "nid") -> pd.DataFrame:
    """quantreg's ``anova(rq(tau = τ_1), ..., joint = FALSE, se = se)``: the test that each
    slope is equal at every τ (:func:`carbongap.qreg.wald.equal_slopes`, computed by R);
    columns term, ndf, ddf, statistic, p."""
    X, yv, _ = design(data, dependent, regressors, None)
    ro = robjects()
    _function()
    x = r_matrix(X[:, 1:])  # without the constant: rq adds its own intercept
    out = ro.globalenv["carbongap_equal_slopes"](x, ro.StrVector(list(regressors)),
                                                 ro.FloatVector(yv),
                                                 ro.FloatVector(list(taus)), se)
    return pd.DataFrame({"term": list(regressors),
                         "ndf": np.array(out.rx2("ndf"), dtype=np.int64),
                         "ddf": np.array(out.rx2("ddf"), dtype=np.int64),
                         "statistic": np.array(out.rx2("Tn"), dtype=np.float64),
                         "p": np.array(out.rx2("p"), dtype=np.float64)})


def equal_slope_table(panel: pd.DataFrame, specs: Sequence[TableSpec],
                      tests: pd.DataFrame) -> pd.DataFrame:
    """R's ``anova.rq`` for every row of a table of equal-slopes tests
    (:func:`carbongap.tables.slopes.equal_slope_tests`: the same table parts, samples,
    quantiles, terms and covariance); the same columns."""
    by_part = {(s.table, s.part): s for s in specs}
    frames = []
    for (table, part, taus, se), rows in tests.groupby(["table", "part", "taus", "se"],
                                                       sort=False):
        spec = by_part[(table, part)]
        found = equal_slopes(sample_of(panel, spec), spec.dependent, spec.regressors,
                             [float(t) for t in taus.split()], se)
        found = found.loc[found["term"].isin(rows["term"])]
        frames.append(found.assign(table=table, part=part, sample=spec.sample,
                                   dependent=spec.dependent, taus=taus, se=se))
    return pd.concat(frames, ignore_index=True).reindex(columns=tests.columns)

