"""Ginis and the Dagum decomposition on the real CEADs inventory (../shared/data/ceads).

The workbook is read through the CEADs importer; the yearly Ginis of city CO2 totals are
checked against a plain all-pairs double sum written here (eq. 4-5, no shared code), and
``carbongap run inequality --data <workbook>`` is run end to end (totals only: no GDP).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from carbongap.cli import app
from carbongap.inequality import dagum, yearly_gini
from carbongap.ingest.ceads import read_ceads
from carbongap.regions import group_of

EXACT = 1e-12


def double_sum_gini(x: np.ndarray) -> float:
    """G = sum_i sum_j |x_i - x_j| / (2 n^2 mu), every ordered pair, plain numpy."""
    pairs = np.abs(x[:, None] - x[None, :]).sum()
    return float(pairs / (2.0 * x.size**2 * x.mean()))


@pytest.fixture(scope="module")
def ceads(ceads_workbook: Path) -> pd.DataFrame:
    return read_ceads(ceads_workbook)


def test_yearly_ginis_of_city_totals_equal_the_double_sum(ceads: pd.DataFrame) -> None:
    out = yearly_gini(ceads, "co2", nan_policy="error")
    counts = ceads.groupby("year")["co2"].size()
    assert out["year"].tolist() == counts.index.tolist()
    assert out["n"].tolist() == counts.tolist()
    assert (out["n_dropped"] == 0).all()
    for year, value in zip(out["year"], out["gini"], strict=True):
        x = ceads.loc[ceads["year"] == year, "co2"].to_numpy()
        assert value == pytest.approx(double_sum_gini(x), abs=EXACT), year
    # docs/methods.md §12: the yearly Gini of CEADs city totals is about 0.45-0.50 (2006-2019)
    window = out.loc[out["year"].between(2006, 2019), "gini"]
    assert window.between(0.44, 0.51).all()


def test_dagum_parts_sum_to_the_gini_every_year(ceads: pd.DataFrame) -> None:
    groups = group_of(ceads["province_code"], "paper").to_numpy()
    for year in sorted(ceads["year"].unique()):
        mask = (ceads["year"] == year).to_numpy()
        x = ceads.loc[mask, "co2"].to_numpy()
        result = dagum(x, groups[mask])
        parts = result.within + result.between_net + result.transvariation
        assert parts == pytest.approx(result.total, abs=EXACT), year
        assert result.total == pytest.approx(double_sum_gini(x), abs=EXACT), year
        assert set(result.groups["group"]) == set(groups[mask])  # early years lack groups


def test_cli_run_inequality_on_the_workbook(ceads_workbook: Path, ceads: pd.DataFrame,
                                            tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", "inequality", "--data", str(ceads_workbook),
                                      "--out", str(out), "--quiet", "--set",
                                      "inequality.bootstrap_draws=49"])
    assert result.exit_code == 0, result.output
    gini = pd.read_csv(out / "tables/gini.csv")
    assert set(gini["variable"]) == {"co2"}  # no GDP in CEADs: totals only
    national = gini.loc[gini["group"] == "national"].reset_index(drop=True)
    window = ceads.loc[ceads["year"].between(2006, 2019)]  # [validate] years
    counts = window.groupby("year")["co2"].size()
    assert national["year"].tolist() == counts.index.tolist()
    assert national["n"].tolist() == counts.tolist()
    for year, value in zip(national["year"], national["gini"], strict=True):
        x = window.loc[window["year"] == year, "co2"].to_numpy()
        assert value == pytest.approx(double_sum_gini(x), abs=EXACT), year
    assert (national["ci_low"] < national["gini"]).all()
    assert (national["gini"] < national["ci_high"]).all()
    log = (out / "carbongap.log").read_text(encoding="utf-8")
    listed = ", ".join(f"{y} {n}" for y, n in counts.items())
    assert f"co2: cities per year {listed}" in log
    assert "co2pgdp was not computed" in log
    dagum_table = pd.read_csv(out / "tables/dagum.csv")
    parts = dagum_table[["within", "between_net", "transvariation"]].sum(axis=1)
    np.testing.assert_allclose(parts, dagum_table["total"], rtol=0, atol=EXACT)
    for name in ("figures/figure1.png", "figures/figure1.csv", "tables/gini.md",
                 "tables/dagum_groups.csv"):
        assert (out / name).is_file(), name
