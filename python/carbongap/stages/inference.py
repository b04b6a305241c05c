"""Stage ``inference``: Tables 1-8 and the yearly Luenberger means with intervals that
account for the DEA estimation (docs/methods.md §14).

Wires the validated panel, the accounting table, the ``[productivity]``, ``[analysis]``
and ``[regressions]`` choices into a :class:`~carbongap.inference.replication.Pipeline`,
resamples it (:func:`carbongap.inference.resampling.resample_pipeline`: the pipeline
bootstrap and m-out-of-n subsampling of cities, ``[inference]``), and summarises the
replications next to the run's own estimates. Off in a default run, like robustness.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..dea.spec import LuenbergerSpec
from ..inference.coverage import default_coverage_path, read_coverage, recommended_interval
from ..inference.draws import BOOTSTRAP, CityRows, draw
from ..inference.intervals import summarise
from ..inference.replication import Pipeline, replication_panel
from ..inference.resampling import Design, Resampled, design_of, resample_pipeline
from ..inference.tables import coefficient_table, star_changes
from ..stagekit.stage import WARNING, Context, Stage, StageResult
from ..tables.compare import CELL_KEYS, identical_rows
from ..tables.specs import load_table_specs, select_tables

if TYPE_CHECKING:
    from ..config import Config
    from ..stagekit.writer import OutputWriter


def pipeline_of(ctx: Context) -> Pipeline:
    """What each replication recomputes, from the run's tables and configuration."""
    cfg = ctx.config
    specs = select_tables(load_table_specs(cfg.regressions.specs or None),
                          cfg.regressions.tables)
    return Pipeline(CityRows.of(ctx.table("validate", "panel")),
                    CityRows.of(ctx.table("accounting", "accounting")),
                    LuenbergerSpec.from_config(cfg.productivity), cfg.productivity.years,
                    cfg.analysis.years, cfg.analysis.sample, specs,
                    tuple(cfg.regressions.taus), cfg.productivity.solver)


def _replication_zero(done: Resampled, estimates: pd.DataFrame,
                      means: pd.DataFrame) -> str:
    """Whether replication 0 (no resampling) equals the run's estimates and yearly means
    bit for bit."""
    zero = done.coefficients.loc[(done.coefficients["scheme"] == "bootstrap")
                                 & (done.coefficients["rep"] == 0)]
    same_coef = identical_rows(zero, estimates, CELL_KEYS, ("coef", "n"))
    zero_means = done.means.loc[(done.means["scheme"] == "bootstrap")
                                & (done.means["rep"] == 0) & (done.means["sample"] == "all")]
    same_means = identical_rows(zero_means, means, ("variable", "year"), ("mean",))
    if same_coef and same_means:
        return (f"replication 0 (no resampling) equals the run's Tables 1-8 ({len(zero)} "
                f"cells) and yearly means ({len(zero_means)}) bit for bit")
    return (f"{WARNING}replication 0 (no resampling) differs from the run's "
            f"{'Tables 1-8' if not same_coef else 'yearly means'}")


def _design_note(design: Design, failed: pd.DataFrame) -> str:
    sizes = ", ".join(f"{g} {m}" for g, m in design.sizes.items())
    text = (f"{design.reps} pipeline-bootstrap replications and {design.reps} subsamples "
            f"(seed {design.seed}); subsamples of m = {design.subsample} of the "
            f"n = {design.cities} cities (m = ceil(n^{design.power:g}) shared over the "
            f"groups: {sizes}), rescaled by (m/n)^a")
    if len(failed):
        text += (f"; {WARNING}{len(failed)} replication(s) failed and are left out "
                 "(tables/inference_failed.csv)")
    return text


def _recommendation(path: str | Path | None, level: float) -> str:
    """The coverage study's verdict (docs/methods.md §14) as a note."""
    if path is None:
        return ("no coverage study found ([inference] coverage): neither interval is "
                "recommended")
    table = read_coverage(path)
    coefs = table.loc[table["target"] == "coefficient"].set_index("method")
    shares = ", ".join(f"{m} {coefs.loc[m, 'coverage']:.3f}" for m in coefs.index)
    intervals = int(coefs["intervals"].iloc[0])
    return (f"coverage study ({intervals} intervals per method; the file is input "
            f"inference.coverage of the manifest): coverage of nominal {level:g} intervals "
            f"for Table 1's coefficients: {shares}; recommended: the "
            f"{recommended_interval(table, level)} interval")


