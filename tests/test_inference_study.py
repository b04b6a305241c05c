"""The coverage study (docs/methods.md §14): the coverage computation on a process whose
truth is analytic, and a tiny study end to end."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import ndtri
from typer.testing import CliRunner

from carbongap.cli import app
from carbongap.inference.coverage import coverage_rows, coverage_table
from carbongap.qreg import fit
from carbongap.studies.inference import StudyDesign, run_study, write_study


def test_nid_intervals_cover_about_95_percent_where_the_regressors_are_observed():
    """y = 1 + 2x + (1 + x/2) e, e ~ N(0, 1) iid, x ~ U(0, 1): the τ-th conditional
    quantile is (1 + q_τ) + (2 + q_τ / 2) x, q_τ the normal quantile; nid's intervals
    (quantreg's default) should cover it about 95% of the time."""
    rng = np.random.default_rng(7)
    taus = (0.25, 0.75)
    truth = pd.DataFrame([{"tau": t, "term": term, "truth": value}
                          for t in taus
                          for term, value in (("const", 1 + ndtri(t)),
                                              ("x", 2 + ndtri(t) / 2))])
    rows = []
    for k in range(200):
        x = rng.uniform(size=400)
        y = 1 + 2 * x + (1 + x / 2) * rng.standard_normal(400)
        bounds = fit(pd.DataFrame({"y": y, "x": x}), "y ~ x", taus=taus).conf_int()
        for (term, t), (lo, hi) in bounds.iterrows():
            rows.append({"panel": k, "tau": t, "term": term, "method": "nid",
                         "target": "coefficient", "lo": lo, "hi": hi})
    covered = coverage_rows(pd.DataFrame(rows), truth, ["tau", "term"])
    table = coverage_table(covered)
    assert table["intervals"].tolist() == [800]
    # binomial SD at 800 intervals: 0.8 points; the fits are exact, the SEs asymptotic
    assert 0.92 <= table["coverage"].iloc[0] <= 0.975
    assert table["mc_se"].iloc[0] == pytest.approx(
        np.sqrt(table["coverage"].iloc[0] * (1 - table["coverage"].iloc[0]) / 800))


def test_coverage_counts_a_nan_bound_as_not_covering():
    intervals = pd.DataFrame({"cell": ["a", "a", "b"], "method": "m", "target": "t",
                              "lo": [0.0, np.nan, 2.0], "hi": [1.0, 1.0, 3.0]})
    truth = pd.DataFrame({"cell": ["a", "b"], "truth": [0.5, 4.0]})
    rows = coverage_rows(intervals, truth, ["cell"])
    assert rows["covered"].tolist() == [True, False, False]
    table = coverage_table(rows)
    assert table.loc[0, "coverage"] == pytest.approx(1 / 3)
    assert table.loc[0, "mean_width"] == pytest.approx(1.0)


@pytest.mark.timeout(600)
def test_a_tiny_study_has_every_method_and_a_verdict(tmp_path):
    design = StudyDesign(cities=30, panels=2, reps=5, truth_factor=2)
    result = run_study(design)
    table = result.table
    assert table[["target", "method"]].values.tolist() == [
        ["coefficient", "nid"], ["coefficient", "regression bootstrap"],
        ["coefficient", "pipeline bootstrap"], ["coefficient", "subsampling"],
        ["yearly mean", "pipeline bootstrap"], ["yearly mean", "subsampling"]]
    cells = result.rows.loc[result.rows["target"] == "coefficient"]
    per_method = cells.groupby("method").size()
    assert (per_method == per_method.iloc[0]).all() and per_method.iloc[0] % 2 == 0
    assert table["coverage"].between(0, 1).all()
    assert result.recommended() in ("pipeline bootstrap", "subsampling")
    written = write_study(result, tmp_path / "study")
    assert [p.name for p in written] == ["coverage.csv", "coverage_by_term.csv",
                                         "intervals.csv", "COVERAGE.md"]
    text = (tmp_path / "study" / "COVERAGE.md").read_text(encoding="utf-8")
    assert "2 Monte Carlo panels of 30 cities" in text and "## Verdict" in text


def test_an_unknown_study_size_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(app, ["study", "inference", "--size", "huge", "--out",
                                      str(tmp_path / "s")])
    assert result.exit_code == 2 and "is not one of: default, paper" in result.output
