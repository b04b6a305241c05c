"""Transactional output folders: a run never removes or alters a completed run's files.

A run aimed at the folder ``OUT`` (docs/architecture.md, "Output safety"):

1. takes the lock ``OUT.lock`` beside it (:func:`output_lock`; it names the holder's process
   and host; a lock whose process is gone is stale and taken over; a live one is refused);
2. recovers from an earlier run killed while swapping (:func:`recover`) and removes the
   staging folders earlier killed or failed runs left (``OUT.incomplete``, ``OUT.failed``;
   only folders carrying the :data:`MARKER` file are ever removed);
3. writes every output into the staging folder ``OUT.incomplete`` (same parent, so the same
   file system), which holds the :data:`MARKER` file while it is unfinished;
4. when every stage it ran succeeded, swaps the staging folder in (:func:`publish`):
   ``OUT`` becomes ``OUT.previous``, the staging folder becomes ``OUT``, and every file of
   the previous folder that its manifest did not list as an output (the stage cache, a
   user's own files) is moved into the new ``OUT``; then ``OUT.previous`` is removed. A run
   killed between the two renames leaves ``OUT.previous`` alone, which the next run renames
   back (step 2);
5. when a stage failed, renames the staging folder to ``OUT.failed`` (its log and partial
   outputs) and leaves ``OUT`` as it was.

The stage cache stays in ``OUT/.cache``: its entries are written atomically and keyed by
everything they depend on, so whole entries of a killed run are reused.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

from ..errors import CarbongapError

#: The file that marks a folder as an unfinished (or failed) carbongap run.
MARKER = "CARBONGAP_UNFINISHED_RUN.txt"
#: Files of a run folder that belong to the run without being listed as outputs.
RUN_FILES = ("manifest.json", "carbongap.log")


class OutputBusyError(CarbongapError):
    """Another live carbongap process holds the output folder's lock."""


def sibling(out: Path, suffix: str) -> Path:
    """``out`` with ``suffix`` added to its name, in the same parent folder."""
    return out.parent / f"{out.name}.{suffix}"


def staging_folder(out: Path) -> Path:
    """Where a run into ``out`` writes until it succeeds."""
    return sibling(out, "incomplete")


def failed_folder(out: Path) -> Path:
    """Where a failed run's log and partial outputs are kept (until the next run)."""
    return sibling(out, "failed")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by another user
        return True
    return True


def _holder(lock: Path) -> dict[str, object] | None:
    """The lock's holder (pid, host), or None when the lock file is unreadable."""
    try:
        data = json.loads(lock.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


@contextlib.contextmanager
def output_lock(out: Path) -> Iterator[Path]:
    """Hold ``OUT.lock`` while the block runs; refuse when a live process holds it.

    The lock file is created exclusively and holds ``{"pid", "host"}``. A lock left by a
    process of this host that no longer exists (a killed run) is stale: it is taken over.
    A lock of another host cannot be checked and is refused, with the file to remove.
    """
    lock = sibling(out, "lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    me = {"pid": os.getpid(), "host": socket.gethostname()}
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            holder = _holder(lock)
            pid = holder.get("pid") if holder else None
            same_host = holder is not None and holder.get("host") == me["host"]
            if same_host and isinstance(pid, int) and not _alive(pid):
                lock.unlink(missing_ok=True)  # stale: its process is gone
                continue
            who = (f"process {pid} on {holder.get('host')}" if holder
                   else "an unknown process")
            raise OutputBusyError(
                f"output folder {out} is in use by another carbongap run ({who}; lock file "
                f"{lock}); wait for it to finish, or delete the lock file if that process "
                "no longer runs") from None
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(me, handle)
        break
    else:  # pragma: no cover - two stale takeovers raced each other
        raise OutputBusyError(f"could not take the lock {lock}; retry")
    try:
        yield lock
    finally:
        lock.unlink(missing_ok=True)


def _listed(folder: Path) -> set[str]:
    """The relative paths a run folder's manifest lists as outputs, plus its run files."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        outputs = set(manifest.get("outputs", {}))
    except (OSError, ValueError, AttributeError):
        outputs = set()
    return outputs | set(RUN_FILES)


def _carry_over(previous: Path, new: Path) -> None:
    """Move every file of ``previous`` not listed by its manifest into ``new`` (not over a
    file of the new run), then remove ``previous``."""
    listed = _listed(previous)
    for folder, _, files in os.walk(previous):
        for name in files:
            source = Path(folder) / name
            rel = source.relative_to(previous).as_posix()
            target = new / rel
            if rel in listed or target.exists():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
    shutil.rmtree(previous)


def _remove_marked(folder: Path) -> bool:
    """Remove ``folder`` if it is a carbongap staging folder (it holds :data:`MARKER`)."""
    if (folder / MARKER).is_file():
        shutil.rmtree(folder)
        return True
    return False


def recover(out: Path) -> list[str]:
    """Finish or undo a swap a killed run left; remove killed and failed runs' staging
    folders. Returns what was done, for the log. Call with the lock held."""
    done = []
    previous = sibling(out, "previous")
    if previous.is_dir():
        if out.exists():
            _carry_over(previous, out)
            done.append(f"finished moving the files of {previous} into {out}")
        else:
            os.replace(previous, out)
            done.append(f"restored {out} from {previous} (a run was killed while swapping)")
    for folder in (staging_folder(out), failed_folder(out)):
        if _remove_marked(folder):
            done.append(f"removed {folder} (left by an earlier killed or failed run)")
    return done


def start_staging(out: Path) -> Path:
    """A fresh, empty staging folder for a run into ``out``, marked unfinished."""
    staging = staging_folder(out)
    if staging.exists() and not _remove_marked(staging):
        raise CarbongapError(f"{staging} exists and is not a carbongap staging folder; "
                             "move it away so that the run can stage its outputs there")
    staging.mkdir(parents=True)
    (staging / MARKER).write_text(
        f"This folder is an unfinished carbongap run (process {os.getpid()}) into "
        f"{out.name}. The outputs in {out.name} are untouched; the next run into it removes "
        "this folder.\n", encoding="utf-8")
    return staging


def publish(staging: Path, out: Path) -> None:
    """Swap the finished ``staging`` folder in as ``out`` (module docstring, step 4)."""
    (staging / MARKER).unlink()
    previous = sibling(out, "previous")
    if out.exists():  # a folder: the callers refuse a file (writer.require_folder)
        os.replace(out, previous)
        os.replace(staging, out)
        _carry_over(previous, out)
    else:
        os.replace(staging, out)


def keep_failed(staging: Path, out: Path) -> Path:
    """Rename a failed run's staging folder to ``OUT.failed`` and mark it so."""
    failed = failed_folder(out)
    if failed.exists():
        _remove_marked(failed)
    (staging / MARKER).write_text(
        f"This folder holds a failed carbongap run into {out.name}: its log (carbongap.log) "
        f"and partial outputs. The outputs in {out.name} are untouched; the next run into it "
        "removes this folder.\n", encoding="utf-8")
    os.replace(staging, failed)
    return failed
