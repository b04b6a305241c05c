"""Writes a run's outputs atomically into its output roots and records each for the manifest.

A run has named output roots: ``out`` (the run folder, ``--out``) and any other folder a
stage writes into (``exports``: the Stata export folder). Every method takes a path
relative to a root (never absolute, never leaving the root through ``..``) and returns the
absolute path; ``written`` lists everything written, in order, with its root.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pandas as pd

from ..io import atomic
from ..io.markdown import to_markdown

#: The run folder's root name.
OUT = "out"


@dataclass(frozen=True)
class Output:
    """One file written: its root's name, its path relative to the root, its path."""

    root: str
    relpath: str
    path: Path


class OutputWriter:
    """Atomic, deterministic writer over named output roots (module docstring).

    Parameters
    ----------
    out
        The run folder (root ``"out"``).
    roots
        Other roots by name, e.g. ``{"exports": Path("stata_exports")}``.
    """

    def __init__(self, out: str | Path, roots: Mapping[str, str | Path] | None = None) -> None:
        self.roots: dict[str, Path] = {OUT: Path(out), **{k: Path(v) for k, v in
                                                         (roots or {}).items()}}
        self.written: list[Output] = []

    @property
    def root(self) -> Path:
        """The run folder."""
        return self.roots[OUT]

    @property
    def paths(self) -> list[Path]:
        """Every path written, in order."""
        return [o.path for o in self.written]

    def _target(self, relpath: str, root: str) -> Path:
        if root not in self.roots:
            raise ValueError(f"unknown output root {root!r}; registered: "
                             f"{', '.join(self.roots)}")
        rel = PurePosixPath(relpath)
        if rel.is_absolute() or ".." in rel.parts or not rel.parts:
            raise ValueError(f"output path {relpath!r} must be relative and stay inside "
                             f"its root {self.roots[root]}")
        path = self.roots[root] / rel
        self.written.append(Output(root, rel.as_posix(), path))
        return path

    def table(self, relpath: str, frame: pd.DataFrame, *, markdown: bool = False,
              digits: int = 4, root: str = OUT) -> Path:
        """``relpath`` is a CSV path; with ``markdown`` a ``.md`` twin is written too.

        CSV floats are written in their shortest round-trip form, so a re-read gives the
        same numbers bit for bit.
        """
        buffer = io.StringIO()
        frame.to_csv(buffer, index=False, lineterminator="\n")
        path = atomic.write_text(self._target(relpath, root), buffer.getvalue())
        if markdown:
            twin = str(PurePosixPath(relpath).with_suffix(".md"))
            atomic.write_text(self._target(twin, root), to_markdown(frame, digits))
        return path

    def text(self, relpath: str, text: str, *, root: str = OUT) -> Path:
        """A UTF-8 text file with Unix newlines."""
        return atomic.write_text(self._target(relpath, root), text)

    def file(self, relpath: str, content: bytes | Callable[[Path], object], *,
             root: str = OUT) -> Path:
        """Any file: ``content`` is its bytes, or a function that writes the file at the
        temporary path it is given (a binary writer such as :func:`carbongap.io.dta.
        write_dta`). The file replaces ``relpath`` only once complete.

        The caller makes the bytes reproducible (no timestamps): the manifest records
        their sha256 and a rerun must give the same.
        """
        target = self._target(relpath, root)
        if isinstance(content, bytes):
            return atomic.write_bytes(target, content)
        with atomic.atomic_path(target) as tmp:
            content(tmp)
        return target

    def figure(self, relpath: str, figure: object, data: pd.DataFrame, *,
               root: str = OUT) -> Path:
        """A matplotlib figure as PNG (no timestamp or version metadata) with its CSV.

        ``data`` holds the numbers drawn; it is written beside the PNG with the same stem.
        """
        import matplotlib.pyplot as plt

        def save(tmp: Path) -> None:
            figure.savefig(tmp, format="png", dpi=150,  # type: ignore[attr-defined]
                           metadata={"Software": None})

        path = self.file(relpath, save, root=root)
        plt.close(figure)  # type: ignore[arg-type]
        self.table(str(PurePosixPath(relpath).with_suffix(".csv")), data, root=root)
        return path
