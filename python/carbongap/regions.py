"""Provinces, the paper's region groups, NBS regions and power grids (docs/methods.md §3-4).

Everything here is read from ``data/provinces.csv`` so that a reader can check the
groups against the paper's footnote in one file.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from io import StringIO

import pandas as pd

from .choices import GROUPINGS, GroupingName, check

#: Inner Mongolia's eastern leagues and cities (呼伦贝尔, 兴安盟, 通辽, 赤峰) belong to the
#: northeast grid (蒙东); the rest of Inner Mongolia to the north grid (docs/methods.md §4).
INNER_MONGOLIA_EAST: frozenset[int] = frozenset({150400, 150500, 150700, 152200})


def province_table() -> pd.DataFrame:
    """The 31 provincial units, one row each (a fresh copy: callers may modify it)."""
    return _province_table().copy()


@cache
def _province_table() -> pd.DataFrame:
    text = resources.files("carbongap.data").joinpath("provinces.csv").read_text(encoding="utf-8")
    frame = pd.read_csv(StringIO(text), dtype={"province_code": "int64"}, keep_default_na=False)
    return frame


def province_codes() -> frozenset[int]:
    """The valid GB/T 2260 province codes."""
    return frozenset(int(c) for c in province_table()["province_code"])


def group_of(province_code: pd.Series, grouping: GroupingName = "paper") -> pd.Series:
    """Region group of each province code.

    ``paper``: developed / underdeveloped / other (paper footnote to section V);
    ``nbs4``: east / central / west / northeast (National Bureau of Statistics).
    """
    check("grouping", grouping, GROUPINGS)
    column = "paper_group" if grouping == "paper" else "nbs_region"
    mapping = province_table().set_index("province_code")[column]
    return province_code.map(mapping).rename("group")


def grid_of(city_code: pd.Series, province_code: pd.Series) -> pd.Series:
    """Regional power grid of each city (docs/methods.md §4); '' where none is defined (Tibet)."""
    mapping = province_table().set_index("province_code")["grid"]
    grid = province_code.map(mapping)
    grid = grid.mask(city_code.isin(INNER_MONGOLIA_EAST), "northeast")
    return grid.rename("grid")


def province_by_short_name() -> dict[str, int]:
    """Map short Chinese names (河北, 内蒙古, ...) to province codes."""
    table = province_table()
    return dict(zip(table["short_zh"], table["province_code"].astype(int), strict=True))


def province_by_any_name() -> dict[str, int]:
    """Map full and short Chinese names and English names to province codes."""
    table = province_table()
    out: dict[str, int] = {}
    for column in ("name_zh", "short_zh", "name_en"):
        out.update(zip(table[column], table["province_code"].astype(int), strict=True))
    return out
