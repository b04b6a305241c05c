"""Prices, fixed-asset investment and the provincial table (docs/methods.md §3).

The city FAI is written so that the perpetual inventory of eq. 7, as the pipeline
computes it (``carbongap.accounting.capital_stock``), reproduces the planned capital
stock up to investment noise. With r the provincial ratio of new fixed assets to FAI,
P the FAI price index (first year = 100) and c the share of provincial FAI made in the
sample cities (< 1: the sample does not cover every county; 1 for a municipality)::

    I_plan_it = max(K_plan_it - (1 - delta) K_plan_i,t-1, floor x K_plan_i,t-1)
    fai_it    = I_plan_it x (P_pt / 100) / r_pt x exp(N(0, s^2))          (10^4 yuan)
    fai_province_pt     = sum over the province's sample cities of fai_it / c_pt
    new_fai_province_pt = r_pt x fai_province_pt
    capital_stock_2006_p = sum of K_plan_i,first / c_p,first          (base-year prices)

so that eq. 7's real investment ``fai / fai_province x new_fai_province / (P / 100)``
is ``I_plan x noise`` and the base-year allocation ``capital_stock_2006 x fai /
fai_province`` is the province's planned stock shared by first-year FAI.
Price indices: national yearly changes (NBS, rounded) plus a persistent provincial
difference and yearly noise, 100 in the first reported year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .economy import MUNICIPALITIES
from .params import SynthParams
from .timeline import Timeline


@dataclass(frozen=True)
class ProvincialSeries:
    """Province x simulated-year arrays (rows = ``codes``)."""

    codes: np.ndarray
    gdp_deflator: np.ndarray  # first reported year = 100
    fai_price_index: np.ndarray  # first reported year = 100
    new_fai_ratio: np.ndarray  # new fixed assets / FAI
    coverage: np.ndarray  # share of provincial FAI in the sample cities


def _index(tl: Timeline, change: np.ndarray) -> np.ndarray:
    """100 x cumulative product of (1 + change), 100 in the first reported year."""
    return 100.0 * np.exp(tl.anchored(np.log1p(change), tl.first))


def provincial_series(codes: np.ndarray, tl: Timeline, rng: np.random.Generator,
                      p: SynthParams) -> ProvincialSeries:
    """Deflators, FAI price indices, new-FAI ratios and sample coverage by province."""
    k, m = len(codes), len(tl.years)

    def drawn_change(national: np.ndarray) -> np.ndarray:
        return (national[None, :] + p.price_province_sd * rng.standard_normal(k)[:, None]
                + p.price_year_sd * rng.standard_normal((k, m)))

    deflator = _index(tl, drawn_change(tl.profile(p.gdp_deflator_change,
                                                  p.gdp_deflator_default)))
    fai_price = _index(tl, drawn_change(tl.profile(p.fai_price_change, p.fai_price_default)))
    ratio = np.clip(p.new_fai_ratio_mean + p.new_fai_ratio_province_sd
                    * rng.standard_normal(k)[:, None]
                    + p.new_fai_ratio_year_sd * rng.standard_normal((k, m)),
                    *p.new_fai_ratio_bounds)
    coverage = np.clip(p.coverage_mean + p.coverage_province_sd * rng.standard_normal(k)[:, None]
                       + p.coverage_year_sd * rng.standard_normal((k, m)), *p.coverage_bounds)
    coverage[np.isin(codes, list(MUNICIPALITIES))] = 1.0
    return ProvincialSeries(codes=codes, gdp_deflator=deflator, fai_price_index=fai_price,
                            new_fai_ratio=ratio, coverage=coverage)


def city_fai(planned: np.ndarray, rows: np.ndarray, prov: ProvincialSeries,
             rng: np.random.Generator, p: SynthParams) -> np.ndarray:
    """Nominal city FAI (10^4 yuan), cities x simulated years; column 0 NaN.

    ``rows`` maps each city to its province's row in ``prov``.
    """
    before = planned[:, :-1]
    real = np.maximum(planned[:, 1:] - (1.0 - p.depreciation) * before,
                      p.investment_floor * before)
    price = prov.fai_price_index[rows, 1:] / 100.0
    noise = np.exp(p.investment_noise_sd * rng.standard_normal(real.shape))
    fai = real * price / prov.new_fai_ratio[rows, 1:] * noise
    return np.concatenate([np.full((len(planned), 1), np.nan), fai], axis=1)


def provincial_table(prov: ProvincialSeries, rows: np.ndarray, fai: np.ndarray,
                     planned: np.ndarray, tl: Timeline) -> pd.DataFrame:
    """The complete provincial table over the reported years (before any mess).

    Columns province_code, year, gdp_deflator, fai_price_index (first year = 100),
    fai_province, new_fai_province (10^4 yuan), capital_stock_2006 (10^4 yuan at
    first-year prices, the same on every row of a province).
    """
    k = len(prov.codes)
    sample_fai = np.zeros((k, fai.shape[1]))
    np.add.at(sample_fai, rows, np.nan_to_num(fai))
    fai_province = sample_fai / prov.coverage
    first = tl.col(tl.first)
    stock = np.zeros(k)
    np.add.at(stock, rows, planned[:, first])
    stock /= prov.coverage[:, first]
    window = tl.window()
    years = tl.years[window]
    frame = pd.DataFrame({
        "province_code": np.repeat(prov.codes, len(years)).astype("int64"),
        "year": np.tile(years, k).astype("int64"),
        "gdp_deflator": prov.gdp_deflator[:, window].ravel(),
        "fai_price_index": prov.fai_price_index[:, window].ravel(),
        "fai_province": fai_province[:, window].ravel(),
        "new_fai_province": (prov.new_fai_ratio * fai_province)[:, window].ravel(),
        "capital_stock_2006": np.repeat(stock, len(years)),
    })
    return frame
