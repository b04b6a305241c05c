"""Wald tests of quantile regressions, as R quantreg's ``anova.rq`` computes them.

docs/methods.md §7, "Tests". Two questions:

* **Do the slopes differ across quantiles?** (Koenker & Bassett 1982; :func:`equal_slopes`.)
  With m quantiles τ_1 < ... < τ_m fitted on the same n observations, the stacked
  coefficients b = (β̂(τ_1)', ..., β̂(τ_m)')' have the covariance W with blocks
  W_kl = ω_kl H_k J H_l, where ω_kl = min(τ_k, τ_l) − τ_k τ_l, J = X'X and H_k = (X'F_kX)⁻¹
  with F_k the density estimates of the SE method at τ_k (nid or ker; the blocks on the
  diagonal are the sandwich covariances themselves). For a restriction matrix D of q rows,
  T = (Db)'(DWD')⁻¹(Db)/q is compared with the F(q, d) distribution:

  - jointly, every slope equal across the quantiles: D = Δ_m ⊗ [0 | I_{p−1}] (Δ_m the
    (m−1) × m first-difference matrix), q = (p − 1)(m − 1), d = nm − q;
  - one slope j at a time: D = Δ_m ⊗ e_j', q = m − 1, d = nm − (m − 1).

* **Does a model need some regressors at one quantile?** (:func:`drop_terms`.) With V the
  covariance of β̂(τ) of the larger model and S the coefficients the smaller model leaves
  out, T = β̂_S' V_SS⁻¹ β̂_S / |S| against F(|S|, n − p).

The p-value is 1 − F(T), as quantreg computes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import f as f_distribution

from .formula import parse_formula
from .model import design
from .results import QuantRegResults
from .se import SeRule, se_rule
from .solver import solve
from .vcov import reference_gram, reference_product

#: Columns of every table of tests.
TEST_COLUMNS: tuple[str, ...] = ("test", "term", "taus", "ndf", "ddf", "statistic", "p")


@dataclass(frozen=True)
class WaldTest:
    """One F test: the statistic T, its degrees of freedom (ndf, ddf) and p = 1 − F(T)."""

    statistic: float
    ndf: int
    ddf: int

    @property
    def p(self) -> float:
        """1 − F_{ndf, ddf}(T), quantreg's p-value."""
        return float(1.0 - f_distribution.cdf(self.statistic, self.ndf, self.ddf))


def _wald(restriction: np.ndarray, estimate: np.ndarray, covariance: np.ndarray,
          ddf: int) -> WaldTest:
    """T = (Rb)'(RVR')⁻¹(Rb)/q for the q rows of ``restriction`` (module docstring)."""
    d = restriction @ estimate
    q = restriction.shape[0]
    statistic = float(d @ np.linalg.solve(restriction @ covariance @ restriction.T, d)) / q
    return WaldTest(statistic, q, ddf)


def stacked_covariance(gram: np.ndarray, taus: Sequence[float],
                       hinvs: Sequence[np.ndarray]) -> np.ndarray:
    """W with blocks ω_kl H_k J H_l (module docstring; ``gram`` is J = X'X), (pm, pm)."""
    J = gram
    m, p = len(taus), gram.shape[0]
    W = np.empty((m * p, m * p))
    for k in range(m):
        for j in range(m):
            omega = min(taus[k], taus[j]) - taus[k] * taus[j]
            W[k * p:(k + 1) * p, j * p:(j + 1) * p] = omega * reference_product(
                reference_product(hinvs[k], J), hinvs[j])
    return W


def breads(X: np.ndarray, y: np.ndarray, taus: Sequence[float],
           betas: Sequence[np.ndarray], rule: SeRule, hs: bool = True) -> list[np.ndarray]:
    """H_k = (X'F_kX)⁻¹ at each τ from the sandwich covariance of ``rule`` (nid or ker);
    its warnings pass on, as quantreg's anova.rq (which calls summary.rq) gives them."""
    if not rule.sandwich or rule.covariance is None:
        raise ValueError(f"tests of equal slopes need a sandwich covariance (se = 'nid' or "
                         f"'ker'), as quantreg's anova.rq; got se = {rule.name!r}")
    found = [rule.covariance(X, y, tau, beta, hs).bread
             for tau, beta in zip(taus, betas, strict=True)]
    return [bread for bread in found if bread is not None]


