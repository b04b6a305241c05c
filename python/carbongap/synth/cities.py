"""The synthetic city list: how many cities each province gets, their codes and names.

Allocation
    The approximate real counts of prefecture-level cities (``PARAMS.prefecture_counts``,
    285 in the 30 provinces other than Tibet) are scaled to ``n_cities`` by the largest
    remainder method: each province gets the integer part of its quota
    ``n_cities x count / 285``, and the cities left over go to the largest fractional
    parts (ties to the lower province code). When ``n_cities >= 30`` every province gets
    at least one city, taken from the province whose allocation exceeds its quota most.
    282 cities (the paper's number) is the default.

Codes and names (visibly synthetic)
    ``city_code = PP8NNN``: PP the real GB/T 2260 province code, 8 a digit no real
    prefecture code has in that place, NNN the city's sequence number in its province
    (001, 002, ...); so at most 999 cities per province. ``city_name`` is
    ``合成市<province short name><NN> (synthetic)``, e.g. ``合成市河北01 (synthetic)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..regions import group_of, province_table
from .params import SynthParams

MAX_PER_PROVINCE: int = 999


def allocate(n_cities: int, params: SynthParams) -> dict[int, int]:
    """Cities per province code (largest remainder; >= 1 each when n_cities >= 30)."""
    if n_cities < 1:
        raise ValueError(f"n_cities={n_cities} must be at least 1")
    codes = np.array([c for c, _ in params.prefecture_counts], dtype="int64")
    counts = np.array([n for _, n in params.prefecture_counts], dtype="float64")
    quota = n_cities * counts / counts.sum()
    alloc = np.floor(quota).astype("int64")
    left = n_cities - int(alloc.sum())
    # largest fractional part first; ties to the lower province code (stable sort)
    order = np.argsort(-(quota - alloc), kind="mergesort")
    alloc[order[:left]] += 1
    if n_cities >= len(codes):
        while (alloc == 0).any():
            surplus = np.where(alloc > 1, alloc - quota, -np.inf)
            alloc[int(np.argmax(surplus))] -= 1
            alloc[int(np.flatnonzero(alloc == 0)[0])] += 1
    if alloc.max() > MAX_PER_PROVINCE:
        raise ValueError(f"n_cities={n_cities} gives a province more than {MAX_PER_PROVINCE} "
                         "cities, beyond the PP8NNN code scheme")
    return {int(c): int(a) for c, a in zip(codes, alloc, strict=True)}


def city_table(n_cities: int, params: SynthParams) -> pd.DataFrame:
    """city_code, city_name, province_code, group (paper region group), one row per city.

    Sorted by city_code (so by province, then sequence number).
    """
    short = province_table().set_index("province_code")["short_zh"]
    rows = []
    for province, count in sorted(allocate(n_cities, params).items()):
        width = 2 if count < 100 else 3
        for seq in range(1, count + 1):
            rows.append((province * 10000 + params.synthetic_digit * 1000 + seq,
                         f"合成市{short[province]}{seq:0{width}d} (synthetic)", province))
    frame = pd.DataFrame(rows, columns=["city_code", "city_name", "province_code"])
    frame = frame.astype({"city_code": "int64", "province_code": "int64", "city_name": "str"})
    frame["group"] = group_of(frame["province_code"], "paper").astype("str")
    return frame
