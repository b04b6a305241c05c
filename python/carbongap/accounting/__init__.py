"""Emission, real-GDP and capital-stock accounting (docs/methods.md §4).

Public API::

    load_factors(factors="paper")                         # eq. 3 factors per panel unit
    emissions(panel, factors="paper", *, electricity=False, grid_factors=None)
        # city_code, year, co2, co2_<fuel>... (t CO2)          Zhang & Liu (2024) eq. 3
    real_gdp(panel, provinces, *, base_year=2006)
        # city_code, year, gdp_real (10^4 yuan, base-year prices)
    capital_stock(panel, provinces, *, delta=0.05, base_year=2006, gaps="interpolate")
        # city_code, year, capital, investment_real (10^4 yuan, base-year prices)  eq. 7

Each ``account_*`` twin returns the same frame with the reasons for missing values and
what the pipeline stage logs (provenance, interpolated flows, start years, the late-start
overlap), and takes ``panel_source`` (and ``provinces_source``): the names its error
messages give the two tables ("panel", "provinces" by default; the stage passes the
file paths).
"""

from .capital import CapitalAccounts, account_capital, capital_stock
from .emissions import EmissionAccounts, account_emissions, emissions, load_grid_factors
from .factors import FACTOR_SETS, load_factors, provenance
from .gdp import RealGdp, account_real_gdp, real_gdp

__all__ = [
    "FACTOR_SETS",
    "CapitalAccounts",
    "EmissionAccounts",
    "RealGdp",
    "account_capital",
    "account_emissions",
    "account_real_gdp",
    "capital_stock",
    "emissions",
    "load_factors",
    "load_grid_factors",
    "provenance",
    "real_gdp",
]
