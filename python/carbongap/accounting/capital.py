"""City capital stock by the perpetual inventory method (Zhang & Liu 2024, eq. 7).

docs/methods.md §4, following the paper (section II.3, after Yu Yongze et al. and Shan
Haojie 2008), with p the city's province, P the provincial FAI price index rebased to
the base year (P_base = 1) and s the city's share of provincial FAI::

    s_it      = fai_it / fai_province_pt
    I_it      = s_it x new_fai_province_pt / P_pt                 (real investment)
    K_i,base  = capital_stock_2006_p x s_i,base                   (base-year allocation)
    K_it      = K_i,t-1 (1 - delta) + I_it                        (eq. 7), delta = 0.05

Units: 10^4 yuan at base-year prices.

Base year
    ``capital_stock_2006`` is the provincial stock of the base year at base-year prices:
    docs/methods.md §3 and the paper anchor it in 2006. The functions take any ``base_year``
    and then read that column as the stock *of the base year* (the synthetic generator
    does so for panels starting after 2006); the pipeline stage refuses a base year other
    than 2006, because a user's column holds the 2006 stock.

What adds up
    Eq. 7 is linear, so if every city of a province starts in the base year and the
    cities' FAI shares s_it sum to 1 in every year, the cities' stocks sum to the
    provincial stock ``Kp_t = Kp_t-1 (1 - delta) + new_fai_province_pt / P_pt``
    (Kp_base = capital_stock_2006) in every year. With shares summing to at most 1 in
    every year (cities covering part of the province) the sum stays at or below Kp. A
    late start (below) breaks this upwards.

Choices where the paper is silent (documented, testable):

Late start
    A city without a usable base-year allocation (first observed after the base year, or
    its own base-year FAI blank) starts in the first year t0 where one exists, with the same
    share rule applied to the provincial stock carried forward by eq. 7 with the
    provincial flows: ``K_i,t0 = Kp_t0 x s_i,t0``. Years before t0 are NaN. The
    provincial carry-forward is not interpolated: a blank provincial flow ends it.
    Kp_t0 already contains the stock that the cities observed before t0 carry, so the
    late city's allocation counts again part of what they hold: from t0 on the cities'
    stocks can add up to more than Kp. Example: Kp_2006 = 1000 held by city A alone
    (share 1); from 2007 A has share 0.6 and a new city B 0.4, new fixed assets 90 at
    price 1: Kp_2007 = 950 + 90 = 1040, K_A = 950 + 0.6 x 90 = 1004, K_B = 0.4 x 1040 =
    416, sum 1420 = Kp + 380.
    :attr:`CapitalAccounts.overlap` lists the cities' sum and Kp in every province-year
    from a late start on, so the stage can report by how much the sum exceeds Kp.
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

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..choices import GAP_POLICIES, GapPolicy, check
from ..errors import DataError
from ..ingest.checks import (
    CITY_KEYS,
    PROVINCE_KEYS,
    describe_rows,
    require_positive,
)
from .provincial import (
    base_year_values,
    checked_city_input,
    checked_provinces,
    match_to_cities,
    rebased,
    required_base_year_values,
)

PROVINCE_INPUTS: tuple[str, ...] = ("fai_province", "new_fai_province", "fai_price_index",
                                    "capital_stock_2006")
#: Tolerance above 1 for the sum of city FAI shares in a province-year before a note.
SHARE_TOLERANCE: float = 1e-9
OVERLAP_COLUMNS: tuple[str, ...] = ("province_code", "year", "cities_capital",
                                    "provincial_capital")


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
    overlap
        province_code, year, cities_capital, provincial_capital (10^4 yuan at base-year
        prices): in each province with a late-starting city, from its first late start
        on, the sum of the cities' stocks (every simulated year of a city's series,
        interpolated years included) and the provincial stock Kp of eq. 7 (see "Late
        start" in the module docstring); years where Kp is unknown are left out.
    """

    frame: pd.DataFrame
    reasons: pd.Series
    interpolated: pd.DataFrame
    starts: pd.DataFrame
    share_excess: pd.DataFrame
    overlap: pd.DataFrame


def base_stock(table: pd.DataFrame, source: str = "provinces") -> pd.Series:
    """Provincial base-year stock by province code (NaN rows ignored).

    The value may be repeated on every row of a province or given once; two different
    values for one province are a DataError naming ``source``.
    """
    given = table.dropna(subset=["capital_stock_2006"])
    distinct = given.groupby("province_code")["capital_stock_2006"].nunique()
    clash = distinct.index[distinct > 1]
    if len(clash):
        rows = given.loc[given["province_code"].isin(clash)]
        raise DataError(f"{source}: column 'capital_stock_2006' takes different values within "
                        f"province(s) {list(map(int, clash))} "
                        f"({describe_rows(rows, PROVINCE_KEYS)}); give one base-year value per "
                        "province", source=source, column="capital_stock_2006", rows=rows.index)
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
    """The API's own guard (the configuration checks the same for the pipeline, with the
    same wording)."""
    check("gaps", gaps, GAP_POLICIES)
    if not 0.0 <= delta < 1.0:
        raise ValueError(f"delta must be in [0, 1), got {delta!r}")


