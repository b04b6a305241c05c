"""The synthetic default panel: contract, determinism, shapes and accounting identities.

Calibration against docs/methods.md §12 is in test_synth_calibration.py, the known truth
(quantile coefficients, DEA frontier) in test_synth_truth.py and the mess in
test_synth_mess.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from carbongap.accounting import capital_stock, emissions, load_factors, real_gdp
from carbongap.ingest.schema import city_schema
from carbongap.regions import province_codes
from carbongap.synth import SyntheticPanel, generate, true_quantile_coefficients, write_csv
from carbongap.synth.cities import allocate, city_table
from carbongap.synth.params import PARAMS

#: Relative tolerance of identities that only floating-point rounding can break.
ROUNDING = 1e-12


@pytest.fixture(scope="module")
def default() -> SyntheticPanel:
    return generate()


def test_named_tuple_unpacks_and_defaults_are_the_paper_shape(default):
    cities, provinces, truth = default
    assert isinstance(default, SyntheticPanel)
    assert default.cities is cities and default.provinces is provinces
    assert default.truth is truth
    assert cities["city_code"].nunique() == 282
    assert (cities["year"].min(), cities["year"].max()) == (2006, 2019)
    # every latent city-year is in the truth; the panel lacks exactly the absent ones
    assert len(truth) == 282 * 14
    assert len(cities) == int(truth["in_panel"].sum())
    assert len(cities) < 282 * 14


def test_city_columns_are_the_canonical_schema(default):
    cities = default.cities
    expected = [c.name for c in city_schema() if c.name != "co2"]  # co2 only if supplied
    assert list(cities.columns) == expected
    for key in ("city_code", "province_code", "year"):
        assert cities[key].dtype == np.dtype("int64")
    assert pd.api.types.is_string_dtype(cities["city_name"])
    for column in expected[4:]:
        assert cities[column].dtype == np.dtype("float64"), column
    keys = cities[["city_code", "year"]]
    assert keys.equals(keys.sort_values(["city_code", "year"], kind="mergesort"))
    assert not keys.duplicated().any()


def test_provincial_table_columns_and_provinces(default):
    provinces = default.provinces
    assert list(provinces.columns) == ["province_code", "year", "gdp_deflator",
                                       "fai_price_index", "fai_province", "new_fai_province",
                                       "capital_stock_2006"]
    codes = set(provinces["province_code"])
    assert codes == province_codes() - {54}  # the 31 provincial units less Tibet
    assert len(provinces) == 30 * 14
    base = provinces[provinces["year"] == 2006]
    np.testing.assert_array_equal(base["gdp_deflator"], 100.0)
    np.testing.assert_array_equal(base["fai_price_index"], 100.0)
    assert (provinces.groupby("province_code")["capital_stock_2006"].nunique() == 1).all()


def test_city_codes_and_names_are_visibly_synthetic(default):
    cities = default.cities.drop_duplicates("city_code")
    for code, name, province in cities[["city_code", "city_name", "province_code"]].itertuples(
            index=False):
        assert code // 10000 == province
        assert (code // 1000) % 10 == 8  # PP8NNN
        assert 1 <= code % 1000 <= 999
        assert name.startswith("合成市") and name.endswith(" (synthetic)")
    assert 54 not in set(cities["province_code"])
    # e.g. the first Hebei city: 13 8 001
    hebei = cities[cities["province_code"] == 13].iloc[0]
    assert (hebei["city_code"], hebei["city_name"]) == (138001, "合成市河北01 (synthetic)")


def test_allocation_by_hand():
    # 285 cities: the real counts; 570: twice them
    real = dict(PARAMS.prefecture_counts)
    assert allocate(285, PARAMS) == real
    assert allocate(570, PARAMS) == {k: 2 * v for k, v in real.items()}
    # 30 cities: one per province (quotas 0.105 to 2.2 -> floors, remainders, minimum 1)
    assert set(allocate(30, PARAMS).values()) == {1}
    # 10 cities: the ten largest quotas count x 10 / 285 get one each: Guangdong 21,
    # Sichuan 18, Shandong 17, Henan 17, Anhui 16, Liaoning 14, Guangxi 14, Jiangsu 13,
    # Hunan 13, then the tie at 12 (Heilongjiang 23, Hubei 42, Gansu 62) goes to code 23
    ten = {k for k, v in allocate(10, PARAMS).items() if v}
    assert ten == {44, 51, 37, 41, 34, 21, 45, 32, 43, 23}


def test_allocation_of_the_default_follows_the_quotas():
    alloc = allocate(282, PARAMS)
    real = dict(PARAMS.prefecture_counts)
    assert sum(alloc.values()) == 282
    for code, count in alloc.items():
        quota = 282 * real[code] / 285
        assert 1 <= count and abs(count - quota) < 1, code
    assert [alloc[c] for c in (11, 12, 31, 50)] == [1, 1, 1, 1]


def test_city_table_scales_beyond_one_hundred_per_province():
    table = city_table(2000, PARAMS)
    guangdong = table[table["province_code"] == 44]
    assert len(guangdong) > 99
    assert guangdong["city_name"].iloc[0] == "合成市广东001 (synthetic)"
    assert guangdong["city_code"].is_unique
    with pytest.raises(ValueError, match="PP8NNN"):
        allocate(20000, PARAMS)


def test_same_seed_same_frames_other_seed_other_frames(default):
    again = generate(seed=0)
    for name in SyntheticPanel._fields:
        pd.testing.assert_frame_equal(getattr(default, name), getattr(again, name),
                                      check_exact=True)
    other = generate(seed=1)
    assert not np.allclose(default.truth["co2"], other.truth["co2"])
    assert not default.cities[["city_code", "year"]].equals(other.cities[["city_code", "year"]])


def test_bad_arguments():
    with pytest.raises(ValueError, match="seed"):
        generate(seed=-1)
    with pytest.raises(ValueError, match="n_cities"):
        generate(n_cities=0)
    with pytest.raises(ValueError, match="first year is after"):
        generate(years=(2019, 2006))
    with pytest.raises(ValueError, match="between 0 and 1"):
        true_quantile_coefficients((0.0, 0.5))


def test_other_years_and_sizes():
    cities, provinces, truth = generate(seed=3, n_cities=40, years=(2009, 2013))
    assert set(cities["year"]) <= set(range(2009, 2014))
    assert cities["city_code"].nunique() == 40
    assert set(provinces["province_code"]) == set(cities["province_code"])
    base = provinces[provinces["year"] == 2009]
    np.testing.assert_array_equal(base["fai_price_index"], 100.0)
    assert len(truth) == 40 * 5
    assert truth[["T", "PC", "EC", "GT", "GPC", "GEC"]].notna().all().all()


def test_eq3_on_the_fuels_gives_the_generated_co2(default):
    """Zhang & Liu eq. 3 as the accounting module computes it, on the reported fuels."""
    cities, _, truth = default
    co2 = emissions(cities).merge(truth[["city_code", "year", "co2"]],
                                  on=["city_code", "year"], suffixes=("", "_truth"))
    complete = co2["co2"].notna()
    assert complete.sum() > 0.95 * len(co2)
    np.testing.assert_allclose(co2.loc[complete, "co2"], co2.loc[complete, "co2_truth"],
                               rtol=ROUNDING)


def test_eq3_by_hand_for_raw_coal():
    # t CO2 per t of raw coal: 20.908 GJ/t x 25.8 kg C/GJ x 0.99 x 44/12 / 1000
    #   = 20.908 x 25.8 = 539.4264; x 0.99 = 534.032136; x 44/12 = 1958.117832 kg
    cities, _, truth = generate(seed=0, n_cities=30, years=(2010, 2010))
    per_unit = load_factors("paper").set_index("fuel")["tco2_per_unit"]
    assert per_unit["raw_coal"] == pytest.approx(1.958117832, rel=1e-9)
    row = cities.dropna(subset=list(per_unit.index)).iloc[0]
    total = sum(row[f] * per_unit[f] for f in per_unit.index)
    latent = truth.set_index(["city_code", "year"]).loc[(row["city_code"], 2010), "co2"]
    assert total == pytest.approx(latent, rel=ROUNDING)


def test_real_gdp_of_the_pipeline_is_the_generated_real_gdp(default):
    cities, provinces, truth = default
    real = real_gdp(cities, provinces).merge(truth, on=["city_code", "year"])
    known = real["gdp_real_x"].notna()
    np.testing.assert_allclose(real.loc[known, "gdp_real_x"], real.loc[known, "gdp_real_y"],
                               rtol=ROUNDING)


def _complete_fai_cities(cities: pd.DataFrame, last: int) -> np.ndarray:
    """Cities with every year 2006..last present and FAI reported in each."""
    window = cities[cities["year"] <= last]
    counts = window.groupby("city_code")["fai"].count()
    return counts.index[counts == last - 2006 + 1].to_numpy()


def test_capital_of_the_pipeline_is_the_generated_capital(default):
    """The frontier's capital is eq. 7 on the FAI, as the pipeline itself computes it."""
    cities, provinces, truth = default
    stock = capital_stock(cities, provinces).merge(truth, on=["city_code", "year"])
    full = stock["city_code"].isin(_complete_fai_cities(cities, 2016)) & (stock["year"] <= 2016)
    assert full.sum() > 2000
    np.testing.assert_allclose(stock.loc[full, "capital_x"], stock.loc[full, "capital_y"],
                               rtol=ROUNDING)
    # after 2016 the provincial FAI is blank: the pipeline has no capital there
    assert stock.loc[stock["year"] > 2016, "capital_x"].isna().all()


