"""City capital stock by the perpetual inventory method (Zhang & Liu 2024, eq. 7).

SPEC section 4, following the paper (section II.3, after Yu Yongze et al. and Shan
Haojie 2008), with p the city's province, P the provincial FAI price index rebased to
the base year (P_base = 1) and s the city's share of provincial FAI::

    s_it      = fai_it / fai_province_pt
    I_it      = s_it x new_fai_province_pt / P_pt                 (real investment)
    K_i,base  = capital_stock_2006_p x s_i,base                   (base-year allocation)
    K_it      = K_i,t-1 (1 - delta) + I_it                        (eq. 7), delta = 0.05

Units: 10^4 yuan at base-year prices.

Choices where the paper is silent (documented, testable):

Late start
    A city without a usable base-year allocation (first observed after the base year, or
    its base-year FAI blank) starts in the first year t0 where one exists, with the same
    share rule applied to the provincial stock carried forward by eq. 7 with the
    provincial flows: ``Kp_t = Kp_t-1 (1 - delta) + new_fai_province_pt / P_pt`` and
    ``K_i,t0 = Kp_t0 x s_i,t0``. When the cities' FAI adds up to the province's, the
    cities' stocks then add up to Kp in every year. Years before t0 are NaN. The
    provincial carry-forward is not interpolated: a blank provincial flow ends it.
Gaps (``gaps``)
    A year after t0 with no investment (a blank input, or no panel row at all):
    ``"interpolate"`` (default) fills the real investment linearly between the nearest
    years with investment on both sides (interior gaps only) and carries on; ``"stop"``
    ends the city's series at the gap (NaN from there on). Trailing years without
    investment (the paper's provincial FAI series end in 2016) are NaN under both.
Before the base year
    Not computed (NaN): the base year is where the stock is anchored.

Every NaN capital value comes with a reason naming the variable and the cause, and
every interpolated flow is listed, so the stage can log both.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..checks import (
    CITY_KEYS,
    PROVINCE_KEYS,
    city_keys,
    describe_rows,
    require_columns,
    require_non_negative,
    require_positive,
)
from ..config import GapPolicy
from ..errors import DataError
from .provincial import (
    SOURCE,
    base_year_values,
    checked_provinces,
    match_to_cities,
    rebased,
)

GAP_POLICIES: tuple[str, ...] = typing.get_args(GapPolicy)
PROVINCE_INPUTS: tuple[str, ...] = ("fai_province", "new_fai_province", "fai_price_index",
                                    "capital_stock_2006")
#: Tolerance above 1 for the sum of city FAI shares in a province-year before a note.
SHARE_TOLERANCE: float = 1e-9


@dataclass(frozen=True)
class CapitalAccounts:
    """Capital stock with what the stage reports.

    Attributes
    ----------
    frame
        city_code, year, capital, investment_real (10^4 yuan at base-year prices),
        sorted; investment_real includes interpolated flows.
    reasons
        Per row of ``frame``: why capital is NaN ("" where it is known).
    interpolated
        city_code, year, in_panel, investment_real: every flow filled by interpolation
        (``in_panel`` False for a year the panel has no row for).
    starts
        city_code, start_year (first year of the series; NaN if none), late (after the
        base year).
    share_excess
        province_code, year, share_sum: province-years where the cities' FAI exceeds the
        provincial FAI (shares sum above 1).
    """

    frame: pd.DataFrame
    reasons: pd.Series
    interpolated: pd.DataFrame
    starts: pd.DataFrame
    share_excess: pd.DataFrame


def base_stock(table: pd.DataFrame) -> pd.Series:
    """Provincial base-year stock by province code (NaN rows ignored).

    The value may be repeated on every row of a province or given once; two different
    values for one province are a DataError.
    """
    given = table.dropna(subset=["capital_stock_2006"])
    distinct = given.groupby("province_code")["capital_stock_2006"].nunique()
    clash = distinct.index[distinct > 1]
    if len(clash):
        rows = given.loc[given["province_code"].isin(clash)]
        raise DataError(f"{SOURCE}: column 'capital_stock_2006' takes different values within "
                        f"province(s) {list(map(int, clash))} "
                        f"({describe_rows(rows, PROVINCE_KEYS)}); give one base-year value per "
                        "province", source=SOURCE, column="capital_stock_2006", rows=rows.index)
    return given.groupby("province_code")["capital_stock_2006"].first()


def provincial_stock(table: pd.DataFrame, stock: pd.Series, price: pd.DataFrame,
                     years: range, delta: float) -> pd.DataFrame:
    """Kp by province (rows) and year (columns), eq. 7 on provincial new fixed assets.

    ``price`` is the rebased FAI price index (province x year). NaN propagates: a blank
    flow ends the provincial series.
    """
    flows = table.pivot(index="province_code", columns="year", values="new_fai_province")
    flows = flows.reindex(index=price.index, columns=list(years)) / price
    out = pd.DataFrame(np.nan, index=price.index, columns=list(years))
    out[years[0]] = stock.reindex(price.index)
    for year in years[1:]:
        out[year] = out[year - 1] * (1.0 - delta) + flows[year]
    return out


def _investment_reason(inputs: pd.DataFrame) -> pd.Series:
    """The first blank input of the real investment flow, as a reason."""
    reason = pd.Series("", index=inputs.index, dtype=object)
    for column, text in (("fai_price_index", "provincial fai_price_index missing"),
                         ("new_fai_province", "provincial new_fai_province missing"),
                         ("fai_province", "provincial fai_province missing"),
                         ("fai", "city fai missing")):
        reason = reason.mask(inputs[column].isna(), "capital: " + text)
    return reason


def _start_reason(inputs: pd.DataFrame, stock: pd.Series) -> pd.Series:
    """Why no starting stock exists in a city-year (its allocation is blank)."""
    reason = pd.Series("capital: provincial stock not carried forward to this year "
                       "(new_fai_province or fai_price_index missing in an earlier year)",
                       index=inputs.index, dtype=object)
    for blank, text in ((inputs["province_code"].map(stock).isna(),
                         "provincial capital_stock_2006 missing"),
                        (inputs["fai_province"].isna(), "provincial fai_province missing"),
                        (inputs["fai"].isna(), "city fai missing")):
        reason = reason.mask(blank, "capital: " + text)
    return reason


def _wide(keys: pd.DataFrame, values: pd.Series, cities: pd.Index, years: range) -> pd.DataFrame:
    """City x year grid of ``values`` (NaN where the panel has no row)."""
    data = np.full((len(cities), len(years)), np.nan)
    data[cities.get_indexer(keys["city_code"]), keys["year"].to_numpy() - years[0]] = (
        values.to_numpy(dtype="float64"))
    return pd.DataFrame(data, index=cities, columns=list(years))


def _at(grid: pd.DataFrame, codes: pd.Series, years: pd.Series) -> np.ndarray:
    """Values of a (code x consecutive years) grid at the pairs (codes, years)."""
    rows = grid.index.get_indexer(codes)
    cols = years.to_numpy() - int(grid.columns[0])
    return grid.to_numpy()[rows, cols]


def _check_options(delta: float, gaps: str) -> None:
    if gaps not in GAP_POLICIES:
        raise ValueError(f"gaps={gaps!r} is not one of {', '.join(GAP_POLICIES)}")
    if not 0.0 <= delta < 1.0:
        raise ValueError(f"delta={delta!r} must lie in [0, 1)")


def account_capital(panel: pd.DataFrame, provinces: pd.DataFrame, *, delta: float = 0.05,
                    base_year: int = 2006, gaps: GapPolicy = "interpolate") -> CapitalAccounts:
    """Capital stock with reasons, interpolations and start years; see :func:`capital_stock`."""
    _check_options(delta, gaps)
    panel = panel.reset_index(drop=True)
    keys = city_keys(panel)
    require_columns(panel, ["fai"], "panel", "the capital stock")
    require_non_negative(panel.assign(**keys), ["fai"], "panel", CITY_KEYS)
    table = checked_provinces(provinces, PROVINCE_INPUTS, "the capital stock")
    require_positive(table, "fai_province", SOURCE, PROVINCE_KEYS,
                     "it divides the city's FAI share")
    stock = base_stock(table)

    frame = keys.loc[:, list(CITY_KEYS)].assign(capital=np.nan, investment_real=np.nan)
    reasons = pd.Series(f"capital: year before the base year {base_year}", index=keys.index,
                        dtype=object)
    inside = keys["year"] >= base_year
    k = keys.loc[inside]
    no_fills = pd.DataFrame({"city_code": pd.Series(dtype="int64"),
                             "year": pd.Series(dtype="int64"), "in_panel": pd.Series(dtype=bool),
                             "investment_real": pd.Series(dtype="float64")})
    result = CapitalAccounts(frame, reasons, no_fills,
                             pd.DataFrame(columns=["city_code", "start_year", "late"]),
                             pd.DataFrame(columns=["province_code", "year", "share_sum"]))
    if not k.empty:
        result = _accumulate(panel.loc[inside], k, table, stock, frame, reasons,
                             delta=delta, base_year=base_year, gaps=gaps)
    order = result.frame.sort_values(list(CITY_KEYS), kind="mergesort").index
    return CapitalAccounts(result.frame.loc[order].reset_index(drop=True),
                           result.reasons.loc[order].reset_index(drop=True),
                           result.interpolated, result.starts, result.share_excess)


def _accumulate(panel: pd.DataFrame, k: pd.DataFrame, table: pd.DataFrame, stock: pd.Series,
                frame: pd.DataFrame, reasons: pd.Series, *, delta: float, base_year: int,
                gaps: str) -> CapitalAccounts:
    """Eq. 7 for the city-years ``k`` (years >= base_year) of ``panel``."""
    purpose = "the capital stock"
    inputs = match_to_cities(k, table, ["fai_province", "new_fai_province"], purpose)
    inputs["fai_price_index"] = rebased(k, table, "fai_price_index", base_year, purpose)
    inputs["fai"] = panel["fai"].astype("float64")
    inputs["province_code"] = k["province_code"]
    share = inputs["fai"] / inputs["fai_province"]
    investment = share * inputs["new_fai_province"] / inputs["fai_price_index"]

    years = range(base_year, int(k["year"].max()) + 1)
    codes = sorted(set(k["province_code"]))
    price = table.pivot(index="province_code", columns="year", values="fai_price_index")
    price = price.reindex(index=codes, columns=list(years))
    price = price.div(base_year_values(table, "fai_price_index", base_year, codes), axis=0)
    kp = provincial_stock(table, stock, price, years, delta)
    allocation = share * _at(kp, k["province_code"], k["year"])

    cities = pd.Index(sorted(set(k["city_code"])), name="city_code")
    flows = _wide(k, investment, cities, years)
    starting = _wide(k, allocation, cities, years)
    year_grid = np.broadcast_to(np.asarray(list(years), dtype="float64"), flows.shape)
    has_start = starting.notna().to_numpy()
    start = np.where(has_start, year_grid, np.inf).min(axis=1)
    start[np.isinf(start)] = np.nan
    usable = flows.where(year_grid >= start[:, None])
    used = usable.interpolate(axis=1, limit_area="inside") if gaps == "interpolate" else usable
    capital = pd.DataFrame(_perpetual_inventory(starting.to_numpy(), used.to_numpy(), start,
                                                years, delta), index=cities, columns=flows.columns)

    frame = frame.copy()
    frame.loc[k.index, "capital"] = _at(capital, k["city_code"], k["year"])
    frame.loc[k.index, "investment_real"] = _at(flows.where(flows.notna(), used),
                                                k["city_code"], k["year"])

    city_start = k["city_code"].map(pd.Series(start, index=cities))
    before = city_start.isna() | (k["year"] < city_start)
    own = _investment_reason(inputs)
    later = own.where(own != "", f"capital: series ended at an earlier year without "
                                 f"investment (gaps='{gaps}')")
    reasons = reasons.copy()
    reasons.loc[k.index] = _start_reason(inputs, stock).where(before, later)
    reasons = reasons.where(frame["capital"].isna(), "")

    filled = (used.notna() & flows.isna()).to_numpy()
    rows, cols = np.nonzero(filled)
    interpolated = pd.DataFrame({"city_code": cities.to_numpy()[rows],
                                 "year": np.asarray(list(years), dtype="int64")[cols]})
    in_panel = pd.MultiIndex.from_frame(interpolated).isin(
        pd.MultiIndex.from_frame(k[["city_code", "year"]]))
    interpolated["in_panel"] = in_panel
    interpolated["investment_real"] = used.to_numpy()[rows, cols]
    starts = pd.DataFrame({"city_code": cities.to_numpy(), "start_year": start,
                           "late": start > base_year})
    return CapitalAccounts(frame, reasons, interpolated, starts, _share_excess(k, share))


def _perpetual_inventory(start_alloc: np.ndarray, flows: np.ndarray, start: np.ndarray,
                         years: range, delta: float) -> np.ndarray:
    """Eq. 7 over a (city x year) grid: K = allocation at the start year, then
    K_t = K_t-1 (1 - delta) + I_t; NaN before the start and after a blank flow."""
    out = np.full(flows.shape, np.nan)
    for j, year in enumerate(years):
        carried = out[:, j - 1] * (1.0 - delta) + flows[:, j] if j else np.full(len(out), np.nan)
        out[:, j] = np.where(start == year, start_alloc[:, j], carried)
    return out


def _share_excess(keys: pd.DataFrame, share: pd.Series) -> pd.DataFrame:
    sums = share.groupby([keys["province_code"], keys["year"]]).sum(min_count=1)
    excess = sums[sums > 1.0 + SHARE_TOLERANCE]
    return excess.rename("share_sum").reset_index()


def capital_stock(panel: pd.DataFrame, provinces: pd.DataFrame, *, delta: float = 0.05,
                  base_year: int = 2006, gaps: GapPolicy = "interpolate") -> pd.DataFrame:
    """City capital stock by the perpetual inventory method (Zhang & Liu 2024, eq. 7).

    See the module docstring for the formulas and for what happens with late starts,
    gaps and years before the base year.

    Parameters
    ----------
    panel
        city_code, year, province_code (else from city_code) and fai (全社会固定资产投资,
        10^4 yuan).
    provinces
        province_code, year, fai_province, new_fai_province (10^4 yuan), fai_price_index
        (any base; SPEC: 2006 = 100), capital_stock_2006 (10^4 yuan at base-year prices;
        repeated on every row of a province or given once).
    delta
        Depreciation rate, in [0, 1) (paper: 0.05).
    base_year
        Anchor year of the stock and of prices (paper: 2006).
    gaps
        ``"interpolate"`` (linear in the real investment flow over interior missing years)
        or ``"stop"`` (the series ends at the gap).

    Returns
    -------
    DataFrame
        city_code, year, capital (K), investment_real (I, interpolated where filled), both
        10^4 yuan at base-year prices, sorted by city_code and year.

    Raises
    ------
    DataError
        Missing columns, negative FAI, unknown province codes, a province-year the
        provincial table lacks, a price index without a base-year value, a provincial
        FAI <= 0, two base-year stocks for one province.
    ValueError
        ``gaps`` not one of "interpolate", "stop"; ``delta`` outside [0, 1).
    """
    return account_capital(panel, provinces, delta=delta, base_year=base_year, gaps=gaps).frame