def account_capital(panel: pd.DataFrame, provinces: pd.DataFrame, *, delta: float = 0.05,
                    base_year: int = 2006, gaps: GapPolicy = "interpolate",
                    panel_source: str = "panel",
                    provinces_source: str = "provinces") -> CapitalAccounts:
    """Capital stock with reasons, interpolations, start years and the late-start overlap;
    see :func:`capital_stock`.

    ``panel_source`` and ``provinces_source`` name the two tables in error messages (the
    pipeline passes the file paths).
    """
    _check_options(delta, gaps)
    panel, keys = checked_city_input(panel, "fai", "the capital stock", panel_source)
    table = checked_provinces(provinces, PROVINCE_INPUTS, "the capital stock", provinces_source)
    require_positive(table, "fai_province", provinces_source, PROVINCE_KEYS,
                     "it divides the city's FAI share")
    stock = base_stock(table, provinces_source)

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
                             pd.DataFrame(columns=["province_code", "year", "share_sum"]),
                             pd.DataFrame(columns=list(OVERLAP_COLUMNS)))
    if not k.empty:
        result = _accumulate(panel.loc[inside], k, table, stock, frame, reasons,
                             delta=delta, base_year=base_year, gaps=gaps,
                             source=provinces_source)
    order = result.frame.sort_values(list(CITY_KEYS), kind="mergesort").index
    return CapitalAccounts(result.frame.loc[order].reset_index(drop=True),
                           result.reasons.loc[order].reset_index(drop=True),
                           result.interpolated, result.starts, result.share_excess,
                           result.overlap)


def _accumulate(panel: pd.DataFrame, k: pd.DataFrame, table: pd.DataFrame, stock: pd.Series,
                frame: pd.DataFrame, reasons: pd.Series, *, delta: float, base_year: int,
                gaps: str, source: str) -> CapitalAccounts:
    """Eq. 7 for the city-years ``k`` (years >= base_year) of ``panel``; ``source`` names
    the provincial table."""
    purpose = "the capital stock"
    required_base_year_values(
        table, "fai_province", base_year, k.loc[k["year"] == base_year, "province_code"].tolist(),
        source, "cities observed in the base year get their share of the provincial base-year "
        "stock by it (docs/methods.md §4); without it every city of the province would start late")
    inputs = match_to_cities(k, table, ["fai_province", "new_fai_province"], purpose, source)
    inputs["fai_price_index"] = rebased(k, table, "fai_price_index", base_year, purpose,
                                        source)
    inputs["fai"] = panel["fai"].astype("float64")
    inputs["province_code"] = k["province_code"]
    share = inputs["fai"] / inputs["fai_province"]
    investment = share * inputs["new_fai_province"] / inputs["fai_price_index"]

    years = range(base_year, int(k["year"].max()) + 1)
    codes = sorted(set(k["province_code"]))
    price = table.pivot(index="province_code", columns="year", values="fai_price_index")
    price = price.reindex(index=codes, columns=list(years))
    price = price.div(base_year_values(table, "fai_price_index", base_year, codes, source),
                      axis=0)
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
    province_of = k.groupby("city_code")["province_code"].first().reindex(cities)
    overlap = _overlap(capital, province_of, starts.set_index("city_code")["start_year"],
                       base_year, kp)
    return CapitalAccounts(frame, reasons, interpolated, starts, _share_excess(k, share),
                           overlap)


def _perpetual_inventory(start_alloc: np.ndarray, flows: np.ndarray, start: np.ndarray,
                         years: range, delta: float) -> np.ndarray:
    """Eq. 7 over a (city x year) grid: K = allocation at the start year, then
    K_t = K_t-1 (1 - delta) + I_t; NaN before the start and after a blank flow."""
    out = np.full(flows.shape, np.nan)
    for j, year in enumerate(years):
        carried = out[:, j - 1] * (1.0 - delta) + flows[:, j] if j else np.full(len(out), np.nan)
        out[:, j] = np.where(start == year, start_alloc[:, j], carried)
    return out


def _overlap(capital: pd.DataFrame, province_of: pd.Series, start: pd.Series,
             base_year: int, kp: pd.DataFrame) -> pd.DataFrame:
    """Cities' stock sum and Kp per province-year from each province's first late start
    (``start``: each city's first year, NaN if none)."""
    late = start > base_year
    first_late = start[late].groupby(province_of[late]).min()
    rows = []
    for code, since in first_late.items():
        members = capital.loc[province_of.index[province_of == code]]
        for year in [y for y in capital.columns if y >= since]:
            total, provincial = members[year].sum(min_count=1), kp.at[code, year]
            if pd.notna(total) and pd.notna(provincial):
                rows.append((int(code), int(year), float(total), float(provincial)))
    return pd.DataFrame(rows, columns=list(OVERLAP_COLUMNS))


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
        (any base; docs/methods.md §3: 2006 = 100), capital_stock_2006 (10^4 yuan at
        base-year prices;
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
        FAI <= 0 or blank in the base year (for a province with cities observed then),
        two base-year stocks for one province.
    ValueError
        ``gaps`` not one of "interpolate", "stop"; ``delta`` outside [0, 1).
    """
    return account_capital(panel, provinces, delta=delta, base_year=base_year, gaps=gaps).frame
