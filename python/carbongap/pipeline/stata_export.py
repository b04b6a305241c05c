"""``carbongap export stata``: the Stata exports of a finished run, from its output folder.

Reads the tables a run wrote (:data:`carbongap.exports.stata.SOURCES`) and its
``config.resolved.toml``, makes the exports (:func:`carbongap.exports.stata.stata_exports`),
writes them atomically into the run folder's ``stata/`` and updates the run's
``manifest.json`` so that it lists exactly the export files now present.
:func:`copy_stata` copies a finished run's exports to another folder (``make replicate``:
the repository's ``stata_exports/``).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd

from ..choices import RATIO_MEASURES
from ..config import load_config
from ..errors import ConfigError
from ..exports.stata import SOURCES, stata_exports
from ..io import atomic
from ..stagekit.writer import Output, require_folder
from ..tables.estimate import regression_options
from ..tables.specs import load_table_specs, select_tables
from .manifest import checksums, sizes, to_json
from .transaction import output_lock, publish, recover, start_staging
from .verify import check_listed, read_manifest

#: The run folder's subfolder of the Stata exports.
STATA = "stata"


def read_run_tables(out: Path) -> dict[str, pd.DataFrame]:
    """The run's tables; ConfigError naming every missing file and its stage."""
    missing = [f"{path} (stage {stage})" for stage, path in SOURCES.values()
               if not (out / path).is_file()]
    if missing:
        raise ConfigError(f"{out} is not a complete run folder: missing "
                          f"{', '.join(missing)}; run `carbongap replicate --out {out}` first")
    return {name: pd.read_csv(out / path) for name, (_, path) in SOURCES.items()}


def export_run_folder(out: str | Path) -> list[Path]:
    """Rewrite the Stata exports of the run in ``out`` into ``out/stata/``; returns the
    paths written."""
    out = Path(out)
    config_path = out / "config.resolved.toml"
    if not config_path.is_file():
        raise ConfigError(f"{config_path} not found: {out} is not a carbongap output folder")
    config = load_config(config_path)
    cfg = config.regressions
    specs = select_tables(load_table_specs(cfg.specs or None), cfg.tables)
    export = stata_exports(read_run_tables(out), specs, regression_options(cfg),
                           config_sha256=config.results_sha256(),
                           version=config.exports.stata_version,
                           index_form=config.productivity.index_form,
                           ratio=config.productivity.measure in RATIO_MEASURES)
    with output_lock(out):
        written = [atomic.write_bytes(out / STATA / name, content)
                   for name, content in export.files.items()]
        _update_manifest(out, export.files)
    return written


def _update_manifest(out: Path, files: dict[str, bytes]) -> None:
    path = out / "manifest.json"
    if not path.is_file():
        return
    manifest = json.loads(path.read_text(encoding="utf-8"))
    written = [Output(f"{STATA}/{name}", out / STATA / name) for name in files]
    for field, measure in (("outputs", checksums), ("output_bytes", sizes)):
        listed = {k: v for k, v in manifest.get(field, {}).items()
                  if not k.startswith(f"{STATA}/")}
        listed.update(measure(written))
        manifest[field] = dict(sorted(listed.items()))
    atomic.write_text(path, to_json(manifest))


def copy_stata(out: str | Path, dest: str | Path) -> list[Path]:
    """Copy the Stata exports of the finished run in ``out`` into the folder ``dest``.

    Every file of ``out/stata/`` is checked against the run's ``manifest.json`` first (a
    missing or changed file is an error naming it). ``dest`` is replaced as one step, as a
    run folder is (:mod:`carbongap.pipeline.transaction`): the copies are staged beside it
    and swapped in with a ``manifest.json`` listing them; its earlier exports are dropped
    and every other file in it (a README) is kept. Returns the paths written.
    """
    out, dest = Path(out), require_folder(Path(dest))
    manifest = read_manifest(out)
    exports = {rel: digest for rel, digest in manifest["outputs"].items()
               if rel.startswith(f"{STATA}/")}
    if not exports:
        raise ConfigError(f"the run in {out} has no Stata exports (its manifest lists no "
                          f"{STATA}/ files); run the exports stage first")
    bad, absent = check_listed(out, exports, manifest.get("output_bytes", {}))
    changed = sorted(rel.removeprefix(f"{STATA}/") for rel in (*bad, *absent))
    listed = {rel.removeprefix(f"{STATA}/"): digest for rel, digest in exports.items()}
    if changed:
        raise ConfigError(f"{out / STATA} does not match the run's manifest (missing or "
                          f"changed: {', '.join(changed)}); rerun the exports")
    with output_lock(dest):
        recover(dest)
        staging = start_staging(dest)
        for name in sorted(listed):
            shutil.copyfile(out / STATA / name, staging / name)
        atomic.write_text(staging / "manifest.json", to_json(
            {"copied_from": f"{STATA}/ of the carbongap run whose manifest has these sha256",
             "outputs": dict(sorted(listed.items()))}))
        publish(staging, dest)
    return [dest / name for name in sorted(listed)]