def compute(ctx: Context) -> StageResult:
    """Tables ``coefficients``, ``means``, ``star_changes``, ``replicates`` (long
    coefficients of every replication), ``replicate_means`` and ``failed``."""
    cfg = ctx.config.inference
    pipeline = pipeline_of(ctx)
    design = design_of(pipeline, cfg.reps, cfg.seed, cfg.power)
    done = resample_pipeline(pipeline, design, execution=ctx.execution,
                             checkpoints=ctx.checkpoints)
    options = {"level": cfg.level, "ratio": design.ratio, "rate": cfg.rate}
    estimates = ctx.table("regressions", "estimates")
    coefficients = coefficient_table(
        summarise(done.coefficients, list(CELL_KEYS), "coef", **options),
        estimates)
    means = summarise(done.means, ["sample", "variable", "year"], "mean", **options)
    zero = done.means.loc[(done.means["scheme"] == "bootstrap") & (done.means["rep"] == 0),
                          ["sample", "variable", "year", "n"]]
    means = means.merge(zero, on=["sample", "variable", "year"], how="left")
    means.insert(3, "n", means.pop("n"))
    if done.resumed:  # logged, not noted: the outputs equal an uninterrupted run's
        ctx.logger.info("inference: continued an interrupted run: %d of %d chunks of "
                        "replications were kept from it", done.resumed, done.chunks)
    notes = (_design_note(design, done.failed),
             _replication_zero(done, estimates, ctx.table("productivity", "yearly_means")),
             f"intervals at {cfg.level:g}: percentile (bootstrap) and "
             f"subsampling with rate n^{cfg.rate:g} (docs/methods.md §14)",
             _recommendation(cfg.coverage or default_coverage_path(), cfg.level))
    design_row = pd.DataFrame([{
        "reps": design.reps, "seed": design.seed, "cities": design.cities,
        "subsample": design.subsample, "power": design.power, "rate": cfg.rate,
        "level": cfg.level, "scale": design.ratio ** cfg.rate}])
    first = draw(design.groups, BOOTSTRAP, cfg.seed, 1)
    return StageResult(tables={"coefficients": coefficients, "means": means,
                               "design": design_row,
                               "replication1": replication_panel(pipeline, first),
                               "star_changes": star_changes(coefficients),
                               "replicates": done.coefficients,
                               "replicate_means": done.means, "failed": done.failed},
                       notes=notes)


#: Figures 2 and 3 (their variables) and the two schemes' interval columns.
BAND_FIGURES: dict[str, tuple[str, tuple[str, ...]]] = {
    "figure2": ("Figure 2. Productivity and green productivity change", ("T", "GT")),
    "figure3": ("Figure 3. Components of productivity and green productivity",
                ("PC", "EC", "GPC", "GEC")),
}
SCHEMES: dict[str, str] = {"boot": "pipeline bootstrap", "sub": "subsampling"}


def write(result: StageResult, out: OutputWriter, config: Config) -> None:
    """``tables/inference_coefficients.csv`` (+ .md), ``tables/inference_means.csv``,
    ``tables/inference_star_changes.csv`` (+ .md), ``tables/inference_design.csv``,
    ``tables/inference_failed.csv``, ``data/inference_replication1.csv`` (the city-year
    data of bootstrap replication 1, to redo it in another language), the replications,
    long, as
    ``data/inference_replicates.parquet`` and ``.dta``, ``data/inference_se.do`` (the
    SEs recomputed in Stata from the ``.dta``) and Figures 2-3 with each scheme's bands,
    ``figures/inference_figure{2,3}_{boot,sub}.png`` (+ CSV)."""
    from ..dea.figures import INDEX_LABELS, mean_lines
    from ..exports.exchange import parquet_bytes
    from ..figure_notes import data_source
    from ..inference.dofile import inference_do
    from ..io.dta import write_dta

    tables = result.tables
    out.table("tables/inference_coefficients.csv", tables["coefficients"], markdown=True)
    out.table("tables/inference_means.csv", tables["means"])
    out.table("tables/inference_star_changes.csv", tables["star_changes"], markdown=True)
    out.table("tables/inference_design.csv", tables["design"])
    out.table("tables/inference_failed.csv", tables["failed"])
    out.table("data/inference_replication1.csv", tables["replication1"])
    long = tables["replicates"]
    out.file("data/inference_replicates.parquet", parquet_bytes(long))
    out.file("data/inference_replicates.dta",
             lambda tmp: write_dta(long, tmp, version=config.exports.stata_version,
                                   file_label="carbongap inference: coefficients of every "
                                   "replication"))
    means = tables["means"]
    national = means.loc[means["sample"] == "all"]
    ylabel = ("mean index (1 + indicator)" if config.productivity.index_form == "increment"
              else "mean cumulative index")
    for name, (title, columns) in BAND_FIGURES.items():
        for scheme, label in SCHEMES.items():  # Figures 2-3 with each scheme's bands
            figure, data = mean_lines(
                national, {c: INDEX_LABELS[c] for c in columns},
                f"{title}\nbands: {config.inference.level:.0%} {label} intervals", ylabel,
                source=data_source(config.data), band=(f"{scheme}_lo", f"{scheme}_hi"))
            out.figure(f"figures/inference_{name}_{scheme}.png", figure, data)
    row = tables["design"].iloc[0]
    out.text("data/inference_se.do", inference_do(
        float(row["scale"]), f"({int(row['subsample'])}/{int(row['cities'])})^"
        f"{float(row['rate']):g}"))


STAGE = Stage("inference", ("validate", "accounting", "productivity", "regressions"),
              ("productivity", "analysis", "regressions", "inference"), compute,
              write, switch=("inference", "enabled"),
              files=(("regressions", "specs"), ("inference", "coverage")))
