"""The machine a measurement ran on: CPU model, logical cores, memory and the load now, so
that figures from different machines (or a busy one) are not confused.

Standard library only: ``replication/measure.py`` loads this file by its path, without the
package's dependencies.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any


def machine() -> dict[str, Any]:
    """CPU model, logical cores, memory (GiB) and the 1-minute load average now."""
    model = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        model = found.group(1).strip() if found else model
    memory = 0.0
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        found = re.search(r"^MemTotal:\s*(\d+) kB", meminfo.read_text(), re.MULTILINE)
        memory = int(found.group(1)) / 2**20 if found else 0.0
    return {"cpu": model, "cores": os.cpu_count() or 0, "memory_gib": round(memory, 1),
            "load_1min": round(os.getloadavg()[0], 2)}


def machine_line(found: dict[str, Any] | None = None) -> str:
    """'machine: <CPU>, 2 cores, 23.5 GiB, load 0.66 (1-minute average)'."""
    m = found or machine()
    return (f"machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, load "
            f"{m['load_1min']} (1-minute average)")
