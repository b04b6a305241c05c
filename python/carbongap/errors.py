"""Exception types. Every message names the file, the column and the rows at fault."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager


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
        self.parts: tuple[DataError, ...] = ()  #: the single problems, when this lists several
        super().__init__(message)


class TooFewObservationsError(CarbongapError, ValueError):
    """A sample too small for the estimator asked for (a regression with no more rows than
    coefficients, or an SE method whose estimate needs more rows); the message says how
    many rows there are and how many are needed."""


class ConfigError(CarbongapError, ValueError):
    """A configuration value that is unknown, of the wrong type or out of range."""


class StrictError(CarbongapError):
    """A stage produced warnings and the run was asked to treat them as errors."""


class MissingExtraError(CarbongapError, ImportError):
    """An optional dependency is not installed; the message names the extra that brings
    it, e.g. ``pip install 'carbongap[dist]'`` for Dask."""


class StageError(CarbongapError, RuntimeError):
    """A pipeline stage failed; wraps the original error with the stage name."""

    def __init__(self, stage: str, reason: str) -> None:
        self.stage = stage
        self.reason = reason
        super().__init__(f"stage '{stage}' failed: {reason}")


class UndeclaredSectionError(CarbongapError):
    """A stage's ``compute`` read a configuration section its ``Stage`` does not declare
    (its cache key would not change with that section; carbongap.stagekit.stage)."""


class Problems:
    """Collects the DataErrors of independent checks, so that one run reports them all.

    ``with problems.check(): ...`` records a DataError raised inside instead of
    propagating it (the parts of an error that itself lists several are recorded one by
    one); :meth:`raise_any` then raises the single error as it was, or one DataError
    listing every message, with the first one's ``column`` and the rows of all.
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self.found: list[DataError] = []

    @contextmanager
    def check(self) -> Iterator[None]:
        """Run a check, keeping its DataError."""
        try:
            yield
        except DataError as exc:
            self.found.extend(exc.parts or (exc,))

    def add(self, error: DataError | None) -> None:
        """Record ``error`` (None: nothing to record)."""
        if error is not None:
            self.found.extend(error.parts or (error,))

    def raise_any(self) -> None:
        """Raise what was collected (nothing when every check passed)."""
        if len(self.found) == 1:
            raise self.found[0]
        if self.found:
            listed = "\n".join(f"  {i}. {exc}" for i, exc in enumerate(self.found, start=1))
            rows = sorted({row for exc in self.found for row in exc.rows})
            combined = DataError(f"{self.source}: {len(self.found)} problems:\n{listed}",
                                 source=self.source, column=self.found[0].column, rows=rows)
            combined.parts = tuple(self.found)
            raise combined


def format_rows(rows: Sequence[int], limit: int = 10) -> str:
    """Render row numbers as '2, 5, 9 (and 12 more)' for error messages."""
    rows = [int(r) for r in rows]
    shown = ", ".join(str(r) for r in rows[:limit])
    more = len(rows) - limit
    return f"{shown} (and {more} more)" if more > 0 else shown
