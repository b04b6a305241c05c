"""The known-truth check on the synthetic default panel (docs/methods.md §7-8, §12 of the
synthetic design in carbongap.synth).

The generator's CO2 model is a location-scale model in its *latent* regressors, so the
true conditional-quantile coefficients are known exactly
(:func:`carbongap.synth.true_quantile_coefficients`). :func:`truth_recovery` regresses the
generator's ln CO2 on the latent lnT, lnP, lnA, lnI of the regression window and reports,
for every coefficient and τ, the estimate, its 95% interval and whether it covers the
truth, for the nid standard errors and for the cluster bootstrap by city. The generator's
errors are persistent over years (AR(1), ρ = 0.99), so observations of one city are
nearly duplicates: nid intervals, which assume independent observations, are expected to
cover less than 95%; the cluster bootstrap accounts for the dependence.
:func:`dea_comparison` sets Table 1's estimates on the DEA-estimated index beside the same
truth: DEA measures the technology it sees, not the latent index, so they are not expected
to agree exactly.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..parallel import SERIAL, Execution
from ..qreg import fit
from .process import Z95

TERMS: tuple[str, ...] = ("lnT", "lnP", "lnA", "lnI")


def latent_sample(truth: pd.DataFrame, years: tuple[int, int]) -> pd.DataFrame:
    """Rows of the generator's truth in the panel and the regression window, with
    lnCO2 = ln(co2) (t)."""
    rows = truth.loc[truth["in_panel"].astype(bool) & truth["year"].between(*years)]
    return rows.assign(lnCO2=np.log(rows["co2"].to_numpy(np.float64))).reset_index(drop=True)


def truth_recovery(truth: pd.DataFrame, years: tuple[int, int], taus: Sequence[float], *,
                   boot_reps: int, seed: int, execution: Execution = SERIAL
                   ) -> pd.DataFrame:
    """Long table: se_method, term, tau, truth, estimate, se, lower, upper, covered, n."""
    from ..synth import true_quantile_coefficients

    data = latent_sample(truth, years)
    true = true_quantile_coefficients(taus)
    rows = []
    for label, kwargs in (("nid", {"se": "nid"}),
                          ("cluster bootstrap by city", {"se": "boot", "cluster": "city_code",
                                                         "boot_reps": boot_reps})):
        result = fit(data, "lnCO2", TERMS, taus=taus, seed=seed, label=("truth",),
                     execution=execution, **kwargs)
        for row in result.to_frame().itertuples():
            value = float(true.at[row.term, row.tau])
            lower, upper = row.coef - Z95 * row.se, row.coef + Z95 * row.se
            rows.append({"se_method": label, "term": row.term, "tau": row.tau,
                         "truth": value, "estimate": row.coef, "se": row.se,
                         "lower": lower, "upper": upper,
                         "covered": bool(lower <= value <= upper), "n": row.n})
    return pd.DataFrame(rows)


def dea_comparison(estimates: pd.DataFrame, taus: Sequence[float]) -> pd.DataFrame:
    """Table 1 (production block) on the DEA-estimated lnT beside the latent truth:
    term, tau, truth, estimate, se, difference."""
    from ..synth import true_quantile_coefficients

    true = true_quantile_coefficients(taus)
    mine = estimates.loc[(estimates["table"] == 1) & (estimates["block"] == "production")
                         & estimates["term"].isin(["const", *TERMS])]
    out = mine.loc[:, ["term", "tau", "coef", "se"]].rename(columns={"coef": "estimate"})
    out.insert(2, "truth", [float(true.at[t, tau]) for t, tau in zip(out["term"], out["tau"],
                                                                      strict=True)])
    out["difference"] = out["estimate"] - out["truth"]
    return out.reset_index(drop=True)
