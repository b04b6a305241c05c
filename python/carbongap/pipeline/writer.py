"""Writes a stage's outputs atomically and records every path for the manifest."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from ..io import atomic
from ..io.markdown import to_markdown


class OutputWriter:
    """Atomic, deterministic writer rooted at an output folder.

    Every method takes a path relative to the folder and returns the absolute path;
    ``written`` lists everything written, in order.
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.written: list[Path] = []

    def _target(self, relpath: str) -> Path:
        path = self.root / relpath
        self.written.append(path)
        return path

    def table(self, relpath: str, frame: pd.DataFrame, *, markdown: bool = False,
              digits: int = 4) -> Path:
        """``relpath`` is a CSV path; with ``markdown`` a ``.md`` twin is written too.

        CSV floats are written in their shortest round-trip form, so a re-read gives the
        same numbers bit for bit.
        """
        buffer = io.StringIO()
        frame.to_csv(buffer, index=False, lineterminator="\n")
        path = atomic.write_text(self._target(relpath), buffer.getvalue())
        if markdown:
            atomic.write_text(self._target(str(Path(relpath).with_suffix(".md"))),
                              to_markdown(frame, digits))
        return path

    def text(self, relpath: str, text: str) -> Path:
        """A UTF-8 text file."""
        return atomic.write_text(self._target(relpath), text)

    def figure(self, relpath: str, figure: object, data: pd.DataFrame) -> Path:
        """A matplotlib figure as PNG (no timestamp or version metadata) with its CSV.

        ``data`` holds the numbers drawn; it is written beside the PNG with the same stem.
        """
        import matplotlib.pyplot as plt

        path = self._target(relpath)
        with atomic.atomic_path(path) as tmp:
            figure.savefig(tmp, format="png", dpi=150, metadata={"Software": None})  # type: ignore[attr-defined]
        plt.close(figure)  # type: ignore[arg-type]
        self.table(str(Path(relpath).with_suffix(".csv")), data)
        return path
