"""Canonical column names, units and accepted header aliases (docs/methods.md §3).

A raw city panel or provincial table may use the canonical English names or the
Chinese yearbook headers listed here. Headers are compared after normalisation
(full-width brackets to ASCII, spaces removed, case folded). An alias written as
``header*factor`` is in another unit: its values are multiplied by ``factor`` to
reach the canonical unit (``地区生产总值(亿元)*10000`` turns 10^8 yuan into 10^4 yuan).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import pandas as pd

from ..io.readers import normalise_header


@dataclass(frozen=True)
class Column:
    """One canonical column.

    ``kind`` is ``"key"`` (integer identifier), ``"text"`` or ``"quantity"`` (a
    non-negative number). ``plausible_median`` is the range the column's median falls
    in when it is in the canonical unit; a median outside it triggers a unit warning.
    """

    name: str
    unit: str
    description: str
    kind: str = "quantity"
    aliases: tuple[str, ...] = ()
    plausible_median: tuple[float, float] | None = None


@dataclass(frozen=True)
class Alias:
    """A header that maps to a canonical column, with the factor to its unit."""

    column: str
    factor: float = 1.0


CITY_COLUMNS: tuple[Column, ...] = (
    Column("city_code", "-", "6-digit GB/T 2260 prefecture code", "key",
           ("城市代码", "行政区划代码", "地区代码", "code", "citycode", "id")),
    Column("city_name", "-", "city name, e.g. 石家庄市", "text",
           ("城市", "城市名称", "地级市", "地区", "city", "cityname", "name")),
    Column("province_code", "-", "2-digit GB/T 2260 province code", "key",
           ("省份代码", "省代码", "省级代码", "provcode", "province")),
    Column("year", "-", "calendar year", "key", ("年份", "年", "年度")),
    Column("gdp", "10^4 yuan", "nominal GDP, 地区生产总值", "quantity",
           ("地区生产总值(万元)", "地区生产总值", "gdp(万元)", "地区生产总值(亿元)*10000"),
           (1e4, 1e8)),
    Column("secondary_share", "percent", "第二产业占GDP比重", "quantity",
           ("第二产业占GDP比重(%)", "第二产业占GDP比重", "第二产业增加值占GDP比重(%)",
            "第二产业增加值占GDP比重"),
           (5.0, 95.0)),
    Column("population", "10^4 persons", "year-end total population, 年末总人口", "quantity",
           ("年末总人口(万人)", "年末总人口", "年末户籍人口(万人)", "户籍人口(万人)"),
           (5.0, 5000.0)),
    Column("employment", "10^4 persons", "全社会从业人员 (or a documented proxy)", "quantity",
           ("全社会从业人员(万人)", "全社会从业人员", "从业人员(万人)", "年末单位从业人员数(万人)"),
           (1.0, 3000.0)),
    Column("fai", "10^4 yuan", "全社会固定资产投资", "quantity",
           ("全社会固定资产投资(万元)", "全社会固定资产投资", "固定资产投资(万元)",
            "全社会固定资产投资(亿元)*10000"),
           (1e3, 1e8)),
    Column("disposable_income", "yuan", "urban per-capita disposable income", "quantity",
           ("城镇居民人均可支配收入(元)", "城镇居民人均可支配收入", "人均可支配收入(元)"),
           (2e3, 2e5)),
    Column("co2", "t CO2", "CO2 emissions supplied directly (e.g. a CEADs inventory); "
           "used instead of eq. 3 when no fuel column is present", "quantity",
           ("二氧化碳排放(吨)", "二氧化碳排放量(吨)", "碳排放(吨)", "二氧化碳排放(万吨)*10000",
            "碳排放(万吨)*10000"),
           (1e4, 1e9)),
)

PROVINCE_COLUMNS: tuple[Column, ...] = (
    Column("province_code", "-", "2-digit GB/T 2260 province code", "key",
           ("省份代码", "省代码", "provcode", "province")),
    Column("year", "-", "calendar year", "key", ("年份", "年", "年度")),
    Column("gdp_deflator", "index, base year = 100", "provincial GDP deflator", "quantity",
           ("GDP平减指数", "gdp平减指数(2006=100)", "地区生产总值平减指数"), (20.0, 500.0)),
    Column("fai_price_index", "index, base year = 100", "fixed-asset investment price index",
           "quantity", ("固定资产投资价格指数", "固定资产投资价格指数(2006=100)"), (20.0, 500.0)),
    Column("fai_province", "10^4 yuan", "provincial 全社会固定资产投资", "quantity",
           ("全社会固定资产投资(万元)", "全社会固定资产投资", "全社会固定资产投资(亿元)*10000"),
           (1e5, 1e10)),
    Column("new_fai_province", "10^4 yuan", "provincial 新增固定资产", "quantity",
           ("新增固定资产(万元)", "新增固定资产", "新增固定资产(亿元)*10000"), (1e5, 1e10)),
    Column("capital_stock_2006", "10^4 yuan at base-year prices",
           "provincial capital stock in the base year (Shan Haojie 2008 in the paper)",
           "quantity", ("资本存量(万元)", "基期资本存量(万元)", "资本存量2006(万元)",
                        "资本存量(亿元)*10000"), (1e5, 1e11)),
)


@dataclass(frozen=True)
class Fuel:
    """One fuel of the catalog (``data/fuels.csv``).

    ``plausible_median`` is the range (in ``unit``) the median of a city panel's column
    falls in when it is in the catalog's unit (``median_low``, ``median_high`` of the file;
    where they come from: ``data/README.md``); None when the file leaves them blank.
    """

    fuel: str
    name_zh: str
    name_en: str
    unit: str
    physical_unit: str
    to_physical: float
    kind: str
    aliases: tuple[str, ...] = field(default=())
    plausible_median: tuple[float, float] | None = None


def _median_range(fuel: str, low: object, high: object) -> tuple[float, float] | None:
    """(low, high) from two cells of fuels.csv; None when both are blank."""
    if pd.isna(low) and pd.isna(high):
        return None
    if pd.isna(low) or pd.isna(high):
        raise ValueError(f"fuels.csv: fuel {fuel!r} has one of median_low, median_high; "
                         "give both or neither")
    return float(low), float(high)  # type: ignore[arg-type]


@cache
def fuel_catalog() -> tuple[Fuel, ...]:
    """The fuels a city panel may report, in catalog order (docs/methods.md §4)."""
    text = resources.files("carbongap.data").joinpath("fuels.csv").read_text(encoding="utf-8")
    from io import StringIO

    frame = pd.read_csv(StringIO(text), dtype=str)
    return tuple(
        Fuel(
            fuel=row.fuel,
            name_zh=row.name_zh,
            name_en=row.name_en,
            unit=row.unit,
            physical_unit=row.physical_unit,
            to_physical=float(row.to_physical),
            kind=row.kind,
            aliases=tuple(a for a in row.aliases.split(";") if a),
            plausible_median=_median_range(row.fuel, row.median_low, row.median_high),
        )
        for row in frame.itertuples(index=False)
    )


def fuel_columns() -> tuple[Column, ...]:
    """Fuel quantities as panel columns, in the catalog's units, with the catalog's
    plausible median (so validation's unit warning covers fuels)."""
    return tuple(
        Column(f.fuel, f.unit, f"{f.name_zh} ({f.name_en}) consumption", "quantity", f.aliases,
               f.plausible_median)
        for f in fuel_catalog()
    )


def city_schema() -> tuple[Column, ...]:
    """Every column a city panel may carry: docs/methods.md §3 plus the fuel catalog."""
    return CITY_COLUMNS + fuel_columns()


def _parse_alias(alias: str, column: str) -> tuple[str, Alias]:
    header, _, factor = alias.partition("*")
    return normalise_header(header), Alias(column, float(factor) if factor else 1.0)


def alias_table(columns: Iterable[Column]) -> dict[str, Alias]:
    """Map every normalised header (canonical name or alias) to its column and factor."""
    table: dict[str, Alias] = {}
    for col in columns:
        for key, alias in (
            (normalise_header(col.name), Alias(col.name)),
            *(_parse_alias(a, col.name) for a in col.aliases),
        ):
            if key in table and table[key] != alias:
                raise ValueError(f"header alias {key!r} maps to two columns")
            table[key] = alias
    return table


def describe_aliases(column: Column) -> str:
    """'gdp (aliases: 地区生产总值(万元), ...)' for error messages."""
    shown = ", ".join(a.replace("*", " x") for a in column.aliases)
    return f"{column.name} ({column.unit}; accepted headers: {column.name}, {shown})"


def columns_by_name(columns: Iterable[Column]) -> Mapping[str, Column]:
    """Index columns by canonical name."""
    return {c.name: c for c in columns}


def describe_city_panel(cities: pd.DataFrame) -> str:
    """'282 cities x 2006-2019, 3,904 city-years, 24 columns' (for summaries)."""
    if cities.empty:
        return "no city-years"
    return (f"{cities['city_code'].nunique()} cities x {cities['year'].min()}-"
            f"{cities['year'].max()}, {len(cities):,} city-years, {cities.shape[1]} columns")
