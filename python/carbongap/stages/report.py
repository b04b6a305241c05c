"""Stage ``report``: REPORT.md, a plain account of what this run did and did not do.

It holds no timings or dates, so the same inputs give the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import attrition
from .._version import __version__
from ..config import Config
from ..io.markdown import to_markdown
from ..pipeline.registry import STAGES
from ..pipeline.stage import Context, StageResult
from ..pipeline.writer import OutputWriter


def compute(ctx: Context) -> StageResult:
    """One table, ``report``, with the Markdown text in its single cell."""
    return StageResult(tables={"report": _frame(render(ctx))})


def render(ctx: Context) -> str:
    """The Markdown text of the report."""
    cfg = ctx.config
    data = (Path(cfg.data.panel).name if cfg.data.panel
            else f"synthetic default panel (seed {cfg.data.synthetic_seed})")
    lines = [
        "# carbongap replication report",
        "",
        f"carbongap {__version__}; replication of Zhang & Liu (2024), "
        "中国城市碳排放差距及其技术成因.",
        "",
        f"Data: {data}. "
        f"Factor set: {cfg.accounting.factors}; DEA frontier: {cfg.productivity.frontier}, "
        f"years {cfg.productivity.years[0]}-{cfg.productivity.years[1]}; regression years "
        f"{cfg.analysis.years[0]}-{cfg.analysis.years[1]}. The full configuration is in "
        "`config.resolved.toml`; checksums of every output are in `manifest.json`.",
        "",
    ]
    if not cfg.data.panel:
        lines += ["> **The data are synthetic.** They come from `carbongap.synth`, a known data "
                  "generating process calibrated to published magnitudes, because the yearbook "
                  "data cannot be redistributed. The numbers below show that the pipeline works "
                  "and recovers the generator's truth; they are not the paper's findings.", ""]
    lines += [_r_line(), ""]
    lines += ["## Stages", "", "| stage | status | remark |", "|---|---|---|"]
    for stage in STAGES:
        if stage.name == "report":
            continue
        status = ctx.statuses.get(stage.name, "not run")
        status = "done" if status == "cached" else status  # reuse is run metadata (manifest)
        remark = stage.planned_in if not stage.implemented else ""
        lines.append(f"| {stage.name} | {status} | {remark} |")
    lines.append("")
    for name, result in ctx.upstream.items():
        if result.notes:
            lines += [f"## Notes from `{name}`", ""]
            lines += [f"- {note}" for note in result.notes]
            lines.append("")
    detail = attrition.combine(r.attrition for r in ctx.upstream.values())
    lines += ["## Attrition", "",
              "City-years removed, by stage and reason (details in `attrition_detail.csv`).", ""]
    if detail.empty:
        lines += ["None.", ""]
    else:
        lines += [to_markdown(attrition.summarise(detail).drop(columns="examples"))]
    return "\n".join(lines)


def _r_line() -> str:
    """Whether the R parts (cross-checks through rpy2) can run on this machine."""
    from ..r.session import r_unavailable_reason

    problem = r_unavailable_reason()
    if problem:
        return f"R parts: **skipped** ({problem})."
    return "R parts: available (versions in `manifest.json`)."


def _frame(text: str) -> pd.DataFrame:
    return pd.DataFrame({"markdown": [text]})


def write(result: StageResult, out: OutputWriter, config: Config) -> None:
    """``REPORT.md``."""
    out.text("REPORT.md", result.tables["report"]["markdown"].iloc[0])
