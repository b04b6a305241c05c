"""``carbongap verify``: check a run folder against its manifest, or rerun it and compare.

:func:`verify_folder` rechecks every output ``manifest.json`` lists (size, then sha256) and
names each changed, missing or unlisted file; hidden files (the stage cache ``.cache/``,
``.gitkeep``) and the run's own ``manifest.json`` and ``carbongap.log`` are not outputs.
:func:`rerun_folder` is the journal's replication check: it reruns the recorded
configuration (``config.resolved.toml``) on the recorded inputs (each checked against its
sha256 first) into a temporary folder, without the stage cache, and compares every output
with the file in the run folder, byte for byte.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import load_config
from ..errors import ConfigError
from ..progress import ProgressFactory, null_progress
from .provenance import file_sha256, from_portable_path
from .transaction import RUN_FILES


@dataclass(frozen=True)
class Verification:
    """The files of a run folder that differ from what they should be, by kind."""

    folder: Path
    checked: int
    changed: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    unlisted: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """True when every file matches."""
        return not (self.changed or self.missing or self.unlisted)

    def lines(self) -> list[str]:
        """One line per file that does not match, then the verdict."""
        found = [f"{kind}: {name}" for kind, names in (("changed", self.changed),
                                                       ("missing", self.missing),
                                                       ("unlisted", self.unlisted))
                 for name in names]
        bad = len(found)
        verdict = (f"{self.folder}: all {self.checked} files match" if not bad else
                   f"{self.folder}: {bad} of the files do not match ({len(self.changed)} "
                   f"changed, {len(self.missing)} missing, {len(self.unlisted)} unlisted)")
        return [*found, *self.notes, verdict]


def read_manifest(out: Path) -> dict[str, Any]:
    """The run folder's manifest; ConfigError when it is absent or unreadable."""
    path = out / "manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path} not found: {out} is not a finished carbongap run") from None
    except ValueError as exc:
        raise ConfigError(f"{path} is not valid JSON ({exc})") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("outputs"), dict):
        raise ConfigError(f"{path} lists no outputs: not a carbongap manifest")
    return manifest


def _present(out: Path) -> list[str]:
    """Every file under ``out`` that could be an output: not hidden, not a run file."""
    found = []
    for folder, dirs, files in os.walk(out):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            rel = (Path(folder) / name).relative_to(out).as_posix()
            if not name.startswith(".") and rel not in RUN_FILES:
                found.append(rel)
    return found


def check_listed(out: Path, digests: Mapping[str, str], sizes: Mapping[str, int]
                 ) -> tuple[list[str], list[str]]:
    """(changed, missing): the files of ``digests`` (path relative to ``out`` -> sha256)
    whose size (where ``sizes`` records it) or sha256 differs, and those absent."""
    changed, missing = [], []
    for rel, digest in sorted(digests.items()):
        path = out / rel
        if not path.is_file():
            missing.append(rel)
        elif (rel in sizes and path.stat().st_size != sizes[rel]) or file_sha256(path) != digest:
            changed.append(rel)
    return changed, missing


def _verify(out: Path, manifest: Mapping[str, Any]) -> Verification:
    outputs: Mapping[str, str] = manifest["outputs"]
    changed, missing = check_listed(out, outputs, manifest.get("output_bytes", {}))
    unlisted = [rel for rel in _present(out) if rel not in outputs]
    return Verification(out, len(outputs), tuple(changed), tuple(missing), tuple(unlisted))


def verify_folder(out: str | Path) -> Verification:
    """Check every output the manifest of ``out`` lists (module docstring)."""
    return _verify(Path(out), read_manifest(Path(out)))


def _changed_inputs(manifest: Mapping[str, Any]) -> list[str]:
    problems = []
    for option, info in sorted(manifest.get("inputs", {}).items()):
        path = from_portable_path(str(info["path"]))
        if not path.is_file():
            problems.append(f"{option}: {path} not found (run verify from the folder the run "
                            "was started in)")
        elif file_sha256(path) != info["sha256"]:
            problems.append(f"{option}: {path} differs from the file the run read (sha256)")
    return problems


def rerun_folder(out: str | Path, progress: ProgressFactory = null_progress) -> Verification:
    """Rerun the run in ``out`` into a temporary folder and compare (module docstring)."""
    from .runner import run_pipeline

    out = Path(out)
    manifest = read_manifest(out)
    checked = _verify(out, manifest)
    problems = _changed_inputs(manifest)
    if problems:
        raise ConfigError(f"cannot rerun {out}: its inputs changed: {'; '.join(problems)}")
    config = load_config(out / "config.resolved.toml")
    stages = [s["name"] for s in manifest.get("stages", [])]
    with tempfile.TemporaryDirectory(prefix="carbongap-verify-") as folder:
        again = Path(folder) / "rerun"
        summary = run_pipeline(config, targets=stages or None, out=again, use_cache=False,
                               progress=progress)
        rerun = read_manifest(summary.folder or again)["outputs"]
        notes = [f"rerun stage {run.name}: {run.status} ({run.reason})"
                 for run in summary.stages if run.status not in ("done", "cached")
                 and run.reason]
        present = set(_present(out))
        # a listed file the check above found intact has the recorded sha256: no re-hash
        recorded = {rel: digest for rel, digest in manifest["outputs"].items()
                    if rel not in checked.changed}
        changed = [rel for rel, digest in sorted(rerun.items())
                   if rel in present
                   and (recorded.get(rel) or file_sha256(out / rel)) != digest]
        missing = [rel for rel in sorted(rerun) if rel not in present]
        unlisted = [rel for rel in sorted(present) if rel not in rerun]
    changed = sorted(set(changed) | set(checked.changed))
    return Verification(out, len(rerun), tuple(changed), tuple(missing), tuple(unlisted),
                        tuple(f"note: {n}" for n in notes))
