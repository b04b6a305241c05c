"""A small simulated DEA panel shared by the DEA and productivity tests.

Cobb-Douglas production with half-normal inefficiency, CO2 roughly proportional to
output: capital (10^4 yuan), employment (10^4 persons), gdp_real (10^4 yuan), co2 (t).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def dea_panel(seed: int, n: int = 30, years: range = range(2006, 2011),
              codes: np.ndarray | None = None) -> pd.DataFrame:
    """n units (city_code ``codes``, default 100, 101, ...) observed in every year."""
    rng = np.random.default_rng(seed)
    city_codes = 100 + np.arange(n) if codes is None else codes
    parts = []
    for t, year in enumerate(years):
        k = rng.lognormal(15, 0.8, n) * 1.08 ** t
        labour = rng.lognormal(5, 0.6, n)
        gdp = 3.0 * 1.03 ** t * k ** 0.35 * labour ** 0.6 * np.exp(-np.abs(rng.normal(0, .3, n)))
        co2 = 2.0 * gdp ** 0.95 * rng.lognormal(0, 0.3, n)
        parts.append(pd.DataFrame({"city_code": city_codes, "year": year, "capital": k,
                                   "employment": labour, "gdp_real": gdp, "co2": co2}))
    return pd.concat(parts, ignore_index=True)
