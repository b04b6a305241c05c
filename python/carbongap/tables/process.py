"""Quantile processes: a regressor's coefficient over τ with its band and the OLS line.

docs/methods.md §7, as R quantreg's ``plot(summary(rq(..., tau = taus)))`` draws it: for
each specification and each technology regressor it shows (:mod:`carbongap.codebook`
role "technology"), the coefficient at every τ of ``[regressions] process_taus`` with a
95% band from the nid standard errors (normal, coef ± 1.96 SE), and the OLS coefficient
of the same regression with its 95% interval (classical OLS SE, normal).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.special import ndtri

from ..codebook import BY_NAME
from ..qreg import Estimator, QregOptions, estimate
from ..qreg.se import se_rule
from .estimate import fit_spec, sample_of
from .specs import TableSpec

#: The two-sided 95% normal quantile of every interval of the tables (1.959963984540054).
Z95 = float(ndtri(0.975))


def ols(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """OLS coefficients and classical standard errors (σ² = RSS/(n − p))."""
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ beta
    n, p = X.shape
    sigma2 = float(resid @ resid) / (n - p)
    return beta, np.sqrt(np.diag(sigma2 * np.linalg.inv(X.T @ X)))


def focus_terms(spec: TableSpec) -> tuple[str, ...]:
    """The technology regressors a specification shows."""
    return tuple(t for t in spec.shown if BY_NAME[t].role == "technology")


def quantile_process(panel: pd.DataFrame, specs: Sequence[TableSpec], taus: Sequence[float],
                     estimator: Estimator = estimate) -> pd.DataFrame:
    """Long table: table, part, header, term, tau, coef, lower, upper, ols, ols_lower,
    ols_upper, n (the bands from nid SEs, whatever the tables' SE method)."""
    options = QregOptions(tuple(taus), se_rule("nid"))
    rows = []
    for spec in specs:
        terms = focus_terms(spec)
        if not terms:
            continue
        result = fit_spec(panel, spec, options, estimator=estimator)
        data = sample_of(panel, spec)
        X = np.column_stack([np.ones(len(data)),
                             data.loc[:, list(spec.regressors)].to_numpy(np.float64)])
        beta, se = ols(X, data[spec.dependent].to_numpy(np.float64))
        ols_of = dict(zip(["const", *spec.regressors], zip(beta, se, strict=True),
                          strict=True))
        params, bse = result.params, result.bse
        for term in terms:
            b, s = ols_of[term]
            for tau in result.taus:
                c, e = float(params.at[term, tau]), float(bse.at[term, tau])
                rows.append({"table": spec.table, "part": spec.part, "header": spec.header,
                             "dependent": spec.dependent, "term": term, "tau": tau,
                             "coef": c, "lower": c - Z95 * e, "upper": c + Z95 * e,
                             "ols": b, "ols_lower": b - Z95 * s, "ols_upper": b + Z95 * s,
                             "n": result.nobs})
    return pd.DataFrame(rows)
