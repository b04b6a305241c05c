"""A failed or killed run never removes or alters a completed run's files (transactional
output folders, :mod:`carbongap.pipeline.transaction`).

The end-to-end tests run ``carbongap`` in child processes (each bounded by a timeout and
killed in teardown): a finished run, then a bad-data run, runs killed with SIGKILL during
the productivity stage, the regressions and the exports, all into the same folder; after each,
every file the first run's manifest lists is present with its sha256, and a final run
completes.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from carbongap.errors import CarbongapError
from carbongap.pipeline import transaction
from carbongap.pipeline.provenance import file_sha256
from carbongap.pipeline.transaction import MARKER, OutputBusyError
from child_runs import kill_when

SMALL = ["--set", "data.synthetic_cities=30", "--set", "inequality.bootstrap_draws=19",
         "--set", "regressions.boot_reps=19", "--quiet"]
#: Seconds a child run may take (a 30-city run takes about 10 s here).
RUN_TIMEOUT = 300


def _env() -> dict[str, str]:
    return {**os.environ, "CARBONGAP_NO_R": "1", "MPLBACKEND": "Agg"}


def _carbongap(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "carbongap", *args], capture_output=True,
                          text=True, env=_env(), timeout=RUN_TIMEOUT, check=False)


def _kill_after(out: Path, line: str, *args: str) -> None:
    """Start a run into ``out`` and SIGKILL it as soon as its log holds ``line``."""
    log = transaction.staging_folder(out) / "carbongap.log"
    child = subprocess.Popen([sys.executable, "-m", "carbongap", "replicate", "--out", str(out),
                              "--no-cache", *SMALL, *args], env=_env(),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kill_when(child, lambda: log.is_file() and line in log.read_text(encoding="utf-8"),
              RUN_TIMEOUT, f"its log said {line!r}")


def _manifest_files(out: Path) -> dict[str, str]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return manifest["outputs"]


def _assert_intact(out: Path, listed: dict[str, str], manifest_bytes: bytes) -> None:
    assert (out / "manifest.json").read_bytes() == manifest_bytes
    changed = [rel for rel, digest in listed.items()
               if not (out / rel).is_file() or file_sha256(out / rel) != digest]
    assert changed == []


@pytest.mark.slow
def test_failed_and_killed_runs_leave_a_finished_run_untouched(tmp_path):
    out = tmp_path / "out"
    first = _carbongap("replicate", "--out", str(out), *SMALL)
    assert first.returncode == 0, first.stderr
    listed = _manifest_files(out)
    assert "REPORT.md" in listed and "stata/analysis_panel.dta" in listed
    manifest_bytes = (out / "manifest.json").read_bytes()
    (out / "notes.txt").write_text("my own notes\n", encoding="utf-8")

    # (a) bad data: validation fails; OUT is untouched, the failed run's files are kept.
    bad = tmp_path / "bad.csv"
    bad.write_text("city_code,year,gdp\n130100,2006,-1\n", encoding="utf-8")
    failed = _carbongap("replicate", "--out", str(out), "--data", str(bad), *SMALL)
    assert failed.returncode == 1
    _assert_intact(out, listed, manifest_bytes)
    assert "untouched" in failed.stderr and f"{out}.failed" in failed.stderr
    assert (tmp_path / "out.failed" / "carbongap.log").is_file()
    assert (tmp_path / "out.failed" / MARKER).is_file()

    # (b) killed during the productivity stage, then during the regressions, (c) killed
    # during the exports (each kill as soon as the stage before has logged its end).
    for line in ("stage inequality: done", "stage analysis_panel: done",
                 "stage crossval: skipped"):
        _kill_after(out, line)
        _assert_intact(out, listed, manifest_bytes)
        staging = transaction.staging_folder(out)
        assert (staging / MARKER).is_file(), line  # marked unfinished, kept until next run

    # The next run completes, removes the leftovers, keeps the user's file.
    again = _carbongap("replicate", "--out", str(out), *SMALL)
    assert again.returncode == 0, again.stderr
    assert _manifest_files(out) == listed  # the same outputs, byte for byte (timings differ)
    _assert_intact(out, listed, (out / "manifest.json").read_bytes())
    assert (out / "notes.txt").read_text(encoding="utf-8") == "my own notes\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "out"]
    log = (out / "carbongap.log").read_text(encoding="utf-8")
    assert "removed" in log and "left by an earlier killed or failed run" in log


def test_a_live_lock_is_refused_and_a_stale_one_taken_over(tmp_path):
    out = tmp_path / "out"
    lock = tmp_path / "out.lock"
    lock.write_text(json.dumps({"pid": os.getpid(), "host": socket.gethostname()}))
    with pytest.raises(OutputBusyError, match=rf"in use by another carbongap run \(process "
                       rf"{os.getpid()} on .*lock file {lock}"), transaction.output_lock(out):
        pass
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, timeout=60, check=True)
    lock.write_text(json.dumps({"pid": int(gone.stdout), "host": socket.gethostname()}))
    with transaction.output_lock(out) as held:
        assert json.loads(held.read_text())["pid"] == os.getpid()
    assert not lock.exists()


def test_a_cli_run_into_a_locked_folder_says_so(tmp_path):
    out = tmp_path / "out"
    (tmp_path / "out.lock").write_text(json.dumps({"pid": os.getpid(),
                                                   "host": socket.gethostname()}))
    done = _carbongap("run", "validate", "--out", str(out), *SMALL)
    assert done.returncode == 2
    assert "is in use by another carbongap run" in done.stderr
    assert "Traceback" not in done.stderr and not out.exists()


def test_a_swap_killed_between_its_renames_is_undone(tmp_path):
    out = tmp_path / "out"
    previous = tmp_path / "out.previous"
    previous.mkdir()
    (previous / "manifest.json").write_text('{"outputs": {"a.csv": "x"}}')
    (previous / "a.csv").write_text("1\n")
    with transaction.output_lock(out):
        done = transaction.recover(out)
    assert (out / "a.csv").read_text() == "1\n" and not previous.exists()
    assert "restored" in done[0]


def test_publish_drops_listed_outputs_and_carries_other_files(tmp_path):
    out = tmp_path / "out"
    (out / "tables").mkdir(parents=True)
    (out / "manifest.json").write_text('{"outputs": {"tables/old.csv": "x"}}')
    (out / "tables/old.csv").write_text("old\n")
    (out / "tables/mine.csv").write_text("mine\n")
    (out / ".cache").mkdir()
    (out / ".cache/s.pkl").write_bytes(b"p")
    staging = transaction.start_staging(out)
    (staging / "manifest.json").write_text('{"outputs": {"tables/new.csv": "y"}}')
    (staging / "tables").mkdir()
    (staging / "tables/new.csv").write_text("new\n")
    transaction.publish(staging, out)
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert files == [".cache/s.pkl", "manifest.json", "tables/mine.csv", "tables/new.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_an_unmarked_folder_is_never_removed(tmp_path):
    out = tmp_path / "out"
    mine = tmp_path / "out.incomplete"
    mine.mkdir()
    (mine / "keep.txt").write_text("not carbongap's")
    assert transaction.recover(out) == []
    with pytest.raises(CarbongapError, match="not a carbongap staging folder"):
        transaction.start_staging(out)
    assert (mine / "keep.txt").is_file()


def test_out_naming_a_file_is_one_line(tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("x")
    done = _carbongap("run", "validate", "--out", str(target), *SMALL)
    assert done.returncode == 2
    assert f"--out {target} is a file" in done.stderr and "Traceback" not in done.stderr
