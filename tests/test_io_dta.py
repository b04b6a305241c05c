"""Reproducible .dta files: the header timestamp pyreadstat writes is fixed."""

from __future__ import annotations

import pandas as pd
import pytest

from carbongap.io.dta import FIXED_TIMESTAMP, fix_timestamp, write_dta


def test_dta_round_trip_with_a_fixed_timestamp(tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    frame = pd.DataFrame({"city_code": [110000.0, 450100.0], "city_name": ["北京市", "南宁市"],
                          "group": [1.0, 2.0], "co2": [1.5e7, float("nan")]})
    path = write_dta(frame, tmp_path / "a.dta", file_label="碳排放 panel",
                     column_labels={"co2": "CO2 emissions, t", "city_name": "城市"},
                     value_labels={"group": {1: "developed", 2: "underdeveloped"}})
    head = path.read_bytes()[:300]
    assert b"<release>118</release>" in head
    assert b"<timestamp>\x11" + FIXED_TIMESTAMP + b"</timestamp>" in head
    back, meta = pyreadstat.read_dta(str(path))
    pd.testing.assert_frame_equal(back, frame, check_dtype=False)
    assert meta.file_label == "碳排放 panel"
    assert meta.column_names_to_labels["co2"] == "CO2 emissions, t"
    assert meta.column_names_to_labels["city_name"] == "城市"
    assert meta.variable_value_labels["group"] == {1: "developed", 2: "underdeveloped"}
    # Writing again gives the same bytes.
    again = write_dta(frame, tmp_path / "b.dta", file_label="碳排放 panel",
                      column_labels={"co2": "CO2 emissions, t", "city_name": "城市"},
                      value_labels={"group": {1: "developed", 2: "underdeveloped"}})
    assert again.read_bytes() == path.read_bytes()


def test_fix_timestamp_refuses_other_files(tmp_path):
    other = tmp_path / "x.dta"
    other.write_bytes(b"\x72\x02\x01\x00 an old format 114 file")
    with pytest.raises(ValueError, match="not a Stata format 117-119 file"):
        fix_timestamp(other)
