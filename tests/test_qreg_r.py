"""carbongap.qreg against R quantreg 5.94 (rq br, summary.rq, boot.rq), every option set.

Tolerances (docs/methods.md §7): coefficients of unique solutions and the objective to
1e-9 relative (both sides compute the same vertex in floating point: measured about
1e-15), standard errors given the same coefficients to 1e-9 relative.
"""

from __future__ import annotations

import numpy as np
import pytest

from carbongap.qreg import solve
from carbongap.qreg.boot import bootstrap, cluster_index, wild_weights, xy_draw
from carbongap.qreg.se import SE_RULES
from carbongap.qreg.vcov import EPS

#: quantreg-style warnings (nid's non-positive fis on the paper's panel) are asserted in
#: test_quantreg_stored.py; here they would only fill the log.
pytestmark = [pytest.mark.r, pytest.mark.filterwarnings("ignore::carbongap.qreg.QuantRegWarning")]
TOL = 1e-9
#: Standard errors against summary.rq: the products in R's order (docs/methods.md §7).
SE_TOL = 1e-12


def _data(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = np.column_stack([np.ones(n), rng.normal(size=(n, 3)), rng.uniform(0, 1, n)])
    y = X @ np.array([1.0, 2.0, -1.0, 0.5, 3.0]) + rng.standard_t(3, n) * (1 + X[:, 4])
    return X, y


def _relative(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)))


@pytest.mark.parametrize(("n", "tau"), [(1500, 0.2), (1500, 0.5), (2500, 0.8), (7000, 0.35)])
def test_coefficients_objective_and_analytic_ses(n, tau):
    from carbongap.r.quantreg import rq

    X, y = _data(n, seed=n)
    fit = solve(X, y, tau)
    assert fit.unique
    for se in ("nid", "iid", "ker"):
        r = rq(X, y, tau, method="br", se=se, hs=True)
        assert _relative(fit.beta, r.coef) < TOL
        assert abs(fit.objective - r.objective) / r.objective < TOL
        mine = np.sqrt(np.diag(SE_RULES[se].covariance(X, y, tau, fit.beta, True).matrix))
        assert _relative(mine, r.se) < SE_TOL, se


def _tied(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Integer data: tied responses and duplicated rows, where the LPs have several optimal
    vertices and only the same path gives the same replicate."""
    X, y = _data(n, seed)
    return np.column_stack([X[:, 0], np.round(2.0 * X[:, 1:])]), np.round(y)


@pytest.mark.parametrize(("data", "n", "tau"), [(_data, 900, 0.5), (_data, 2350, 0.2),
                                                 (_tied, 300, 0.5), (_tied, 120, 0.77)])
def test_xy_bootstrap_replicates_are_quantregs_bit_for_bit(data, n, tau):
    # boot.rq(bsmethod = "xy") refits the resampled rows along br (Fortran xys, tol 1e-4);
    # carbongap does the same, so given the same draws every replicate is R's double for
    # double, ties included.
    from carbongap.r.quantreg import rq

    X, y = data(n, seed=n)
    fit = solve(X, y, tau)
    reps = 25
    draws = np.column_stack([xy_draw(n, 7, ("x",), b) for b in range(reps)])
    r = rq(X, y, tau, se="xy", draws=draws)
    mine = bootstrap(X, y, tau, fit.beta, reps=reps, seed=7, keys=("x",))
    np.testing.assert_array_equal(mine.draws, r.draws)
    assert _relative(np.sqrt(np.diag(mine.vcov())), r.se) < 1e-12


@pytest.mark.parametrize(("data", "n", "tau"), [(_data, 800, 0.3), (_tied, 240, 0.5)])
def test_cluster_bootstrap_replicates_with_the_same_perturbations(data, n, tau):
    # boot.rq.pwy solves each perturbed problem along br with a pseudo-observation; so does
    # carbongap: the replicates are R's bit for bit.
    from carbongap.r.quantreg import rq

    X, y = data(n, seed=2)
    fit = solve(X, y, tau)
    clusters = np.arange(n) // 8
    resid = y - X @ fit.beta
    psi = np.where((resid < 0) & (np.abs(resid) >= EPS), 1.0, 0.0) - tau
    index = cluster_index(clusters)
    reps = 20
    W = np.column_stack([X.T @ (wild_weights(index, 3, ("c",), b) * psi) for b in range(reps)])
    r = rq(X, y, tau, se="pwy", draws=W)
    mine = bootstrap(X, y, tau, fit.beta, reps=reps, seed=3, keys=("c",), clusters=clusters)
    np.testing.assert_array_equal(mine.draws, r.draws)


@pytest.fixture(scope="module")
def default_panel(tmp_path_factory):
    from carbongap.config import load_config
    from carbongap.pipeline.runner import run_pipeline

    out = tmp_path_factory.mktemp("panel")
    summary = run_pipeline(load_config(), targets=["analysis_panel"], out=out)
    assert summary.ok
    import pandas as pd

    return pd.read_csv(out / "tables/analysis_panel.csv")


def test_every_cell_of_tables_1_to_8_on_the_default_panel(default_panel):
    from carbongap.r.quantreg import rq
    from carbongap.tables.estimate import sample_of
    from carbongap.tables.specs import load_table_specs

    worst = {"coef": 0.0, "objective": 0.0, "nid": 0.0, "iid": 0.0, "ker": 0.0}
    cells = 0
    for spec in load_table_specs():
        data = sample_of(default_panel, spec)
        X = np.column_stack([np.ones(len(data)),
                             data.loc[:, list(spec.regressors)].to_numpy(np.float64)])
        y = data[spec.dependent].to_numpy(np.float64)
        for tau in (0.2, 0.4, 0.6, 0.8):
            fit = solve(X, y, tau)
            for se in ("nid", "iid", "ker"):
                r = rq(X, y, tau, method="br", se=se, hs=True)
                if fit.unique:
                    worst["coef"] = max(worst["coef"], _relative(fit.beta, r.coef))
                worst["objective"] = max(worst["objective"],
                                         abs(fit.objective - r.objective) / r.objective)
                mine = np.sqrt(np.diag(SE_RULES[se].covariance(X, y, tau, fit.beta, True).matrix))
                worst[se] = max(worst[se], _relative(mine, r.se))
            cells += 1
    assert cells == 64
    print("worst relative differences:", worst)
    assert max(worst.values()) < SE_TOL, worst
