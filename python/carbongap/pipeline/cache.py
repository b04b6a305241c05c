"""On-disk cache of stage results, keyed by what the result depends on.

The key of a stage run (:func:`stage_key`) is a sha256 of: the stage's name, the hash of
the code its computation runs (:func:`carbongap.pipeline.provenance.stage_code_hash`), the
versions of the tracked libraries, the stage's configuration sections, the keys of the
stages it reads, the sha256 of the input files it reads, and, for a stage that requires a
capability (R), that capability's versions. Anything else, such as ``[run]`` (workers,
progress bars), never invalidates a result.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..io import atomic
from ..stagekit.checkpoints import Checkpoints
from ..stagekit.stage import StageResult
from .provenance import package_versions


def stage_key(name: str, code: str, config_hash: str, upstream: Sequence[str],
              inputs: Mapping[str, str],
              capabilities: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """The cache key of a stage run (module docstring)."""
    blob = json.dumps({"stage": name, "code": code, "libraries": package_versions(),
                       "config": config_hash, "upstream": list(upstream),
                       "inputs": dict(inputs), "capabilities": dict(capabilities or {})},
                      sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


class StageCache:
    """Pickled stage results under ``<out>/.cache``; ``enabled=False`` never reads."""

    def __init__(self, root: str | Path, enabled: bool = True) -> None:
        self.root = Path(root)
        self.enabled = enabled

    def _path(self, name: str, key: str) -> Path:
        return self.root / f"{name}-{key[:24]}.pkl"

    def load(self, name: str, key: str) -> StageResult | None:
        """The cached result, or None when absent, disabled or unreadable."""
        path = self._path(name, key)
        if not self.enabled or not path.is_file():
            return None
        try:
            with path.open("rb") as handle:
                result = pickle.load(handle)
        except Exception:  # any unreadable cache entry is recomputed, never trusted
            return None
        return result if isinstance(result, StageResult) else None

    def checkpoints(self, name: str, key: str) -> Checkpoints:
        """Where the stage run ``key`` keeps its finished pieces (:mod:`carbongap.stagekit.
        checkpoints`): ``partial/<name>-<key>`` under the cache; nothing when disabled."""
        return Checkpoints(self.root / "partial" / f"{name}-{key[:24]}"
                           if self.enabled else None)

    def save(self, name: str, key: str, result: StageResult) -> None:
        """Store a result atomically."""
        atomic.write_bytes(self._path(name, key), pickle.dumps(result, protocol=5))
