"""Package data files (see README.md in this folder)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def shipped_file(name: str, repository_path: str) -> Path | None:
    """A file the wheel copies from the repository into this folder (pyproject's
    force-include): the package's copy, or, in a source checkout, the repository's file
    at ``repository_path``; None when neither exists."""
    packaged = resources.files("carbongap.data").joinpath(name)
    if packaged.is_file():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[3] / repository_path
    return checkout if checkout.is_file() else None
