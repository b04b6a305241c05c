"""Run stages in order with caching, capabilities, logging, attrition and the manifest.

:func:`run_pipeline` is what the CLI calls; :func:`replicate` is the public one-call API.
How a run proceeds (docs/architecture.md): take the output folder's lock and stage the
run in a folder beside it (:mod:`carbongap.pipeline.transaction`), hash the input files
once, then for each stage of the plan: skip it when a stage it needs did not succeed or a
capability it requires is missing (fail it instead when the user required that
capability), compute its cache key, load or compute its result, write its outputs; write
the attrition tables, the resolved configuration and the manifest; finally swap the staged
folder in when no stage failed, or keep it as ``OUT.failed`` and leave ``OUT`` untouched.
"""

from __future__ import annotations

import dataclasses
import logging
import time
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .. import attrition
from ..config import Config, load_config
from ..errors import CarbongapError, StageError, StrictError
from ..progress import ProgressFactory, null_progress
from ..stagekit.capabilities import Capability, CapabilityState, probe
from ..stagekit.checkpoints import NO_CHECKPOINTS
from ..stagekit.stage import (
    CACHED,
    DONE,
    FAILED,
    SKIPPED,
    Stage,
    StageResult,
    StageRun,
    closure,
    warning_notes,
)
from ..stagekit.writer import OutputWriter, require_folder
from . import manifest, transaction
from .cache import StageCache, stage_key
from .provenance import ConfigOrigin, InputFile, describe_inputs, input_hashes, stage_code_hash
from .registry import DEFAULT_FILES, STAGES

logger = logging.getLogger("carbongap")

DEFAULT_OUT = Path("replication/output")
#: How the reason of a stage skipped because a stage it needs did not succeed begins.
BLOCKED = "needs stage"


@dataclass
class RunSummary:
    """The outcome of a run: per-stage statuses and every file written.

    ``folder`` is where this run's files are: ``out`` when it succeeded, else the
    ``OUT.failed`` folder with its log and partial outputs (``out`` is then untouched).
    """

    out: Path
    stages: list[StageRun] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)
    folder: Path | None = None

    @property
    def ok(self) -> bool:
        """True when no stage failed."""
        return all(s.status != FAILED for s in self.stages)

    @property
    def warnings(self) -> list[str]:
        """Every warning of the run, as ``stage: text``: the stages' warnings and the stages
        skipped for a missing capability (R). A stage skipped because one it needs failed
        is a consequence of that failure, reported as such, not a warning."""
        found = []
        for run in self.stages:
            if run.status == SKIPPED and not run.reason.startswith(BLOCKED):
                found.append(f"{run.name}: skipped, {run.reason}")
            found.extend(f"{run.name}: {text}" for text in run.warnings)
        return found

    def status(self, name: str) -> str:
        """Status of a stage in this run ('' when it was not part of it)."""
        return next((s.status for s in self.stages if s.name == name), "")


