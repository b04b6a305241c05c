"""Progress reporting that pure functions can accept without depending on a terminal.

A *progress factory* is called as ``factory(total, description)`` and returns a context
manager whose value has ``advance(n)``. :func:`null_progress` does nothing; the CLI
passes :func:`rich_progress`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Protocol


class Tracker(Protocol):
    """What a progress context yields."""

    def advance(self, n: int = 1) -> None:
        """Record ``n`` more units of work done."""


ProgressFactory = Callable[[int, str], contextlib.AbstractContextManager[Tracker]]


class _Null:
    def advance(self, n: int = 1) -> None:
        return None


@contextlib.contextmanager
def null_progress(total: int, description: str) -> Iterator[Tracker]:
    """A progress context that reports nothing."""
    yield _Null()


class _Rich:
    def __init__(self, bar: object, task: object) -> None:
        self._bar = bar
        self._task = task

    def advance(self, n: int = 1) -> None:
        self._bar.advance(self._task, n)  # type: ignore[attr-defined]


@contextlib.contextmanager
def rich_progress(total: int, description: str) -> Iterator[Tracker]:
    """A rich progress bar on standard error (used by the CLI); nothing when standard
    error is not a terminal (a log file or CI gets no empty lines from the bar)."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True)
    if not console.is_terminal:
        yield _Null()
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=total)
        yield _Rich(bar, task)
