"""Gini coefficient (Zhang & Liu (2024) eq. 4-5): sorted form against the definition."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from carbongap.errors import DataError
from carbongap.inequality import gini, gini_sorted_rows, yearly_gini, yearly_ginis

EXACT = 1e-12  # docs/methods.md §5: the sorted form must equal the double sum to 1e-12


def double_sum(x: np.ndarray, w: np.ndarray | None = None) -> float:
    """Eq. 4-5 literally: sum_i sum_j w_i w_j |x_i - x_j| / (2 W^2 mu_w), all n^2 pairs."""
    x = np.asarray(x, dtype=float)
    w = np.ones_like(x) if w is None else np.asarray(w, dtype=float)
    big_w = w.sum()
    mu = (w * x).sum() / big_w
    return float((np.outer(w, w) * np.abs(x[:, None] - x[None, :])).sum()
                 / (2.0 * big_w**2 * mu))


SAMPLES = {
    "lognormal": lambda rng: rng.lognormal(2.0, 1.2, size=290),
    "uniform": lambda rng: rng.uniform(0.0, 1.0, size=57),
    "ties_and_zeros": lambda rng: rng.integers(0, 5, size=200).astype(float),
    "pareto": lambda rng: rng.pareto(1.5, size=1000) + 1.0,
    "two": lambda rng: np.array([3.0, 11.0]),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sorted_form_equals_double_sum(name: str, seed: int) -> None:
    x = SAMPLES[name](np.random.default_rng(seed))
    assert gini(x) == pytest.approx(double_sum(x), abs=EXACT, rel=0)


def test_hand_computed_values() -> None:
    # [1, 2, 3]: pairs |1-2|, |1-3|, |2-3| = 1, 2, 1, each twice: 8; n = 3, mu = 2
    assert gini([1.0, 2.0, 3.0]) == pytest.approx(8.0 / (2 * 9 * 2), abs=EXACT)
    # [2, 2, 4, 8]: |diffs| 0,2,6,2,6,4 = 20, twice = 40; n = 4, mu = 4 -> 40 / 128
    assert gini([8.0, 2.0, 4.0, 2.0]) == pytest.approx(40.0 / 128.0, abs=EXACT)
    # correction n/(n-1): 2/9 * 3/2 = 1/3
    assert gini([1.0, 2.0, 3.0], correction=True) == pytest.approx(1.0 / 3.0, abs=EXACT)


def test_scale_and_permutation_invariance() -> None:
    rng = np.random.default_rng(7)
    x = rng.lognormal(size=300)
    base = gini(x)
    assert gini(x * 1e6) == pytest.approx(base, abs=EXACT)  # Mt -> t
    assert gini(x * 3.7e-4) == pytest.approx(base, abs=EXACT)
    assert gini(rng.permutation(x)) == pytest.approx(base, abs=EXACT)


def test_all_equal_is_zero() -> None:
    assert gini(np.full(17, 4.2)) == pytest.approx(0.0, abs=EXACT)
    assert gini([5.0]) == 0.0


@pytest.mark.parametrize("n", [2, 3, 10, 282])
def test_single_holder_gives_n_minus_one_over_n(n: int) -> None:
    x = np.zeros(n)
    x[n // 2] = 123.0
    assert gini(x) == pytest.approx((n - 1) / n, abs=EXACT)
    assert gini(x, correction=True) == pytest.approx(1.0, abs=EXACT)


def test_integer_weights_equal_repeated_observations() -> None:
    rng = np.random.default_rng(3)
    x = rng.lognormal(size=40)
    w = rng.integers(1, 6, size=40)
    repeated = np.repeat(x, w)
    assert gini(x, weights=w) == pytest.approx(gini(repeated), abs=EXACT)
    assert gini(x, weights=w) == pytest.approx(double_sum(repeated), abs=EXACT)


def test_real_weights_match_weighted_double_sum() -> None:
    rng = np.random.default_rng(4)
    x = rng.lognormal(size=120)
    w = rng.uniform(0.0, 50.0, size=120)  # e.g. population, 10^4 persons
    assert gini(x, weights=w) == pytest.approx(double_sum(x, w), abs=EXACT)
    # only the ratio of weights matters; equal weights give the unweighted Gini
    assert gini(x, weights=w * 1000) == pytest.approx(gini(x, weights=w), abs=EXACT)
    assert gini(x, weights=np.full(120, 2.5)) == pytest.approx(gini(x), abs=EXACT)
    # a zero weight is the same as leaving the unit out
    w[:10] = 0.0
    assert gini(x, weights=w) == pytest.approx(gini(x[10:], weights=w[10:]), abs=EXACT)


def test_weight_errors() -> None:
    with pytest.raises(ValueError, match="not defined with weights"):
        gini([1.0, 2.0], weights=[1.0, 1.0], correction=True)
    with pytest.raises(ValueError, match="non-negative"):
        gini([1.0, 2.0], weights=[1.0, -1.0])
    with pytest.raises(ValueError, match="positive sum"):
        gini([1.0, 2.0], weights=[0.0, 0.0])
    with pytest.raises(ValueError, match="3 entries"):
        gini([1.0, 2.0], weights=[1.0, 1.0, 1.0])


def test_nan_policy() -> None:
    x = [1.0, np.nan, 2.0, np.nan, 3.0]
    with pytest.raises(ValueError, match="2 of 5 values are NaN"):
        gini(x)
    assert gini(x, nan_policy="drop") == pytest.approx(2.0 / 9.0, abs=EXACT)
    # a NaN value drops its weight too
    assert gini(x, weights=[1, 5, 2, 5, 1], nan_policy="drop") == pytest.approx(
        double_sum(np.array([1.0, 2.0, 2.0, 3.0])), abs=EXACT)
    with pytest.raises(ValueError, match="nan_policy"):
        gini([1.0], nan_policy="ignore")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no values"):
        gini([np.nan], nan_policy="drop")


def test_negative_values_and_non_positive_mean() -> None:
    with pytest.raises(ValueError, match="1 values are negative"):
        gini([-1.0, 1.0, 2.0])
    # allowed: [-1, 1, 2], |diffs| 2, 3, 1 twice = 12; n = 3, mu = 2/3 -> 12 / 12 = 1
    assert gini([-1.0, 1.0, 2.0], allow_negative=True) == pytest.approx(1.0, abs=EXACT)
    with pytest.raises(ValueError, match="mean is not positive"):
        gini([0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="mean is not positive"):
        gini([-3.0, 1.0], allow_negative=True)
    with pytest.raises(ValueError, match="infinite"):
        gini([1.0, np.inf])
    with pytest.raises(ValueError, match="at least two"):
        gini([1.0], correction=True)


def test_rows_form_matches_gini() -> None:
    rng = np.random.default_rng(5)
    x = np.sort(rng.lognormal(size=(6, 50)), axis=1)
    expected = [double_sum(row) for row in x]
    np.testing.assert_allclose(gini_sorted_rows(x), expected, rtol=0, atol=EXACT)


def _panel() -> pd.DataFrame:
    return pd.DataFrame({
        "city_code": [1, 2, 3, 1, 2, 3, 1, 2],
        "year": [2007, 2007, 2007, 2006, 2006, 2006, 2008, 2008],
        "co2": [1.0, 2.0, 3.0, 5.0, np.nan, 5.0, np.nan, np.nan],
    })


def test_yearly_gini_counts_and_order() -> None:
    out = yearly_gini(_panel(), "co2")
    assert list(out.columns) == ["year", "n", "n_dropped", "gini"]
    assert out["year"].tolist() == [2006, 2007, 2008]
    assert out["n"].tolist() == [2, 3, 0]
    assert out["n_dropped"].tolist() == [1, 0, 2]
    assert out["gini"].iloc[0] == 0.0  # 5, 5
    assert out["gini"].iloc[1] == pytest.approx(2.0 / 9.0, abs=EXACT)
    assert math.isnan(out["gini"].iloc[2])  # no value left in 2008
    corrected = yearly_gini(_panel().loc[lambda f: f["year"] == 2007], "co2", correction=True)
    assert corrected["gini"].iloc[0] == pytest.approx(1.0 / 3.0, abs=EXACT)
    one_left = yearly_gini(_panel(), "co2", correction=True)  # 2006: 5, 5 -> 0 * 2
    assert one_left["gini"].iloc[0] == 0.0
    single = yearly_gini(_panel().iloc[[0]], "co2", correction=True)
    assert single["n"].tolist() == [1] and math.isnan(single["gini"].iloc[0])


def test_yearly_gini_error_policy_names_rows() -> None:
    with pytest.raises(DataError, match=r"3 NaN values in column 'co2' at rows 4, 6, 7") as err:
        yearly_gini(_panel(), "co2", nan_policy="error")
    assert err.value.rows == (4, 6, 7)
    assert err.value.column == "co2"
    with pytest.raises(DataError, match="'gdp' not in the frame"):
        yearly_gini(_panel(), "gdp")


def test_yearly_gini_other_grouping_and_negative() -> None:
    frame = pd.DataFrame({"period": ["b", "a", "a"], "T": [1.0, -1.0, 3.0]})
    with pytest.raises(DataError, match="period a: 1 values are negative"):
        yearly_gini(frame, "T", by="period")
    # [-1, 3]: |diff| 4 twice = 8; n = 2, mu = 1 -> 8 / 8 = 1
    out = yearly_gini(frame, "T", by="period", allow_negative=True)
    assert out["period"].tolist() == ["a", "b"]
    assert out["gini"].tolist() == pytest.approx([1.0, 0.0], abs=EXACT)


def test_yearly_ginis_stacks_indicators() -> None:
    # Figures 4-6: index form T = 1 + LTFP, positive, several indicators at once
    frame = pd.DataFrame({"year": [2008, 2008, 2007, 2007],
                          "T": [1.0, 3.0, 2.0, 2.0], "GT": [0.5, 1.5, np.nan, 4.0]})
    out = yearly_ginis(frame, ["T", "GT"])
    assert list(out.columns) == ["variable", "year", "n", "n_dropped", "gini"]
    assert out["variable"].tolist() == ["T", "T", "GT", "GT"]
    assert out["year"].tolist() == [2007, 2008, 2007, 2008]
    # T 2008 [1, 3]: |diff| 2 twice = 4, 4/(2*4*2) = 1/4; GT 2008 [0.5, 1.5]: 2/(2*4*1) = 1/4
    assert out["gini"].tolist() == pytest.approx([0.0, 0.25, 0.0, 0.25], abs=EXACT)
    assert out["n_dropped"].tolist() == [0, 0, 1, 0]
    with pytest.raises(ValueError, match="at least one"):
        yearly_ginis(frame, [])


@pytest.mark.parametrize("n", [1, 2, 4, 5, 17])
@pytest.mark.parametrize("value", [0.1, 1 / 3, 7.7, 1e6 / 3])
def test_equal_values_have_gini_exactly_zero(n: int, value: float) -> None:
    # sum_i (2i - n - 1) = 0, so G = 0 exactly; rounding gave e.g. -1.7e-17 for 4 x 0.1
    assert gini(np.full(n, value)) == 0.0
    assert gini(np.full(n, value), weights=np.arange(1.0, n + 1)) == 0.0
