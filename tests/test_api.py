"""The public API of docs/methods.md §11 on a tiny synthetic panel."""

from __future__ import annotations

import numpy as np

import carbongap as cg


def test_spec_section_11_names_work_together():
    cities, provinces, truth = cg.synth.generate(seed=1, n_cities=30, years=(2006, 2009))
    assert len(truth) >= len(cities)
    assert provinces["province_code"].nunique() == 30  # every province but Tibet
    loaded = cg.synth.validated(seed=1, n_cities=30, years=(2006, 2009),
                                window=(2006, 2009))
    assert loaded.truth is not None and loaded.source == "<synthetic seed=1>"
    panel = loaded.cities
    co2 = cg.accounting.emissions(panel, factors="paper")
    gdp = cg.accounting.real_gdp(panel, loaded.provinces)
    capital = cg.accounting.capital_stock(panel, loaded.provinces, delta=0.05)
    for frame in (co2, gdp, capital):
        assert list(frame.columns[:2]) == ["city_code", "year"]
        assert len(frame) == len(panel)
    values = co2.loc[co2["year"] == 2008, "co2"].dropna().to_numpy()
    pairs = np.abs(values[:, None] - values[None, :]).sum()  # eq. 4 written out
    assert abs(cg.inequality.gini(values) - pairs / (2 * len(values) ** 2 * values.mean())) < 1e-12
    result = cg.dea.sbi(np.array([[1.0, 1.0], [2.0, 2.0]]), np.array([[1.0], [1.0]]), rts="vrs")
    # Unit 2 uses twice unit 1's inputs for the same output: slacks 1 and 1 on inputs of
    # direction (2, 2): S = (1/2)(1/2)(1/2 + 1/2) = 0.25 (docs/methods.md §6, N = 2, M = 1).
    np.testing.assert_allclose(result.values, [0.0, 0.25], atol=1e-12)
    assert callable(cg.dea.luenberger)
    assert callable(cg.replicate)
    assert cg.__version__


def test_reprs_are_short_summaries():
    import carbongap as cg
    from carbongap.dea import luenberger
    from carbongap.ingest.load import Panel

    synthetic = cg.synth.generate(seed=0, n_cities=12, years=(2006, 2009))
    text = repr(synthetic)
    assert text.startswith("SyntheticPanel(12 cities x 2006-2009, ") and len(text) < 200
    assert "\n" not in text
    panel = Panel(synthetic.cities, synthetic.provinces, synthetic.cities.iloc[:0], ("n",),
                  "panel.csv", synthetic.truth)
    text = repr(panel)
    assert text.startswith("Panel('panel.csv': 12 cities x 2006-2009, ") and "truth=yes" in text
    assert len(text) < 200 and "\n" not in text
    result = luenberger(synthetic.truth, ["capital", "employment"], ["gdp_real"], ["co2"],
                        unit="city_code", time="year")
    text = repr(result)
    assert text.startswith(f"LuenbergerResult({len(result.table)} rows x ")
    assert "periods 2006-2009" in text and len(text) < 200 and "\n" not in text
    # One city's capital 1000 times too small: the VRS LPs of the other periods that
    # evaluate it are infeasible, and the repr says how many.
    odd = synthetic.truth.copy()
    odd.loc[odd.index[5], "capital"] *= 0.001
    result = luenberger(odd, ["capital", "employment"], ["gdp_real"], ["co2"],
                        unit="city_code", time="year")
    status = result.table.filter(regex="_status$")
    infeasible = int((status == "infeasible").to_numpy().sum())
    optimal = int((status == "optimal").to_numpy().sum())
    assert infeasible > 0 and optimal + infeasible == status.size
    assert f"{status.size} LPs ({optimal} optimal, {infeasible} infeasible)" in repr(result)


def test_dir_lists_the_public_api_only():
    names = dir(cg)
    assert names == sorted(cg.__all__)
    assert not {"Any", "annotations", "importlib"} & set(names)