def test_output_is_frontier_times_efficiency_and_frontier_by_hand(default):
    truth = default.truth
    np.testing.assert_allclose(truth["gdp_real"],
                               truth["frontier_output"] * np.exp(-truth["inefficiency"]),
                               rtol=ROUNDING)
    assert (truth["inefficiency"] >= 0).all()
    assert truth["on_frontier"].equals(truth["inefficiency"] == 0)
    # ln f_2010 = a_2010 + ln L + alpha_2010 (ln(K/L) - ln 55000) with
    # a_2010 = 10.31 + 4 x 0.025 = 10.41 and alpha_2010 = 0.60 + 4 x 0.004 = 0.616
    row = truth[truth["year"] == 2010].iloc[5]
    k, l = row["capital"], row["employment"]
    expected = np.exp(10.41 + np.log(l) + 0.616 * (np.log(k / l) - np.log(55000.0)))
    assert row["frontier_output"] == pytest.approx(expected, rel=1e-12)


def test_latent_indices_by_hand(default):
    """docs/methods.md §6 formulas with S_r(s) = (exp(D_r(s)) - 1) / 2 on the true frontier."""
    truth = default.truth.set_index(["city_code", "year"])
    code = truth.index.get_level_values(0)[20]
    before, now = truth.loc[(code, 2011)], truth.loc[(code, 2012)]
    # shift of the frontier 2011 -> 2012: 0.015 in level, 0.004 in alpha; at x_s it is
    # 0.015 + 0.004 (ln(K_s/L_s) - ln 55000)
    def shift(row: pd.Series) -> float:
        return 0.015 + 0.004 * (np.log(row["capital"] / row["employment"]) - np.log(55000.0))

    u0, u1 = before["inefficiency"], now["inefficiency"]
    s_pp, s_tt = (np.exp(u0) - 1) / 2, (np.exp(u1) - 1) / 2
    s_tp = (np.exp(u0 + shift(before)) - 1) / 2
    s_pt = (np.exp(u1 - shift(now)) - 1) / 2
    lpec, lptp = s_pp - s_tt, ((s_tp - s_pp) + (s_tt - s_pt)) / 2
    assert now["EC"] == pytest.approx(1 + lpec, abs=1e-12)
    assert now["PC"] == pytest.approx(1 + lptp, abs=1e-12)
    assert now["T"] == pytest.approx(1 + lpec + lptp, abs=1e-12)
    w0, w1 = before["green_excess"], now["green_excess"]
    gpec = lpec / 2 + ((1 - np.exp(-w0)) - (1 - np.exp(-w1))) / 4
    assert now["GEC"] == pytest.approx(1 + gpec, abs=1e-12)
    assert now["GPC"] == pytest.approx(1 + lptp / 2, abs=1e-12)
    assert now["GT"] == pytest.approx(1 + gpec + lptp / 2, abs=1e-12)


