"""With R: every stage runs, crossval and rds included, and each reads exactly the
configuration sections it declares (the twin of test_stage_sections.py)."""

from __future__ import annotations

import pytest

from carbongap.pipeline.registry import STAGES
from carbongap.stagekit.stage import RESULT_SECTIONS
from stage_reads import check_keys_follow_reads, recorded_run

pytestmark = pytest.mark.r


def test_every_stage_with_r_reads_exactly_what_it_declares(tmp_path):
    summary, reads = recorded_run(tmp_path / "out")
    ran = {r.name for r in summary.stages if r.status == "done"}
    # robustness: a switch, off (inference: switched on by the recorded run)
    assert ran == {s.name for s in STAGES} - {"robustness"}
    for stage in STAGES:
        if stage.name in reads:
            assert reads[stage.name] == set(stage.sections), stage.name
    assert set(reads) == ran - {s.name for s in STAGES if set(RESULT_SECTIONS) <= set(s.sections)}
    assert check_keys_follow_reads(reads, ran) > 50
