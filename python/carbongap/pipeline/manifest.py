"""manifest.json: checksums of every input and output, the configuration, versions, seeds,
timings."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import platform
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .._version import __version__
from ..config import Config
from .cache import file_sha256
from .inputs import InputFile

#: Python distributions whose versions are recorded.
TRACKED_PACKAGES: tuple[str, ...] = (
    "numpy", "pandas", "scipy", "highspy", "statsmodels", "matplotlib", "pyreadstat",
    "openpyxl", "joblib", "dask", "distributed", "rpy2",
)

#: Files in the output folder that are not outputs (not checksummed).
UNTRACKED: frozenset[str] = frozenset({"manifest.json", "carbongap.log"})


@dataclass(frozen=True)
class ConfigOrigin:
    """Where a run's configuration came from: the TOML file read (None: none, see
    ``note``) and the overrides applied on top, as typed."""

    file: str | Path | None = None
    overrides: Sequence[str] = ()
    note: str = "built-in defaults (= paper.toml)"

    def describe(self) -> dict[str, Any]:
        """The file's path and sha256 (or the note) and the overrides."""
        if self.file is None:
            source: dict[str, Any] = {"file": None, "note": self.note}
        else:
            path = Path(self.file)
            source = {"file": str(path), "resolved": str(path.resolve()),
                      "sha256": file_sha256(path)}
        return {**source, "overrides": list(self.overrides)}


@cache
def package_versions() -> dict[str, str]:
    """Installed versions of the tracked packages ('not installed' otherwise)."""
    out = {}
    for name in TRACKED_PACKAGES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def checksums(root: Path, paths: Iterable[Path]) -> dict[str, str]:
    """sha256 of each output, keyed by its path relative to ``root``, sorted."""
    rel = {p.resolve().relative_to(root.resolve()).as_posix(): p for p in paths}
    return {k: file_sha256(rel[k]) for k in sorted(rel) if k not in UNTRACKED}


def build(root: Path, outputs: Iterable[Path], config: Config, stages: list[dict[str, Any]],
          r_versions: Mapping[str, str] | str, origin: ConfigOrigin = ConfigOrigin(),
          inputs: Mapping[str, InputFile] | None = None) -> dict[str, Any]:
    """The manifest as a dict (written with sorted keys); ``inputs`` from
    :func:`carbongap.pipeline.inputs.describe_inputs`."""
    config_text = config.to_toml(results_only=True)
    return {
        "carbongap": __version__,
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "packages": package_versions(),
        "r": r_versions,
        "config_sha256": hashlib.sha256(config_text.encode()).hexdigest(),
        "config_source": origin.describe(),
        "run": config.to_dict()["run"],
        "seeds": {
            "synthetic_seed": config.data.synthetic_seed,
            "bootstrap_seed": config.inequality.bootstrap_seed,
            "regressions_seed": config.regressions.seed,
        },
        "inputs": dict(inputs or {}),
        "stages": stages,
        "outputs": checksums(root, outputs),
    }


def to_json(manifest: Mapping[str, Any]) -> str:
    """Stable JSON text."""
    return json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
