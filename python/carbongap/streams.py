"""Seeded random streams, one per named cell of work (the Gini and regression bootstraps).

A stream is numpy's ``default_rng`` seeded with ``[seed, crc32(key_1), crc32(key_2), ...]``
(each key as UTF-8 text), so the draws of one cell (a Gini's year and group, a
regression's table and quantile, one bootstrap replicate) do not depend on which other
cells are computed, in which order, or on which worker: the same seed and keys always give
the same numbers, with any executor (:mod:`carbongap.parallel`).
"""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, *keys: object) -> np.random.Generator:
    """The random generator of the cell named by ``keys`` under ``seed``."""
    return np.random.default_rng(
        [seed, *(zlib.crc32(str(key).encode("utf-8")) for key in keys)])
