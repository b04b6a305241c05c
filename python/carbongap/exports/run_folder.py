"""``carbongap export stata``: the Stata exports of a finished run, from its output folder.

Reads the tables a run wrote (:data:`carbongap.exports.stata.SOURCES`) and its
``config.resolved.toml``, makes the exports (:func:`carbongap.exports.stata.stata_exports`),
writes them atomically into the Stata folder and the run folder's ``stata/``, and updates
the run's
``manifest.json`` so that it lists exactly the export files now present.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..config import load_config
from ..errors import ConfigError
from ..io import atomic
from ..pipeline.manifest import to_json
from ..pipeline.provenance import config_sha256, file_sha256
from ..tables.specs import load_table_specs, select_tables
from .stata import SOURCES, stata_exports


def read_run_tables(out: Path) -> dict[str, pd.DataFrame]:
    """The run's tables; ConfigError naming every missing file and its stage."""
    missing = [f"{path} (stage {stage})" for stage, path in SOURCES.values()
               if not (out / path).is_file()]
    if missing:
        raise ConfigError(f"{out} is not a complete run folder: missing "
                          f"{', '.join(missing)}; run `carbongap replicate --out {out}` first")
    return {name: pd.read_csv(out / path) for name, (_, path) in SOURCES.items()}


def export_run_folder(out: str | Path, stata_dir: str | Path | None = None) -> list[Path]:
    """Write the Stata exports of the run in ``out``; returns the paths written."""
    out = Path(out)
    config_path = out / "config.resolved.toml"
    if not config_path.is_file():
        raise ConfigError(f"{config_path} not found: {out} is not a carbongap output folder")
    config = load_config(config_path)
    cfg = config.regressions
    specs = select_tables(load_table_specs(cfg.specs or None), cfg.tables)
    export = stata_exports(read_run_tables(out), specs, cfg.taus, se=cfg.se,
                           cluster=cfg.cluster, reps=cfg.boot_reps, seed=cfg.seed,
                           config_sha256=config_sha256(config),
                           version=config.exports.stata_version)
    folder = Path(stata_dir if stata_dir is not None else config.exports.stata_dir)
    written = []
    for name, content in export.files.items():
        written.append(atomic.write_bytes(folder / name, content))
        written.append(atomic.write_bytes(out / "stata" / name, content))
    _update_manifest(out, folder, export.files)
    return written


def _update_manifest(out: Path, folder: Path, files: dict[str, bytes]) -> None:
    path = out / "manifest.json"
    if not path.is_file():
        return
    manifest = json.loads(path.read_text(encoding="utf-8"))
    outputs = {k: v for k, v in manifest.get("outputs", {}).items()
               if not k.startswith("stata/")}
    outputs.update({f"stata/{name}": file_sha256(out / "stata" / name) for name in files})
    manifest["outputs"] = dict(sorted(outputs.items()))
    manifest.setdefault("roots", {})["exports"] = {
        "path": str(folder), "resolved": str(folder.resolve()),
        "outputs": {name: file_sha256(folder / name) for name in sorted(files)}}
    atomic.write_text(path, to_json(manifest))