def slope_tests(gram: np.ndarray, n: int, taus: Sequence[float],
                betas: Sequence[np.ndarray], hinvs: Sequence[np.ndarray]
                ) -> tuple[WaldTest, list[WaldTest]]:
    """(the joint test, one test per slope) of equal slopes across ``taus`` on n
    observations whose design (the constant first) has ``gram`` X'X; ``betas`` and
    ``hinvs`` are each τ's coefficients and (X'F_kX)⁻¹ (:func:`breads`,
    :attr:`carbongap.qreg.QuantRegResults.breads`)."""
    p = gram.shape[0]
    m = len(taus)
    if m < 2 or p < 2:
        raise ValueError("a test of equal slopes needs at least two quantiles and a regressor")
    b = np.concatenate(betas)
    W = stacked_covariance(gram, taus, hinvs)
    difference = np.diff(np.eye(m), axis=0)
    slopes = np.hstack([np.zeros((p - 1, 1)), np.eye(p - 1)])
    joint = _wald(np.kron(difference, slopes), b, W, n * m - (p - 1) * (m - 1))
    each = [_wald(np.kron(difference, np.eye(p)[j:j + 1]), b, W, n * m - (m - 1))
            for j in range(1, p)]
    return joint, each


def equal_slopes(data: pd.DataFrame, y: str, x: Sequence[str] | None = None,
                 taus: Sequence[float] = (0.25, 0.5, 0.75), se: str = "nid", *,
                 hs: bool = True) -> pd.DataFrame:
    """Tests that the slopes of ``y`` on ``x`` are equal at every τ of ``taus`` (module
    docstring): quantreg's ``anova(fit1, fit2, ...)`` of one model at several τ, jointly
    (``joint = TRUE``, term "joint") and one slope at a time (``joint = FALSE``).

    ``y``, ``x`` as in :func:`carbongap.qreg.fit`; ``se`` "nid" or "ker" (the sandwich
    covariances; quantreg's across-τ tests need them); ``hs`` the Hall-Sheather bandwidth.
    Returns :data:`TEST_COLUMNS`, test "equal slopes".
    """
    rule = se_rule(se)
    dependent, regressors = parse_formula(y) if x is None else (y, tuple(x))
    taus = sorted(float(t) for t in taus)
    X, yv, _ = design(data, dependent, regressors, None)
    betas = [solve(X, yv, tau).beta for tau in taus]
    joint, each = slope_tests(reference_gram(X), len(yv), taus, betas,
                              breads(X, yv, taus, betas, rule, hs))
    label = " ".join(f"{t:g}" for t in taus)
    return pd.DataFrame(
        [{"test": "equal slopes", "term": term, "taus": label, "ndf": t.ndf, "ddf": t.ddf,
          "statistic": t.statistic, "p": t.p}
         for term, t in (("joint", joint), *zip(regressors, each, strict=True))],
        columns=list(TEST_COLUMNS))


def drop_terms(result: QuantRegResults, terms: Sequence[str]) -> pd.DataFrame:
    """At each τ of ``result``, the Wald test that the coefficients of ``terms`` are all
    zero (the smaller model without them; module docstring), with the covariance of the
    fit's SE method: quantreg's ``anova(full, smaller)`` at one τ. Returns
    :data:`TEST_COLUMNS`, test "drop", term the dropped terms."""
    unknown = [t for t in terms if t not in result.regressors]
    if not terms or unknown:
        raise ValueError(f"terms to drop must be regressors of the model "
                         f"({', '.join(result.regressors)}); got {', '.join(terms) or 'none'}")
    names = result.terms
    keep = [names.index(t) for t in terms]
    restriction = np.eye(len(names))[keep]
    rows = []
    for k, tau in enumerate(result.taus):
        test = _wald(restriction, result.params[tau].to_numpy(), result.cov[k],
                     result.nobs - len(names))
        rows.append({"test": "drop", "term": " ".join(terms), "taus": f"{tau:g}",
                     "ndf": test.ndf, "ddf": test.ddf, "statistic": test.statistic,
                     "p": test.p})
    return pd.DataFrame(rows, columns=list(TEST_COLUMNS))