def test_index_identities_and_regressors(default):
    truth = default.truth
    for total, tech, eff in (("T", "PC", "EC"), ("GT", "GPC", "GEC")):
        np.testing.assert_allclose(truth[total] - 1, (truth[tech] - 1) + (truth[eff] - 1),
                                   atol=1e-14)
    np.testing.assert_allclose(truth["lnT"], np.log(truth["T"]), rtol=ROUNDING)
    reported = default.cities.merge(truth, on=["city_code", "year"])
    for log, level in (("lnP", "population"), ("lnA", "disposable_income"),
                       ("lnI", "secondary_share")):
        present = reported[level].notna()
        np.testing.assert_allclose(reported.loc[present, log],
                                   np.log(reported.loc[present, level]), rtol=ROUNDING)
    beta, gamma = np.array(PARAMS.beta), np.array(PARAMS.gamma)
    x = np.column_stack([np.ones(len(truth)), truth[["lnT", "lnP", "lnA", "lnI"]]])
    np.testing.assert_allclose(truth["scale"], x @ gamma, rtol=ROUNDING)
    np.testing.assert_allclose(np.log(truth["co2"]), x @ beta + truth["scale"] * truth["eps"],
                               rtol=ROUNDING)
    # w = scale (eps - eps_min), eps_min = -sqrt(7)
    np.testing.assert_allclose(truth["green_excess"],
                               truth["scale"] * (truth["eps"] + np.sqrt(7.0)), rtol=ROUNDING)


