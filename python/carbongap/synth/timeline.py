"""The generator's calendar and its random streams.

Latent series run over a simulated calendar ``start..end`` that covers the requested
years, the two years before them (the state the first year's productivity indices look
back to) and the calibration years (2006 for GDP, income and industry, 2010 for
population), so that levels are anchored to the same calendar year whatever range is
asked for. Arrays are (cities x simulated years).

Each part of the generator draws from its own named stream, so that a change in one
part leaves the draws of the others as they were.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .params import YearProfile

#: Calendar years that fix the levels (docs/methods.md §12 calibration years).
ANCHOR_YEARS: tuple[int, int] = (2006, 2010)
#: Years of latent state simulated before the first reported year.
LEAD_YEARS: int = 2

STREAMS: tuple[str, ...] = (
    "factors", "population", "employment", "gdp", "income", "industry", "inefficiency",
    "investment", "provinces", "eps", "fuels", "electricity", "mess")


def stream(seed: int, name: str) -> np.random.Generator:
    """The generator of the named stream for ``seed`` (PCG64, independent per name)."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(STREAMS.index(name),)))


@dataclass(frozen=True)
class Timeline:
    """Simulated calendar ``start..end`` around the reported years ``first..last``."""

    first: int
    last: int

    @property
    def start(self) -> int:
        """First simulated year: two years before ``first``, and no later than 2006."""
        return min(self.first - LEAD_YEARS, ANCHOR_YEARS[0])

    @property
    def end(self) -> int:
        """Last simulated year: ``last``, and no earlier than 2010."""
        return max(self.last, ANCHOR_YEARS[1])

    @property
    def years(self) -> np.ndarray:
        """Simulated calendar years (int64)."""
        return np.arange(self.start, self.end + 1, dtype="int64")

    def col(self, year: int) -> int:
        """Column of a calendar year in the simulated arrays."""
        return year - self.start

    def window(self, lead: int = 0) -> slice:
        """Columns of ``first - lead .. last``."""
        return slice(self.col(self.first - lead), self.col(self.last) + 1)

    def profile(self, table: YearProfile, default: float) -> np.ndarray:
        """A year profile over the simulated years (``default`` where not tabulated)."""
        lookup = dict(table)
        return np.array([lookup.get(int(y), default) for y in self.years], dtype="float64")

    def anchored(self, growth: np.ndarray, anchor: int) -> np.ndarray:
        """Cumulative log change relative to ``anchor`` (0 there).

        ``growth[..., j]`` is the log change from year j-1 to year j; column 0 is unused.
        """
        steps = np.array(growth, dtype="float64", copy=True)
        steps[..., 0] = 0.0
        total = np.cumsum(steps, axis=-1)
        return total - total[..., [self.col(anchor)]]
