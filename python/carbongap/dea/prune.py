"""Exact reduction of a reference set to the units that can carry weight (docs/methods.md §6).

Why it is exact. Let every datum be positive, so that every SBI LP against the reference
set R is bounded. Call a reference unit k *inefficient* when some combination μ of R
(Σμ = 1 under VRS) satisfies X'μ ≤ x_k, Y'μ ≥ y_k, B'μ ≤ b_k with at least one strict
inequality; equivalently S(k) > 0 against R for any positive direction. Take any evaluated
point o (any period, any positive direction) and an optimal λ* of its LP with λ*_k > 0.
Replacing λ*_k e_k by λ*_k μ keeps Σλ (VRS), weakly raises every slack and strictly
raises one, and every slack has a positive weight 1/(2N g) or 1/(2(M+J) g): the objective
strictly rises, contradicting optimality. So *every* optimal λ is zero on inefficient
units, and the LP restricted to any superset of the efficient units has the same
feasibility status and the same optimal value. (Infeasibility carries over trivially: a
subset of columns cannot make an infeasible LP feasible.)

Two exact tests find inefficient units:

* :func:`undominated` — pairwise (ray) dominance, vectorised: under VRS, unit j dominates
  k when x_j ≤ x_k, y_j ≥ y_k, b_j ≤ b_k with one strict inequality; under CRS, when a
  multiple α·j does, i.e. max_m y_km / y_jm < min(min_n x_kn / x_jn, min_j b_kj / b_jj)
  (a strict gap, so every input and bad slack of α·j is positive). The CRS test keeps a
  relative margin of :data:`RATIO_MARGIN`, so rounding can only keep a unit, never drop
  an efficient one.
* :func:`efficient` — the SBI LPs of the remaining candidates against the candidates
  (equal to their LPs against R, by the argument above): a unit is dropped only when its
  LP is optimal with S > :data:`EFFICIENCY_TOLERANCE`, far above the solver's accuracy,
  so near-efficient units are kept.

A unit inefficient in a subset of R is inefficient in R (the dominating combination is
one of R), so pooled technologies (several periods) are first reduced period by period
(:func:`candidates`), and a large candidate set is screened block by block before its own
LPs (:func:`screen`): a unit that is not efficient within its block is dropped, so the
units left hold every efficient unit and the own LPs against them give the values against
R. The own LPs of K candidates then cost about K·B + K'² columns instead of K² (B the
block size, K' the units left), which keeps the time per LP nearly flat as panels grow.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numba import njit

from ..choices import Rts
from .status import OPTIMAL

#: A unit is dropped only when its own-technology S exceeds this (solver accuracy ~1e-12).
EFFICIENCY_TOLERANCE: float = 1e-6
#: Relative margin of the CRS ratio test (keeps ties and near-ties).
RATIO_MARGIN: float = 1e-9
_CHUNK = 256  # units sorted by score judged together (see undominated)
#: Block size of :func:`screen`; sets of at most twice this go straight to their own LPs.
SCREEN_BLOCK: int = 128
#: :func:`screen` stops when a round drops less than this share of its units.
SCREEN_MIN_DROP: float = 0.1


@njit(cache=True)
def _dominated_rows(less: np.ndarray, more: np.ndarray, by_less: np.ndarray,
                    by_more: np.ndarray, vrs: bool, margin: float) -> np.ndarray:
    """Compiled pairwise test of :func:`_dominated`, stopping at the first dominator."""
    n, k = less.shape[0], by_less.shape[0]
    n_less, n_more = less.shape[1], more.shape[1]
    out = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        for j in range(k):
            if vrs:
                weak, strict = True, False
                for v in range(n_less):
                    if by_less[j, v] > less[i, v]:
                        weak = False
                        break
                    if by_less[j, v] < less[i, v]:
                        strict = True
                if not weak:
                    continue
                for v in range(n_more):
                    if by_more[j, v] < more[i, v]:
                        weak = False
                        break
                    if by_more[j, v] > more[i, v]:
                        strict = True
                if weak and strict:
                    out[i] = True
                    break
            else:
                # the smallest multiple of j matching i's outputs, the largest within
                # i's inputs and bads; a strict gap leaves every input and bad slack > 0
                lo = -np.inf
                for v in range(n_more):
                    lo = max(lo, more[i, v] / by_more[j, v])
                hi = np.inf
                for v in range(n_less):
                    hi = min(hi, less[i, v] / by_less[j, v])
                if lo < hi * (1.0 - margin):
                    out[i] = True
                    break
    return out


def _dominated(less: np.ndarray, more: np.ndarray, by_less: np.ndarray,
               by_more: np.ndarray, rts: Rts) -> np.ndarray:
    """Mask of the units (rows of less/more) that some unit of (by_less, by_more) dominates.

    ``less``: inputs and bads (smaller is better); ``more``: good outputs. A unit never
    dominates itself or an identical unit (strictness). Compiled (numba), O(1) memory
    beyond the mask.
    """
    return _dominated_rows(np.ascontiguousarray(less, dtype=np.float64),
                           np.ascontiguousarray(more, dtype=np.float64),
                           np.ascontiguousarray(by_less, dtype=np.float64),
                           np.ascontiguousarray(by_more, dtype=np.float64),
                           rts == "vrs", RATIO_MARGIN)


def undominated(x: np.ndarray, y: np.ndarray, b: np.ndarray, rts: Rts) -> np.ndarray:
    """Boolean mask of the units no single other unit (or its multiple, CRS) dominates.

    ``x``, ``y``, ``b``: (K, N), (K, M), (K, J) positive data. The score
    mean_m log y_m − mean log(x, b) rises strictly along dominance (a multiple α·j has
    j's score), so after a descending sort a unit can only be dominated by an earlier
    one. Units are taken 256 at a time and tested against each other and against the
    undominated units kept so far; a unit dominated by a dropped unit is dominated by
    whatever dropped that one (dominance is transitive). Every unit reported dominated
    was found so by a direct test; rounding in the score can only keep a unit.
    """
    less = np.hstack([x, b])
    more = y
    score = np.log(more).mean(axis=1) - np.log(less).mean(axis=1)
    order = np.argsort(-score, kind="mergesort")
    keep = np.zeros(x.shape[0], dtype=bool)
    kept = np.empty(0, dtype=np.int64)
    for start in range(0, order.size, _CHUNK):
        batch = order[start:start + _CHUNK]
        judges = np.concatenate([kept, batch])
        hit = _dominated(less[batch], more[batch], less[judges], more[judges], rts)
        keep[batch[~hit]] = True
        kept = np.concatenate([kept, batch[~hit]])
    return keep


def candidates(x: np.ndarray, y: np.ndarray, b: np.ndarray, rts: Rts,
               blocks: np.ndarray) -> np.ndarray:
    """Sorted indices of the units that survive pairwise dominance, block by block.

    ``blocks`` labels each unit (e.g. its period); each block is reduced on its own,
    then the union of survivors once more. Every dropped unit is inefficient in the
    whole set, see the module docstring.
    """
    kept = []
    for label in np.unique(blocks):
        idx = np.flatnonzero(blocks == label)
        kept.append(idx[undominated(x[idx], y[idx], b[idx], rts)])
    idx = np.concatenate(kept) if kept else np.empty(0, dtype=np.int64)
    if len(kept) > 1:
        idx = idx[undominated(x[idx], y[idx], b[idx], rts)]
    return np.sort(idx)


def efficient(values: np.ndarray, status: np.ndarray) -> np.ndarray:
    """Mask of units to keep given their own-technology LP results (values, status codes).

    A unit is dropped only when its LP is optimal with S > EFFICIENCY_TOLERANCE.
    """
    return ~((status == OPTIMAL) & (values > EFFICIENCY_TOLERANCE))


def screen(units: np.ndarray, own: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
           block: int | None = None) -> tuple[np.ndarray, int]:
    """The units of ``units`` that are efficient within their block, round after round.

    ``units``: sorted indices; ``own(indices)`` returns (values, status codes) of the SBI
    LPs of those units against themselves. Each round splits the units, in order, into
    blocks of at most ``block`` and keeps the units :func:`efficient` in their own block;
    rounds go on while more than 2·``block`` units are left and the last round dropped at
    least :data:`SCREEN_MIN_DROP` of them. Every efficient unit of ``units`` is kept (a
    unit inefficient in a block is inefficient in the whole set, module docstring), and
    so is every unit whose block LP is not optimal. Returns the sorted indices kept and
    the number of LPs solved. ``block`` defaults to :data:`SCREEN_BLOCK`.
    """
    block = SCREEN_BLOCK if block is None else block
    solved = 0
    while units.size > 2 * block:
        parts = np.array_split(units, -(-units.size // block))
        kept = np.concatenate([part[efficient(*own(part))] for part in parts])
        solved += units.size
        dropped = units.size - kept.size
        units = kept
        if dropped < SCREEN_MIN_DROP * (units.size + dropped):
            break
    return units, solved
