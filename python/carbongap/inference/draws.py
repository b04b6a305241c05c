"""Which cities a replication uses: the pipeline bootstrap and m-out-of-n subsampling.

docs/methods.md §14. Cities are drawn within their region group (developed,
underdeveloped, other; docs/methods.md §3), so every group keeps its number of cities in
the bootstrap and its share in a subsample, and the samples of Tables 3-8 keep their
sizes. Replication ``r`` of a scheme draws from its own stream
(:func:`carbongap.streams.stream` keyed by the scheme and ``r``): the same seed gives the
same draws on any number of workers and in any order. Replication 0 is the data as they
are (no resampling), the point estimate.

A draw is an array of original city codes, sorted (a city drawn twice appears twice);
:class:`CityRows` turns it into a panel in which each drawn copy is a distinct city with
the code 1, 2, ... in that order, so a city drawn twice enters the DEA's reference sets
and the regressions as two cities.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pandas as pd

from ..regions import group_of
from ..streams import stream

#: The resampling schemes, in the order of their streams.
BOOTSTRAP, SUBSAMPLING = "bootstrap", "subsampling"
SCHEMES: tuple[str, ...] = (BOOTSTRAP, SUBSAMPLING)


def city_groups(panel: pd.DataFrame) -> dict[str, np.ndarray]:
    """The sorted city codes of each region group (the group of a city's province in its
    first year), groups in name order; cities of provinces in no group form "other"."""
    first = panel.sort_values(["city_code", "year"], kind="mergesort").drop_duplicates(
        "city_code")
    groups = group_of(first["province_code"], "paper").fillna("other").to_numpy()
    codes = first["city_code"].to_numpy()
    return {str(g): np.sort(codes[groups == g]) for g in sorted(set(groups))}


def subsample_sizes(groups: Mapping[str, np.ndarray], power: float) -> dict[str, int]:
    """Cities drawn per group in a subsample: m = ⌈n^κ⌉ of the n cities (κ = ``power``,
    docs/methods.md §14) shared out in proportion to the groups' sizes (rounded, at least
    two cities and at most all of a group)."""
    n = sum(len(codes) for codes in groups.values())
    m = int(np.ceil(n ** power))
    return {g: int(min(len(codes), max(2, round(len(codes) * m / n))))
            for g, codes in groups.items()}


def draw(groups: Mapping[str, np.ndarray], scheme: str, seed: int, replication: int, *,
         sizes: Mapping[str, int] | None = None) -> np.ndarray:
    """The sorted city codes of one replication (module docstring).

    ``scheme`` :data:`BOOTSTRAP`: each group's n_g cities drawn with replacement;
    :data:`SUBSAMPLING`: ``sizes[g]`` of them without replacement. Replication 0 is every
    city once.
    """
    if scheme not in SCHEMES:
        raise ValueError(f"scheme {scheme!r} is not one of {', '.join(SCHEMES)}")
    if replication == 0:
        return np.sort(np.concatenate(list(groups.values())))
    rng = stream(seed, scheme, replication)
    drawn = []
    for group, codes in groups.items():
        if scheme == BOOTSTRAP:
            drawn.append(codes[rng.integers(0, len(codes), len(codes))])
        else:
            if sizes is None:
                raise ValueError("subsampling needs the subsample size of every group")
            drawn.append(rng.choice(codes, sizes[group], replace=False))
    return np.sort(np.concatenate(drawn))


@dataclass(frozen=True)
class CityRows:
    """Where each city's rows are in a frame sorted by city (built once per frame)."""

    frame: pd.DataFrame
    starts: Mapping[int, tuple[int, int]]  #: city code -> (first row, row count)

    @classmethod
    def of(cls, frame: pd.DataFrame) -> CityRows:
        """Index ``frame`` (sorted by city_code, year first)."""
        frame = frame.sort_values(["city_code", "year"], kind="mergesort").reset_index(
            drop=True)
        text = [c for c in frame.columns if pd.api.types.is_string_dtype(frame[c])]
        frame = frame.astype(dict.fromkeys(text, object))  # cheaper to take, same values
        codes = frame["city_code"].to_numpy()
        cut = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1], True])
        return cls(frame, {int(codes[a]): (int(a), int(b - a))
                           for a, b in pairwise(cut)})

    def take(self, codes: np.ndarray, *, relabel: bool = True) -> pd.DataFrame:
        """The rows of the drawn cities in the order of ``codes``; with ``relabel`` each
        drawn copy gets the code 1, 2, ... (the original code in ``source_city_code``)."""
        spans = [self.starts[int(c)] for c in codes if int(c) in self.starts]
        kept = [int(c) for c in codes if int(c) in self.starts]
        rows = np.concatenate([np.arange(a, a + k) for a, k in spans]) if spans else \
            np.zeros(0, dtype=np.int64)
        out = self.frame.take(rows).reset_index(drop=True)
        if relabel:
            counts = [k for _, k in spans]
            out.insert(1, "source_city_code", np.repeat(kept, counts))
            out["city_code"] = np.repeat(np.arange(1, len(kept) + 1), counts).astype(
                self.frame["city_code"].dtype)
        return out
