"""The results of a set of quantile regressions (one model, several τ).

Read-only properties in the style of linearmodels: ``params``, ``bse``, ``tvalues``,
``pvalues`` (frames: rows = "const" and the regressors, columns = τ), ``conf_int()``,
``nobs``, ``objective`` and ``unique`` (series by τ); ``summary()`` is a text table and
``to_frame()`` the long table every output is built from.

p-values and stars are two-sided normal (docs/methods.md §7): *** p < 0.01, ** p < 0.05,
* p < 0.1, as the paper marks its tables. (R's ``summary.rq`` prints Student-t p-values
with n − p degrees of freedom; at the paper's n = 2350 they differ from the normal ones by
less than 1e-3 of the p-value and the coefficients and standard errors are the same.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri

from ..choices import SeMethod

if TYPE_CHECKING:
    from .options import QregOptions

#: Star thresholds (p below each earns one more star).
STAR_LEVELS: tuple[float, ...] = (0.1, 0.05, 0.01)


def stars(p: float | np.ndarray) -> np.ndarray:
    """0-3 stars per p-value (NaN: 0)."""
    values = np.asarray(p, dtype=np.float64)
    return sum((values < level).astype(np.int64) for level in STAR_LEVELS)


def two_sided_p(t: np.ndarray | pd.DataFrame) -> np.ndarray:
    """2 (1 − Φ(|t|))."""
    return 2.0 * ndtr(-np.abs(np.asarray(t, dtype=np.float64)))


@dataclass(frozen=True)
class TauFit:
    """One τ's fit as an estimator hands it to :meth:`QuantRegResults.collect`."""

    coef: np.ndarray  #: (p,)
    cov: np.ndarray  #: (p, p)
    objective: float
    unique: bool
    method: str  #: the solver path ("br", "ipm", "ipm-band", "simplex", "r-br")
    warnings: tuple[str, ...] = ()  #: the quantreg-style warnings of this τ
    draws: np.ndarray | None = None  #: bootstrap replicate coefficients, (R, p)
    failed: int = 0  #: failed bootstrap replicates
    bread: np.ndarray | None = None  #: H = (X'FX)⁻¹ of a sandwich covariance, (p, p)


