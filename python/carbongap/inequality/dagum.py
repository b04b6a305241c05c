"""Dagum (1997) decomposition of the Gini coefficient by groups (docs/methods.md §5).

Dagum, C. (1997), "A new approach to the decomposition of the Gini income inequality
ratio", Empirical Economics 22: 515-531. For k groups with n_j values y_j1..y_jn_j, means
mu_j (groups ordered so that mu_1 <= ... <= mu_k), n = sum_j n_j, overall mean mu:

    p_j = n_j / n                       (population share)
    s_j = n_j mu_j / (n mu)             (share of the total)
    G_jj = sum_i sum_r |y_ji - y_jr| / (2 n_j^2 mu_j)            (Gini of group j, eq. 4-5)
    G_jh = sum_i sum_r |y_ji - y_hr| / (n_j n_h (mu_j + mu_h))   (between groups j and h)
    d_jh = (1 / (n_j n_h)) sum_i sum_r max(y_ji - y_hr, 0)        (gross affluence, mu_j >= mu_h)
    p_jh = (1 / (n_j n_h)) sum_i sum_r max(y_hr - y_ji, 0)        (transvariation moment)
    D_jh = (d_jh - p_jh) / (d_jh + p_jh)                          (relative affluence)

and the overall Gini (eq. 4-5) splits exactly into

    G   = Gw + Gnb + Gt
    Gw  = sum_j G_jj p_j s_j                                       (within groups)
    Gnb = sum_{j>=2} sum_{h<j} G_jh (p_j s_h + p_h s_j) D_jh       (net between groups)
    Gt  = sum_{j>=2} sum_{h<j} G_jh (p_j s_h + p_h s_j) (1 - D_jh) (transvariation).

Two groups with one common value everywhere have d_jh + p_jh = 0 and G_jh = 0; D_jh is then
set to 0 (their terms vanish either way).

Complexity: every pair sum is computed from sorted values with prefix sums and a binary
search (``_positive_part_sum``), O((n_j + n_h) log(n_j + n_h)) per pair of groups, so the
whole decomposition is O(k n log n), exact up to floating-point rounding; no O(n^2) loop.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .gini import gini

GROUP_COLUMNS: tuple[str, ...] = ("group", "n", "mean", "p", "s", "gini", "within")
PAIR_COLUMNS: tuple[str, ...] = ("group_a", "group_b", "n_a", "n_b", "mean_a", "mean_b",
                                 "gini", "d", "p", "D", "weight", "between_net",
                                 "transvariation")


def _positive_part_sum(a: np.ndarray, b_sorted: np.ndarray, b_prefix: np.ndarray) -> float:
    """sum_i sum_r max(a_i - b_r, 0), with ``b_sorted`` ascending and ``b_prefix`` its
    cumulative sum starting at 0 (length len(b) + 1). O(len(a) log len(b))."""
    below = np.searchsorted(b_sorted, a, side="left")  # number of b_r < a_i
    return float(np.dot(a, below) - b_prefix[below].sum())


@dataclass(frozen=True)
class DagumDecomposition:
    """The result of :func:`dagum`; numbers are unit-free shares of inequality.

    Attributes
    ----------
    total
        The overall Gini G (eq. 4-5, no small-sample correction).
    within, between_net, transvariation
        Gw, Gnb and Gt; they sum to ``total``.
    groups
        One row per group, ordered by mean: group, n, mean (unit of the values), p (p_j),
        s (s_j), gini (G_jj), within (G_jj p_j s_j).
    pairs
        One row per pair of groups, group_a the one with the higher mean: group_a, group_b,
        n_a, n_b, mean_a, mean_b, gini (G_jh), d (d_jh), p (p_jh), D (D_jh),
        weight (p_j s_h + p_h s_j), between_net, transvariation (the pair's terms).
    """

    total: float
    within: float
    between_net: float
    transvariation: float
    groups: pd.DataFrame
    pairs: pd.DataFrame

    @property
    def residual(self) -> float:
        """total - (within + between_net + transvariation): rounding error only."""
        return self.total - (self.within + self.between_net + self.transvariation)

    def shares(self) -> dict[str, float]:
        """The three parts as shares of the total Gini (they sum to 1).

        When the total Gini is 0 (one value, or all values equal) every part is 0 too and
        a share 0/0 is undefined: all three shares are NaN then.
        """
        parts = ("within", "between_net", "transvariation")
        if self.total == 0.0:
            return {f"{name}_share": float("nan") for name in parts}
        return {f"{name}_share": getattr(self, name) / self.total for name in parts}

    def group_table(self) -> pd.DataFrame:
        """Group Ginis G_jj (group_a = group_b) and pair Ginis G_jh in one long frame.

        Columns: group_a, group_b, n_a, n_b, mean_a, mean_b, gini, D, contribution (the
        term of Gw for a group; Gnb + Gt for a pair).
        """
        own = pd.DataFrame({
            "group_a": self.groups["group"], "group_b": self.groups["group"],
            "n_a": self.groups["n"], "n_b": self.groups["n"],
            "mean_a": self.groups["mean"], "mean_b": self.groups["mean"],
            "gini": self.groups["gini"], "D": np.nan, "contribution": self.groups["within"],
        })
        between = self.pairs.loc[:, ["group_a", "group_b", "n_a", "n_b", "mean_a", "mean_b",
                                     "gini", "D"]].assign(
            contribution=self.pairs["between_net"] + self.pairs["transvariation"])
        return pd.concat([own, between], ignore_index=True)


def dagum(values: np.ndarray | pd.Series, groups: np.ndarray | pd.Series) -> DagumDecomposition:
    """Dagum (1997) decomposition of the Gini of ``values`` over ``groups``.

    Parameters
    ----------
    values
        Non-negative numbers, any unit, no NaN (drop missing values first and count them).
    groups
        A label per value (no missing label); any number of groups >= 1.

    Returns
    -------
    DagumDecomposition
        total, within, between_net, transvariation and the group and pair details; the
        formulas are in the module docstring.

    Raises
    ------
    ValueError
        Lengths differ, NaN values or labels, negative values, or a group whose mean is
        not positive (its Gini is undefined).
    """
    y = np.asarray(values, dtype="float64").ravel()
    labels = pd.Series(np.asarray(groups, dtype=object).ravel())
    if labels.size != y.size:
        raise ValueError(f"groups has {labels.size} entries but values has {y.size}")
    if labels.isna().any():
        raise ValueError(f"{int(labels.isna().sum())} group labels are missing")
    if np.isnan(y).any():
        raise ValueError(f"{int(np.isnan(y).sum())} of {y.size} values are NaN; drop them "
                         "first (and count them)")
    if (y < 0).any():
        raise ValueError(f"{int((y < 0).sum())} values are negative; the decomposition "
                         "needs non-negative values")
    total = gini(y)
    n, mu = y.size, y.mean()

    parts = []
    for label in pd.unique(labels):
        member = y[(labels == label).to_numpy()]
        if member.sum() <= 0:
            raise ValueError(f"group {label!r}: the mean is not positive; its Gini is undefined")
        ys = np.sort(member, kind="mergesort")
        parts.append((label, ys, np.concatenate(([0.0], np.cumsum(ys)))))
    # ascending means; ties keep first-seen order (stable)
    parts.sort(key=lambda part: part[1].mean())

    rows = []
    for label, ys, _ in parts:
        nj, muj = ys.size, ys.mean()
        p, s = nj / n, nj * muj / (n * mu)
        g = gini(ys)
        rows.append({"group": label, "n": nj, "mean": muj, "p": p, "s": s, "gini": g,
                     "within": g * p * s})
    group_frame = pd.DataFrame(rows, columns=list(GROUP_COLUMNS))

    pair_rows = []
    for j in range(1, len(parts)):
        label_j, yj, prefix_j = parts[j]
        nj, muj = yj.size, yj.mean()
        pj, sj = nj / n, nj * muj / (n * mu)
        for h in range(j):
            label_h, yh, prefix_h = parts[h]
            nh, muh = yh.size, yh.mean()
            ph, sh = nh / n, nh * muh / (n * mu)
            d = _positive_part_sum(yj, yh, prefix_h) / (nj * nh)
            pt = _positive_part_sum(yh, yj, prefix_j) / (nj * nh)
            g_jh = (d + pt) / (muj + muh)  # mean |y_ji - y_hr| / (mu_j + mu_h)
            big_d = (d - pt) / (d + pt) if d + pt > 0 else 0.0
            weight = pj * sh + ph * sj
            pair_rows.append({
                "group_a": label_j, "group_b": label_h, "n_a": nj, "n_b": nh,
                "mean_a": muj, "mean_b": muh, "gini": g_jh, "d": d, "p": pt, "D": big_d,
                "weight": weight, "between_net": g_jh * weight * big_d,
                "transvariation": g_jh * weight * (1.0 - big_d),
            })
    pair_frame = pd.DataFrame(pair_rows, columns=list(PAIR_COLUMNS))
    return DagumDecomposition(
        total=total,
        within=float(group_frame["within"].sum()),
        between_net=float(pair_frame["between_net"].sum()),
        transvariation=float(pair_frame["transvariation"].sum()),
        groups=group_frame,
        pairs=pair_frame,
    )
