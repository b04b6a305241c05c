"""Stage results of many configurations in one process, each distinct computation once.

The robustness grid (docs/methods.md §13) needs the regression panel under many
configurations that share most of their upstream: twelve specifications of the default
grid need eight DEA runs, not twelve, and the run's own results are the baseline's. An
:class:`Evaluator` computes a stage's result only for a configuration it has not seen: a
stage's memo key is its name, the hash of its configuration sections and the keys of the
stages it reads (as in the on-disk cache, :func:`carbongap.pipeline.cache.stage_key`, but
in memory: the code and the input files do not change within a run). It counts every
computation and every reuse.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping, Sequence

from ..config import Config
from .stage import Context, Stage, StageResult, closure


def memo_key(stage: Stage, config: Config, upstream: Sequence[str]) -> str:
    """sha256 of the stage's name, configuration sections and upstream keys."""
    blob = json.dumps({"stage": stage.name, "config": config.section_hash(stage.sections),
                       "upstream": list(upstream)}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


class Evaluator:
    """Results of the stages up to a target, for any configuration of a run.

    ``known`` are results already computed under ``base`` (the run's stages), reused for
    every configuration that gives them the same key. ``context`` is the run's stage
    context: its stages (the run's registry), inputs and capabilities are passed on, and
    ``[run]`` (workers, Dask) is the same for every configuration. ``computed`` and
    ``reused`` count stage executions and reuses by stage name.
    """

    def __init__(self, context: Context, known: Mapping[str, StageResult],
                 base: Config) -> None:
        self.context = context
        self.registry = tuple(context.stages)
        self.memo: dict[str, StageResult] = {}
        self.computed: Counter[str] = Counter()
        self.reused: Counter[str] = Counter()
        keys: dict[str, str] = {}
        for stage in self.registry:
            if stage.name in known and all(n in keys for n in stage.needs):
                keys[stage.name] = memo_key(stage, base, [keys[n] for n in stage.needs])
                self.memo[keys[stage.name]] = known[stage.name]

    def results(self, config: Config, target: str) -> dict[str, StageResult]:
        """The results of ``target`` and every stage it needs under ``config``."""
        keys: dict[str, str] = {}
        results: dict[str, StageResult] = {}
        for stage in closure([target], self.registry):
            key = memo_key(stage, config, [keys[n] for n in stage.needs])
            keys[stage.name] = key
            if key in self.memo:
                self.reused[stage.name] += 1
            else:
                ctx = stage.context(config, {n: results[n] for n in stage.needs},
                                    inputs=self.context.inputs,
                                    capabilities=self.context.capabilities,
                                    stages=self.registry)
                self.memo[key] = stage.compute(ctx)
                self.computed[stage.name] += 1
            results[stage.name] = self.memo[key]
        return results
