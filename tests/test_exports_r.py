"""R haven reads every Stata export with the same values, labels and value labels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from carbongap.config import load_config
from carbongap.exports.stata import DATASETS
from carbongap.pipeline.runner import run_pipeline

pytestmark = pytest.mark.r


@pytest.fixture(scope="module")
def stata(tmp_path_factory):
    base = tmp_path_factory.mktemp("haven")
    config = load_config(overrides=["data.synthetic_cities=30", "inequality.bootstrap_draws=9",
                                    "regressions.boot_reps=9", "regressions.tables=[1]"])
    assert run_pipeline(config, out=base / "out", targets=["exports"]).ok
    return base / "out" / "stata"


@pytest.mark.parametrize("name", list(DATASETS))
def test_haven_reads_values_and_labels(stata, name):
    import pyreadstat

    from carbongap.r.session import robjects

    ro = robjects()
    ro.r("suppressPackageStartupMessages(library(haven))")
    path = str(stata / f"{name}.dta")
    ours, meta = pyreadstat.read_dta(path)
    ro.globalenv["d"] = ro.r["read_dta"](path)
    assert list(ro.r("names(d)")) == list(ours.columns)
    assert int(ro.r("nrow(d)")[0]) == len(ours)
    for column in ours.columns:
        label = ro.r(f'attr(d[["{column}"]], "label")')
        assert str(label[0]) == meta.column_names_to_labels[column], column
        if not pd.api.types.is_numeric_dtype(ours[column]):
            values = [str(v) for v in ro.r(f'as.character(d[["{column}"]])')]
            assert values == ours[column].fillna("").tolist(), column
        else:
            values = np.array(ro.r(f'as.numeric(d[["{column}"]])'), dtype=float)
            np.testing.assert_array_equal(values, ours[column].to_numpy(dtype=float))
    for column, labels in meta.variable_value_labels.items():
        codes = [int(v) for v in ro.r(f'as.numeric(attr(d[["{column}"]], "labels"))')]
        texts = list(ro.r(f'names(attr(d[["{column}"]], "labels"))'))
        assert dict(zip(codes, texts, strict=True)) == {int(k): v for k, v in labels.items()}
