"""The cross-validation comparisons (docs/methods.md §9) on hand-made tables, and the
crossval stage without R."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from carbongap.config import load_config
from carbongap.crossval import (
    FAIL,
    PASS,
    SKIP,
    Tolerances,
    compare_dea,
    compare_estimates,
    mean_boot_z,
    summarise,
)
from carbongap.pipeline.runner import run_pipeline
from carbongap.qreg import QregOptions
from carbongap.stagekit.capabilities import NO_R_VARIABLE

NID, IID = QregOptions.of((0.5,), "nid"), QregOptions.of((0.5,), "iid")


def _estimates(coef=(1.0, -0.5), se=(0.1, 0.2), objective=10.0, unique=True):
    rows = [{"table": 1, "part": 1, "term": term, "tau": 0.5, "coef": c, "se": s,
             "objective": objective, "unique": unique}
            for term, c, s in zip(("const", "lnT"), coef, se, strict=True)]
    return pd.DataFrame(rows)


def _result(cells, kind, term=None):
    part = cells.loc[cells["kind"] == kind]
    if term is not None:
        part = part.loc[part["term"] == term]
    return part["result"].tolist()


def test_equal_estimates_pass_and_a_relative_difference_above_rtol_fails():
    cells = compare_estimates(_estimates(), _estimates(), NID)
    assert set(cells["result"]) == {PASS}
    assert len(cells) == 5  # 2 coefficients, 2 SEs, 1 objective
    # 1e-8 relative on the lnT coefficient is above rtol = 1e-9; 5e-10 is below.
    off = compare_estimates(_estimates(coef=(1.0, -0.5 * (1 + 1e-8))), _estimates(), NID)
    assert _result(off, "coef", "lnT") == [FAIL]
    assert off.loc[(off["kind"] == "coef") & (off["term"] == "lnT"), "rel_diff"].iloc[0] == \
        pytest.approx(1e-8, rel=1e-6)
    near = compare_estimates(_estimates(coef=(1.0 + 5e-10, -0.5)), _estimates(), NID)
    assert _result(near, "coef", "const") == [PASS]


def test_a_non_unique_fit_is_compared_by_its_objective_only():
    cells = compare_estimates(_estimates(coef=(2.0, 0.0), unique=False), _estimates(), IID)
    assert _result(cells, "coef") == [SKIP, SKIP]
    assert _result(cells, "se (iid)") == [SKIP, SKIP]
    assert _result(cells, "objective") == [PASS]
    assert "non-unique" in cells.loc[cells["kind"] == "coef", "note"].iloc[0]
    worse = compare_estimates(_estimates(objective=10.001, unique=False), _estimates(), IID)
    assert _result(worse, "objective") == [FAIL]


def test_bootstrap_ses_are_compared_in_monte_carlo_units():
    # B = 500 on both sides: SD of the log ratio = 1/sqrt(500) = 0.0447. A ratio e^0.1 is
    # z = 2.24 (pass at boot_z = 4); e^0.2 is z = 4.47 (fail).
    python = _estimates(se=(0.1 * math.exp(0.1), 0.2 * math.exp(0.2)))
    cells = compare_estimates(python, _estimates(), QregOptions.of((0.5,), "boot", boot_reps=500))
    assert _result(cells, "se (bootstrap)") == [PASS, FAIL]
    boot = cells.loc[cells["kind"] == "se (bootstrap)"]
    assert boot["rel_diff"].tolist() == pytest.approx([0.1, 0.2])
    assert boot["tolerance"].iloc[0] == pytest.approx(4 / math.sqrt(500))
    assert mean_boot_z(cells, 500) == pytest.approx(0.15 * math.sqrt(500))


def _luenberger(value=0.5, status="optimal"):
    frame = pd.DataFrame({"city_code": [1, 2], "year": [2007, 2007],
                          "model": ["green", "green"], "LTFP": [0.01, 0.02],
                          "S_C_t_t": [0.3, value],
                          "S_C_t_t_status": ["optimal", status]})
    return frame


def test_dea_terms_pass_within_atol_and_fail_on_a_status_or_nan_mismatch():
    cells = compare_dea(_luenberger(), _luenberger(0.5 + 5e-9))
    assert set(cells["result"]) == {PASS}
    assert len(cells) == 4  # 2 city-years x (1 S term + 1 component)
    assert _result(compare_dea(_luenberger(), _luenberger(0.5 + 2e-8)), "S term") == [PASS, FAIL]
    infeasible = compare_dea(_luenberger(), _luenberger(np.nan, "infeasible"))
    row = infeasible.loc[(infeasible["kind"] == "S term") & (infeasible["city_code"] == 2)]
    assert row["result"].tolist() == [FAIL]
    assert row["note"].iloc[0] == "status optimal in Python, infeasible in R"
    both = compare_dea(_luenberger(np.nan, "infeasible"), _luenberger(np.nan, "infeasible"))
    assert set(both["result"]) == {PASS}


def test_summary_counts_and_worst_differences():
    cells = compare_dea(_luenberger(), _luenberger(0.5 + 2e-8), Tolerances(dea_atol=1e-8))
    summary = summarise(cells).set_index("kind")
    assert summary.loc["S term", ["cells", "compared", "passed", "failed"]].tolist() == \
        [2, 2, 1, 1]
    assert summary.loc["S term", "worst_abs_diff"] == pytest.approx(2e-8, rel=1e-6)
    assert summary.loc["component", "failed"] == 0


SMALL = ["data.synthetic_cities=30", "inequality.bootstrap_draws=19", "regressions.boot_reps=19"]


def test_crossval_without_r_is_skipped_with_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv(NO_R_VARIABLE, "1")
    summary = run_pipeline(load_config(overrides=SMALL), targets=["crossval", "report"],
                           out=tmp_path)
    assert summary.ok and summary.status("crossval") == "skipped"
    run = next(s for s in summary.stages if s.name == "crossval")
    assert "R disabled by CARBONGAP_NO_R=1" in run.reason and "apt-get install" in run.reason
    report = (tmp_path / "REPORT.md").read_text(encoding="utf-8")
    assert "## Cross-validation: Python against R" in report and "Not run (skipped" in report
    required = run_pipeline(load_config(overrides=[*SMALL, "run.require_r=true"]),
                            targets=["crossval"], out=tmp_path)
    assert not required.ok and required.status("crossval") == "failed"
