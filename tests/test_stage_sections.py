"""Stages declare the configuration sections they read, and the context holds them to it:
a read of an undeclared section fails the stage; every configuration key, changed in turn,
gives a new cache key to exactly the stages that read its section."""

from __future__ import annotations

import os

import pytest

from carbongap.config import Config
from carbongap.errors import UndeclaredSectionError
from carbongap.pipeline.registry import STAGES
from carbongap.pipeline.runner import run_pipeline
from carbongap.stagekit.capabilities import NO_R_VARIABLE
from carbongap.stagekit.stage import RESULT_SECTIONS, SECTIONS, Stage, StageResult, stage_config
from stage_reads import check_keys_follow_reads, recorded_run

#: The stages that need R, skipped by this run (their reads: test_stage_sections_r.py).
NEED_R = {"crossval", "rds"}


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    before = os.environ.get(NO_R_VARIABLE)
    os.environ[NO_R_VARIABLE] = "1"
    try:
        summary, reads = recorded_run(tmp_path_factory.mktemp("sections") / "out")
    finally:
        if before is None:
            os.environ.pop(NO_R_VARIABLE)
        else:
            os.environ[NO_R_VARIABLE] = before
    ran = {r.name for r in summary.stages if r.status == "done"}
    assert {r.name for r in summary.stages if r.status == "skipped"} == NEED_R
    return reads, ran


def test_every_stage_reads_exactly_the_sections_it_declares(recorded):
    reads, ran = recorded
    whole = {s.name for s in STAGES if set(RESULT_SECTIONS) <= set(s.sections)}
    assert whole == {"exports", "robustness", "report"}
    for stage in STAGES:
        if stage.name in ran and stage.name not in whole:
            assert reads[stage.name] == set(stage.sections), stage.name


def test_each_key_renews_the_cache_key_of_exactly_the_stages_that_read_it(recorded):
    reads, ran = recorded
    assert check_keys_follow_reads(reads, ran) == sum(
        len(getattr(Config(), s).__dataclass_fields__) for s in SECTIONS)


def _reads_inequality(ctx):
    return StageResult({"x": ctx.config.inequality})


def test_reading_an_undeclared_section_fails_the_stage(tmp_path):
    def write(result, out, config):
        pass

    stage = Stage("a", (), ("data",), _reads_inequality, write)
    summary = run_pipeline(Config(), out=tmp_path / "out", registry=(stage,))
    run = summary.stages[0]
    assert run.status == "failed"
    assert run.reason.startswith("stage a read configuration section [inequality], which "
                                 "its Stage does not declare (sections: data)")
    view = stage_config(Config(), "b", ("regressions",))
    assert view.regressions.se == "nid" and view.run.jobs == 1  # [run] is always readable
    with pytest.raises(UndeclaredSectionError, match=r"the whole configuration \(Config.to_toml\)"):
        view.to_toml()
    assert stage_config(Config(), "c", RESULT_SECTIONS).to_toml() == Config().to_toml()
    with pytest.raises(ValueError, match="unknown configuration section"):
        Stage("d", (), ("regresions",), _reads_inequality, write)
