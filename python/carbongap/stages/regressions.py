"""Stage ``regressions``: the quantile regressions of Tables 1-8 (eq. 2; docs/methods.md §7-8).

Wires the regression panel (stage ``analysis_panel``), the table specifications
(``[regressions] specs``, :mod:`carbongap.tables.specs`) and the published values
(``[regressions] published``) into the functions of :mod:`carbongap.tables`: every cell
(``estimates``), the quantile processes, the scorecard, the stars audit and, on the
synthetic default, the known-truth check; then writes them with each table in the paper's
layout (CSV, Markdown, LaTeX) and the quantile-process figures.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING

import pandas as pd

from ..backends.qreg import estimator as backend_estimator
from ..errors import DataError
from ..parallel import Execution
from ..qreg import QuantRegResults, QuantRegWarning
from ..stagekit.stage import Context, Stage, StageResult
from ..tables.estimate import estimate_tables, regression_options, specs_table
from ..tables.layout import table_latex, table_long, table_markdown
from ..tables.process import quantile_process
from ..tables.published import load_published, scorecard, scorecard_summary, stars_audit
from ..tables.slopes import equal_slope_tests
from ..tables.specs import load_table_specs, select_tables
from ..tables.truth import dea_comparison, truth_recovery

if TYPE_CHECKING:
    from ..config import Config
    from ..stagekit.writer import OutputWriter


def _notes(estimates: pd.DataFrame, card: pd.DataFrame, audit: pd.DataFrame,
           synthetic: bool, truth: pd.DataFrame | None) -> list[str]:
    sizes = estimates.groupby(["table", "part", "sample"], sort=True)["n"].first()
    notes = ["N per table part: " + ", ".join(f"table {t}.{p} ({s}) {n}"
                                              for (t, p, s), n in sizes.items())]
    fits = estimates.drop_duplicates(["table", "part", "tau"])
    nonunique = fits.loc[~fits["unique"].astype(bool)]
    notes.append(f"{len(fits)} quantile regressions, {len(nonunique)} flagged as possibly "
                 "nonunique" + (": " + ", ".join(f"table {r.table}.{r.part} tau {r.tau:g}"
                                                 for r in nonunique.itertuples())
                                if len(nonunique) else ""))
    counts = scorecard_summary(card)
    prefix = ("the data are SYNTHETIC: the scorecard compares synthetic estimates with the "
              "paper's, so agreement is not expected; " if synthetic else "")
    notes.append(f"scorecard: {prefix}of {counts['published']} published cells "
                 f"{counts['reproduced']} reproduced, {counts['same_sign']} with the same "
                 f"sign, {counts['same_stars']} with the same stars, "
                 f"{counts['within_1_se']} within one published SE")
    notes.append(f"stars audit: {int((~audit['agrees']).sum())} of {len(audit)} published "
                 "cells carry stars their coefficient and SE do not imply (two-sided "
                 f"normal); {int(audit['rounding_sensitive'].sum())} are sensitive to the "
                 "rounding of the printed numbers")
    if truth is not None:
        for method, part in truth.groupby("se_method", sort=False):
            notes.append(f"known truth ({method}): the 95% intervals cover the true "
                         f"coefficient in {int(part['covered'].sum())} of {len(part)} cells")
    return notes


def _warnings_note(results: Mapping[tuple[int, int], QuantRegResults]) -> str:
    """The warnings R quantreg would give on the Table fits, in one note (the fits'
    records; the warnings themselves are not printed one by one)."""
    said = [f"table {table}.{part}: {text}" for (table, part), result in sorted(results.items())
            for text in result.warnings]
    return (f"{len(said)} warnings on the table fits, as R quantreg words them"
            + (": " + "; ".join(said) if said else ""))


def compute(ctx: Context) -> StageResult:
    """Tables ``estimates``, ``specs`` (:func:`~carbongap.tables.estimate.specs_table`),
    ``table<N>`` (each table's shown cells, long), ``process``,
    ``scorecard``, ``stars_audit`` and, on the synthetic default, ``known_truth`` and
    ``known_truth_dea``; texts ``table<N>.md`` and ``table<N>.tex``."""
    cfg, run = ctx.config.regressions, ctx.config.run
    all_specs = select_tables(load_table_specs(cfg.specs or None), cfg.tables)
    panel = ctx.table("analysis_panel", "analysis")
    estimator = backend_estimator(cfg.backend)
    options = regression_options(cfg)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QuantRegWarning)  # recorded by each fit, noted below
        fitted = estimate_tables(panel, all_specs, options, execution=ctx.execution,
                                 estimator=estimator)
        if not fitted.results:
            raise DataError(f"no part of Tables 1-8 could be estimated: "
                            f"{fitted.skipped_reasons()}", source="analysis_panel")
        estimates, results = fitted.frame, fitted.results
        specs = fitted.fitted(all_specs)  # the parts too small to fit are listed apart
        published = load_published(cfg.published or None)
        card = scorecard(estimates, published)
        audit = stars_audit(published)
        slopes = equal_slope_tests(panel, specs, results, options)
        tables = {"estimates": estimates, "specs": specs_table(all_specs, options),
                  "process": quantile_process(panel, specs, cfg.process_taus, estimator),
                  "scorecard": card, "stars_audit": audit, "equal_slopes": slopes}
        truth = None
        validate = ctx.upstream["validate"].tables
        if "truth" in validate:
            truth = truth_recovery(validate["truth"], ctx.config.analysis.years, cfg.taus,
                                   boot_reps=cfg.boot_reps, seed=cfg.seed,
                                   execution=Execution(run.jobs))
            tables["known_truth"] = truth
            tables["known_truth_dea"] = dea_comparison(estimates, cfg.taus)
    texts = {}
    for number in sorted({s.table for s in specs}):
        tables[f"table{number}"] = table_long(estimates, specs, number)
        texts[f"table{number}.md"] = table_markdown(estimates, specs, number, slopes)
        texts[f"table{number}.tex"] = table_latex(estimates, specs, number, slopes)
    notes = [*_notes(estimates, card, audit, "truth" in validate, truth),
             _warnings_note(results)]
    if not fitted.skipped.empty:
        tables["skipped"] = fitted.skipped
        notes.append("warning: " + fitted.skipped_note())
    return StageResult(tables=tables, texts=texts, notes=tuple(notes))


def write(result: StageResult, out: OutputWriter, config: Config) -> None:
    """``tables/qreg_estimates.csv``, ``tables/qreg_equal_slopes.csv`` (+ .md);
    ``tables/table<N>.csv`` (long), ``.md`` and
    ``.tex``; the scorecard, stars audit and known-truth tables (CSV + Markdown); the
    quantile-process figures ``figures/quantile_process_table<N>.png`` (+ CSV)."""
    from ..figure_notes import data_source
    from ..tables.figures import process_figure

    tables = result.tables
    out.table("tables/qreg_estimates.csv", tables["estimates"])
    out.table("tables/qreg_specs.csv", tables["specs"])
    out.table("tables/qreg_equal_slopes.csv", tables["equal_slopes"], markdown=True)
    source = data_source(config.data)
    for number in sorted(tables["estimates"]["table"].unique().tolist()):
        out.table(f"tables/table{number}.csv", tables[f"table{number}"])
        out.text(f"tables/table{number}.md", result.texts[f"table{number}.md"])
        out.text(f"tables/table{number}.tex", result.texts[f"table{number}.tex"])
        if (tables["process"]["table"] == number).any():
            title = f"Quantile process, Table {number}"
            figure, data = process_figure(tables["process"], number, title, source=source)
            out.figure(f"figures/quantile_process_table{number}.png", figure, data)
    if "skipped" in tables:
        out.table("tables/qreg_skipped.csv", tables["skipped"])
    out.table("tables/scorecard.csv", tables["scorecard"], markdown=True)
    out.table("tables/stars_audit.csv", tables["stars_audit"], markdown=True)
    if "known_truth" in tables:
        out.table("tables/known_truth.csv", tables["known_truth"], markdown=True)
        out.table("tables/known_truth_dea.csv", tables["known_truth_dea"], markdown=True)


STAGE = Stage("regressions", ("validate", "analysis_panel"), ("regressions", "analysis"),
              compute, write, files=(("regressions", "specs"), ("regressions", "published")),
              requires_if=(("regressions", "backend", "r", "R"),))
