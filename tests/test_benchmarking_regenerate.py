"""The regeneration script of the stored R Benchmarking reference (tests/reference/benchmarking).

With lpSolve alone (marked ``r``) the script's feasibility column must equal the stored one
row for row: this runs everything in it but the ``dea.add`` calls. Where Benchmarking is
installed (marked ``benchmarking``; skipped with the reason elsewhere) the whole file it
writes must equal the stored values.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REFERENCE = Path(__file__).resolve().parent / "reference" / "benchmarking"
KEYS = ["model", "rts", "technology", "data_year", "unit"]
#: Seconds; the feasibility pass takes about 10 s, dea.add on 3,360 LPs about a minute.
TIMEOUT = 600


def _regenerate(out: Path, *flags: str) -> pd.DataFrame:
    rscript = shutil.which("Rscript")
    assert rscript, "Rscript not on PATH"
    done = subprocess.run([rscript, str(REFERENCE / "regenerate.R"), str(out), *flags],
                          capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert done.returncode == 0, done.stderr
    assert "3360 terms; 334 infeasible" in done.stdout
    return pd.read_csv(out, dtype={"technology": str})


def _stored() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "sbi_expected.csv", dtype={"technology": str})


@pytest.mark.r
def test_feasibility_pass_equals_the_stored_column(tmp_path):
    got, stored = _regenerate(tmp_path / "feasible.csv", "--feasibility-only"), _stored()
    pd.testing.assert_frame_equal(got[KEYS], stored[KEYS])
    assert got["feasible"].equals(stored["feasible"])
    assert got["sbi"].isna().all()


@pytest.mark.benchmarking
def test_regenerated_values_equal_the_stored_ones(tmp_path):
    got, stored = _regenerate(tmp_path / "expected.csv"), _stored()
    pd.testing.assert_frame_equal(got[[*KEYS, "feasible"]], stored[[*KEYS, "feasible"]])
    for column in ("sbi", "dea_add_sum"):
        np.testing.assert_allclose(got[column], stored[column], rtol=0, atol=1e-12,
                                   equal_nan=True, err_msg=column)
