"""Measure what a replicator needs: ``make measure``.

    python3 replication/measure.py [--skip-test]
    python3 replication/measure.py --render      (README's table from measured.json only)

Clones the committed ``HEAD`` into a temporary folder (a fresh clone, with nothing cached
in it) and, there, times ``make replicate``, a second (cached) ``carbongap replicate``
and, unless ``--skip-test``, ``make test``; it records the peak resident memory of the
largest process of each step, the disk the clone takes afterwards (tree, tox environments,
outputs) and the size of uv's download cache, and the machine (CPU model, cores, memory,
load average) and the date. The figures go to ``replication/measured.json``; the summary
table between the ``measure`` markers of README.md is rewritten from that file
(:func:`readme_table`), so the README's requirements are refreshed by rerunning this
script, never edited by hand. Uses the standard library, git and make only.
"""

from __future__ import annotations

import datetime
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
MEASURED = REPO / "replication" / "measured.json"
README = REPO / "README.md"
BEGIN = "<!-- measure:begin (written by make measure from replication/measured.json) -->"
END = "<!-- measure:end -->"
#: Seconds each measured step may take before it is stopped.
LIMITS = {"make replicate": 3600, "cached rerun": 600, "make test": 4800}


def _machine_module() -> Any:
    """python/carbongap/bench/machine.py, loaded by its path (it needs only the standard
    library, and this script runs before the package is installed)."""
    path = Path(__file__).resolve().parents[1] / "python" / "carbongap" / "bench" / "machine.py"
    spec = importlib.util.spec_from_file_location("carbongap_machine", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def folder_bytes(path: Path, seen: set[tuple[int, int]] | None = None) -> int:
    """Bytes on disk of the regular files under ``path``, each file once (uv hard-links
    one copy of a package into every environment, and from its cache): files whose
    (device, inode) is in ``seen`` are not counted again, and the others are added to it.
    Symbolic links are not followed."""
    seen = set() if seen is None else seen
    total = 0
    if not path.exists():
        return 0
    for item in path.rglob("*"):
        if item.is_symlink() or not item.is_file():
            continue
        stat = item.lstat()
        key = (stat.st_dev, stat.st_ino)
        if key not in seen:
            seen.add(key)
            total += stat.st_size
    return total


def uv_cache() -> Path:
    """uv's cache folder (UV_CACHE_DIR, else XDG_CACHE_HOME/uv, else ~/.cache/uv)."""
    if os.environ.get("UV_CACHE_DIR"):
        return Path(os.environ["UV_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "uv"


#: Runs a command and writes the peak resident memory (KiB) of the largest process it
#: started, as the kernel reports it for the waited-for descendants, to the file named
#: first; a process of its own per step, so each step's peak is its own.
_PEAK = ("import resource, subprocess, sys\n"
         "done = subprocess.run(sys.argv[2:])\n"
         "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
         "open(sys.argv[1], 'w').write(str(peak))\n"
         "sys.exit(done.returncode)\n")


def timed(command: list[str], cwd: Path, limit: int) -> dict[str, float]:
    """Run ``command`` in ``cwd``: its wall seconds and the peak resident memory (MiB) of
    the largest process it started."""
    with tempfile.NamedTemporaryFile("r", suffix=".peak") as peak:
        start = time.monotonic()
        done = subprocess.run([sys.executable, "-c", _PEAK, peak.name, *command], cwd=cwd,
                              timeout=limit, check=False)
        seconds = time.monotonic() - start
        if done.returncode != 0:
            raise SystemExit(f"measure: {' '.join(command)} failed (exit {done.returncode})")
        kib = int(Path(peak.name).read_text() or 0)
    return {"seconds": round(seconds, 1), "peak_mib": round(kib / 1024)}


def measure(skip_test: bool) -> dict[str, Any]:
    """Every figure of the module docstring, from a fresh clone of HEAD."""
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True, timeout=60,
                            check=True).stdout.strip()
    figures: dict[str, Any] = {"date": datetime.date.today().isoformat(),
                                  "commit": commit, "machine": _machine_module().machine()}
    with tempfile.TemporaryDirectory(prefix="carbongap-measure-") as folder:
        clone = Path(folder) / "carbongap"
        subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], timeout=600,
                       check=True)
        steps: dict[str, Any] = {}
        steps["make replicate"] = timed(["make", "replicate"], clone,
                                        LIMITS["make replicate"])
        carbongap = clone / ".tox" / "replicate" / "bin" / "carbongap"
        steps["cached rerun"] = timed([str(carbongap), "replicate", "--quiet"], clone,
                                      LIMITS["cached rerun"])
        if not skip_test:
            steps["make test"] = timed(["make", "test"], clone, LIMITS["make test"])
        figures["steps"] = steps
        seen: set[tuple[int, int]] = set()
        figures["disk_mib"] = {
            "clone": round(folder_bytes(clone, seen) / 2**20),
            "tox_environments": round(folder_bytes(clone / ".tox") / 2**20),
            "outputs": round(folder_bytes(clone / "replication" / "output") / 2**20),
            "uv_cache": round(folder_bytes(uv_cache(), seen) / 2**20),  # beyond the clone's
            "uv_cache_total": round(folder_bytes(uv_cache()) / 2**20),
        }
    return figures


