"""``carbongap.qreg.fit``: quantile regressions of one model at several τ (eq. 2).

Checks the inputs, builds the design (constant first), fits each τ exactly
(:mod:`carbongap.qreg.solver`; each τ from its own start, which at a million rows is
faster and safer than the previous τ's fit) and attaches
the standard errors of the chosen method (:mod:`carbongap.qreg.vcov`,
:mod:`carbongap.qreg.boot`). docs/methods.md §7.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from ..choices import SeMethod
from ..errors import TooFewObservationsError
from ..parallel import SERIAL, Execution
from .boot import bootstrap
from .formula import parse_formula
from .options import DEFAULT_REPS, QregOptions
from .results import QuantRegResults, TauFit
from .solver import solve
from .vcov import QuantRegWarning, reference_gram


def too_few(n: int, k: int) -> str | None:
    """Why ``n`` observations cannot fit ``k`` coefficients (the constant included) — no
    more rows than coefficients — or None."""
    return f"{n} observations for {k} coefficients (a fit needs at least {k + 1})" \
        if n <= k else None


def design(data: pd.DataFrame, dependent: str, regressors: Sequence[str],
            cluster: str | None) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(X with the constant first, column-major, y, cluster labels); ValueError naming the
    problem."""
    columns = [dependent, *regressors, *([cluster] if cluster else [])]
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise ValueError(f"column(s) {', '.join(missing)} not in the data; it has "
                         f"{', '.join(map(str, data.columns))}")
    numeric = [dependent, *regressors]
    # Column by column into one column-major array, R's layout (a frame of the columns would
    # be copied twice; the products X @ b then add up in R's order); text cells become NaN,
    # refused below.
    values = np.empty((len(data), len(numeric)), order="F")
    for j, name in enumerate(numeric):
        column = data[name]
        if not pd.api.types.is_numeric_dtype(column.dtype):
            column = pd.to_numeric(column, errors="coerce")
        values[:, j] = column.to_numpy(np.float64, na_value=np.nan)
    bad = ~np.isfinite(values)
    if bad.any():
        counts = ", ".join(f"{numeric[j]} {int(bad[:, j].sum())}"
                           for j in range(len(numeric)) if bad[:, j].any())
        rows = np.flatnonzero(bad.any(axis=1))[:5].tolist()
        raise ValueError(f"missing or non-finite values in {counts} (first rows by "
                         f"position: {rows}); select complete cases first")
    if cluster and data[cluster].isna().any():
        raise ValueError(f"cluster column {cluster!r} has missing values")
    y = values[:, 0].copy()
    X = values
    X[:, 0] = 1.0  # the constant, where y was
    problem = too_few(len(values), X.shape[1])
    if problem:
        raise TooFewObservationsError(problem)
    if np.linalg.matrix_rank(X) < X.shape[1]:
        raise ValueError(f"the regressors {', '.join(regressors)} and the constant are "
                         "collinear (the design has not full column rank)")
    labels = data[cluster].to_numpy() if cluster else None
    return X, y, labels


def _with_warnings(step: Callable[[], TauFit]) -> tuple[TauFit, list[str]]:
    """Run one τ's fit and standard errors; (the fit, the quantreg-style warnings raised on
    the way, the main fit's non-uniqueness first). Other warnings pass on."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fitted = step()
    messages = [] if fitted.unique else ["solution may be nonunique"]
    for w in caught:
        if issubclass(w.category, QuantRegWarning):
            messages.append(str(w.message))
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return fitted, messages


def estimate(data: pd.DataFrame, dependent: str, regressors: Sequence[str],
             options: QregOptions, *, label: Sequence[object] = (),
             execution: Execution = SERIAL) -> QuantRegResults:
    """The Python :class:`~carbongap.qreg.options.Estimator`: ``dependent`` on a constant
    and ``regressors`` at every τ of ``options``, each τ fitted exactly with the SEs of
    ``options.se`` (an analytic covariance, or a bootstrap labelled ``label``, default the
    formula, in the random streams)."""
    regressors = tuple(regressors)
    X, yv, clusters = design(data, dependent, regressors, options.cluster)
    formula = f"{dependent} ~ {' + '.join(regressors)}"
    keys = tuple(label) or (formula,)
    rule = options.se
    fits: list[tuple[float, TauFit]] = []
    for tau in options.taus:
        def step(tau: float = tau) -> TauFit:
            solution = solve(X, yv, tau)
            if rule.covariance is not None:
                vcov = rule.covariance(X, yv, tau, solution.beta, options.hs)
                return TauFit(solution.beta, vcov.matrix, solution.objective,
                              solution.unique, solution.method, bread=vcov.bread)
            boot = bootstrap(X, yv, tau, solution.beta, reps=options.boot_reps,
                             seed=options.seed, keys=(*keys, tau), clusters=clusters,
                             execution=execution)
            return TauFit(solution.beta, boot.vcov(), solution.objective, solution.unique,
                          solution.method, draws=boot.draws, failed=boot.failed)

        fitted, messages = _with_warnings(step)
        notes = tuple(f"{formula}, tau = {tau:g}: {message}" for message in messages)
        for note in notes:
            warnings.warn(QuantRegWarning(note), stacklevel=2)
        fits.append((tau, dataclasses.replace(fitted, warnings=notes)))
    return QuantRegResults.collect(dependent, regressors, fits, nobs=len(yv), options=options,
                                   gram=reference_gram(X) if rule.sandwich else None)


def fit(data: pd.DataFrame, y: str, x: Sequence[str] | None = None,
        taus: Sequence[float] = (0.2, 0.4, 0.6, 0.8), se: SeMethod = "nid",
        cluster: str | None = None, seed: int = 0, *, boot_reps: int = DEFAULT_REPS,
        hs: bool = True, label: Sequence[object] = (), execution: Execution = SERIAL
        ) -> QuantRegResults:
    """Quantile regressions of ``y`` on a constant and ``x`` at each τ in ``taus``.

    Parameters
    ----------
    data
        One row per observation.
    y, x
        The dependent column and the regressor columns, or ``y`` a formula
        ``"y ~ x1 + x2"`` and ``x`` None (:func:`carbongap.qreg.formula.parse_formula`).
    taus
        Quantiles in (0, 1).
    se
        "nid" (default), "iid", "ker" or "boot" (quantreg's names; docs/methods.md §7;
        :mod:`carbongap.qreg.se`).
    cluster
        With se = "boot": a column whose values define clusters for quantreg's cluster
        (wild gradient) bootstrap; None: the xy-pair bootstrap.
    seed, boot_reps, label
        Bootstrap seed, replicates and the fit's label in the random streams
        (:mod:`carbongap.qreg.boot`); the label defaults to the formula.
    hs
        Hall-Sheather bandwidth (True, quantreg's default) or Bofinger.
    execution
        Workers, Dask and progress of the bootstrap replicates
        (:class:`carbongap.parallel.Execution`); never changes a number.
    """
    dependent, regressors = parse_formula(y) if x is None else (y, tuple(x))
    options = QregOptions.of(taus, se, cluster, boot_reps=boot_reps, seed=seed, hs=hs)
    return estimate(data, dependent, regressors, options, label=label, execution=execution)
