"""The strong-disposability directional distance function against stored R Benchmarking
0.33 answers (``dea.direct``), and the live regeneration where Benchmarking is installed.

``tests/reference/benchmarking/ddf_expected.csv`` (provenance in that folder's README,
remade by ``regenerate_ddf.R``) holds 3,360 DDF values on the stored 60-unit panel
(2012-2015): production (K, L -> Y) and green (plus CO2, entered as an input) models,
CRS and VRS, each single-year technology at its own and adjacent years, the pooled
technology at every year; direction g = (0, y, b) (docs/methods.md §15). These tests read
the stored file (no R) and run everywhere; the regeneration needs Benchmarking.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from carbongap.dea import ddf

REFERENCE = Path(__file__).resolve().parent / "reference" / "benchmarking"
INPUTS = ["K", "L"]
#: |carbongap - Benchmarking| over the 3,326 feasible terms is at most 2.8e-12 here.
DDF_TOL = 1e-10


def _expected(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"technology": str})


@pytest.fixture(scope="module")
def stored() -> tuple[pd.DataFrame, pd.DataFrame]:
    panel = pd.read_csv(REFERENCE / "sbi_panel.csv")
    expected = _expected(REFERENCE / "ddf_expected.csv")
    assert len(expected) == 3360 and int((~expected["feasible"]).sum()) == 34
    assert expected["ddf"].isna().equals(~expected["feasible"])
    return panel, expected


def test_the_stored_file_is_the_one_the_readme_names():
    readme = (REFERENCE / "README.md").read_text(encoding="utf-8")
    with open(REFERENCE / "ddf_expected.csv", "rb") as f:
        digest = hashlib.file_digest(f, "sha256").hexdigest()
    assert f"`ddf_expected.csv` (sha256 `{digest}`)" in readme


def _ours(panel: pd.DataFrame, expected: pd.DataFrame) -> np.ndarray:
    """The engine's strong-disposability DDF for every stored row, solved per group."""
    found = np.full(len(expected), np.nan)
    years = sorted(panel["year"].unique())
    keys = ["model", "rts", "technology", "data_year"]
    for (model, rts, tech, year), rows in expected.groupby(keys, sort=False):
        periods = years if tech == "pooled" else [int(tech)]
        ref = panel.loc[panel["year"].isin(periods)]
        ev = panel.loc[panel["year"] == year].set_index("unit").loc[rows["unit"]]
        bad = model == "green"
        result = ddf(ev[INPUTS], ev[["Y"]], ev[["CO2"]] if bad else None, ref[INPUTS],
                     ref[["Y"]], ref[["CO2"]] if bad else None, rts,
                     disposability="strong")
        found[rows.index.to_numpy()] = result.values
        assert set(result.status[np.isnan(result.values)]) <= {"infeasible"}
    return found


def test_strong_ddf_equals_benchmarking_dea_direct(stored):
    panel, expected = stored
    ours = _ours(panel, expected)
    np.testing.assert_array_equal(np.isnan(ours), ~expected["feasible"].to_numpy())
    np.testing.assert_allclose(ours, expected["ddf"].to_numpy(), rtol=0, atol=DDF_TOL,
                               equal_nan=True)
    assert expected["ddf"].max() > 0.3 and expected["ddf"].min() < -0.05


@pytest.mark.benchmarking
def test_regenerated_ddf_values_equal_the_stored_ones(tmp_path):
    rscript = shutil.which("Rscript")
    assert rscript, "Rscript not on PATH"
    out = tmp_path / "ddf.csv"
    done = subprocess.run([rscript, str(REFERENCE / "regenerate_ddf.R"), str(out)],
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    assert "3360 terms; 34 infeasible" in done.stdout
    got, stored = _expected(out), _expected(REFERENCE / "ddf_expected.csv")
    keys = ["model", "rts", "technology", "data_year", "unit", "feasible"]
    pd.testing.assert_frame_equal(got[keys], stored[keys])
    np.testing.assert_allclose(got["ddf"], stored["ddf"], rtol=0, atol=1e-12,
                               equal_nan=True)


@pytest.mark.benchmarking
def test_the_bench_peer_dea_direct_equals_the_engine_live():
    # the peer of `carbongap bench dea --measure ml`: one dea.direct call per unit
    from carbongap.r.benchmarking import ddf_dea_direct

    rng = np.random.default_rng(8)
    reference = rng.lognormal(size=(30, 4))
    later = reference * np.array([0.8, 0.9, 1.3, 0.8])
    for rts in ("crs", "vrs"):
        parts = (later[:, :2], later[:, 2:3], later[:, 3:], reference[:, :2],
                 reference[:, 2:3], reference[:, 3:])
        values, status, seconds = ddf_dea_direct(*parts, rts=rts)
        ours = ddf(*parts, rts, disposability="strong")
        assert list(status) == list(ours.status) and seconds > 0
        np.testing.assert_allclose(values, ours.values, rtol=0, atol=DDF_TOL)
        assert (ours.status == "infeasible").any() == (rts == "vrs")
