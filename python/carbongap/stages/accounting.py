"""Stage ``accounting``: CO2 (eq. 3), real GDP, CO2pgdp and capital stock (eq. 7).

Zhang & Liu (2024) eq. 3 and eq. 7; docs/methods.md §4. Wires the validated ``panel`` and
``provinces`` of stage ``validate`` and ``[accounting]`` into
:func:`carbongap.accounting.table.accounting_tables`, naming the input files in its errors.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..accounting.table import accounting_tables
from ..config import DataConfig
from ..stagekit.stage import Context, Stage, StageResult

if TYPE_CHECKING:
    from ..config import Config
    from ..stagekit.writer import OutputWriter


def sources(data: DataConfig) -> tuple[str, str]:
    """Names of the city panel and the provincial table for messages: the file paths
    (with the sheet when one is set), or the synthetic panel's labels."""
    if not data.panel:
        label = f"<synthetic seed={data.synthetic_seed}>"
        return f"{label} cities", f"{label} provinces"
    panel = f"{data.panel} [sheet {data.sheet}]" if data.sheet else data.panel
    provinces = (f"{data.provinces} [sheet {data.provinces_sheet}]" if data.provinces_sheet
                 else data.provinces or "provinces")
    return panel, provinces


def compute(ctx: Context) -> StageResult:
    """Tables ``accounting``, ``factors`` and ``capital_interpolated``."""
    panel_source, provinces_source = sources(ctx.config.data)
    result = accounting_tables(ctx.table("validate", "panel"),
                               ctx.table("validate", "provinces"), ctx.config.accounting,
                               panel_source, provinces_source)
    return StageResult.of(result)


def write(result: StageResult, out: OutputWriter, config: Config) -> None:
    """``tables/accounting_city_year.csv``, ``tables/factor_provenance.csv`` (+ .md) and
    ``tables/capital_interpolated.csv``."""
    out.table("tables/accounting_city_year.csv", result.tables["accounting"])
    out.table("tables/factor_provenance.csv", result.tables["factors"], markdown=True)
    out.table("tables/capital_interpolated.csv", result.tables["capital_interpolated"])


STAGE = Stage("accounting", ("validate",), ("accounting", "data"), compute, write,
              files=(("accounting", "factors"), ("accounting", "grid_factors")))
