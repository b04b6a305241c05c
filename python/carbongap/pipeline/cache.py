"""On-disk cache of stage results keyed by inputs, configuration and code (SPEC section 2)."""

from __future__ import annotations

import hashlib
import json
import pickle
from functools import cache
from pathlib import Path

from ..io import atomic
from .stage import StageResult

#: File types that make up the package's behaviour (code and the data it reads).
CODE_SUFFIXES: frozenset[str] = frozenset({".py", ".csv", ".R", ".toml"})


def file_sha256(path: str | Path) -> str:
    """sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@cache
def code_hash() -> str:
    """sha256 over the package's source and data files (relative path and bytes).

    Any change to the code changes every cache key, so a cached result is never
    reused across code versions.
    """
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.suffix in CODE_SUFFIXES and p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def stage_key(name: str, config_hash: str, upstream: list[str], inputs: dict[str, str]) -> str:
    """The cache key of a stage run: stage, code, library versions, configuration,
    upstream keys and input files. A new numpy, pandas or HiGHS never reuses old results."""
    from .manifest import package_versions

    blob = json.dumps({"stage": name, "code": code_hash(), "libraries": package_versions(),
                       "config": config_hash, "upstream": upstream, "inputs": inputs},
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

    def save(self, name: str, key: str, result: StageResult) -> None:
        """Store a result atomically."""
        atomic.write_bytes(self._path(name, key), pickle.dumps(result, protocol=5))
