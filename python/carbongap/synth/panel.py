"""``generate``: the synthetic default panel, its provincial table and its truth.

Order of the known process (each step in its module):

1. cities and their latent factors (``cities``, ``economy``);
2. population, employment, potential GDP, income, industry share (``economy``);
3. frontier, inefficiency, the capital each city plans for its potential GDP
   (``technology``);
4. prices, city FAI and the provincial table written to deliver that capital
   (``investment``); the capital stock computed from them by
   ``carbongap.accounting.capital_stock`` (eq. 7), as the pipeline will;
5. real GDP = frontier(capital, employment) x exp(-inefficiency); nominal GDP = real GDP
   x provincial deflator / 100 (so ``carbongap.accounting.real_gdp`` gives it back);
6. latent T, PC, EC (``indices``); CO2 from the location-scale model in lnT, lnP, lnA,
   lnI (``emissions``); latent GT, GPC, GEC;
7. fuel quantities and electricity (``emissions``);
8. the mess of real yearbooks (``mess``).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from ..accounting import capital_stock
from ..ingest.schema import city_schema, describe_city_panel
from . import indices
from .cities import city_table
from .economy import city_factors, draw_economy
from .emissions import (
    check_support,
    draw_eps,
    electricity,
    eps_scale,
    fuel_quantities,
    fuel_shares,
)
from .investment import city_fai, provincial_series, provincial_table
from .mess import apply_mess
from .params import PARAMS, SynthParams
from .technology import frontier, inefficiency, planned_capital
from .timeline import STREAMS, Timeline, stream

#: Canonical city-panel columns in schema order; the fuels replace a supplied ``co2``.
CITY_COLUMNS: tuple[str, ...] = tuple(c.name for c in city_schema() if c.name != "co2")


class SyntheticPanel(NamedTuple):
    """The synthetic default data: ``cities, provinces, truth = generate()``.

    cities
        Canonical long city panel, one row per reported city-year: city_code,
        city_name, province_code, year (int64 keys), gdp (nominal, 10^4 yuan),
        secondary_share (percent), population, employment (10^4 persons), fai
        (10^4 yuan), disposable_income (yuan), the combustion fuels (t; natural gas
        10^4 m3) and electricity (10^4 kWh). Missing = NaN; sorted by city_code, year.
    provinces
        province_code, year, gdp_deflator, fai_price_index (first year = 100),
        fai_province, new_fai_province (10^4 yuan; NaN after 2016), capital_stock_2006
        (10^4 yuan at first-year prices, on every row of the province).
    truth
        The latent value of every city-year of the known process, reported or not
        (``in_panel``), sorted by city_code, year:

        - ``in_panel``: the row is in ``cities`` (False: a year the mess removed);
        - ``capital``: K, 10^4 yuan at first-year prices, eq. 7 on the complete FAI;
        - ``employment``: L, 10^4 persons, the input of the frontier;
        - ``frontier_output``: f_t(K, L), real GDP on the frontier, 10^4 yuan at
          first-year prices (``technology``);
        - ``gdp_real``: f_t(K, L) exp(-u), the real GDP behind the nominal ``gdp``;
        - ``inefficiency``: u >= 0, ln(frontier_output / gdp_real);
        - ``on_frontier``: u == 0;
        - ``T``, ``PC``, ``EC``, ``GT``, ``GPC``, ``GEC``: latent productivity indices in
          index form (1 + indicator): the docs/methods.md §6 Luenberger formulas with
          output-oriented directional distances to the true frontier, not the full SBI
          (which also takes input slacks; see ``indices``), comparing year t with t - 1
          (in the first year, with the generator's state of the year before, which is
          not reported);
        - ``lnT``, ``lnP``, ``lnA``, ``lnI``: the regressors of the CO2 model: ln T,
          ln population (10^4 persons), ln disposable income (yuan), ln secondary share
          (percent), latent (before any cell was blanked);
        - ``eps``: the model's error; ``scale``: x'gamma (> 0);
        - ``co2``: CO2, t (= exp(x'beta + scale x eps)), what eq. 3 gives on the fuels;
        - ``green_excess``: w = ln(co2 / least CO2 at the same x) = scale (eps - eps_min).
"""

    cities: pd.DataFrame
    provinces: pd.DataFrame
    truth: pd.DataFrame

    def __repr__(self) -> str:
        return (f"SyntheticPanel({describe_city_panel(self.cities)}; "
                f"{len(self.provinces)} province-years; truth {len(self.truth):,} rows)")


def _check(seed: int, n_cities: int, years: tuple[int, int]) -> tuple[int, int]:
    if int(seed) != seed or seed < 0:
        raise ValueError(f"seed={seed!r} must be a non-negative integer")
    if int(n_cities) != n_cities or n_cities < 1:
        raise ValueError(f"n_cities={n_cities!r} must be a positive integer")
    first, last = (int(y) for y in years)
    if first > last:
        raise ValueError(f"years={years!r}: the first year is after the last")
    return first, last


def _long(tl: Timeline, codes: np.ndarray, columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """City x year arrays over the reported window to a long frame (city, then year)."""
    window = tl.window()
    years = tl.years[window]
    frame = pd.DataFrame({"city_code": np.repeat(codes, len(years)).astype("int64"),
                          "year": np.tile(years, len(codes)).astype("int64")})
    for name, values in columns.items():
        frame[name] = values[:, window].ravel()
    return frame


def _capital(codes: np.ndarray, province_of: np.ndarray, fai: np.ndarray,
             provinces: pd.DataFrame, planned: np.ndarray, tl: Timeline,
             p: SynthParams) -> np.ndarray:
    """Capital, cities x simulated years: eq. 7 by the accounting module on the complete
    FAI over the reported years; the planned stock outside them."""
    panel = _long(tl, codes, {"fai": fai})
    panel.insert(2, "province_code", np.repeat(province_of, tl.last - tl.first + 1))
    stock = capital_stock(panel, provinces, delta=p.depreciation, base_year=tl.first,
                          gaps="interpolate")  # sorted by city_code, year like ``panel``
    out = planned.copy()
    out[:, tl.window()] = stock["capital"].to_numpy().reshape(len(codes), -1)
    return out


def generate(seed: int = 0, n_cities: int = 282,
             years: tuple[int, int] = (2006, 2019)) -> SyntheticPanel:
    """The synthetic panel of a known process (docs/methods.md §12); deterministic in the seed.

    Parameters
    ----------
    seed
        Non-negative integer; the same seed gives identical frames.
    n_cities
        Number of cities, allocated to the 30 provinces other than Tibet in proportion
        to their prefecture-level cities (see ``carbongap.synth.cities``); 282 as in the
        paper.
    years
        First and last reported year; prices are 100 and capital is anchored in the
        first year (the paper: 2006-2019).

    Returns
    -------
    SyntheticPanel
        ``(cities, provinces, truth)``; see :class:`SyntheticPanel`.
    """
    first, last = _check(seed, n_cities, years)
    p = PARAMS
    tl = Timeline(first, last)
    streams = {name: stream(seed, name) for name in STREAMS}

    cities = city_table(n_cities, p)
    codes = cities["city_code"].to_numpy()
    province_of = cities["province_code"].to_numpy()
    factors = city_factors(cities, streams["factors"], p)
    eco = draw_economy(factors, tl, streams, p)

    front = frontier(tl, p)
    u, level = inefficiency(factors.development, tl, streams["inefficiency"], p)
    planned = planned_capital(eco.potential_gdp, eco.employment, level, front)

    province_codes = np.unique(province_of)
    rows = np.searchsorted(province_codes, province_of)
    prov = provincial_series(province_codes, tl, streams["provinces"], p)
    fai = city_fai(planned, rows, prov, streams["investment"], p)
    provinces = provincial_table(prov, rows, fai, planned, tl)
    capital = _capital(codes, province_of, fai, provinces, planned, tl, p)

    log_frontier = front.log_output(capital, eco.employment)
    gdp_real = np.exp(log_frontier - u)
    gdp = gdp_real * prov.gdp_deflator[rows] / 100.0
    shift_before, shift_now = front.shift(capital, eco.employment)
    production = indices.production(u, shift_before, shift_now)

    x = np.stack([np.ones_like(u), np.log(production.total), np.log(eco.population),
                  np.log(eco.income), np.log(eco.secondary_share)], axis=-1)
    check_support(x[:, tl.window(lead=1)], p)
    eps = draw_eps(u.shape, streams["eps"], p)
    scale = x @ np.array(p.gamma)
    co2 = np.exp(x @ np.array(p.beta) + scale * eps)
    excess = scale * (eps + eps_scale(p))
    green = indices.green(u, shift_before, shift_now, excess)

    shares = fuel_shares(factors.size, factors.industry, tl, streams["fuels"], p)
    fuels = fuel_quantities(co2, shares)
    power = electricity(co2, tl, streams["electricity"], p)

    complete = _long(tl, codes, {
        "gdp": gdp, "secondary_share": eco.secondary_share, "population": eco.population,
        "employment": eco.employment, "fai": fai, "disposable_income": eco.income,
        **fuels, "electricity": power})
    complete.insert(1, "city_name", np.repeat(cities["city_name"].to_numpy(),
                                              last - first + 1))
    complete.insert(2, "province_code", np.repeat(province_of, last - first + 1))
    complete["city_name"] = complete["city_name"].astype("str")
    complete = complete.loc[:, list(CITY_COLUMNS)]

    messy_cities, messy_provinces = apply_mess(complete, provinces, cities, streams["mess"],
                                               p, tl)
    reported = pd.MultiIndex.from_frame(messy_cities[["city_code", "year"]])
    truth = _long(tl, codes, {
        "capital": capital, "employment": eco.employment, "frontier_output":
        np.exp(log_frontier), "gdp_real": gdp_real, "inefficiency": u,
        "T": production.total, "PC": production.technical, "EC": production.efficiency,
        "GT": green.total, "GPC": green.technical, "GEC": green.efficiency,
        "lnT": x[..., 1], "lnP": x[..., 2], "lnA": x[..., 3], "lnI": x[..., 4],
        "eps": eps, "scale": scale, "co2": co2, "green_excess": excess})
    truth.insert(2, "in_panel", pd.MultiIndex.from_frame(truth[["city_code", "year"]])
                 .isin(reported))
    truth.insert(8, "on_frontier", truth["inefficiency"] == 0.0)
    return SyntheticPanel(messy_cities, messy_provinces, truth)
