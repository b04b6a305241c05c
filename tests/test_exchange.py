"""Parquet exchange files (stage exchange): lossless and reproducible, no R needed."""

from __future__ import annotations

import io
import os

import numpy as np
import pandas as pd
import pytest

from carbongap.config import load_config
from carbongap.exports.exchange import EXCHANGED, parquet_bytes
from carbongap.pipeline.runner import run_pipeline
from carbongap.stagekit.capabilities import NO_R_VARIABLE

SMALL = ["data.synthetic_cities=30", "inequality.bootstrap_draws=9", "regressions.boot_reps=9",
         "regressions.tables=[1, 3]"]


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    folder = tmp_path_factory.mktemp("exchange") / "out"
    before = os.environ.get(NO_R_VARIABLE)
    os.environ[NO_R_VARIABLE] = "1"
    try:
        summary = run_pipeline(load_config(overrides=SMALL), out=folder,
                               targets=["exchange", "rds"])
    finally:
        if before is None:
            os.environ.pop(NO_R_VARIABLE)
        else:
            os.environ[NO_R_VARIABLE] = before
    assert summary.status("exchange") == "done" and summary.status("rds") == "skipped"
    return folder


@pytest.mark.parametrize("stem", list(EXCHANGED))
def test_parquet_holds_the_csv_table_exactly(out, stem):
    csv = {"analysis_panel": "tables/analysis_panel.csv", "luenberger": "tables/luenberger.csv",
           "qreg_estimates": "tables/qreg_estimates.csv"}[stem]
    back = pd.read_parquet(out / "exchange" / f"{stem}.parquet")
    table = pd.read_csv(out / csv)
    assert list(back.columns) == list(table.columns) and len(back) == len(table)
    for column in table.columns:
        if pd.api.types.is_numeric_dtype(table[column]) and not pd.api.types.is_bool_dtype(
                table[column]):
            # CSV floats are written in their shortest round-trip form: equal bit for bit
            np.testing.assert_array_equal(back[column].to_numpy(dtype="float64"),
                                          table[column].to_numpy(dtype="float64"),
                                          err_msg=column)
        else:
            assert back[column].astype(str).tolist() == table[column].astype(str).tolist()
    if stem == "analysis_panel":
        assert back["city_name"].str.contains("合成市").all()  # Chinese text kept


def test_parquet_bytes_are_reproducible_and_keep_missing_values():
    frame = pd.DataFrame({"city_code": [110000, 450100], "name": ["北京市", None],
                          "x": [np.nan, 2.5], "n": pd.array([1, None], dtype="Int64")})
    first = parquet_bytes(frame)
    assert first == parquet_bytes(frame.copy())
    back = pd.read_parquet(io.BytesIO(first))
    assert back["name"].isna().tolist() == [False, True] and back.loc[0, "name"] == "北京市"
    assert np.isnan(back.loc[0, "x"]) and back["n"].isna().tolist() == [False, True]
    assert back["city_code"].dtype == np.int64
