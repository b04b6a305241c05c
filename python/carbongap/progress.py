"""Progress reporting that pure functions can accept without depending on a terminal.

A *progress factory* is called as ``factory(total, description)`` and returns a context
manager whose value has ``advance(n)``. :func:`null_progress` does nothing; the CLI
passes :func:`rich_progress`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Task


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


def rate_text(per_second: float | None) -> str:
    """A progress bar's rate column: units of work (replications, LPs, draws) per second,
    three significant digits below 100, whole units above; ``"?/s"`` before the first
    units are done."""
    if per_second is None:
        return "?/s"
    if per_second >= 100:
        return f"{per_second:,.0f}/s"
    return f"{per_second:.3g}/s"


@contextlib.contextmanager
def rich_progress(total: int, description: str,
                  console: Console | None = None) -> Iterator[Tracker]:
    """A rich progress bar on standard error (used by the CLI), with the units done per
    second (:func:`rate_text`); nothing when the console (default: standard error) is not
    a terminal (a log file or CI gets no empty lines from the bar)."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class RateColumn(ProgressColumn):
        def render(self, task: Task) -> Text:
            return Text(rate_text(task.speed), style="progress.data.speed")

    console = console or Console(stderr=True)
    if not console.is_terminal:
        yield _Null()
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=total)
        yield _Rich(bar, task)
