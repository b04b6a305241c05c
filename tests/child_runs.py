"""Child processes of the tests: start a run, SIGKILL it once it reaches a given point."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable


def kill_when(child: subprocess.Popen, ready: Callable[[], bool], timeout: float,
              what: str) -> None:
    """SIGKILL ``child`` as soon as ``ready()`` holds (polled every 5 ms, at most
    ``timeout`` seconds); fail when the child ends before it, saying ``what`` it waited
    for. The child never outlives the call."""
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and child.poll() is None:
            try:
                if ready():
                    break
            except FileNotFoundError:  # a file the check reads was just replaced
                pass
            time.sleep(0.005)
        assert child.poll() is None, f"the run ended before {what}"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=30)
