"""manifest.json: checksums of every input and output, the configuration, versions, seeds,
timings.

Outputs are listed per root: ``outputs`` maps each file of the run folder (path relative
to it) to its sha256, and ``roots`` gives every other output root (for instance the Stata
export folder) with its path and its own ``outputs`` map. A later run reads this to remove
exactly the files listed, root by root.
"""

from __future__ import annotations

import json
import platform
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .._version import __version__
from ..config import Config
from .provenance import ConfigOrigin, InputFile, config_sha256, file_sha256, package_versions
from .writer import OUT, Output

#: Files in the run folder that are not outputs (not checksummed).
UNTRACKED: frozenset[str] = frozenset({"manifest.json", "carbongap.log"})


def checksums(outputs: Iterable[Output], root: str) -> dict[str, str]:
    """sha256 of each output of ``root``, keyed by its path relative to the root, sorted."""
    listed = {o.relpath: o.path for o in outputs if o.root == root}
    skip = UNTRACKED if root == OUT else frozenset()
    return {k: file_sha256(listed[k]) for k in sorted(listed) if k not in skip}


def build(roots: Mapping[str, Path], outputs: Iterable[Output], config: Config,
          stages: list[dict[str, Any]], r: Mapping[str, str] | str,
          origin: ConfigOrigin | None = None,
          inputs: Mapping[str, InputFile] | None = None) -> dict[str, Any]:
    """The manifest as a dict (written with sorted keys); ``inputs`` from
    :func:`carbongap.pipeline.provenance.describe_inputs`, ``r`` the R versions or why R
    was not used."""
    outputs = list(outputs)
    others = {name: {"path": str(path), "resolved": str(path.resolve()),
                     "outputs": checksums(outputs, name)}
              for name, path in sorted(roots.items()) if name != OUT}
    return {
        "carbongap": __version__,
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "packages": package_versions(),
        "r": r,
        "config_sha256": config_sha256(config),
        "config_source": (origin or ConfigOrigin()).describe(),
        "run": config.to_dict()["run"],
        "seeds": {
            "synthetic_seed": config.data.synthetic_seed,
            "bootstrap_seed": config.inequality.bootstrap_seed,
            "regressions_seed": config.regressions.seed,
        },
        "inputs": dict(inputs or {}),
        "stages": stages,
        "outputs": checksums(outputs, OUT),
        "roots": others,
    }


def listed_outputs(manifest: Mapping[str, Any], out: Path) -> dict[Path, list[str]]:
    """The files a manifest lists, by the folder of their root: the run folder ``out``
    and each other root's recorded absolute path."""
    found: dict[Path, list[str]] = {out: list(manifest.get("outputs", {}))}
    for info in manifest.get("roots", {}).values():
        if isinstance(info, Mapping) and "resolved" in info:
            found[Path(info["resolved"])] = list(info.get("outputs", {}))
    return found


def to_json(manifest: Mapping[str, Any]) -> str:
    """Stable JSON text."""
    return json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
