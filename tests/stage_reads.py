"""Which configuration sections each stage's ``compute`` reads in a real run, and what a
change of every configuration key does to each stage's cache key (for
test_stage_sections.py and its R twin)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from carbongap.config import Config, load_config
from carbongap.pipeline.registry import STAGES
from carbongap.pipeline.runner import RunSummary, run_pipeline
from carbongap.stagekit.stage import RESULT_SECTIONS, DeclaredConfig, Stage

SMALL = ["data.synthetic_cities=30", "inequality.bootstrap_draws=9", "regressions.boot_reps=9",
         "regressions.tables=[1, 3]", "inference.enabled=true", "inference.reps=2"]


def recorded_run(out: Path) -> tuple[RunSummary, dict[str, set[str]]]:
    """A full run of every stage (robustness off; inference on, with two replications)
    without the cache, and the sections each
    stage that ran read (stages that see the whole configuration are not recorded)."""
    reads: dict[str, set[str]] = {}

    def recording(stage: Stage) -> Stage:
        def compute(ctx):
            try:
                return stage.compute(ctx)
            finally:
                if isinstance(ctx.config, DeclaredConfig):
                    reads[stage.name] = set(ctx.config.read)

        return dataclasses.replace(stage, compute=compute)

    summary = run_pipeline(load_config(overrides=SMALL), out=out, use_cache=False,
                           registry=tuple(recording(s) for s in STAGES))
    return summary, reads


def _changed(value: Any) -> Any:
    """Another value of the same kind (validity does not matter: only hashed)."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    if isinstance(value, str):
        return value + "_changed"
    if isinstance(value, tuple):
        return (*value, value[0]) if value else ("changed",)
    raise TypeError(f"no change defined for {value!r}")


def every_key_changed(config: Config) -> Iterator[tuple[str, str, Config]]:
    """(section, key, ``config`` with that key changed) for every key of every section."""
    for section in dataclasses.fields(config):
        values = getattr(config, section.name)
        for key in dataclasses.fields(values):
            new = dataclasses.replace(values, **{key.name: _changed(getattr(values,
                                                                            key.name))})
            yield section.name, key.name, dataclasses.replace(config, **{section.name: new})


def renewed_keys(config: Config, changed: Config) -> set[str]:
    """The stages whose configuration part of the cache key differs between the two."""
    return {s.name for s in STAGES
            if config.section_hash(s.sections) != changed.section_hash(s.sections)}


def check_keys_follow_reads(reads: dict[str, set[str]], ran: set[str]) -> int:
    """Assert, for every configuration key, that exactly the stages that read its section
    (or see the whole configuration) get a new cache key; the keys checked."""
    whole = {s.name for s in STAGES if set(RESULT_SECTIONS) <= set(s.sections)}
    config = load_config(overrides=SMALL)
    checked = 0
    for section, key, changed in every_key_changed(config):
        readers = {name for name, sections in reads.items() if section in sections}
        expected = readers | (whole if section != "run" else set())
        assert renewed_keys(config, changed) & ran == expected & ran, (section, key)
        checked += 1
    return checked
