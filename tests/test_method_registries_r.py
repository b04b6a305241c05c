"""An SE method registered in one place reaches R under its R name (``summary.rq``'s
``se``) through the R estimator, with no other edit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from carbongap.qreg import fit
from carbongap.qreg.se import SE_RULES, SeRule, StataVce
from carbongap.qreg.vcov import vcov_nid

pytestmark = [pytest.mark.r, pytest.mark.filterwarnings("ignore::carbongap.qreg.QuantRegWarning")]


def test_a_new_se_method_reaches_r_by_its_r_name(monkeypatch):
    from carbongap.r.quantreg import fit as fit_r

    monkeypatch.setitem(SE_RULES, "nid_copy", SeRule(
        "nid_copy", vcov_nid, "nid", StataVce("vce(robust)", "qreg {regress}", "test")))
    rng = np.random.default_rng(11)
    data = pd.DataFrame({"x": rng.normal(size=250)})
    data["y"] = 2.0 - 0.3 * data["x"] + rng.standard_t(5, size=250)
    r_copy = fit_r(data, "y ~ x", taus=(0.25, 0.75), se="nid_copy")
    assert r_copy.se == "nid_copy"
    r_nid = fit_r(data, "y ~ x", taus=(0.25, 0.75), se="nid")
    pd.testing.assert_frame_equal(r_copy.bse, r_nid.bse)
    mine = fit(data, "y ~ x", taus=(0.25, 0.75), se="nid_copy")
    np.testing.assert_allclose(mine.bse.to_numpy(), r_copy.bse.to_numpy(), rtol=1e-9)
