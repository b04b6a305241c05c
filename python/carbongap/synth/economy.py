"""The cities' economies: size and development, population, employment, potential GDP,
income and industry share, each a (cities x simulated years) array (see ``timeline``).

Levels are calibrated by quantile maps: a city's normal score z is sent to
``exp(interp(z, Phi^-1(q_k), ln x_k))``, piecewise linear in log units between the target
quantiles x_k at probabilities q_k of docs/methods.md §12 (linear beyond the outer points),
so that a standard-normal score reproduces the targets. Scores come from a Gaussian
copula of two city factors:

* size ``z_size ~ N(0, 1)`` (the four municipalities take the largest scores),
* development ``z_dev``: region-group mean + province effect + city noise, scaled to
  unit variance;

log population follows z_size; log potential GDP follows
``rho z_size + sqrt(1 - rho^2) z_dev``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import ndtri

from .params import SynthParams
from .timeline import Timeline

MUNICIPALITIES: frozenset[int] = frozenset({11, 12, 31, 50})


@dataclass(frozen=True)
class Factors:
    """Latent city factors (normal scores, one per city)."""

    size: np.ndarray
    development: np.ndarray
    industry: np.ndarray


@dataclass(frozen=True)
class Economy:
    """Latent economic series, (cities x simulated years).

    population, employment: 10^4 persons; potential_gdp: real potential GDP, 10^4 yuan
    at base-year prices (planned investment follows it; realised GDP comes from the
    frontier);
    income: urban disposable income per capita, yuan (nominal); secondary_share: percent.
    """

    population: np.ndarray
    employment: np.ndarray
    potential_gdp: np.ndarray
    income: np.ndarray
    secondary_share: np.ndarray


def quantile_map(score: np.ndarray, table: tuple[tuple[float, float], ...]) -> np.ndarray:
    """Send normal scores to levels: log-linear interpolation of the quantile table.

    Between the table's points ``(q_k, x_k)`` the log level is linear in the normal score
    ``Phi^-1(q_k)``; beyond the outer points the outer slopes continue.
    """
    z = ndtri(np.array([q for q, _ in table]))
    logx = np.log(np.array([x for _, x in table]))
    inside = np.interp(score, z, logx)
    low = logx[0] + (score - z[0]) * (logx[1] - logx[0]) / (z[1] - z[0])
    high = logx[-1] + (score - z[-1]) * (logx[-1] - logx[-2]) / (z[-1] - z[-2])
    return np.exp(np.where(score < z[0], low, np.where(score > z[-1], high, inside)))


def _standardised(values: np.ndarray) -> np.ndarray:
    return (values - values.mean()) / values.std() if len(values) > 1 else values * 0.0


def city_factors(cities: pd.DataFrame, rng: np.random.Generator, p: SynthParams) -> Factors:
    """Size, development and industry factors of each city (normal scores).

    Development = region-group mean + province effect + city noise; size and development
    are standardised over the sample (mean 0, sd 1), so that the quantile maps hit their
    targets in every sample rather than on average over samples. A municipality that is
    a single city (the default) swaps its size score with one of the largest scores, so
    the four municipalities are the four largest cities.
    """
    n = len(cities)
    size = rng.standard_normal(n)
    provinces = np.unique(cities["province_code"].to_numpy())
    province_effect = dict(zip(provinces, p.development_province_sd
                               * rng.standard_normal(len(provinces)), strict=True))
    group_mean = cities["group"].map(dict(p.development_by_group)).to_numpy(dtype="float64")
    local = cities["province_code"].map(province_effect).to_numpy(dtype="float64")
    # city noise fills the variance left by the group means and the province effects
    noise_sd = np.sqrt(max(1.0 - group_mean.var() - p.development_province_sd ** 2, 0.1))
    development = _standardised(group_mean + local + noise_sd * rng.standard_normal(n))
    loading = p.industry_development
    industry = loading * development + np.sqrt(1 - loading ** 2) * rng.standard_normal(n)
    size = _standardised(size)
    counts = cities["province_code"].map(cities["province_code"].value_counts())
    municipal = np.flatnonzero(cities["province_code"].isin(MUNICIPALITIES) & (counts == 1))
    largest = np.argsort(size, kind="mergesort")[len(size) - len(municipal):]
    movers = np.setdiff1d(largest, municipal)
    takers = np.setdiff1d(municipal, largest)
    size[movers], size[takers] = size[takers], size[movers]
    return Factors(size=size, development=development, industry=industry)


def draw_economy(f: Factors, tl: Timeline, streams: dict[str, np.random.Generator],
                 p: SynthParams) -> Economy:
    """Population, employment, potential GDP, income and industry share of every city."""
    n, m = len(f.size), len(tl.years)
    t06 = tl.years - 2006

    rng = streams["population"]
    growth = p.population_growth_mean + p.population_growth_sd * rng.standard_normal(n)
    pop2010 = np.clip(quantile_map(f.size, p.population_2010_quantiles),
                      *p.population_bounds)
    population = np.clip(pop2010[:, None] * np.exp(growth[:, None] * (tl.years - 2010)),
                         *p.population_bounds)

    rng = streams["employment"]
    rate = (p.employment_rate_mean + p.employment_rate_development * f.development
            + p.employment_rate_sd * rng.standard_normal(n))
    rate = np.clip(rate[:, None] + p.employment_rate_drift * t06, *p.employment_rate_bounds)
    employment = population * rate

    rng = streams["gdp"]
    rho = p.gdp_size_correlation
    score = rho * f.size + np.sqrt(1 - rho ** 2) * f.development
    gdp2006 = quantile_map(score, p.gdp_2006_quantiles)
    city_growth = (p.gdp_growth_development * f.development + p.gdp_growth_size * f.size
                   + p.gdp_growth_city_sd * rng.standard_normal(n))
    steps = (tl.profile(p.gdp_growth, p.gdp_growth_default)[None, :] + city_growth[:, None]
             + p.gdp_growth_year_sd * rng.standard_normal((n, m)))
    potential_gdp = gdp2006[:, None] * np.exp(tl.anchored(np.log1p(steps), 2006))

    rng = streams["income"]
    level = (np.log(p.income_2006_median) + p.income_development * f.development
             + p.income_size * f.size + p.income_city_sd * rng.standard_normal(n))
    steps = (tl.profile(p.income_growth, p.income_growth_default)[None, :]
             + p.income_growth_city_sd * rng.standard_normal(n)[:, None]
             + p.income_growth_year_sd * rng.standard_normal((n, m)))
    income = np.exp(level[:, None] + tl.anchored(np.log1p(steps), 2006))

    rng = streams["industry"]
    base = (p.secondary_share_mean + p.secondary_share_sd * f.industry
            + p.secondary_share_development * f.development)
    trend = tl.anchored(np.broadcast_to(
        tl.profile(p.secondary_share_trend, p.secondary_share_trend_default), (n, m)), 2006)
    own = p.secondary_share_city_trend_sd * rng.standard_normal(n)[:, None] * t06
    share = base[:, None] + trend + own + p.secondary_share_year_sd * rng.standard_normal((n, m))
    secondary_share = np.clip(share, *p.secondary_share_bounds)

    return Economy(population=population, employment=employment, potential_gdp=potential_gdp,
                   income=income, secondary_share=secondary_share)
