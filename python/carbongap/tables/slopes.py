"""Do the technology effects of Tables 1-8 differ across quantiles? The equal-slopes tests
of every table part (docs/methods.md §7, "Tests").

For each estimated table part and each of its technology regressors (lnT, lnGT, lnPC,
lnEC, lnGPC, lnGEC: :func:`carbongap.tables.process.focus_terms`), the Wald test that the
coefficient is the same at every τ of the run (quantreg's ``anova.rq`` with
``joint = FALSE``) and at the first against the last τ (0.2 against 0.8 in the paper's
layout), from the part's own fits: the coefficients are the run's, the covariance across
quantiles is built from each τ's density estimates (:mod:`carbongap.qreg.wald`). The run's
SE method is used when it is a sandwich (nid, ker), whose breads (X'F_kX)⁻¹ the fits
carry, so nothing is refitted; otherwise (iid, the bootstrap, or a fit without its breads)
they are computed with nid, as quantreg defines the test for those two only (the warnings
of those densities are not repeated: the fits report theirs); the ``se`` column says
which.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..qreg import QregOptions, QuantRegResults
from ..qreg.model import design
from ..qreg.se import se_rule
from ..qreg.vcov import QuantRegWarning, reference_gram
from ..qreg.wald import breads, slope_tests
from .estimate import sample_of
from .process import focus_terms
from .specs import TableSpec

#: Columns of the table of tests.
SLOPE_COLUMNS: tuple[str, ...] = (
    "table", "part", "sample", "dependent", "term", "taus", "ndf", "ddf", "statistic", "p",
    "se")


def equal_slope_tests(panel: pd.DataFrame, specs: Sequence[TableSpec],
                      results: Mapping[tuple[int, int], QuantRegResults],
                      options: QregOptions) -> pd.DataFrame:
    """:data:`SLOPE_COLUMNS`, one row per table part, technology regressor and set of
    quantiles (all the run's τ; the first and the last), in table order (module
    docstring). Parts not in ``results`` (not estimated) have no rows."""
    rule = options.se if options.se.sandwich else se_rule("nid")
    rows = []
    for spec in specs:
        result = results.get((spec.table, spec.part))
        terms = focus_terms(spec)
        if result is None or not terms or len(result.taus) < 2:
            continue
        taus = list(result.taus)
        betas = [result.coef[:, k] for k in range(len(taus))]
        if result.gram is not None and result.se == rule.name:
            gram, hinvs = result.gram, list(result.breads)
        else:
            X, y, _ = design(sample_of(panel, spec), spec.dependent, spec.regressors, None)
            with warnings.catch_warnings():  # nid's "k non-positive fis" of a density
                warnings.simplefilter("ignore", QuantRegWarning)  # computed for the test
                hinvs = breads(X, y, taus, betas, rule, options.hs)
            gram = reference_gram(X)
        ends = [0, len(taus) - 1]
        for chosen in (list(range(len(taus))), ends) if len(taus) > 2 else (ends,):
            _, each = slope_tests(gram, result.nobs, [taus[k] for k in chosen],
                                  [betas[k] for k in chosen], [hinvs[k] for k in chosen])
            label = " ".join(f"{taus[k]:g}" for k in chosen)
            for term in terms:
                test = each[spec.regressors.index(term)]
                rows.append({"table": spec.table, "part": spec.part, "sample": spec.sample,
                             "dependent": spec.dependent, "term": term, "taus": label,
                             "ndf": test.ndf, "ddf": test.ddf, "statistic": test.statistic,
                             "p": test.p, "se": rule.name})
    frame = pd.DataFrame(rows, columns=list(SLOPE_COLUMNS))
    return frame.astype({"ndf": np.int64, "ddf": np.int64}) if rows else frame


def slope_summary(slopes: pd.DataFrame, estimates: pd.DataFrame,
                  level: float = 0.05) -> pd.DataFrame:
    """One row per table part and technology regressor: its coefficient at the first and
    the last τ, the change, the p-values of equal slopes (first against last τ; every τ)
    and whether the change is significant at ``level`` ("rises" / "falls") or not
    ("no significant change")."""
    rows = []
    for (table, part, term), tests in slopes.groupby(["table", "part", "term"], sort=False):
        ends = tests.loc[tests["taus"].str.count(" ") == 1].iloc[-1]
        every = tests.iloc[0]
        first, last = (float(t) for t in ends["taus"].split())
        cells = estimates.loc[(estimates["table"] == table) & (estimates["part"] == part)
                              & (estimates["term"] == term)].set_index("tau")["coef"]
        low, high = float(cells[first]), float(cells[last])
        verdict = ("no significant change" if ends["p"] >= level
                   else "rises" if high > low else "falls")
        rows.append({"table": table, "part": part, "sample": ends["sample"], "term": term,
                     f"coef_{first:g}": low, f"coef_{last:g}": high, "change": high - low,
                     "p_ends": float(ends["p"]), "p_all": float(every["p"]),
                     "verdict": verdict})
    return pd.DataFrame(rows)
