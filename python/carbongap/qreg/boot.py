"""Bootstrap standard errors of regression quantiles, as R quantreg's ``boot.rq``.

docs/methods.md §7. Two schemes, each giving R replicate coefficient vectors B_1..B_R and
the covariance V = cov(B) (divisor R − 1), as ``summary.rq(se = "boot")`` does:

* **xy pairs** (``bsmethod = "xy"``; Efron 1979, Koenker 2005 section 3.9): replicate b
  draws n observations with replacement and refits; the draw is a weight (count) per
  observation, so B_b minimises Σ_i c_bi ρ_τ(y_i − x_i'β).
* **cluster** (quantreg's ``cluster =``, the wild gradient bootstrap of Hagemann 2017):
  ψ_i = 1{r_i < 0} − τ from the full-sample residuals, one weight per cluster and
  replicate drawn from {−(√5 − 1)/2, (√5 + 1)/2} with probabilities (√5 + 1)/√20 and
  (√5 − 1)/√20 (mean 0, variance 1), W_b = X'(U_b ∘ ψ), and B_b minimises
  Σ_i ρ_τ(y_i − x_i'β) − W_b'β. The residuals are those of the exact fit, with
  ψ_i = −τ where |r_i| < √ε_M (the p observations it fits exactly; quantreg takes the
  residuals from an interior point fit, where their sign is arbitrary). Clusters are
  numbered in order of first appearance.

Randomness: replicate b of a fit labelled ``keys`` draws from
``carbongap.streams.stream(seed, *keys, b)``, so a replicate's draw depends only on the
seed, the fit's label and b — never on the executor, the chunking or other replicates.
Replicates are refitted exactly as quantreg refits them: up to
:data:`carbongap.qreg.solver.BR_MAX` observations along quantreg's Barrodale-Roberts path
(:mod:`carbongap.qreg.br`, with the tolerance 1e-4 of quantreg's bootstrap routines) on the
resampled rows in the order drawn (``boot.rq.xy``), or on the data with the pseudo-observation
x_{n+1} = W_b/τ, y_{n+1} = n max|y_i| whose check-function term is τ y_{n+1} − W_b'β
(``boot.rq.pwy``), so that given the same draws each replicate is quantreg's, bit for bit;
larger samples by :func:`carbongap.qreg.solver.solve` with the draw as weights (xy) or the
gradient shift W_b (cluster), started from the full-sample solution (xy) or its first-order
update β̂ + (X'FX)⁻¹W_b with the nid densities F (cluster), where the start only selects
the band of the shrunk LP and the certificate decides the answer. Replicates run in
parallel through :func:`carbongap.parallel.run_tasks`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..parallel import SERIAL, Execution, run_tasks
from ..streams import stream
from .br import barrodale_roberts
from .solver import BR_MAX, solve
from .vcov import EPS, inverse_cross, nid_density

#: The tolerance of quantreg's bootstrap refits (``boot.rq.xy`` and ``boot.rq.pwy``: tol).
BOOT_TOLERANCE: float = 1e-4

#: Hagemann's two-point weights and their probabilities (quantreg's boot.rq, cluster).
WILD_VALUES: tuple[float, float] = (-(np.sqrt(5.0) - 1.0) / 2.0, (np.sqrt(5.0) + 1.0) / 2.0)
WILD_PROBABILITIES: tuple[float, float] = ((np.sqrt(5.0) + 1.0) / np.sqrt(20.0),
                                           (np.sqrt(5.0) - 1.0) / np.sqrt(20.0))


def xy_draw(n: int, seed: int, keys: Sequence[object], replicate: int) -> np.ndarray:
    """The n observation indices (0-based) replicate ``replicate`` resamples."""
    return stream(seed, *keys, replicate).integers(0, n, size=n)


def cluster_index(clusters: np.ndarray) -> np.ndarray:
    """Each observation's cluster as 0, 1, ... in order of first appearance."""
    _, first, inverse = np.unique(np.asarray(clusters), return_index=True,
                                  return_inverse=True)
    rank = np.argsort(np.argsort(first, kind="stable"), kind="stable")
    return rank[inverse.ravel()]


def wild_weights(index: np.ndarray, seed: int, keys: Sequence[object],
                 replicate: int) -> np.ndarray:
    """Hagemann's weights of replicate ``replicate``: one per cluster (clusters numbered
    by :func:`cluster_index`), returned per observation."""
    drawn = stream(seed, *keys, replicate).choice(
        np.asarray(WILD_VALUES), size=int(index.max()) + 1, p=np.asarray(WILD_PROBABILITIES))
    return drawn[index]


