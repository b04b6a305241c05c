"""Importer for the CEADs city CO2 inventory workbook (Shan et al. 2022).

The workbook "The Emission Inventories for 290 Chinese Cities from 1997 to 2019" has a
sheet ``emission vector`` with columns ID, city, year, emission (Mt CO2). City names are
CEADs short forms: a province prefix and the city (``安徽安庆``), or a municipality alone
(``北京``). This module turns them into the canonical long panel.

City codes: CEADs carries none. Municipalities get their GB/T 2260 code (110000, 120000,
310000, 500000); every other city gets ``PP99NN``: the province code, ``99`` (a block
GB/T 2260 does not use at that position, so no CEADs code can be mistaken for a real
one) and the city's rank within its province by Unicode order of its CEADs name. Codes
are therefore stable for a given workbook; to merge with yearbook data, match on
``city_name``/``ceads_name`` instead.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import attrition
from ..errors import DataError, format_rows
from ..io.readers import read_table
from ..regions import province_by_short_name
from .cells import parse_numeric, parse_whole_numbers
from .checks import require_non_negative, require_unique

SHEET = "emission vector"
MUNICIPALITIES: dict[str, int] = {"北京": 110000, "天津": 120000, "上海": 310000, "重庆": 500000}
MT_TO_T = 1e6


def is_ceads_workbook(path: str | Path) -> bool:
    """Whether ``path`` is an Excel workbook with the CEADs ``emission vector`` sheet."""
    path = Path(path)
    if path.suffix.lower() not in {".xlsx", ".xlsm", ".xls"} or not path.is_file():
        return False
    try:
        return SHEET in pd.ExcelFile(path).sheet_names
    except Exception:  # not a workbook at all: read_table reports it with the file name
        return False


def split_name(name: str) -> tuple[int, str] | None:
    """(province code, city part) of a CEADs name, or None when no province prefix fits.

    The longest matching province short name wins (内蒙古 before 内...).
    """
    if name.endswith("市") and name[:-1] in MUNICIPALITIES:
        name = name[:-1]  # 北京市 is the municipality 北京, not a city called 市
    if name in MUNICIPALITIES:
        return MUNICIPALITIES[name] // 10000, name
    by_name = province_by_short_name()
    for prefix in sorted(by_name, key=len, reverse=True):
        if name.startswith(prefix) and len(name) > len(prefix):
            return by_name[prefix], name[len(prefix):]
    return None


def read_ceads(path: str | Path) -> pd.DataFrame:
    """Read the CEADs inventory into the canonical panel.

    Returns
    -------
    DataFrame
        city_code (int64), city_name (the city part, e.g. 安庆), ceads_name (e.g. 安徽安庆),
        province_code (int64), year (int64), co2 (t CO2 = Mt x 10^6); sorted by
        city_code and year. Rows without an emission value are left out; use
        :func:`read_ceads_with_log` to get them as attrition rows.

    Raises
    ------
    DataError
        Missing sheet or columns, unknown province prefix, non-numeric or negative
        emission, or a city-year given twice; each message names the rows.
    """
    return read_ceads_with_log(path)[0]


def read_ceads_with_log(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Like :func:`read_ceads`, also returning the attrition of rows without emission."""
    raw = read_table(path, sheet=SHEET)
    source = raw.source if SHEET in raw.source else f"{raw.source} [sheet {SHEET}]"
    frame = raw.frame.rename(columns=lambda c: str(c).strip().casefold())
    missing = [c for c in ("city", "year", "emission") if c not in frame.columns]
    if missing:
        raise DataError(f"{source}: missing column(s) {', '.join(missing)}; expected ID, city, "
                        "year, emission", source=source, column=missing[0])

    names = frame["city"].astype(str).str.strip()
    parsed = names.map(split_name)
    unknown = parsed.isna()
    if unknown.any():
        rows = frame.index[unknown]
        raise DataError(
            f"{source}: column 'city' has names with no known province prefix in rows "
            f"{format_rows(rows)}: {', '.join(sorted(set(names[unknown])))[:200]}",
            source=source, column="city", rows=rows)

    year = parse_whole_numbers(frame["year"], "year", source, {})
    emission = parse_numeric(frame["emission"], "emission", source, {})
    out = pd.DataFrame({
        "ceads_name": names.to_numpy(),
        "province_code": [p[0] for p in parsed],
        "city_name": [p[1] for p in parsed],
        "year": year.to_numpy(),
        "co2": (emission * MT_TO_T).to_numpy(),
    }, index=frame.index)
    require_non_negative(out, ["co2"], source, ("ceads_name", "year"), spreadsheet=True)
    out["city_code"] = _city_codes(out)
    require_unique(out, ("city_code", "year"), source, spreadsheet=True)

    no_value = out["co2"].isna()
    log = attrition.exclusions("validate", "CEADs: emission missing", out.loc[no_value])
    out = out.loc[~no_value, ["city_code", "city_name", "ceads_name", "province_code", "year",
                              "co2"]]
    out = out.sort_values(["city_code", "year"], kind="mergesort").reset_index(drop=True)
    return out.astype({"city_code": "int64", "province_code": "int64", "year": "int64"}), log


def _city_codes(frame: pd.DataFrame) -> pd.Series:
    """GB codes for municipalities, PP99NN by name rank within the province otherwise."""
    municipal = frame["city_name"].isin(MUNICIPALITIES)
    codes = frame["city_name"].map(MUNICIPALITIES).where(municipal)
    for province, names in frame.loc[~municipal].groupby("province_code")["ceads_name"]:
        ranked = sorted(set(names))
        if len(ranked) > 99:
            raise DataError(f"province {province} has more than 99 CEADs cities")
        rank = {n: int(province) * 10000 + 9900 + i for i, n in enumerate(ranked, 1)}
        codes = codes.fillna(frame["ceads_name"].map(rank).where(frame["province_code"]
                                                                 == province))
    return codes.astype("int64")
