"""The standard-error methods of the quantile regressions, one registry entry each.

docs/methods.md §7. The configuration and the public functions spell a method by
quantreg's name (``nid``, ``iid``, ``ker``, ``boot``; :data:`carbongap.choices.SeMethod`);
:func:`se_rule` looks the name up once, where the option enters, and everything below
(the estimator, the R bridge, the cross-validation, the robustness grid, the Stata
do-file) reads what it needs from the :class:`SeRule`: the covariance, whether it refits
(a bootstrap), whether it takes a cluster, its R name and its Stata command. Adding a
method is one entry of :data:`SE_RULES`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..choices import check
from .vcov import Vcov, vcov_iid, vcov_ker, vcov_nid

#: An analytic covariance: (X with the constant, y, τ, β̂(τ), Hall-Sheather?) -> the (p, p)
#: matrix, with its bread for a sandwich (:class:`~carbongap.qreg.vcov.Vcov`).
Covariance = Callable[[np.ndarray, np.ndarray, float, np.ndarray, bool], Vcov]


@dataclass(frozen=True)
class StataVce:
    """How Stata 14+ estimates the closest thing: the option shown in the do-file's header,
    the command (``{regress}`` = dependent, regressors and sample condition; ``{tau}``,
    ``{reps}``, ``{cluster}``) and how it differs from quantreg's method."""

    option: str
    command: str
    explanation: str


@dataclass(frozen=True)
class SeRule:
    """One standard-error method.

    ``covariance`` is the analytic estimator (:mod:`carbongap.qreg.vcov`), None for a
    bootstrap, which ``refits`` the model on resampled data (:mod:`carbongap.qreg.boot`)
    and then ``takes_cluster`` (quantreg's cluster bootstrap). ``r_name`` is
    ``summary.rq``'s ``se``; ``stata`` (and ``stata_clustered`` with a cluster) the
    do-file's command. ``sandwich``: the covariance is τ(1 − τ) H X'X H with
    H = (X'FX)⁻¹ and hands H on (:attr:`Vcov.bread`; the tests across quantiles need it,
    :mod:`carbongap.qreg.wald`).
    """

    name: str
    covariance: Covariance | None
    r_name: str
    stata: StataVce
    stata_clustered: StataVce | None = None
    sandwich: bool = False

    @property
    def refits(self) -> bool:
        """Whether the SEs come from refitting resampled data (a bootstrap)."""
        return self.covariance is None

    @property
    def takes_cluster(self) -> bool:
        """Whether the method can resample clusters (``cluster=``)."""
        return self.stata_clustered is not None

    def stata_vce(self, cluster: str | None) -> StataVce:
        """The Stata command of this method, with or without a cluster."""
        return self.stata_clustered if cluster and self.stata_clustered else self.stata


_QREG = "qreg {regress}, quantile({tau}) "

#: Every standard-error method by its public (quantreg's) name.
SE_RULES: dict[str, SeRule] = {
    "nid": SeRule("nid", vcov_nid, "nid", StataVce(
        "vce(robust, fitted hsheather)", _QREG + "vce(robust, fitted hsheather)",
        "Stata's Huber sandwich with density estimates from the fitted quantiles at "
        "tau +/- h (Hendricks & Koenker), Hall-Sheather h: the same estimator as "
        "quantreg's nid (summary.rq se = 'nid'). quantreg also halves h until "
        "0 < tau +/- h < 1, subtracts eps = 1.5e-8 in the difference quotient and sets "
        "negative densities to 0; Stata's treatment of these edge cases may differ, so "
        "expect SEs close to, not identical with, the Python and R ones. Note that "
        "Stata's default vce(iid) is NOT nid."), sandwich=True),
    "iid": SeRule("iid", vcov_iid, "iid", StataVce(
        "vce(iid, residual hsheather)", _QREG + "vce(iid, residual hsheather)",
        "Stata's iid VCE with the sparsity from the empirical quantile function of "
        "the residuals (zero residuals removed), Hall-Sheather h. quantreg's iid takes "
        "the sparsity as the slope of a median regression of the ordered residuals "
        "over a window of width h, so SEs differ slightly.")),
    "ker": SeRule("ker", vcov_ker, "ker", StataVce(
        "vce(robust, kernel(gaussian) hsheather)",
        _QREG + "vce(robust, kernel(gaussian) hsheather)",
        "Stata's sandwich with a Gaussian kernel density estimate of the residuals; "
        "quantreg's ker (Powell 1991) scales the Hall-Sheather bandwidth by "
        "min(sd, IQR/1.34) of the residuals, Stata uses its own kernel bandwidth rule, "
        "so SEs differ slightly."), sandwich=True),
    "boot": SeRule("boot", None, "boot", StataVce(
        "(bsqreg, reps)", "bsqreg {regress}, quantile({tau}) reps({reps})",
        "Stata's bsqreg: the xy-pair bootstrap as quantreg's boot.rq(bsmethod = 'xy'); "
        "the replicates differ (another random number generator), so SEs agree in "
        "distribution, not digit by digit."), StataVce(
        "(bootstrap, cluster(city_code))",
        "bootstrap, reps({reps}) cluster({cluster}) nodots: qreg {regress}, quantile({tau})",
        "Stata's pairs cluster bootstrap (whole cities resampled). quantreg's "
        "cluster bootstrap, which the Python side follows, is Hagemann's (2017) "
        "wild gradient bootstrap; Stata has none built in, so SEs differ.")),
}


def se_rule(name: str) -> SeRule:
    """The method called ``name``; ValueError naming the valid choices otherwise."""
    check("se", name, tuple(SE_RULES))
    return SE_RULES[name]