def test_provincial_fai_exceeds_the_sum_of_its_sample_cities(default):
    cities, provinces, _ = default
    sums = cities.groupby(["province_code", "year"])["fai"].sum().rename("cities")
    both = provinces.merge(sums.reset_index(), on=["province_code", "year"])
    reported = both["fai_province"].notna()
    assert (both.loc[reported, "fai_province"] >= both.loc[reported, "cities"]).all()
    single = both["province_code"].isin([11, 12, 31, 50])
    # provinces with several cities: the sample does not cover every county
    assert (both.loc[reported & ~single, "fai_province"]
            > 1.01 * both.loc[reported & ~single, "cities"]).all()


def test_write_csv_is_deterministic_and_readable(tmp_path, default):
    first = write_csv(tmp_path / "a")
    second = write_csv(tmp_path / "b")
    names = ["cities.csv", "provinces.csv", "truth.csv", "truth_coefficients.csv"]
    assert [p.name for p in first] == names
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()
    assert not list((tmp_path / "a").glob("*.part"))
    text = first[0].read_text(encoding="utf-8")
    assert "\r" not in text and "合成市" in text
    back = pd.read_csv(first[0])
    pd.testing.assert_frame_equal(back.drop(columns="city_name"),
                                  default.cities.drop(columns="city_name"), check_dtype=False)
    coefficients = pd.read_csv(first[3], index_col="term")
    assert list(coefficients.index) == ["const", "lnT", "lnP", "lnA", "lnI"]
    assert [float(c) for c in coefficients.columns] == pytest.approx(
        [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
    other = write_csv(tmp_path / "c", seed=1)
    assert other[0].read_bytes() != first[0].read_bytes()

