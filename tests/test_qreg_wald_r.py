"""carbongap.qreg.wald against live R quantreg ``anova.rq``: the equal-slopes tests across
τ (joint and one slope at a time) and the nested-model test at one τ, on quantreg's barro
data (the data of quantreg's own tests/rq.R) and on random designs; statistics to 1e-9."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from carbongap.qreg import fit
from carbongap.qreg.wald import drop_terms, equal_slopes

pytestmark = [pytest.mark.r, pytest.mark.filterwarnings("ignore::carbongap.qreg.QuantRegWarning")]

_ANOVA = """
function(d, taus, se, dropped) {
  suppressPackageStartupMessages(library(quantreg))
  d <- as.data.frame(d)
  fits <- lapply(taus, function(t) rq(y ~ ., data = d, tau = t))
  joint <- do.call(anova, c(fits, list(joint = TRUE, se = se)))$table
  each <- do.call(anova, c(fits, list(joint = FALSE, se = se)))$table
  keep <- setdiff(setdiff(names(d), "y"), dropped)
  full <- rq(y ~ ., data = d, tau = 0.5)
  small <- rq(as.formula(paste("y ~", paste(keep, collapse = " + "))), data = d, tau = 0.5)
  nested <- anova(full, small, se = se)$table
  list(joint = c(joint$ndf, joint$ddf, joint$Tn, joint$pvalue),
       each_Tn = each$Tn, each_p = each$pvalue, each_ndf = each$ndf, each_ddf = each$ddf,
       nested = c(nested$ndf, nested$ddf, nested$Tn, nested$pvalue))
}
"""


def _anova(frame: pd.DataFrame, taus, se: str, dropped: list[str]):
    from rpy2.robjects import pandas2ri
    from rpy2.robjects.conversion import localconverter

    from carbongap.r.session import require_r, robjects

    require_r()
    ro = robjects()
    with localconverter(ro.default_converter + pandas2ri.converter):
        d = ro.conversion.py2rpy(frame)
    out = ro.r(_ANOVA)(d, ro.FloatVector(taus), se, ro.StrVector(dropped))
    return {name: np.array(out.rx2(name), dtype=np.float64) for name in out.names}


def _barro() -> pd.DataFrame:
    from rpy2.robjects import pandas2ri
    from rpy2.robjects.conversion import localconverter

    from carbongap.r.session import require_r, robjects

    require_r()
    ro = robjects()
    barro = ro.r('local({data(barro, package = "quantreg"); barro})')
    with localconverter(ro.default_converter + pandas2ri.converter):
        frame = ro.conversion.rpy2py(barro)
    frame = frame.rename(columns={"y.net": "y"}).reset_index(drop=True)
    return frame.loc[:, ["y", "lgdp2", "fse2", "gedy2", "Iy2", "gcony2"]].astype(np.float64)


def _random(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = 250
    frame = pd.DataFrame({"a": rng.normal(size=n), "b": rng.uniform(0, 3, n),
                          "c": rng.integers(0, 4, n).astype(np.float64)})
    frame.insert(0, "y", 0.5 + frame["a"] + 0.3 * frame["b"] * (1 + rng.normal(size=n))
                 + rng.standard_t(4, size=n))
    return frame


@pytest.mark.parametrize(("source", "se"), [("barro", "nid"), ("barro", "ker"),
                                            ("random1", "nid"), ("random2", "ker")])
def test_the_tests_equal_anova_rq(source, se):
    frame = _barro() if source == "barro" else _random(int(source[-1]))
    regressors = [c for c in frame.columns if c != "y"]
    taus = (0.25, 0.5, 0.75)
    dropped = regressors[-2:]
    theirs = _anova(frame, taus, se, dropped)
    ours = equal_slopes(frame, "y", regressors, taus, se=se)
    joint = ours.iloc[0]
    assert (joint["ndf"], joint["ddf"]) == tuple(theirs["joint"][:2])
    assert joint["statistic"] == pytest.approx(theirs["joint"][2], rel=1e-9)
    assert joint["p"] == pytest.approx(theirs["joint"][3], rel=1e-9, abs=1e-14)
    each = ours.iloc[1:]
    np.testing.assert_allclose(each["statistic"], theirs["each_Tn"], rtol=1e-9)
    np.testing.assert_allclose(each["p"], theirs["each_p"], rtol=1e-9, atol=1e-14)
    assert list(each["ndf"]) == list(theirs["each_ndf"].astype(int))
    assert list(each["ddf"]) == list(theirs["each_ddf"].astype(int))
    nested = drop_terms(fit(frame, "y", regressors, taus=(0.5,), se=se), dropped).iloc[0]
    assert (nested["ndf"], nested["ddf"]) == tuple(theirs["nested"][:2])
    assert nested["statistic"] == pytest.approx(theirs["nested"][2], rel=1e-9)
    assert nested["p"] == pytest.approx(theirs["nested"][3], rel=1e-9, abs=1e-14)