@dataclass(frozen=True)
class QuantRegResults:
    """What :func:`carbongap.qreg.fit` returns (module docstring).

    Attributes beyond the frames: ``dependent``, ``regressors``, ``se`` (method),
    ``cluster`` (column of a cluster bootstrap or ""), ``boot_reps``, ``seed``,
    ``methods`` (solver path per τ: "br", "ipm", "ipm-band" or "simplex"), ``draws``
    (bootstrap replicate coefficients per τ, (R, p)), ``failed`` (failed replicates per τ)
    and ``warnings`` (what quantreg would have warned, one text per warning: a main fit or
    the iid sparsity fit that may be nonunique, nid's non-positive fis). With a sandwich
    covariance (nid, ker) fitted here, ``breads`` holds each τ's H = (X'FX)⁻¹ and ``gram``
    X'X, from which the tests across quantiles are formed without refitting
    (:mod:`carbongap.qreg.wald`); otherwise they are empty and None.
    """

    dependent: str
    regressors: tuple[str, ...]
    taus: tuple[float, ...]
    coef: np.ndarray  #: (p, taus)
    cov: tuple[np.ndarray, ...]  #: one (p, p) covariance per τ
    nobs: int
    objectives: tuple[float, ...]
    uniques: tuple[bool, ...]
    se: SeMethod
    cluster: str = ""
    boot_reps: int = 0
    seed: int = 0
    methods: tuple[str, ...] = ()
    draws: Mapping[float, np.ndarray] = field(default_factory=dict)
    failed: Mapping[float, int] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    breads: tuple[np.ndarray, ...] = ()
    gram: np.ndarray | None = None

    @classmethod
    def collect(cls, dependent: str, regressors: tuple[str, ...],
                fits: Sequence[tuple[float, TauFit]], *, nobs: int, options: QregOptions,
                gram: np.ndarray | None = None) -> QuantRegResults:
        """The results of the fits (τ, fit), in order, from any backend with ``options``;
        the replicates are recorded only for a method that refits (a bootstrap), the
        breads with ``gram`` (X'X) only when every τ has one."""
        booted = options.se.refits
        each = [f for _, f in fits]
        breads = tuple(f.bread for f in each if f.bread is not None)
        whole = gram is not None and len(breads) == len(each)
        return cls(dependent, regressors, tuple(t for t, _ in fits),
                   np.column_stack([f.coef for f in each]), tuple(f.cov for f in each), nobs,
                   tuple(f.objective for f in each), tuple(f.unique for f in each),
                   options.se.name, options.cluster or "",
                   options.boot_reps if booted else 0, options.seed,
                   tuple(f.method for f in each),
                   {t: f.draws for t, f in fits if f.draws is not None},
                   {t: f.failed for t, f in fits if booted},
                   tuple(w for f in each for w in f.warnings),
                   breads if whole else (), gram if whole else None)

    @property
    def terms(self) -> list[str]:
        """"const" and the regressors, in order."""
        return ["const", *self.regressors]

    def _frame(self, values: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(values, index=pd.Index(self.terms, name="term"),
                            columns=pd.Index(list(self.taus), name="tau"))

    @property
    def formula(self) -> str:
        """``dependent ~ regressor + ...``."""
        return f"{self.dependent} ~ {' + '.join(self.regressors)}"

    @property
    def params(self) -> pd.DataFrame:
        """Coefficients."""
        return self._frame(self.coef)

    @property
    def bse(self) -> pd.DataFrame:
        """Standard errors, √diag of each τ's covariance."""
        return self._frame(np.column_stack([np.sqrt(np.diag(c)) for c in self.cov]))

    @property
    def tvalues(self) -> pd.DataFrame:
        """Coefficient / standard error."""
        return self.params / self.bse

    @property
    def pvalues(self) -> pd.DataFrame:
        """Two-sided normal p-values."""
        return self._frame(two_sided_p(self.tvalues.to_numpy()))

    @property
    def objective(self) -> pd.Series:
        """The minimised check-function objective Σ ρ_τ(r_i), by τ."""
        return pd.Series(self.objectives, index=pd.Index(list(self.taus), name="tau"),
                         name="objective")

    @property
    def unique(self) -> pd.Series:
        """Whether each τ's solution is certified unique (False: may be nonunique)."""
        return pd.Series(self.uniques, index=pd.Index(list(self.taus), name="tau"),
                         name="unique")

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Normal intervals coef ± Φ⁻¹(1 − α/2) SE; rows (term, tau), columns lower, upper."""
        z = float(ndtri(1.0 - alpha / 2.0))
        frame = self.to_frame()
        out = pd.DataFrame({"lower": frame["coef"] - z * frame["se"],
                            "upper": frame["coef"] + z * frame["se"]})
        out.index = pd.MultiIndex.from_frame(frame[["term", "tau"]])
        return out

    def to_frame(self) -> pd.DataFrame:
        """Long table: term, tau, coef, se, t, p, stars, n (terms in order within τ)."""
        m, k = len(self.taus), len(self.terms)
        se = np.sqrt(np.stack([np.diag(c) for c in self.cov], axis=1)).T.ravel()
        coef = self.coef.T.ravel()
        t = np.full(se.shape, np.nan)
        np.divide(coef, se, out=t, where=se > 0)  # no SE (NaN or 0): no t
        p = two_sided_p(t)
        return pd.DataFrame({"term": np.tile(np.array(self.terms, dtype=object), m),
                             "tau": np.repeat(np.asarray(self.taus, dtype=np.float64), k),
                             "coef": coef, "se": se, "t": t, "p": p,
                             "stars": stars(p).astype(np.int64),
                             "n": np.full(m * k, self.nobs, dtype=np.int64)})

    def summary(self) -> str:
        """A readable text table: one block per τ."""
        se_label = self.se + (f" (cluster bootstrap by {self.cluster})" if self.cluster
                              else "")
        lines = [f"Quantile regression: {self.formula}",
                 f"N = {self.nobs}; standard errors: {se_label}"
                 + (f", {self.boot_reps} replicates, seed {self.seed}" if self.boot_reps
                    else ""), ""]
        frame = self.to_frame()
        width = max(len(t) for t in self.terms) + 2
        for tau, objective, unique in zip(self.taus, self.objectives, self.uniques,
                                          strict=True):
            note = "" if unique else "  (solution may be nonunique)"
            lines.append(f"tau = {tau:g}   objective = {objective:.6g}{note}")
            lines.append(f"{'':<{width}}{'coef':>12}{'std err':>12}{'z':>9}{'P>|z|':>9}")
            for row in frame.loc[frame["tau"] == tau].itertuples():
                lines.append(f"{row.term:<{width}}{row.coef:>12.4f}{row.se:>12.4f}"
                             f"{row.t:>9.2f}{row.p:>9.3f} {'*' * row.stars}")
            lines.append("")
        lines.append("*** p < 0.01, ** p < 0.05, * p < 0.1 (two-sided, normal)")
        lines.extend(f"Warning: {text}" for text in self.warnings)
        return "\n".join(lines)
