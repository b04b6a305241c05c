"""Dagum (1997) decomposition: G = Gw + Gnb + Gt, by hand and against brute-force pair sums."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from carbongap.inequality import dagum, gini

EXACT = 1e-12


def brute(values: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """Dagum's formulas with explicit n_j x n_h difference matrices (independent of dagum)."""
    y = np.asarray(values, dtype=float)
    n, mu = y.size, y.mean()
    names = sorted(set(labels), key=lambda g: y[labels == g].mean())
    members = [y[labels == g] for g in names]
    total = np.abs(y[:, None] - y[None, :]).sum() / (2 * n**2 * mu)
    within = between = trans = 0.0
    for yj in members:
        g_jj = np.abs(yj[:, None] - yj[None, :]).sum() / (2 * yj.size**2 * yj.mean())
        within += g_jj * (yj.size / n) * (yj.sum() / y.sum())
    for j in range(1, len(members)):
        for h in range(j):
            yj, yh = members[j], members[h]
            diff = yj[:, None] - yh[None, :]
            g_jh = np.abs(diff).sum() / (yj.size * yh.size * (yj.mean() + yh.mean()))
            d = np.clip(diff, 0, None).sum() / (yj.size * yh.size)
            p = np.clip(-diff, 0, None).sum() / (yj.size * yh.size)
            big_d = (d - p) / (d + p)
            weight = yj.size / n * yh.sum() / y.sum() + yh.size / n * yj.sum() / y.sum()
            between += g_jh * weight * big_d
            trans += g_jh * weight * (1 - big_d)
    return {"total": total, "within": within, "between_net": between, "transvariation": trans}


def test_two_separated_groups_by_hand() -> None:
    # a = [1, 2], b = [3, 4]. Overall: |diffs| 1,2,3,1,2,1 = 10, twice 20; G = 20/(2*16*2.5)
    # = 0.25. G_aa = 2/(2*4*1.5) = 1/6, p_a = 1/2, s_a = 3/10 -> 0.025; G_bb = 2/(2*4*3.5)
    # = 1/14, p_b = 1/2, s_b = 7/10 -> 0.025; Gw = 0.05. G_ba = (2+1+3+2)/(2*2*(1.5+3.5))
    # = 0.4; d_ba = 8/4 = 2, p_ba = 0 -> D = 1; weight 0.5*0.3 + 0.5*0.7 = 0.5; Gnb = 0.2.
    result = dagum(np.array([3.0, 1.0, 4.0, 2.0]), np.array(["b", "a", "b", "a"]))
    assert result.total == pytest.approx(0.25, abs=EXACT)
    assert result.within == pytest.approx(0.05, abs=EXACT)
    assert result.between_net == pytest.approx(0.2, abs=EXACT)
    assert result.transvariation == pytest.approx(0.0, abs=EXACT)
    assert result.groups["group"].tolist() == ["a", "b"]  # ordered by mean
    assert result.groups["gini"].tolist() == pytest.approx([1 / 6, 1 / 14], abs=EXACT)
    pair = result.pairs.iloc[0]
    assert (pair["group_a"], pair["group_b"]) == ("b", "a")
    assert (pair["gini"], pair["d"], pair["p"], pair["D"], pair["weight"]) == pytest.approx(
        (0.4, 2.0, 0.0, 1.0, 0.5), abs=EXACT)
    shares = result.shares()
    assert shares == pytest.approx({"within_share": 0.2, "between_net_share": 0.8,
                                    "transvariation_share": 0.0}, abs=EXACT)


def test_overlapping_groups_by_hand() -> None:
    # a = [1, 3] (mean 2), b = [2, 4] (mean 3). Pairs b - a: 1, -1, 3, 1 -> d = 5/4, p = 1/4,
    # D = (5/4 - 1/4)/(6/4) = 2/3; G_ba = (6/4)/(2 + 3) = 0.3; p_j = 1/2, s_a = 0.4, s_b = 0.6
    # -> weight 0.5; Gnb = 0.3*0.5*2/3 = 0.1, Gt = 0.3*0.5/3 = 0.05.
    # G_aa = 4/(2*4*2) = 1/4 -> 1/4*0.5*0.4 = 0.05; G_bb = 4/(2*4*3) = 1/6 -> 0.05; Gw = 0.1.
    # Overall [1,2,3,4]: 20/(2*16*2.5) = 0.25 = 0.1 + 0.1 + 0.05.
    result = dagum([1.0, 3.0, 2.0, 4.0], ["a", "a", "b", "b"])
    assert (result.within, result.between_net, result.transvariation) == pytest.approx(
        (0.1, 0.1, 0.05), abs=EXACT)
    assert result.pairs["D"].iloc[0] == pytest.approx(2.0 / 3.0, abs=EXACT)


