"""The mess of real yearbooks, laid over the complete synthetic panel.

Kinds of mess and how many city-years (province-years, cities) each affects at the
default (seed 0, 282 cities, 2006-2019); ``tests/test_synth_mess.py`` recounts every
``name`` = number below from the generated frames:

- ``provincial_fai_blank`` = 90 province-years with fai_province and new_fai_province
  blank: every province after 2016 (the paper: provincial FAI missing from 2017 on);
- ``city_fai_blank_after`` = 471 city-years after 2016 with a blank city FAI (each
  reported with probability ``city_fai_after_share``);
- ``late_start_rows`` = 12 city-years absent because ``late_start_cities`` = 6 cities
  are first observed after the first year (more of them underdeveloped);
- ``gap_rows`` = 39 city-years absent in ``gap_cities`` = 25 cities with 1 to 3 whole
  years missing after the first (more of them underdeveloped);
- ``base_fai_blank`` = 4 cities with a blank FAI in the first year (their capital stock
  starts late, see ``carbongap.accounting.capital``);
- ``fai_blank_inside`` = 11 city-years with a blank FAI inside 2007-2016 (the capital
  stock interpolates the flow);
- ``absent_variable`` = 5 cities that never report employment or income;
- ``missing_cells`` = 69 city-years with a blank cell among GDP, secondary share,
  population, employment, income, raw coal, natural gas, LPG and electricity (besides
  the absent variables), more often in underdeveloped provinces;
- ``zero_crude_oil`` = 3484 city-years with crude oil 0 (no refinery);
- ``zero_fuel_oil`` = 1725 city-years with fuel oil 0;
- ``zero_natural_gas`` = 74 city-years with natural gas 0 (before the city's gas
  arrived: small cities, early years).

The zeros come from the fuel split (``emissions.fuel_shares``); they are listed here
because they are the zeros a reader of the data meets. Together the blanks leave
``sample_all`` = 2648 city-years of 2007-2016 with complete data
(``sample_developed`` = 972, ``sample_underdeveloped`` = 716), counted as in
``tests/test_synth_mess.py``: the city-year and the year before are reported with GDP,
employment, every fuel and a capital stock, and the year has population, income and
secondary share. The pipeline's regression sample is smaller: about 16 % of these
city-years lose an index to infeasible cross-period DEA LPs, which leaves N = 2236
(developed 818, underdeveloped 617) against the paper's 2350 (891, 605); see the mess
parameters in ``params.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .params import SynthParams
from .timeline import Timeline

#: Columns that may lose a single cell (``missing_cells``).
CELL_COLUMNS: tuple[str, ...] = (
    "gdp", "secondary_share", "population", "employment", "disposable_income", "raw_coal",
    "natural_gas", "lpg", "electricity")

#: Columns a city may never report (``absent_variable``).
ABSENT_COLUMNS: tuple[str, ...] = ("employment", "disposable_income")


def _choose(cities: pd.DataFrame, shares: dict[str, float], rng: np.random.Generator,
            exclude: np.ndarray) -> np.ndarray:
    """round(share x cities of the group) cities of each group, none from ``exclude``."""
    chosen = []
    for group in ("developed", "underdeveloped", "other"):
        members = cities.loc[cities["group"] == group, "city_code"].to_numpy()
        k = round(shares[group] * len(members))
        pool = rng.permutation(np.setdiff1d(members, exclude))
        chosen.append(pool[:k])
    return np.sort(np.concatenate(chosen))


def apply_mess(complete: pd.DataFrame, provinces: pd.DataFrame, cities: pd.DataFrame,
               rng: np.random.Generator, p: SynthParams,
               tl: Timeline) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Blank cells and drop city-years of the complete panel; blank provincial FAI.

    ``complete`` has every city-year of the reported window; ``cities`` has city_code
    and group. Returns (city panel, provincial table), both sorted.
    """
    provinces = provinces.copy()
    ended = provinces["year"] > p.fai_last_year
    provinces.loc[ended, ["fai_province", "new_fai_province"]] = np.nan

    panel = complete.copy()
    code, year = panel["city_code"].to_numpy(), panel["year"].to_numpy()
    group = panel["city_code"].map(cities.set_index("city_code")["group"]).to_numpy()
    keep = np.ones(len(panel), dtype=bool)

    late = _choose(cities, dict(p.late_start_share), rng, np.array([], dtype="int64"))
    if tl.first < min(p.late_start_latest, tl.last):
        starts = rng.integers(tl.first + 1, min(p.late_start_latest, tl.last) + 1, len(late))
        start_of = pd.Series(starts, index=late)
        keep &= ~(np.isin(code, late) & (year < pd.Series(code).map(start_of).to_numpy()))

    gappy = _choose(cities, dict(p.missing_years_share), rng, late)
    reported = np.arange(tl.first + 1, tl.last + 1)  # the first year stays: not a late start
    for city in gappy:
        extra = rng.random(2) < np.array(p.missing_years_extra)
        count = min(1 + int(extra.sum()), len(reported))
        keep &= ~((code == city) & np.isin(year, rng.choice(reported, count, replace=False)))

    base_blank = _choose(cities, dict(p.base_fai_missing_share), rng, late)
    fai_blank = np.isin(code, base_blank) & (year == tl.first)
    after = year > p.fai_last_year
    fai_blank |= after & (rng.random(len(panel)) >= p.city_fai_after_share)
    inside = (year > tl.first) & ~after
    fai_blank |= inside & (rng.random(len(panel)) < p.fai_cell_rate)
    panel.loc[fai_blank, "fai"] = np.nan

    absent = _choose(cities, dict(p.absent_variable_share), rng, np.array([], dtype="int64"))
    which = rng.integers(len(ABSENT_COLUMNS), size=len(absent))
    for j, name in enumerate(ABSENT_COLUMNS):
        panel.loc[np.isin(code, absent[which == j]), name] = np.nan

    rate = pd.Series(group).map(dict(p.missing_cell_rate)).to_numpy(dtype="float64")
    hit = rng.random(len(panel)) < rate
    column = rng.integers(len(CELL_COLUMNS), size=len(panel))
    for j, name in enumerate(CELL_COLUMNS):
        panel.loc[hit & (column == j), name] = np.nan

    panel = panel.loc[keep].reset_index(drop=True)
    return panel, provinces
