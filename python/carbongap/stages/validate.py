"""Stage ``validate``: read the raw data (or generate the synthetic default when ``[data]
panel`` is empty) and check it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..ingest.city_panel import coverage
from ..ingest.load import load_panel
from ..stagekit.stage import Context, Stage, StageResult
from ..synth import TRUTH_TAUS, true_quantile_coefficients, validated

if TYPE_CHECKING:
    from ..config import Config
    from ..stagekit.writer import OutputWriter


def compute(ctx: Context) -> StageResult:
    """Tables: ``panel``, ``provinces``, ``coverage``; synthetic runs add ``truth`` and
    ``truth_coefficients`` (the generator's latent values and quantile coefficients)."""
    data, window = ctx.config.data, ctx.config.validate
    if data.panel:
        panel = load_panel(data.panel, data.provinces or None, sheet=data.sheet or None,
                           provinces_sheet=data.provinces_sheet or None, years=window.years,
                           magnitude_warnings=window.magnitude_warnings)
    else:  # the synthetic default, validated like a file
        panel = validated(seed=data.synthetic_seed, n_cities=data.synthetic_cities,
                          years=data.synthetic_years, window=window.years,
                          magnitude_warnings=window.magnitude_warnings)
    tables = {
        "panel": panel.cities,
        "provinces": panel.provinces,
        "coverage": coverage(panel.cities, window.years),
    }
    notes = [f"data: {panel.source}", *panel.notes]
    if panel.truth is not None:

        tables["truth"] = panel.truth
        tables["truth_coefficients"] = (
            true_quantile_coefficients(TRUTH_TAUS).rename_axis("term").reset_index())
        notes.append("the data are SYNTHETIC (carbongap.synth), not the yearbook data: numbers "
                     "show that the pipeline works, not the paper's findings")
    return StageResult(tables=tables, attrition=panel.attrition, notes=tuple(notes))


def write(result: StageResult, out: OutputWriter, config: Config) -> None:
    """``tables/panel_coverage.csv``; the validated inputs under ``data/``."""
    out.table("tables/panel_coverage.csv", result.tables["coverage"])
    out.table("data/panel_validated.csv", result.tables["panel"])
    if not result.tables["provinces"].empty:
        out.table("data/provinces_validated.csv", result.tables["provinces"])
    if "truth" in result.tables:
        out.table("data/synthetic_truth.csv", result.tables["truth"])
        out.table("data/synthetic_truth_coefficients.csv", result.tables["truth_coefficients"])


STAGE = Stage("validate", (), ("data", "validate"), compute, write,
              files=(("data", "panel"), ("data", "provinces")))
