"""Real GDP at base-year prices (docs/methods.md §4; Zhang & Liu 2024, section II.3).

The paper deflates each city's nominal GDP by its province's GDP deflator, at 2006
prices::

    gdp_real_it = gdp_it / (D_p,t / D_p,base)

where D is the provincial GDP deflator. docs/methods.md §3 publishes D with 2006 = 100, so
with the default base year this is gdp / (D / 100). Dividing by the base-year value
instead of 100 lets any index base be used and makes ``base_year`` a real choice.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..ingest.checks import CITY_KEYS
from .provincial import checked_city_input, checked_provinces, rebased


@dataclass(frozen=True)
class RealGdp:
    """Real GDP with reasons for missing values.

    ``frame``: city_code, year, gdp_real (10^4 yuan at base-year prices), sorted;
    ``reasons``: per row, why gdp_real is NaN ("" where it is known).
    """

    frame: pd.DataFrame
    reasons: pd.Series


def account_real_gdp(panel: pd.DataFrame, provinces: pd.DataFrame, *, base_year: int = 2006,
                     panel_source: str = "panel",
                     provinces_source: str = "provinces") -> RealGdp:
    """Real GDP and its reasons; see :func:`real_gdp`.

    ``panel_source`` and ``provinces_source`` name the two tables in error messages (the
    pipeline passes the file paths).
    """
    panel, keys = checked_city_input(panel, "gdp", "real GDP", panel_source)
    table = checked_provinces(provinces, ["gdp_deflator"], "real GDP", provinces_source)
    price = rebased(keys, table, "gdp_deflator", base_year, "real GDP", provinces_source)
    gdp = panel["gdp"].astype("float64")
    frame = keys.loc[:, list(CITY_KEYS)].assign(gdp_real=gdp / price)
    reasons = pd.Series("", index=keys.index, dtype=object)
    reasons = reasons.mask(price.isna(), "gdp_real: provincial gdp_deflator missing")
    reasons = reasons.mask(gdp.isna(), "gdp_real: city gdp missing")
    order = frame.sort_values(list(CITY_KEYS), kind="mergesort").index
    return RealGdp(frame.loc[order].reset_index(drop=True),
                   reasons.loc[order].reset_index(drop=True))


def real_gdp(panel: pd.DataFrame, provinces: pd.DataFrame, *,
             base_year: int = 2006) -> pd.DataFrame:
    """Real GDP of each city-year, 10^4 yuan at ``base_year`` prices (docs/methods.md §4).

    ``gdp_real = gdp / (gdp_deflator_t / gdp_deflator_base)``, the deflator of the
    city's province; with the 2006 = 100 index (docs/methods.md §3) and base year 2006 this is
    ``gdp / (gdp_deflator / 100)``, and the ratio is 1.0 in the base year.

    Parameters
    ----------
    panel
        city_code, year, province_code (else from city_code) and gdp (nominal, 10^4 yuan).
    provinces
        province_code, year, gdp_deflator (any base; docs/methods.md §3: 2006 = 100).
    base_year
        Year whose prices real GDP is expressed in.

    Returns
    -------
    DataFrame
        city_code, year, gdp_real (10^4 yuan at base-year prices), sorted by city_code
        and year. NaN where the city's gdp or the provincial deflator of that year is
        blank.

    Raises
    ------
    DataError
        Missing gdp column, negative gdp, unknown province codes, a province-year the
        provincial table lacks, a deflator without a base-year value, a deflator <= 0.
    """
    return account_real_gdp(panel, provinces, base_year=base_year).frame
