"""Finished parts of a long stage, kept so that a killed run continues where it stopped.

A stage whose computation is many independent pieces (the inference stage's chunks of
replications) saves each piece as it finishes under a name of its own; a rerun of the same
command has the same stage key (docs/architecture.md, the stage cache), so it finds the
pieces under the same folder, ``<out>/.cache/partial/<stage>-<key>``, and computes only
the rest. Pieces are pickles written atomically (a piece is absent or complete); anything
unreadable is computed again, never trusted. The runner removes the folder once the
stage's whole result is cached. Without the cache (``--no-cache``) nothing is kept.
"""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path
from typing import Any

from ..io import atomic


class Checkpoints:
    """The pieces of one stage run (module docstring); ``root`` None keeps nothing."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root

    def load(self, name: str) -> Any | None:
        """The piece saved as ``name``, or None (absent, unreadable, or nothing kept)."""
        if self.root is None:
            return None
        path = self.root / f"{name}.pkl"
        if not path.is_file():
            return None
        try:
            with path.open("rb") as handle:
                return pickle.load(handle)
        except Exception:  # an unreadable piece is recomputed, never trusted
            return None

    def save(self, name: str, value: Any) -> None:
        """Keep ``value`` as the piece ``name`` (atomically)."""
        if self.root is not None:
            atomic.write_bytes(self.root / f"{name}.pkl", pickle.dumps(value, protocol=5))

    def clear(self) -> None:
        """Remove every piece (the stage's result is complete and cached)."""
        if self.root is not None and self.root.is_dir():
            shutil.rmtree(self.root)


#: Keeps nothing: the default of a context outside a cached run.
NO_CHECKPOINTS = Checkpoints()
