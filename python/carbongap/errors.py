"""Exception types. Every message names the file, the column and the rows at fault."""

from __future__ import annotations

from collections.abc import Sequence


class CarbongapError(Exception):
    """Base class of every error carbongap raises on purpose."""


class DataError(CarbongapError, ValueError):
    """Input data that cannot be used as they are (bad cell, missing column, duplicate key).

    Attributes
    ----------
    source : str
        The file (or frame name) the data came from.
    column : str or None
        The offending column, canonical name.
    rows : tuple of int
        Row numbers as a spreadsheet shows them (header = row 1, first data row = row 2);
        for in-memory frames, the 0-based positional index.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str = "<data>",
        column: str | None = None,
        rows: Sequence[int] = (),
    ) -> None:
        self.source = source
        self.column = column
        self.rows = tuple(int(r) for r in rows)
        super().__init__(message)


class ConfigError(CarbongapError, ValueError):
    """A configuration value that is unknown, of the wrong type or out of range."""


class StageError(CarbongapError, RuntimeError):
    """A pipeline stage failed; wraps the original error with the stage name."""

    def __init__(self, stage: str, reason: str) -> None:
        self.stage = stage
        self.reason = reason
        super().__init__(f"stage '{stage}' failed: {reason}")


def format_rows(rows: Sequence[int], limit: int = 10) -> str:
    """Render row numbers as '2, 5, 9 (and 12 more)' for error messages."""
    rows = [int(r) for r in rows]
    shown = ", ".join(str(r) for r in rows[:limit])
    more = len(rows) - limit
    return f"{shown} (and {more} more)" if more > 0 else shown
