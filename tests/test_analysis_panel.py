"""Stage analysis_panel: logs of eq. 2, complete cases, zeros and gaps counted.

docs/methods.md §7 and §10.
"""

from __future__ import annotations

import math

import pandas as pd

from carbongap.config import Config
from carbongap.stagekit.stage import Context, StageResult
from carbongap.stages import analysis_panel


def _context() -> Context:
    keys = pd.DataFrame({"city_code": [130100, 130100, 450100, 450100, 140100],
                         "year": [2007, 2008, 2007, 2008, 2007]})
    panel = keys.assign(city_name=["a", "a", "b", "b", "c"],
                        province_code=[13, 13, 45, 45, 14],
                        population=[900.0, 910.0, 0.0, 700.0, 300.0],
                        disposable_income=[12000.0, 13000.0, 9000.0, 9500.0, 8000.0],
                        secondary_share=[45.0, 46.0, 40.0, 41.0, 55.0])
    accounting = keys.assign(co2=[2e7, 2.1e7, 1e7, 1.1e7, 5e6],
                             co2pgdp=[1.0, 0.95, 2.0, 1.9, 3.0])
    indices = keys.assign(T=[1.02, 1.01, 1.0, 0.99, 1.03], PC=[1.01] * 5, EC=[1.01] * 5,
                          GT=[1.0, None, 1.0, 1.0, 1.0], GPC=[1.0] * 5, GEC=[1.0] * 5)
    upstream = {"validate": StageResult({"panel": panel}),
                "accounting": StageResult({"accounting": accounting}),
                "productivity": StageResult({"indices": indices})}
    return Context(config=Config(), upstream=upstream)


def test_complete_cases_and_logs():
    result = analysis_panel.compute(_context())
    frame = result.tables["analysis"]
    # 450100/2007 has zero population, 130100/2008 lacks GT: 3 of 5 city-years remain.
    assert list(zip(frame["city_code"], frame["year"], strict=True)) == [
        (130100, 2007), (140100, 2007), (450100, 2008)]
    first = frame.iloc[0]
    assert first["lnCO2"] == math.log(2e7)
    assert first["lnT"] == math.log(1.02)
    assert first["lnP"] == math.log(900.0) and first["lnA"] == math.log(12000.0)
    assert first["lnI"] == math.log(45.0)
    assert frame["group"].tolist() == ["developed", "other", "underdeveloped"]


def test_exclusions_are_counted_with_reasons():
    log = analysis_panel.compute(_context()).attrition
    rows = {(r.city_code, r.year): r.reason for r in log.itertuples()}
    assert rows == {(450100, 2007): "population <= 0, no log (lnP)",
                    (130100, 2008): "GT missing (lnGT)"}


def test_sample_note_states_the_counts():
    note = analysis_panel.compute(_context()).notes[0]
    assert "N = 3 complete city-years" in note
    assert "developed 1, underdeveloped 1, other 1" in note
