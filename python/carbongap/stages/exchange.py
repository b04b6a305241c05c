"""Stage ``exchange``: the analysis panel, the Luenberger table and the estimates of Tables
1-8 as Parquet files in ``exchange/`` (:mod:`carbongap.exports.exchange`; no R needed)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..exports.exchange import EXCHANGED, FOLDER, parquet_bytes
from ..stagekit.stage import Context, Stage, StageResult

if TYPE_CHECKING:
    from ..config import Config
    from ..stagekit.writer import OutputWriter


def compute(ctx: Context) -> StageResult:
    """The Parquet bytes of every exchanged table."""
    files = {f"{stem}.parquet": parquet_bytes(ctx.table(stage, name))
             for stem, (stage, name) in EXCHANGED.items()}
    return StageResult(tables={}, files=files,
                       notes=(f"exchange: {len(files)} Parquet files in {FOLDER}/",))


def write(result: StageResult, out: OutputWriter, config: Config) -> None:
    """Every file into ``exchange/``."""
    for name, content in result.files.items():
        out.file(f"{FOLDER}/{name}", content)


STAGE = Stage("exchange", ("analysis_panel", "productivity", "regressions"), (), compute,
              write)
