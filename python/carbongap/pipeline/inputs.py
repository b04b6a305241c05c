"""The files a run reads, named by configuration options, and their checksums (SPEC section 8).

Their bytes enter the cache key of the stage that reads them (an edited file is never
served from the cache), and their paths, sizes and sha256 go into ``manifest.json`` and
REPORT.md so a replication checker can confirm that the same inputs were used.
"""

from __future__ import annotations

from pathlib import Path

from ..config import Config
from .cache import file_sha256

#: Configuration values that may name files a stage reads, by stage. A value that is
#: not an existing file (a built-in factor set such as ``paper``, or no panel: the
#: synthetic default) is not an input file.
FILE_OPTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "validate": (("data", "panel"), ("data", "provinces")),
    "accounting": (("accounting", "factors"), ("accounting", "grid_factors")),
}


def input_files(config: Config, stage: str | None = None) -> dict[str, Path]:
    """Existing files named by the configuration, keyed ``section.option``.

    ``stage`` limits them to what that stage reads; None gives every stage's.
    """
    stages = [stage] if stage is not None else list(FILE_OPTIONS)
    found = {}
    for name in stages:
        for section, key in FILE_OPTIONS.get(name, ()):
            value = getattr(getattr(config, section), key)
            if value and Path(value).is_file():
                found[f"{section}.{key}"] = Path(value)
    return found


def input_hashes(config: Config, stage: str) -> dict[str, str]:
    """sha256 of each file the stage reads (part of its cache key)."""
    return {option: file_sha256(path) for option, path in input_files(config, stage).items()}


def describe_inputs(config: Config) -> dict[str, dict[str, str | int]]:
    """Every input file: the path as configured, its absolute path, size in bytes, sha256."""
    return {option: {"path": str(path), "resolved": str(path.resolve()),
                     "bytes": path.stat().st_size, "sha256": file_sha256(path)}
            for option, path in sorted(input_files(config).items())}
