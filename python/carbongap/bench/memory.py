"""Peak resident memory of this process (and its worker processes), sampled in a thread."""

from __future__ import annotations

import threading


class PeakMemory:
    """Samples the resident set size (RSS, bytes) every ``interval`` seconds.

    Parameters
    ----------
    interval
        Seconds between samples (a peak shorter than that can be missed).
    children
        Also count this process's child processes (e.g. loky or Dask workers). False
        measures this process alone, so idle workers left by an earlier parallel run are
        not counted.

    Attributes
    ----------
    start
        RSS when the block was entered (bytes).
    peak
        Largest RSS sampled inside the block (bytes).
    """

    def __init__(self, interval: float = 0.02, *, children: bool = True) -> None:
        import psutil

        self._process = psutil.Process()
        self._interval = interval
        self._children = children
        self._stop = threading.Event()
        self.start = 0
        self.peak = 0
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _total(self) -> int:
        total = self._process.memory_info().rss
        if not self._children:
            return total
        for child in self._process.children(recursive=True):
            try:
                total += child.memory_info().rss
            except Exception:  # a worker may exit between listing and reading
                continue
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._total())
            self._stop.wait(self._interval)

    def __enter__(self) -> PeakMemory:
        self.start = self.peak = self._total()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._total())
