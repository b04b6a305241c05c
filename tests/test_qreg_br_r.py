"""The compiled Barrodale-Roberts path against live R quantreg ``rq.fit.br``: the same
doubles (==) and the same "Solution may be nonunique" verdict on random designs with ties,
duplicated rows, integer data and τ near 0 and 1."""

from __future__ import annotations

import numpy as np
import pytest

from carbongap.qreg.br import barrodale_roberts

pytestmark = pytest.mark.r

_R_BR = """
function(x, y, tau) {
  nonunique <- FALSE
  f <- withCallingHandlers(quantreg::rq.fit.br(x, y, tau = tau),
    warning = function(w) {
      if (grepl("nonunique", conditionMessage(w))) nonunique <<- TRUE
      invokeRestart("muffleWarning")
    })
  list(coef = unname(f$coefficients), unique = !nonunique)
}
"""


def _design(kind: str, n: int, p: int, rng: np.random.Generator
            ) -> tuple[np.ndarray, np.ndarray]:
    X = np.column_stack([np.ones(n), rng.normal(size=(n, p - 1))])
    y = X @ rng.normal(size=p) + rng.standard_t(3, size=n)
    if kind == "integers":  # many ties in the response and in the regressors
        X[:, 1:] = np.round(X[:, 1:])
        y = rng.integers(0, 5, size=n).astype(np.float64)
    elif kind == "duplicated":  # every row three times on average: degenerate vertices
        rows = rng.integers(0, n // 3, size=n)
        X, y = X[rows], y[rows]
    return X, y


@pytest.mark.parametrize("kind", ["continuous", "integers", "duplicated"])
def test_the_compiled_path_gives_quantregs_doubles_and_verdict(kind):
    from carbongap.r.sbi import r_matrix
    from carbongap.r.session import require_r, robjects

    require_r()
    ro = robjects()
    r_br = ro.r(_R_BR)
    rng = np.random.default_rng({"continuous": 1, "integers": 2, "duplicated": 3}[kind])
    nonunique = 0
    for trial in range(40):
        n, p = int(rng.integers(8, 400)), int(rng.integers(2, 6))
        X, y = _design(kind, n, p, rng)
        if np.linalg.matrix_rank(X) < p:  # R refuses a singular design; so does solve()
            continue
        tau = float([0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99][trial % 7])
        ours = barrodale_roberts(X, y, tau)
        theirs = r_br(r_matrix(X), ro.FloatVector(y), tau)
        coef = np.array(theirs.rx2("coef"), dtype=np.float64)
        assert np.array_equal(ours.beta, coef), (kind, trial, n, p, tau)
        assert ours.unique == bool(theirs.rx2("unique")[0]), (kind, trial)
        nonunique += not ours.unique
    if kind == "integers":
        assert nonunique > 0  # the tied responses do reach non-unique vertices
