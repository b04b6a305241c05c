"""Bootstrap replication 1 of the inference stage redone through the cross-validation
against R (docs/methods.md §14): its DEA, with the duplicated cities in every reference
set, by R's SBI, and its regressions by R quantreg."""

from __future__ import annotations

import pytest

from carbongap.backends.dea import solve_jobs
from carbongap.backends.qreg import estimator
from carbongap.config import load_config
from carbongap.crossval import PASS, SKIP, compare_dea, compare_estimates
from carbongap.dea.models import productivity_models
from carbongap.dea.variables import dea_variables
from carbongap.inference.draws import BOOTSTRAP, city_groups, draw
from carbongap.inference.replication import copies, replicate, replication_panel
from carbongap.pipeline.registry import STAGES
from carbongap.stagekit.evaluate import Evaluator
from carbongap.stagekit.stage import Context, find_stage
from carbongap.stages.inference import pipeline_of
from carbongap.tables.estimate import estimate_tables, regression_options
from carbongap.tables.regression_panel import build_regression_panel

pytestmark = pytest.mark.r


def test_replication_one_passes_the_crossval_against_r():
    config = load_config(overrides=["data.synthetic_cities=30", "regressions.tables=[1, 3]"])
    evaluator = Evaluator(Context(config=config, upstream={}, stages=STAGES), {}, config)
    results = evaluator.results(config, "accounting")
    pipeline = pipeline_of(find_stage("inference", STAGES).context(config, results))
    codes = draw(city_groups(pipeline.panel.frame), BOOTSTRAP, config.inference.seed, 1)
    assert len(set(codes.tolist())) < len(codes)  # the draw has copies
    frame = replication_panel(pipeline, codes)
    dea = dea_variables(frame, frame, pipeline.variables, pipeline.dea_years)

    # R solves every LP with the copies in the reference sets; Python once per city
    in_r = productivity_models(dea, pipeline.luenberger, solve_jobs=solve_jobs("r"))
    in_python = productivity_models(dea, pipeline.luenberger,
                                    solve_jobs=solve_jobs("python", "kernel"))
    cells = compare_dea(in_python.tables["luenberger"], in_r.tables["luenberger"])
    assert len(cells) > 1000 and (cells["result"] == PASS).all()
    deduplicated = replicate(pipeline, codes)
    distinct = frame.drop_duplicates("source_city_code")["source_city_code"].to_numpy()
    once = productivity_models(
        dea_variables(pipeline.accounting.take(distinct, relabel=False),
                      pipeline.panel.take(distinct, relabel=False), pipeline.variables,
                      pipeline.dea_years), pipeline.luenberger,
        solve_jobs=solve_jobs("python", "kernel")).tables["indices"]
    expanded = copies(once, frame).set_index(["city_code", "year"])
    theirs = in_r.tables["indices"].set_index(["city_code", "year"]).loc[expanded.index]
    for column in ("T", "PC", "EC", "GT", "GPC", "GEC"):
        diff = (expanded[column] - theirs[column]).abs().max()
        assert diff <= config.crossval.dea_atol, column

    # the regressions on the replication's panel: Python against R quantreg (nid)
    panel = build_regression_panel(frame, frame, expanded.reset_index(),
                                   pipeline.analysis_years).frame
    options = regression_options(config.regressions)
    python = estimate_tables(panel, pipeline.specs, options).frame
    r = estimate_tables(panel, pipeline.specs, options, estimator=estimator("r")).frame
    compared = compare_estimates(python, r, options)
    assert (compared["result"].isin([PASS, SKIP])).all()
    assert (compared["result"] == PASS).sum() > 100
    # and they are the replication's own coefficients
    mine = deduplicated.coefficients.set_index(["table", "part", "term", "tau"])["coef"]
    ours = python.set_index(["table", "part", "term", "tau"])["coef"]
    assert (mine.loc[ours.index] == ours).all()