def _duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


def readme_table(figures: dict[str, Any]) -> str:
    """The README's summary of the computational requirements (Markdown) from the
    figures :func:`measure` wrote."""
    host, disk, steps = figures["machine"], figures["disk_mib"], figures["steps"]
    rows = [("fresh `make replicate` (sets up Python and R, runs everything)",
             "make replicate"),
            ("`carbongap replicate` again (stages cached)", "cached rerun"),
            ("fresh `make test` (lint, unit, R tests, dependency floors)", "make test")]
    lines = ["| what | wall time | peak memory (largest process) or size |", "|---|---|---|"]
    for label, key in rows:
        step = steps.get(key)
        if step is None:
            lines.append(f"| {label} | not measured | - |")
            continue
        peak = f"{step['peak_mib']} MiB" if step.get("peak_mib") else "-"
        lines.append(f"| {label} | {_duration(step['seconds'])} | {peak} |")
    lines += [
        f"| disk: the clone after these steps (tox environments {disk['tox_environments']} "
        f"MiB, outputs {disk['outputs']} MiB) | - | {disk['clone']} MiB |",
        f"| disk: uv's download cache, outside the clone and kept when it is deleted (`uv "
        f"cache clean` empties it; {disk['uv_cache']} MiB of it not shared with the clone "
        f"by hard links) | - | {disk['uv_cache_total']} MiB |",
        f"| disk in all (each hard-linked file once) | - | "
        f"{disk['clone'] + disk['uv_cache']} MiB |",
        "",
        f"Measured on {figures['date']} at commit {figures['commit']} by `make measure` on "
        f"{host['cpu']}, {host['cores']} cores, {host['memory_gib']} GiB of memory (load "
        f"average {host['load_1min']} at the start). Shared machines vary 2-4x in wall "
        "time from run to run; rerun `make measure` to refresh these figures (they are "
        "written, not typed). Benchmarks of the engines: `docs/benchmarks.md`.",
    ]
    return "\n".join(lines)


def rewrite_readme(text: str, table: str) -> str:
    """``text`` with the block between :data:`BEGIN` and :data:`END` replaced by
    ``table``; SystemExit when the markers are missing."""
    if BEGIN not in text or END not in text:
        raise SystemExit(f"measure: README.md lacks the markers {BEGIN!r} and {END!r}")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{table}\n{END}{tail}"


def main(argv: list[str]) -> None:
    if "--render" in argv:
        figures = json.loads(MEASURED.read_text(encoding="utf-8"))
    else:
        if shutil.which("make") is None or shutil.which("git") is None:
            raise SystemExit("measure: needs git and make")
        figures = measure("--skip-test" in argv)
        MEASURED.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n",
                            encoding="utf-8")
    README.write_text(rewrite_readme(README.read_text(encoding="utf-8"),
                                     readme_table(figures)), encoding="utf-8")
    print(f"{MEASURED.relative_to(REPO)} and README.md updated")


if __name__ == "__main__":
    main(sys.argv[1:])
