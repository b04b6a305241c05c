"""Names, labels and units of the regression variables (Zhang & Liu (2024) eq. 2, section II.4).

One list that the analysis panel, the table renderer, the exports and the R/Stata
scripts all read, so a variable is described the same way everywhere. Each entry says
which column of the pipeline the log is taken of (``source``), in which unit, and how the
paper names it in Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Variable:
    """One regression variable: ``name`` = ln(``source``)."""

    name: str  #: e.g. "lnCO2"
    source: str  #: the pipeline column it is the log of, e.g. "co2"
    label: str  #: English label (at most 80 characters, the Stata limit)
    label_zh: str  #: the paper's Chinese name
    unit: str  #: unit of ``source``
    role: str  #: "dependent", "technology" or "control"


#: The variables of Tables 1-8, in the paper's order (dependents, technology, controls).
VARIABLES: tuple[Variable, ...] = (
    Variable("lnCO2", "co2", "ln CO2 emissions", "碳排放总量(对数)", "t CO2", "dependent"),
    Variable("lnCO2pgdp", "co2pgdp", "ln CO2 intensity (CO2 per real GDP)",
             "碳排放强度(对数)", "t CO2 per 10^4 yuan, 2006 prices", "dependent"),
    Variable("lnT", "T", "ln productivity index, 1 + LTFP (production model)",
             "生产率(对数)", "index", "technology"),
    Variable("lnGT", "GT", "ln green productivity index, 1 + LTFP (green model)",
             "绿色生产率(对数)", "index", "technology"),
    Variable("lnPC", "PC", "ln production technical change index, 1 + PC",
             "纯生产技术进步(对数)", "index", "technology"),
    Variable("lnEC", "EC", "ln production efficiency change index, 1 + EC",
             "生产效率提高(对数)", "index", "technology"),
    Variable("lnGPC", "GPC", "ln green technical change index, 1 + PC (green model)",
             "纯绿色技术进步(对数)", "index", "technology"),
    Variable("lnGEC", "GEC", "ln green efficiency change index, 1 + EC (green model)",
             "绿色效率提高(对数)", "index", "technology"),
    Variable("lnP", "population", "ln year-end population", "年末总人口(对数)",
             "10^4 persons", "control"),
    Variable("lnA", "disposable_income", "ln urban per-capita disposable income",
             "城镇居民人均可支配收入(对数)", "yuan", "control"),
    Variable("lnI", "secondary_share", "ln secondary industry share of GDP",
             "第二产业占GDP比重(对数)", "percent", "control"),
)

BY_NAME: dict[str, Variable] = {v.name: v for v in VARIABLES}
REGRESSION_VARIABLES: tuple[str, ...] = tuple(BY_NAME)


def variable(name: str) -> Variable:
    """The entry of ``name``; KeyError naming the known variables otherwise."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown regression variable {name!r}; known: "
                       f"{', '.join(REGRESSION_VARIABLES)}") from None


def codebook_frame() -> pd.DataFrame:
    """The codebook as a table: variable, definition, source_unit, label, label_zh, role."""
    return pd.DataFrame([{"variable": v.name, "definition": f"ln({v.source})",
                          "source_unit": v.unit, "label": v.label, "label_zh": v.label_zh,
                          "role": v.role} for v in VARIABLES])
