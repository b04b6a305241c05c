"""Stage ``rds``: the exchanged tables as R's .rds files in ``exchange/`` (needs R), with
the group, model and province columns as factors (:mod:`carbongap.r.rds`,
:mod:`carbongap.exports.exchange`). ``[exports] rds = false`` writes none."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from ..exports.exchange import EXCHANGED, FOLDER, factor_levels
from ..stagekit.stage import Context, Stage, StageResult

if TYPE_CHECKING:
    from ..config import Config
    from ..stagekit.writer import OutputWriter


def compute(ctx: Context) -> StageResult:
    """The .rds bytes of every exchanged table (none with ``[exports] rds = false``)."""
    if not ctx.config.exports.rds:
        return StageResult(tables={}, notes=("rds: [exports] rds = false, no .rds files",))
    from ..r.rds import write_rds

    levels = factor_levels()
    files = {}
    with tempfile.TemporaryDirectory() as folder:
        for stem, (stage, name) in EXCHANGED.items():
            frame = ctx.table(stage, name)
            path = write_rds(frame, Path(folder) / f"{stem}.rds",
                             {c: v for c, v in levels.items() if c in frame.columns})
            files[f"{stem}.rds"] = path.read_bytes()
    return StageResult(tables={}, files=files,
                       notes=(f"rds: {len(files)} .rds files in {FOLDER}/ (factors: "
                              f"{', '.join(levels)})",))


def write(result: StageResult, out: OutputWriter, config: Config) -> None:
    """Every file into ``exchange/``."""
    for name, content in result.files.items():
        out.file(f"{FOLDER}/{name}", content)


STAGE = Stage("rds", ("analysis_panel", "productivity", "regressions"), ("exports",), compute,
              write, requires=("R",))
