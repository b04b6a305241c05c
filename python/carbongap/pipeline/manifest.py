"""manifest.json: checksums of every input and output, the configuration, versions, seeds,
timings.

``outputs`` maps each file of the run folder (path relative to it; every output of a run
lives there) to its sha256, and ``output_bytes`` to its size (``carbongap verify`` checks
both). A later run into the same folder drops exactly the files listed
and keeps every other file (:mod:`carbongap.pipeline.transaction`).
"""

from __future__ import annotations

import json
import platform
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .._version import __version__
from ..config import Config
from ..stagekit.writer import Output
from .provenance import ConfigOrigin, InputFile, file_sha256, package_versions

#: Files in the run folder that are not outputs (not checksummed).
UNTRACKED: frozenset[str] = frozenset({"manifest.json", "carbongap.log"})


def _listed(outputs: Iterable[Output]) -> dict[str, Path]:
    listed = {o.relpath: o.path for o in outputs}
    return {k: listed[k] for k in sorted(listed) if k not in UNTRACKED}


def checksums(outputs: Iterable[Output]) -> dict[str, str]:
    """sha256 of each output, keyed by its path relative to the run folder, sorted."""
    return {k: file_sha256(path) for k, path in _listed(outputs).items()}


def sizes(outputs: Iterable[Output]) -> dict[str, int]:
    """Size in bytes of each output, keyed as :func:`checksums`."""
    return {k: path.stat().st_size for k, path in _listed(outputs).items()}


def build(outputs: Iterable[Output], config: Config,
          stages: list[dict[str, Any]], r: Mapping[str, str] | str,
          origin: ConfigOrigin | None = None,
          inputs: Mapping[str, InputFile] | None = None) -> dict[str, Any]:
    """The manifest as a dict (written with sorted keys); ``inputs`` from
    :func:`carbongap.pipeline.provenance.describe_inputs`, ``r`` the R versions or why R
    was not used."""
    outputs = list(outputs)
    return {
        "carbongap": __version__,
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "packages": package_versions(),
        "r": r,
        "config_sha256": config.results_sha256(),
        "config_source": (origin or ConfigOrigin()).describe(),
        "run": config.to_dict()["run"],
        "seeds": {
            "synthetic_seed": config.data.synthetic_seed,
            "bootstrap_seed": config.inequality.bootstrap_seed,
            "regressions_seed": config.regressions.seed,
        },
        "inputs": dict(inputs or {}),
        "stages": stages,
        "outputs": checksums(outputs),
        "output_bytes": sizes(outputs),
    }


def to_json(manifest: Mapping[str, Any]) -> str:
    """Stable JSON text."""
    return json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
