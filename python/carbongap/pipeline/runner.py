"""Run stages in order with caching, logging, attrition and the manifest (SPEC sections 2, 8).

:func:`run_pipeline` is what the CLI calls; :func:`replicate` is the public one-call API.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .. import attrition
from ..config import Config, load_config
from ..errors import CarbongapError, StageError
from ..progress import ProgressFactory, null_progress
from . import manifest
from .cache import StageCache, stage_key
from .inputs import InputFile, describe_inputs, stage_input_hashes
from .registry import STAGES, closure
from .stage import Context, Stage, StageResult
from .writer import OutputWriter

logger = logging.getLogger("carbongap")

DEFAULT_OUT = Path("replication/output")

DONE, CACHED, NOT_IMPLEMENTED, FAILED, SKIPPED = (
    "done", "cached", "not implemented", "failed", "skipped")


@dataclass
class StageRun:
    """What happened to one stage."""

    name: str
    status: str
    key: str = ""
    seconds: float = 0.0
    reason: str = ""


@dataclass
class RunSummary:
    """The outcome of a run: per-stage statuses and every file written."""

    out: Path
    stages: list[StageRun] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no implemented stage failed."""
        return all(s.status != FAILED for s in self.stages)

    def status(self, name: str) -> str:
        """Status of a stage in this run ('' when it was not part of it)."""
        return next((s.status for s in self.stages if s.name == name), "")


def _remove_previous_outputs(out: Path) -> int:
    """Delete the files the previous run in ``out`` listed in its manifest.

    The folder then holds exactly what the new manifest lists: a table from an earlier
    run with other data or options can never sit beside the new ones. Only files named
    in the old manifest, inside ``out``, are touched; the cache is kept.
    """
    path = out / "manifest.json"
    if not path.is_file():
        return 0
    try:
        listed = json.loads(path.read_text(encoding="utf-8")).get("outputs", {})
    except (json.JSONDecodeError, AttributeError):
        return 0
    root = out.resolve()
    removed = 0
    for relpath in listed:
        target = (out / relpath).resolve()
        if target.is_relative_to(root) and target.is_file():
            target.unlink()
            removed += 1
    path.unlink()
    return removed


