"""The .rds exchange files (stage rds, needs R): lossless round trip through R, factors with
fixed levels, Chinese text in UTF-8, missing values of every type, reproducible bytes."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

from carbongap.config import load_config
from carbongap.exports.exchange import EXCHANGED, factor_levels
from carbongap.pipeline.runner import run_pipeline

pytestmark = pytest.mark.r


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rds") / "out"
    summary = run_pipeline(load_config(overrides=[
        "data.synthetic_cities=30", "inequality.bootstrap_draws=9", "regressions.boot_reps=9",
        "regressions.tables=[1, 3]"]), out=folder, targets=["exchange", "rds"])
    assert summary.status("rds") == "done", summary.stages
    return folder


@pytest.mark.parametrize("stem", list(EXCHANGED))
def test_rds_round_trip_is_lossless(out, stem):
    from carbongap.r.rds import read_rds

    back = read_rds(out / "exchange" / f"{stem}.rds")
    table = pd.read_parquet(out / "exchange" / f"{stem}.parquet")
    assert list(back.columns) == list(table.columns) and len(back) == len(table)
    for column in table.columns:
        mine, theirs = table[column], back[column]
        if pd.api.types.is_bool_dtype(mine):
            assert theirs.tolist() == mine.tolist(), column
        elif pd.api.types.is_numeric_dtype(mine):
            np.testing.assert_array_equal(theirs.to_numpy(dtype="float64"),
                                          mine.to_numpy(dtype="float64"), err_msg=column)
        else:
            assert theirs.tolist() == [None if pd.isna(v) else v for v in mine], column


def test_r_sees_factors_with_fixed_levels_and_utf8_text(out):
    script = ('x <- readRDS("analysis_panel.rds"); cat(levels(x$group), sep = ","); cat("\\n");'
              ' cat(is.factor(x$province_code), all(Encoding(x$city_name) == "UTF-8"), '
              'is.double(x$city_code), sep = ","); cat("\\n")')
    done = subprocess.run([shutil.which("Rscript") or "Rscript", "-e", script],
                          capture_output=True, text=True, cwd=out / "exchange", timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    levels, checks = done.stdout.splitlines()
    assert tuple(levels.split(",")) == factor_levels()["group"]
    assert checks == "TRUE,TRUE,TRUE"


def test_rds_bytes_are_reproducible(out, tmp_path):
    from carbongap.r.rds import write_rds

    frame = pd.read_parquet(out / "exchange" / "luenberger.parquet")
    levels = {"model": factor_levels()["model"]}
    first = write_rds(frame, tmp_path / "a.rds", levels).read_bytes()
    assert write_rds(frame, tmp_path / "b.rds", levels).read_bytes() == first
    assert (out / "exchange" / "luenberger.rds").read_bytes() == first


def test_a_value_outside_the_factor_levels_is_an_error(tmp_path):
    from carbongap.r.rds import write_rds

    with pytest.raises(ValueError, match=r"column 'group': values \['mars'\] are not among"):
        write_rds(pd.DataFrame({"group": ["developed", "mars"]}), tmp_path / "x.rds",
                  {"group": factor_levels()["group"]})
