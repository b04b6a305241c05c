"""The variable label of every column the exports write (English, with the Chinese yearbook
header where there is one).

Labels come from the schema of the raw panel (:mod:`carbongap.ingest.schema`: description, unit,
the first Chinese header it accepts), the fuel catalog, the regression codebook
(:mod:`carbongap.codebook`) and the tables below for the derived columns. A column with no
label is an error (every exported variable is labelled). Stata allows 80 characters:
:func:`fit_label` gives "English (中文)" when it fits, else the English part, else the
English part cut to 79 characters and "…", and says whether it shortened.
:func:`file_label` keeps the version and the configuration hash of a dataset label whole and
shortens only the description.
"""

from __future__ import annotations

import re
from functools import cache

from ..codebook import BY_NAME
from ..ingest.schema import CITY_COLUMNS, PROVINCE_COLUMNS, fuel_catalog

MAX_LABEL = 80
_CJK = re.compile(r"[\u4e00-\u9fff]")

#: Columns of the derived tables: name -> (English label, Chinese or "").
DERIVED: dict[str, tuple[str, str]] = {
    "co2": ("CO2 emissions (eq. 3), t", "二氧化碳排放"),
    "gdp_real": ("real GDP, 10^4 yuan at 2006 prices", "实际地区生产总值"),
    "co2pgdp": ("CO2 intensity, t per 10^4 yuan of real GDP", "碳排放强度"),
    "capital": ("capital stock (eq. 7), 10^4 yuan at 2006 prices", "资本存量"),
    "investment_real": ("real investment of eq. 7, 10^4 yuan at 2006 prices", "实际投资"),
    "group": ("region group (paper's footnote)", "地区分组"),
    "model": ("DEA model (1 production, 2 green)", "模型"),
    "year_from": ("first year of the pair (t); year is t+1", ""),
    "LTFP": ("Luenberger productivity indicator", "卢恩伯格生产率指标"),
    "LPEC": ("pure efficiency change", "纯效率变化"),
    "LSEC": ("scale efficiency change", "规模效率变化"),
    "LPTP": ("pure technical change", "纯技术进步"),
    "LTPSC": ("scale change of technology", "技术规模变化"),
    "EC": ("efficiency change, LPEC + LSEC", "效率变化"),
    "PC": ("technical change, LPTP + LTPSC", "技术进步"),
    "ML": ("Malmquist-Luenberger index (docs/methods.md §15)", "马姆奎斯特-卢恩伯格指数"),
    "MLEFFCH": ("Malmquist-Luenberger efficiency change", "效率变化"),
    "MLTECH": ("Malmquist-Luenberger technical change", "技术进步"),
    "T": ("productivity index, 1 + LTFP (production model)", "生产率"),
    "GT": ("green productivity index, 1 + LTFP (green model)", "绿色生产率"),
    "GPC": ("green technical change index, 1 + PC", "纯绿色技术进步"),
    "GEC": ("green efficiency change index, 1 + EC", "绿色效率提高"),
    "variable": ("variable measured (1 co2, 2 co2pgdp)", ""),
    "n": ("cities in the year and group", "城市数"),
    "n_dropped": ("cities without a value, left out", ""),
    "gini": ("Gini coefficient (eq. 4-5)", "基尼系数"),
    "ci_low": ("bootstrap percentile interval, lower bound", ""),
    "ci_high": ("bootstrap percentile interval, upper bound", ""),
    "total": ("national Gini (eq. 4-5)", "总体基尼系数"),
    "within": ("Dagum: within-group part", "组内差距"),
    "between_net": ("Dagum: net between-group part", "组间净差距"),
    "transvariation": ("Dagum: transvariation part", "超变密度"),
    "within_share": ("Dagum: within-group share of the Gini", ""),
    "between_net_share": ("Dagum: net between-group share of the Gini", ""),
    "transvariation_share": ("Dagum: transvariation share of the Gini", ""),
}
#: In the tables of indices (the productivity indices and the regression panel, label
#: variant "indices") PC and EC are the indices 1 + PC and 1 + EC (docs/methods.md §6); in
#: the Luenberger table they are the indicators of :data:`DERIVED`.
INDEX_LABELS: dict[str, tuple[str, str]] = {
    "PC": ("production technical change index, 1 + PC", "纯生产技术进步"),
    "EC": ("production efficiency change index, 1 + EC", "生产效率提高"),
}
#: In the cumulative index form (docs/methods.md §6, ``[productivity] index_form``) every
#: index, and its log in the regression panel, is a chain from the base year (= 1) of the
#: increments 1 + indicator: label variant "cumulative".
CUMULATIVE_LABELS: dict[str, tuple[str, str]] = {
    "T": ("productivity index chained from the base year: prod of 1 + LTFP", "生产率"),
    "GT": ("green productivity index chained from base year: prod of 1 + LTFP",
           "绿色生产率"),
    "PC": ("technical change index chained from the base year: prod of 1 + PC",
           "纯生产技术进步"),
    "EC": ("efficiency change index chained from the base year: prod of 1 + EC",
           "生产效率提高"),
    "GPC": ("green technical change index chained from base year: prod of 1 + PC",
            "纯绿色技术进步"),
    "GEC": ("green efficiency change index chained from base year: prod of 1 + EC",
            "绿色效率提高"),
}
#: Under a ratio measure (``[productivity] measure`` ml or gml, docs/methods.md §15) the
#: indices are the Malmquist-Luenberger components themselves: label variant "ratio"
#: ("ratio-cumulative" for their chains).
RATIO_LABELS: dict[str, tuple[str, str]] = {
    "T": ("productivity index: Malmquist-Luenberger ML (production model)", "生产率"),
    "GT": ("green productivity index: Malmquist-Luenberger ML (green model)", "绿色生产率"),
    "PC": ("technical change index: MLTECH (production model)", "纯生产技术进步"),
    "EC": ("efficiency change index: MLEFFCH (production model)", "生产效率提高"),
    "GPC": ("green technical change index: MLTECH (green model)", "纯绿色技术进步"),
    "GEC": ("green efficiency change index: MLEFFCH (green model)", "绿色效率提高"),
}
RATIO_CUMULATIVE_LABELS: dict[str, tuple[str, str]] = {
    name: (english.split(":")[0] + " chained from the base year: prod of"
           + english.split(":")[1], chinese)
    for name, (english, chinese) in RATIO_LABELS.items()}