@pytest.mark.parametrize("k", [2, 3, 4, 6])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_parts_sum_to_total_and_match_brute_force(k: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 250
    labels = np.array([f"g{i}" for i in rng.integers(0, k, size=n)])
    shift = {f"g{i}": rng.uniform(0.5, 3.0) for i in range(k)}
    values = rng.lognormal(size=n) * np.array([shift[g] for g in labels])
    values[:20] = np.round(values[:20])  # ties (and possibly zeros) too
    result = dagum(values, labels)
    assert result.within + result.between_net + result.transvariation == pytest.approx(
        result.total, abs=EXACT)
    assert abs(result.residual) < EXACT
    assert result.total == pytest.approx(gini(values), abs=EXACT)
    reference = brute(values, labels)
    for part, value in reference.items():
        assert getattr(result, part) == pytest.approx(value, abs=EXACT), part
    assert len(result.pairs) == k * (k - 1) // 2
    assert (result.pairs["D"].between(0.0, 1.0)).all()  # groups ordered by mean
    assert result.groups["mean"].is_monotonic_increasing


def test_group_ginis_and_pair_details_against_definitions() -> None:
    rng = np.random.default_rng(11)
    values = rng.gamma(2.0, 3.0, size=90)
    labels = np.repeat(["x", "y", "z"], 30)
    result = dagum(values, labels)
    for row in result.groups.itertuples():
        member = values[labels == row.group]
        assert row.gini == pytest.approx(gini(member), abs=EXACT)
        assert row.p == pytest.approx(member.size / 90, abs=EXACT)
        assert row.s == pytest.approx(member.sum() / values.sum(), abs=EXACT)
    for row in result.pairs.itertuples():
        a, b = values[labels == row.group_a], values[labels == row.group_b]
        diff = a[:, None] - b[None, :]
        assert row.d == pytest.approx(np.clip(diff, 0, None).mean(), rel=EXACT)
        assert row.p == pytest.approx(np.clip(-diff, 0, None).mean(), rel=EXACT)
        assert row.d - row.p == pytest.approx(a.mean() - b.mean(), rel=1e-10)
        assert row.gini == pytest.approx(np.abs(diff).mean() / (a.mean() + b.mean()), rel=EXACT)
    table = result.group_table()
    assert len(table) == 3 + 3
    assert table["contribution"].sum() == pytest.approx(result.total, abs=EXACT)
    own = table.loc[table["group_a"] == table["group_b"]]
    assert own["D"].isna().all()


def test_single_group_is_all_within() -> None:
    values = np.array([1.0, 5.0, 2.0, 8.0])
    result = dagum(values, ["only"] * 4)
    assert result.within == pytest.approx(gini(values), abs=EXACT)
    assert result.between_net == 0.0
    assert result.transvariation == 0.0
    assert result.pairs.empty


def test_identical_groups_have_no_net_between_part() -> None:
    values = np.array([1.0, 4.0, 9.0, 1.0, 4.0, 9.0])
    result = dagum(values, ["a", "a", "a", "b", "b", "b"])
    assert result.between_net == pytest.approx(0.0, abs=EXACT)
    assert result.pairs["D"].iloc[0] == pytest.approx(0.0, abs=EXACT)
    # constant, equal groups: G_jh = 0 and D is set to 0
    flat = dagum([2.0, 2.0, 2.0, 2.0], ["a", "a", "b", "b"])
    assert (flat.total, flat.between_net, flat.pairs["D"].iloc[0]) == (0.0, 0.0, 0.0)


def test_scale_invariance_and_series_input() -> None:
    rng = np.random.default_rng(2)
    values = rng.lognormal(size=60)
    labels = pd.Series(rng.choice(["east", "west"], size=60))
    base = dagum(pd.Series(values), labels)
    scaled = dagum(values * 1e6, labels.to_numpy())
    assert (scaled.within, scaled.between_net, scaled.transvariation) == pytest.approx(
        (base.within, base.between_net, base.transvariation), abs=EXACT)


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="3 entries"):
        dagum([1.0, 2.0], ["a", "b", "c"])
    with pytest.raises(ValueError, match="1 of 2 values are NaN"):
        dagum([1.0, np.nan], ["a", "b"])
    with pytest.raises(ValueError, match="negative"):
        dagum([1.0, -2.0], ["a", "b"])
    with pytest.raises(ValueError, match="1 group labels are missing"):
        dagum([1.0, 2.0], ["a", None])
    with pytest.raises(ValueError, match="group 'b': the mean is not positive"):
        dagum([1.0, 0.0], ["a", "b"])


@pytest.mark.parametrize(("values", "labels"), [
    ([5.0], ["x"]),  # one city
    ([0.1] * 4, ["a", "a", "b", "b"]),  # equal values; rounding once left G = -1.7e-17
    ([7.7] * 5, ["a", "b", "c", "a", "b"]),
])
def test_zero_gini_gives_nan_shares(values: list[float], labels: list[str]) -> None:
    # G = 0 and every part is 0, so each share is 0/0: NaN, not a ZeroDivisionError
    result = dagum(values, labels)
    assert (result.total, result.within, result.between_net, result.transvariation) == (
        0.0, 0.0, 0.0, 0.0)
    shares = result.shares()
    assert list(shares) == ["within_share", "between_net_share", "transvariation_share"]
    assert all(np.isnan(v) for v in shares.values())