def _attach_log(out: Path, level: int) -> logging.Handler:
    out.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(out / "carbongap.log", mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(levelname)-7s %(message)s"))
    handler.setLevel(level)
    logger.addHandler(handler)
    logger.setLevel(min(logger.level or logging.INFO, level))
    return handler


def _blocked_by(stage: Stage, runs: dict[str, StageRun]) -> str:
    for need in stage.needs:
        run = runs.get(need)
        if run is None or run.status in (FAILED, SKIPPED, NOT_IMPLEMENTED):
            why = run.status if run else "not run"
            return f"needs stage '{need}' ({why})"
    return ""


def run_pipeline(
    config: Config,
    *,
    targets: Sequence[str] | None = None,
    out: str | Path = DEFAULT_OUT,
    use_cache: bool = True,
    progress: ProgressFactory = null_progress,
    registry: Sequence[Stage] = STAGES,
    origin: manifest.ConfigOrigin | None = None,
) -> RunSummary:
    """Run the named stages (default: all) and what they need; write outputs to ``out``.

    A stage that raises is recorded as failed with its message, stages that need it are
    skipped, and the run goes on with the others; ``RunSummary.ok`` tells the caller.
    Stages not implemented yet are listed as such, never faked. ``registry`` is the
    list of stages (tests pass their own). ``origin`` says where the configuration came
    from (file and command-line overrides), for the manifest.
    """
    out = Path(out)
    plan = closure(targets, registry) if targets else tuple(registry)
    removed = _remove_previous_outputs(out)
    handler = _attach_log(out, logging.INFO)
    if removed:
        logger.info("removed %d outputs of the previous run in %s (listed in its manifest)",
                    removed, out)
    cache = StageCache(out / ".cache", enabled=use_cache)
    inputs = describe_inputs(config)
    writer = OutputWriter(out)
    results: dict[str, StageResult] = {}
    runs: dict[str, StageRun] = {}
    keys: dict[str, str] = {}
    try:
        for stage in plan:
            runs[stage.name] = _run_stage(stage, config, cache, writer, results, runs, keys,
                                          progress, inputs)
        detail = attrition.combine(r.attrition for r in results.values())
        writer.table("attrition.csv", attrition.summarise(detail))
        writer.table("attrition_detail.csv", detail)
        writer.text("config.resolved.toml", config.to_toml(results_only=True))
        summary = RunSummary(out, list(runs.values()), list(writer.written))
        _write_manifest(out, writer, config, summary, origin or manifest.ConfigOrigin(), inputs)
        summary.paths = list(writer.written)
        return summary
    finally:
        logger.removeHandler(handler)
        handler.close()


def _run_stage(stage: Stage, config: Config, cache: StageCache, writer: OutputWriter,
               results: dict[str, StageResult], runs: dict[str, StageRun],
               keys: dict[str, str], progress: ProgressFactory,
               inputs: dict[str, InputFile]) -> StageRun:
    if not stage.implemented:
        logger.info("stage %s: not implemented yet (%s)", stage.name, stage.planned_in)
        return StageRun(stage.name, NOT_IMPLEMENTED, reason=stage.planned_in)
    blocked = _blocked_by(stage, runs)
    if blocked:
        logger.warning("stage %s: skipped, %s", stage.name, blocked)
        return StageRun(stage.name, SKIPPED, reason=blocked)
    upstream_names = list(results) if stage.sees_all else list(stage.needs)
    key = stage_key(stage.name, config.section_hash(stage.sections),
                    [keys[n] for n in upstream_names if n in keys],
                    stage_input_hashes(inputs, stage.name))
    start = time.perf_counter()
    result = cache.load(stage.name, key) if stage.cache else None
    status = CACHED if result is not None else DONE
    try:
        module = stage.load()
        if result is None:
            ctx = Context(config=config, upstream={n: results[n] for n in upstream_names},
                          progress=progress,
                          statuses={n: r.status for n, r in runs.items()},
                          reasons={n: r.reason for n, r in runs.items() if r.reason},
                          inputs=inputs)
            result = module.compute(ctx)
            if stage.cache:
                cache.save(stage.name, key, result)
        module.write(result, writer, config)
    except Exception as exc:
        reason = str(exc) if isinstance(exc, CarbongapError) else (
            f"{type(exc).__name__}: {exc}")
        logger.error("stage %s failed: %s", stage.name, reason)
        if not isinstance(exc, CarbongapError):
            logger.error("%s", traceback.format_exc())
        return StageRun(stage.name, FAILED, key, time.perf_counter() - start, reason)
    results[stage.name] = result
    keys[stage.name] = key
    for note in result.notes:
        logger.info("%s: %s", stage.name, note)
    seconds = time.perf_counter() - start
    logger.info("stage %s: %s in %.2f s", stage.name, status, seconds)
    return StageRun(stage.name, status, key, seconds)


def _write_manifest(out: Path, writer: OutputWriter, config: Config,
                    summary: RunSummary, origin: manifest.ConfigOrigin,
                    inputs: dict[str, InputFile]) -> None:
    from ..r.session import r_unavailable_reason, r_versions

    problem = r_unavailable_reason()
    stages = [{"name": s.name, "status": s.status, "key": s.key, "seconds": round(s.seconds, 3),
               "reason": s.reason} for s in summary.stages]
    data = manifest.build(out, writer.written, config, stages,
                          f"not available: {problem}" if problem else r_versions(), origin,
                          inputs)
    writer.text("manifest.json", manifest.to_json(data))


def replicate(config: Config | str | Path | None = None, data: str | Path | None = None,
              out: str | Path | None = None) -> list[Path]:
    """Run the whole pipeline and return the paths of every output written.

    Parameters
    ----------
    config
        A :class:`~carbongap.config.Config`, a TOML path, or None for the paper's defaults.
    data
        A city panel (or CEADs workbook) replacing ``[data] panel``; None keeps the
        configuration's (by default the synthetic panel).
    out
        Output folder (default ``replication/output``).

    Raises
    ------
    StageError
        When an implemented stage fails (the first failure, with its reason).
    """
    overrides = (f"data={data}",) if data is not None else ()
    if isinstance(config, Config):
        origin = manifest.ConfigOrigin(None, overrides, "a Config object passed to "
                                       "replicate() (its values: config.resolved.toml)")
    else:
        origin = manifest.ConfigOrigin(config, overrides)
        config = load_config(config)
    if data is not None:
        config = dataclasses.replace(config, data=dataclasses.replace(config.data,
                                                                      panel=str(data)))
    summary = run_pipeline(config, out=out or DEFAULT_OUT, origin=origin)
    for run in summary.stages:
        if run.status == FAILED:
            raise StageError(run.name, run.reason)
    return summary.paths


__all__ = ["DEFAULT_OUT", "RunSummary", "StageRun", "replicate", "run_pipeline"]