for _labels in (CUMULATIVE_LABELS, RATIO_LABELS, RATIO_CUMULATIVE_LABELS):
    _labels.update({f"ln{name}": (f"ln {english}", f"{chinese}(对数)")
                    for name, (english, chinese) in list(_labels.items())})
#: Label variant of the index tables -> the labels it reads first.
VARIANTS: dict[str, dict[str, tuple[str, str]]] = {
    "cumulative": CUMULATIVE_LABELS, "ratio": RATIO_LABELS,
    "ratio-cumulative": RATIO_CUMULATIVE_LABELS}
_TERM = re.compile(r"^(S|D)_(C|V)_(t1|t|P)_(t1|t)(_status)?$")


def index_variant(index_form: str, ratio: bool) -> str:
    """The label variant of the index tables: "indices", "cumulative", "ratio" or
    "ratio-cumulative" (the index form and whether the measure is a ratio index)."""
    if ratio:
        return "ratio-cumulative" if index_form == "cumulative" else "ratio"
    return "cumulative" if index_form == "cumulative" else "indices"


def _chinese(aliases: tuple[str, ...]) -> str:
    for alias in aliases:
        if _CJK.search(alias):
            return alias.split("*")[0]
    return ""


#: The raw panel's columns in English (the Chinese header comes from the schema).
RAW: dict[str, str] = {
    "city_code": "city code (GB/T 2260)",
    "city_name": "city name",
    "province_code": "province code (GB/T 2260)",
    "year": "year",
    "gdp": "nominal GDP, 10^4 yuan",
    "secondary_share": "secondary industry share of GDP, percent",
    "population": "year-end population, 10^4 persons",
    "employment": "employment, 10^4 persons",
    "fai": "fixed-asset investment, 10^4 yuan",
    "disposable_income": "urban per-capita disposable income, yuan",
}


@cache
def _schema_labels() -> dict[str, tuple[str, str]]:
    chinese = {c.name: _chinese(c.aliases) for c in (*CITY_COLUMNS, *PROVINCE_COLUMNS)}
    out = {name: (english, chinese.get(name, "")) for name, english in RAW.items()}
    for fuel in fuel_catalog():
        out[fuel.fuel] = (f"{fuel.name_en} use, {fuel.unit}", fuel.name_zh)
        out[f"co2_{fuel.fuel}"] = (f"CO2 from {fuel.name_en} (eq. 3), t", "")
    return out


def _term_label(name: str) -> tuple[str, str] | None:
    match = _TERM.match(name)
    if match is None:
        return None
    kind, rts, tech, data, status = match.groups()
    period = {"t": "t", "t1": "t+1", "P": "the pooled periods"}
    text = (f"{'SBI' if kind == 'S' else 'DDF'} {'CRS' if rts == 'C' else 'VRS'}, technology "
            f"of {period[tech]}, data of {period[data]}")
    return (f"LP status of the {text}" if status else text), ""


def raw_label(column: str, table: str = "") -> tuple[str, str]:
    """(English, Chinese) of ``column``; KeyError naming the column if it has none.
    ``table`` = "indices" reads PC and EC as the indices 1 + PC, 1 + EC; "cumulative" reads
    every index (and its log) as chained from the base year; "ratio" and
    "ratio-cumulative" as the Malmquist-Luenberger components (:func:`index_variant`)."""
    if column in VARIANTS.get(table, {}):
        return VARIANTS[table][column]
    if table in ("indices", "cumulative") and column in INDEX_LABELS:
        return INDEX_LABELS[column]
    if column in BY_NAME:
        variable = BY_NAME[column]
        return variable.label, variable.label_zh
    for source in (DERIVED, _schema_labels()):
        if column in source:
            return source[column]
    term = _term_label(column)
    if term is not None:
        return term
    raise KeyError(f"no label is defined for the exported column {column!r} (add it to "
                   "carbongap.exports.labels)")


def fit_label(english: str, chinese: str) -> tuple[str, bool]:
    """The label within 80 characters, and whether it had to be shortened (module doc)."""
    full = f"{english} ({chinese})" if chinese else english
    if len(full) <= MAX_LABEL:
        return full, False
    if len(english) <= MAX_LABEL:
        return english, True
    return english[: MAX_LABEL - 1] + "…", True


def file_label(description: str, suffix: str) -> str:
    """``"<description>; <suffix>"`` within 80 characters: the description is cut (ending in
    "…") so that ``suffix`` (version and configuration hash) stays whole."""
    tail = f"; {suffix}"
    if len(tail) >= MAX_LABEL:
        raise ValueError(f"the label suffix {suffix!r} leaves no room for a description")
    room = MAX_LABEL - len(tail)
    if len(description) > room:
        description = description[: room - 1] + "…"
    return description + tail
