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


#: What :func:`describe_inputs` says of one file.
InputFile = dict[str, str | int]


def describe_inputs(config: Config) -> dict[str, InputFile]:
    """Every existing file the configuration names, keyed ``section.option``: the path as
    configured, its absolute path, its size in bytes and its sha256.

    A run calls this once, so each input file is read and hashed once.
    """
    found = {}
    for options in FILE_OPTIONS.values():
        for section, key in options:
            value = getattr(getattr(config, section), key)
            if value and Path(value).is_file():
                path = Path(value)
                found[f"{section}.{key}"] = {"path": str(path), "resolved": str(path.resolve()),
                                             "bytes": path.stat().st_size,
                                             "sha256": file_sha256(path)}
    return dict(sorted(found.items()))


def stage_input_hashes(inputs: dict[str, InputFile], stage: str) -> dict[str, str]:
    """sha256 of each file ``stage`` reads, from :func:`describe_inputs` (part of the
    stage's cache key)."""
    options = (f"{section}.{key}" for section, key in FILE_OPTIONS.get(stage, ()))
    return {option: str(inputs[option]["sha256"]) for option in options if option in inputs}