@dataclass(frozen=True)
class _Chunk:
    """Replicates solved by one worker (a picklable task)."""

    X: np.ndarray
    y: np.ndarray
    tau: float
    beta: np.ndarray
    replicates: tuple[int, ...]
    seed: int
    keys: tuple[Any, ...]
    clusters: np.ndarray | None  #: :func:`cluster_index` (wild bootstrap) or None (xy)
    psi: np.ndarray | None
    hinv: np.ndarray | None  #: (X'FX)⁻¹ of the nid densities: the start's first-order step


def _br_replicate(X: np.ndarray, y: np.ndarray, tau: float) -> np.ndarray:
    """A replicate's coefficients along quantreg's br path (module docstring);
    LinAlgError where the replicate's design is singular."""
    fit = barrodale_roberts(X, y, tau, BOOT_TOLERANCE)
    if len(fit.basis) < X.shape[1]:
        raise np.linalg.LinAlgError("the replicate's design is singular")
    return fit.beta


def _replicate(chunk: _Chunk, b: int) -> np.ndarray:
    """Replicate ``b``'s coefficients (module docstring)."""
    X, y, tau = chunk.X, chunk.y, chunk.tau
    n = len(y)
    if chunk.clusters is None:
        draw = xy_draw(n, chunk.seed, chunk.keys, b)
        if n <= BR_MAX:
            return _br_replicate(X[draw], y[draw], tau)
        counts = np.bincount(draw, minlength=n)
        used = counts > 0
        return solve(X[used], y[used], tau, weights=counts[used].astype(np.float64),
                     start=chunk.beta).beta
    assert chunk.psi is not None
    shift = X.T @ (wild_weights(chunk.clusters, chunk.seed, chunk.keys, b) * chunk.psi)
    if n + 1 <= BR_MAX:
        return _br_replicate(np.vstack([X, shift / tau]),
                             np.append(y, n * np.max(np.abs(y))), tau)
    start = chunk.beta + chunk.hinv @ shift if chunk.hinv is not None else None
    return solve(X, y, tau, shift=shift, start=start).beta


def _solve_chunk(chunk: _Chunk) -> np.ndarray:
    """(len(replicates), p) replicate coefficients; a row of NaN for a replicate whose LP
    has no solution (a singular resampled design)."""
    out = np.full((len(chunk.replicates), chunk.X.shape[1]), np.nan)
    for row, b in enumerate(chunk.replicates):
        try:
            out[row] = _replicate(chunk, b)
        except (np.linalg.LinAlgError, ArithmeticError):
            continue
    return out


@dataclass(frozen=True)
class BootstrapDraws:
    """The replicate coefficients (R, p) and the number that failed (NaN rows)."""

    draws: np.ndarray
    failed: int

    def vcov(self) -> np.ndarray:
        """cov of the successful replicates (divisor R − 1), as quantreg's cov(B$B)."""
        ok = self.draws[~np.isnan(self.draws).any(axis=1)]
        return np.cov(ok, rowvar=False, ddof=1).reshape(self.draws.shape[1], -1)


def bootstrap(X: np.ndarray, y: np.ndarray, tau: float, beta: np.ndarray, *, reps: int,
              seed: int, keys: Sequence[object] = (), clusters: np.ndarray | None = None,
              execution: Execution = SERIAL) -> BootstrapDraws:
    """The xy-pair bootstrap, or with ``clusters`` (one label per observation) the wild
    gradient cluster bootstrap, of the fit β̂(τ) = ``beta`` (module docstring)."""
    psi = index = hinv = None
    if clusters is not None:
        resid = y - X @ beta
        psi = np.where((resid < 0.0) & (np.abs(resid) >= EPS), 1.0, 0.0) - tau
        index = cluster_index(clusters)
        if len(y) + 1 > BR_MAX:  # the interior point's start (module docstring)
            f, _ = nid_density(X, y, tau, beta)
            hinv = inverse_cross(X, f)
    workers = execution.workers
    chunks = max(1, min(reps, 4 * workers if workers > 1 else 1))
    split = np.array_split(np.arange(reps), chunks)
    tasks = [_Chunk(X, y, tau, beta, tuple(int(b) for b in part), seed, tuple(keys),
                    index, psi, hinv) for part in split if part.size]
    parts = run_tasks(_solve_chunk, tasks, execution=execution,
                      description=f"bootstrap tau={tau:g}",
                      weight=lambda task: len(task.replicates))
    draws = np.vstack(parts)
    return BootstrapDraws(draws, int(np.isnan(draws).any(axis=1).sum()))
