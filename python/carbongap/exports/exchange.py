"""Exchange files for R and other tools (docs/methods.md §8, §9): the analysis panel, the
Luenberger table and the estimates of Tables 1-8 as Parquet (pyarrow) and as .rds (R).

:data:`EXCHANGED` names each file and the stage table it holds; :data:`FACTORS` the columns
R receives as factors, with their levels in a fixed order (region groups as in the Stata
value labels; province codes as text, "11" ... "65"), so R users get labelled categories.
Both writers are deterministic: the same table gives the same bytes.
"""

from __future__ import annotations

import io

import pandas as pd

from ..regions import province_codes
from .datasets import CATEGORIES

#: file stem -> (stage, table of that stage).
EXCHANGED: dict[str, tuple[str, str]] = {
    "analysis_panel": ("analysis_panel", "analysis"),
    "luenberger": ("productivity", "luenberger"),
    "qreg_estimates": ("regressions", "estimates"),
}
#: The folder of the exchange files inside the run folder.
FOLDER = "exchange"


def factor_levels() -> dict[str, tuple[str, ...]]:
    """Columns sent to R as factors, with their levels."""
    return {"group": CATEGORIES["group"], "model": CATEGORIES["model"],
            "province_code": tuple(str(code) for code in sorted(province_codes()))}


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as a Parquet file (pyarrow, no index, zstd), the same bytes every time."""
    buffer = io.BytesIO()
    frame.to_parquet(buffer, engine="pyarrow", index=False, compression="zstd")
    return buffer.getvalue()