def _attach_log(out: Path, level: int) -> logging.Handler:
    handler = logging.FileHandler(out / "carbongap.log", mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(levelname)-7s %(message)s"))
    handler.setLevel(level)
    logger.addHandler(handler)
    logger.setLevel(min(logger.level or logging.INFO, level))
    return handler


def _blocked_by(stage: Stage, runs: Mapping[str, StageRun]) -> str:
    for need in stage.needs:
        run = runs.get(need)
        if run is None or run.status in (FAILED, SKIPPED):
            why = run.status if run else "not run"
            return f"{BLOCKED} '{need}' ({why})"
    return ""


@dataclass
class _Run:
    """The state of one run while its stages execute."""

    config: Config
    cache: StageCache
    writer: OutputWriter
    progress: ProgressFactory
    inputs: dict[str, InputFile]
    required: frozenset[str]
    capability_registry: dict[str, Capability] | None
    registry: tuple[Stage, ...] = ()  #: every stage the run was given, in order
    results: dict[str, StageResult] = field(default_factory=dict)
    runs: dict[str, StageRun] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    capabilities: dict[str, CapabilityState] = field(default_factory=dict)

    def capability(self, name: str) -> CapabilityState:
        """The capability's state, probed once per run."""
        if name not in self.capabilities:
            self.capabilities[name] = probe(name, self.capability_registry)
        return self.capabilities[name]


def run_pipeline(
    config: Config,
    *,
    targets: Sequence[str] | None = None,
    out: str | Path = DEFAULT_OUT,
    use_cache: bool = True,
    progress: ProgressFactory = null_progress,
    registry: Sequence[Stage] = STAGES,
    origin: ConfigOrigin | None = None,
    capabilities: dict[str, Capability] | None = None,
) -> RunSummary:
    """Run the named stages (default: all) and what they need; write outputs to ``out``.

    A stage that raises is recorded as failed with its message, stages that need it are
    skipped, and the run goes on with the others; ``RunSummary.ok`` tells the caller.
    A stage whose required capability is missing is skipped with the reason and how to
    install it, or failed when ``[run] require_r`` asks for R. ``registry`` is the list
    of stages and ``capabilities`` the capability probes (tests pass their own).
    ``origin`` says where the configuration came from (file and command-line overrides),
    for the manifest.
    """
    out = require_folder(Path(out))
    plan = (closure(targets, registry) if targets
            else tuple(s for s in registry if s.in_full_run(config)))
    with transaction.output_lock(out):
        recovered = transaction.recover(out)
        staging = transaction.start_staging(out)
        handler = _attach_log(staging, logging.INFO)
        try:
            for line in recovered:
                logger.info("%s", line)
            summary = _run_plan(plan, config, out, staging, use_cache, progress, origin,
                                capabilities, tuple(registry))
        finally:
            logger.removeHandler(handler)
            handler.close()
        if summary.ok:
            transaction.publish(staging, out)
            summary.folder = out
        else:
            summary.folder = transaction.keep_failed(staging, out)
    summary.paths = [summary.folder / p.relative_to(staging) for p in summary.paths]
    return summary


def _run_plan(plan: Sequence[Stage], config: Config, out: Path, staging: Path,
              use_cache: bool, progress: ProgressFactory, origin: ConfigOrigin | None,
              capabilities: dict[str, Capability] | None, registry: tuple[Stage, ...]
              ) -> RunSummary:
    """Every stage of ``plan`` and the run's own files, written into ``staging``; the stage
    cache is ``out/.cache`` (entries are atomic and keyed, so a killed run's are reused)."""
    options = [option for s in plan for option in s.files]
    run = _Run(config, StageCache(out / ".cache", enabled=use_cache), OutputWriter(staging),
               progress, describe_inputs(config, options, DEFAULT_FILES),
               frozenset({"R"} if config.run.require_r else ()), capabilities, registry)
    for stage in plan:
        run.runs[stage.name] = _run_stage(stage, run)
    writer = run.writer
    detail = attrition.combine(r.attrition for r in run.results.values())
    writer.table("attrition.csv", attrition.summarise(detail))
    writer.table("attrition_detail.csv", detail)
    writer.text("config.resolved.toml", config.to_toml(results_only=True))
    summary = RunSummary(out, list(run.runs.values()))
    _write_manifest(run, summary, origin or ConfigOrigin())
    summary.paths = writer.paths
    return summary


def _missing_capability(stage: Stage, run: _Run) -> StageRun | None:
    """A skipped (or, when required, failed) run of ``stage`` if a capability is missing."""
    for name in stage.capabilities(run.config):
        state = run.capability(name)
        if state.available:
            continue
        if name in run.required:
            reason = (f"{name} unavailable ({state.reason}) and required "
                      f"(--require-{name.lower()}); install: {state.install}")
            logger.error("stage %s failed: %s", stage.name, reason)
            return StageRun(stage.name, FAILED, reason=reason)
        reason = f"{name} unavailable ({state.reason}); install: {state.install}"
        logger.warning("stage %s: skipped, %s", stage.name, reason)
        return StageRun(stage.name, SKIPPED, reason=reason)
    return None


def _lock_warnings(stage: Stage, run: _Run) -> list[str]:
    """The stage's capabilities whose versions differ from the lock, logged as warnings."""
    found = [text for name in stage.capabilities(run.config)
             for text in run.capability(name).lock_mismatches()]
    for text in found:
        logger.warning("stage %s: %s", stage.name, text)
    return found


def _run_stage(stage: Stage, run: _Run) -> StageRun:
    blocked = _blocked_by(stage, run.runs)
    if blocked:
        logger.warning("stage %s: skipped, %s", stage.name, blocked)
        return StageRun(stage.name, SKIPPED, reason=blocked)
    missing = _missing_capability(stage, run)
    if missing is not None:
        return missing
    upstream_names = list(run.results) if stage.sees_all else list(stage.needs)
    start = time.perf_counter()
    try:
        key = stage_key(stage.name, stage_code_hash(str(stage.module)),
                        run.config.section_hash(stage.sections),
                        [run.keys[n] for n in upstream_names if n in run.keys],
                        input_hashes(run.inputs, stage.files),
                        {n: run.capability(n).versions
                         for n in stage.capabilities(run.config)})
        result = run.cache.load(stage.name, key) if stage.cache else None
        status = CACHED if result is not None else DONE
        if result is None:
            checkpoints = run.cache.checkpoints(stage.name, key) if stage.cache \
                else NO_CHECKPOINTS
            ctx = stage.context(run.config, {n: run.results[n] for n in upstream_names},
                                progress=run.progress, runs=dict(run.runs),
                                inputs=run.inputs, capabilities=dict(run.capabilities),
                                stages=run.registry, checkpoints=checkpoints)
            result = stage.compute(ctx)
            if stage.cache:
                run.cache.save(stage.name, key, result)
                checkpoints.clear()
        warnings = (*_lock_warnings(stage, run), *warning_notes(result.notes))
        if warnings and run.config.run.strict:
            raise StrictError(f"{len(warnings)} warning(s) with --strict ([run] strict); the "
                              f"first: {warnings[0]}")
        stage.write(result, run.writer, run.config)
    except Exception as exc:
        reason = str(exc) if isinstance(exc, CarbongapError) else (
            f"{type(exc).__name__}: {exc}")
        logger.error("stage %s failed: %s", stage.name, reason)
        if not isinstance(exc, CarbongapError):
            logger.error("%s", traceback.format_exc())
        return StageRun(stage.name, FAILED, "", time.perf_counter() - start, reason)
    run.results[stage.name] = result
    run.keys[stage.name] = key
    for note in result.notes:
        logger.info("%s: %s", stage.name, note)
    seconds = time.perf_counter() - start
    logger.info("stage %s: %s in %.2f s", stage.name, status, seconds)
    return StageRun(stage.name, status, key, seconds, warnings=warnings)


def _write_manifest(run: _Run, summary: RunSummary, origin: ConfigOrigin) -> None:
    """``manifest.json``; R is described only when a stage of the run probed it."""
    r_state = run.capabilities.get("R")
    if r_state is None:
        r: dict[str, str] | str = "not used by the stages of this run"
    else:
        r = r_state.versions if r_state.available else f"not available: {r_state.reason}"
    stages = [{"name": s.name, "status": s.status, "key": s.key, "seconds": round(s.seconds, 3),
               "reason": s.reason} for s in summary.stages]
    data = manifest.build(run.writer.written, run.config, stages, r, origin, run.inputs)
    run.writer.text("manifest.json", manifest.to_json(data))


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
        When a stage fails (the first failure, with its reason).
    """
    overrides = (f"data={data}",) if data is not None else ()
    if isinstance(config, Config):
        origin = ConfigOrigin(None, overrides, "a Config object passed to replicate() "
                              "(its values: config.resolved.toml)")
    else:
        origin = ConfigOrigin(config, overrides)
        config = load_config(config)
    if data is not None:
        config = dataclasses.replace(config, data=dataclasses.replace(config.data,
                                                                      panel=str(data)))
    summary = run_pipeline(config, out=out or DEFAULT_OUT, origin=origin)
    for stage_run in summary.stages:
        if stage_run.status == FAILED:
            raise StageError(stage_run.name, stage_run.reason)
    return summary.paths


__all__ = ["DEFAULT_OUT", "RunSummary", "StageRun", "replicate", "run_pipeline"]
