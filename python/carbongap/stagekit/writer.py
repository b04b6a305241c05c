"""Writes a run's outputs atomically into its folder and records each for the manifest.

Every output of a run lives under its folder (``--out``; while the run is unfinished, the
staging folder of :mod:`carbongap.pipeline.transaction`). Every method takes a path
relative to the folder (never absolute, never leaving it through ``..``) and returns the
path written; ``written`` lists everything written, in order.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pandas as pd

from ..errors import ConfigError
from ..io import atomic
from ..io.markdown import to_markdown


def require_folder(path: Path) -> Path:
    """``path`` itself, unless it names an existing file: then a one-line ConfigError."""
    if path.exists() and not path.is_dir():
        raise ConfigError(f"--out {path} is a file; name a folder (new, or a previous "
                          "run's)")
    return path


@dataclass(frozen=True)
class Output:
    """One file written: its path relative to the run folder, and its path."""

    relpath: str
    path: Path


def figure_title(figure: object) -> str:
    """A matplotlib figure's title: its suptitle, else the first axes title, else ''; a
    title of several lines on one (a heading in REPORT.md), the lines joined by "; "."""
    title = figure.get_suptitle() or next(  # type: ignore[attr-defined]
        (a.get_title() for a in figure.axes if a.get_title()), "")  # type: ignore[attr-defined]
    return "; ".join(line.strip() for line in str(title).splitlines())


class OutputWriter:
    """Atomic, deterministic writer into the run folder ``root`` (module docstring)."""

    def __init__(self, root: str | Path) -> None:
        self.root = require_folder(Path(root))
        self.written: list[Output] = []
        #: The title of every figure written, by its path relative to the run folder.
        self.titles: dict[str, str] = {}

    @property
    def paths(self) -> list[Path]:
        """Every path written, in order."""
        return [o.path for o in self.written]

    def _target(self, relpath: str) -> Path:
        rel = PurePosixPath(relpath)
        if rel.is_absolute() or ".." in rel.parts or not rel.parts:
            raise ValueError(f"output path {relpath!r} must be relative and stay inside "
                             "the run folder")
        path = self.root / rel
        self.written.append(Output(rel.as_posix(), path))
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
            twin = str(PurePosixPath(relpath).with_suffix(".md"))
            atomic.write_text(self._target(twin), to_markdown(frame, digits))
        return path

    def text(self, relpath: str, text: str) -> Path:
        """A UTF-8 text file with Unix newlines."""
        return atomic.write_text(self._target(relpath), text)

    def file(self, relpath: str, content: bytes | Callable[[Path], object]) -> Path:
        """Any file: ``content`` is its bytes, or a function that writes the file at the
        temporary path it is given (a binary writer such as :func:`carbongap.io.dta.
        write_dta`). The file replaces ``relpath`` only once complete.

        The caller makes the bytes reproducible (no timestamps): the manifest records
        their sha256 and a rerun must give the same.
        """
        target = self._target(relpath)
        if isinstance(content, bytes):
            return atomic.write_bytes(target, content)
        with atomic.atomic_path(target) as tmp:
            content(tmp)
        return target

    def figure(self, relpath: str, figure: object, data: pd.DataFrame) -> Path:
        """A matplotlib figure as PNG (no timestamp or version metadata) with its CSV.

        ``data`` holds the numbers drawn; it is written beside the PNG with the same stem.
        """
        import matplotlib.pyplot as plt

        def save(tmp: Path) -> None:
            figure.savefig(tmp, format="png", dpi=150,  # type: ignore[attr-defined]
                           metadata={"Software": None})

        path = self.file(relpath, save)
        self.titles[PurePosixPath(relpath).as_posix()] = figure_title(figure)
        plt.close(figure)  # type: ignore[arg-type]
        self.table(str(PurePosixPath(relpath).with_suffix(".csv")), data)
        return path
