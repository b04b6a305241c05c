"""A reference technology as the LP sees it: scaled data, slack costs, checked answers.

docs/methods.md §6. :class:`Reference` holds the reference units [x, y, b] of one
technology, the returns to scale, and

* the column scaling: each variable is divided by the geometric mean of its positive
  reference values (1 when it has none); λ is not scaled. The SBI value and λ are
  unchanged by this (every slack is divided by a direction in the same units), and
  slacks are converted back to the caller's units. The geometric mean centres each
  variable's entries on 1 in the logarithm, so a variable spanning 10^d has entries
  between about 10^-d and 10^d, rather than (with the arithmetic mean) a few of order 1
  and the rest near 10^-d, where HiGHS would read entries below its
  ``small_matrix_value`` as zero. It does not make every LP well conditioned:
  variables spanning more than about 10^6 can still defeat the solver, which is why
  they are reported (:func:`warn_wide_columns`) and every answer is checked;
* :meth:`Reference.judge`, the verdict on the solver's answers: optimal ones are checked
  in the caller's units (:func:`carbongap.dea.verify.check`) and become
  :data:`~carbongap.dea.status.NUMERICAL` when they fail; "unbounded" is accepted only
  where the data allow it (see :func:`carbongap.dea.sbi`, Notes).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .. import choices
from ..choices import Rts
from .status import DECIDED, NUMERICAL, OPTIMAL, UNBOUNDED
from .verify import check, sbi_weights

logger = logging.getLogger("carbongap.dea")

#: A variable whose positive values span more than this factor (max / min) is reported.
SPREAD_WARNING: float = 1e6


def check_rts(rts: str) -> None:
    """ValueError naming the valid choices when ``rts`` is not one of :data:`RTS`."""
    choices.check("rts", rts, choices.RTS)


def warn_wide_columns(data: np.ndarray, names: Sequence[str], source: str,
                      row_label: Callable[[int], str] | None = None) -> list[str]:
    """Warn about each column whose positive values span more than SPREAD_WARNING.

    Such data can defeat a floating-point LP solver; every answer is checked
    (:mod:`carbongap.dea.verify`), so the risk is NaN values with status "numerical",
    not wrong numbers. Changing a variable's unit does not help (the SBI is unit-free);
    splitting the sample by size, or correcting a unit slip in one row, does.
    ``row_label(i)`` names row i of ``data`` (e.g. "city_code 130100 year 2006") so the
    warning says where the smallest and largest values are. Returns the messages, each also
    logged as a warning.
    """
    messages = []
    for column, name in enumerate(names):
        values = data[:, column]
        positive = np.flatnonzero(values > 0)
        if not positive.size:
            continue
        low = positive[np.argmin(values[positive])]
        high = positive[np.argmax(values[positive])]
        if values[high] > SPREAD_WARNING * values[low]:
            where = (f" (smallest at {row_label(low)}, largest at {row_label(high)})"
                     if row_label else "")
            messages.append(f"{source}: {name} spans {values[low]:.1e} to {values[high]:.1e}"
                            f"{where}, more than a factor {SPREAD_WARNING:.0e}; the LP solver "
                            "may fail on some units (status 'numerical')")
    for message in messages:
        logger.warning("%s", message)
    return messages


def geometric_scale(data: np.ndarray) -> np.ndarray:
    """Per column, the geometric mean of the positive entries (1 where there are none)."""
    positive = data > 0
    logs = np.log(np.where(positive, data, 1.0))
    count = positive.sum(axis=0)
    mean = np.divide(logs.sum(axis=0), count, out=np.zeros(data.shape[1]), where=count > 0)
    return np.exp(mean)


@dataclass(frozen=True)
class Verdict:
    """:meth:`Reference.judge` per unit: status code, value (NaN unless optimal), λ⁺ and
    s⁺ (caller's units, NaN unless optimal), and whether the answer deserves a retry
    (failed the check, or undecided)."""

    status: np.ndarray
    values: np.ndarray
    lambdas: np.ndarray
    slacks: np.ndarray
    doubtful: np.ndarray


class Reference:
    """Reference units (K, N), (K, M), (K, J), scaled (module docstring), with rts."""

    def __init__(self, x_ref: np.ndarray, y_ref: np.ndarray, b_ref: np.ndarray,
                 rts: Rts) -> None:
        self.rts = rts
        self.n_ref = int(x_ref.shape[0])
        self.dims = (int(x_ref.shape[1]), int(y_ref.shape[1]), int(b_ref.shape[1]))
        self.data = np.hstack([x_ref, y_ref, b_ref]).astype(np.float64)
        self.scale = geometric_scale(self.data)
        self.scaled = self.data / self.scale
        self.weights = sbi_weights(self.dims)
        # Unbounded needs CRS and a unit with zero inputs and bads producing a good.
        free = (np.hstack([x_ref, b_ref]) == 0).all(axis=1) & (y_ref > 0).any(axis=1)
        self.unbounded_possible = rts == "crs" and bool(free.any())

    def prepare(self, data: np.ndarray, direction: np.ndarray | None
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Scaled right-hand sides, scaled slack costs w / g, and g (caller's units)."""
        g = np.asarray(data if direction is None else direction, dtype=np.float64)
        rhs = np.ascontiguousarray(data / self.scale, dtype=np.float64)
        return rhs, np.ascontiguousarray(self.weights / (g / self.scale)), g

    def judge(self, codes: np.ndarray, cols: np.ndarray, duals: np.ndarray,
              data: np.ndarray, g: np.ndarray) -> Verdict:
        """The verdict on the solver's answers (module docstring).

        ``codes``: solver status per unit; ``cols``: (units, K + N + M + J) scaled
        solutions (λ, slacks) and ``duals``: (units, N + M + J [+ 1 under VRS]) scaled
        row duals, both read only where the code is optimal; ``data``, ``g``: evaluated
        data and direction in the caller's units.
        """
        k, n = self.n_ref, codes.size
        status = codes.astype(np.int16, copy=True)
        values = np.full(n, np.nan)
        lambdas = np.full((n, k), np.nan)
        slacks = np.full(data.shape, np.nan)
        optimal = np.flatnonzero(codes == OPTIMAL)
        if optimal.size:
            row_scale = np.append(self.scale, 1.0)[:duals.shape[1]]
            checked = check(self.data, self.dims, self.rts, data[optimal], g[optimal],
                            cols[optimal, :k], cols[optimal, k:] * self.scale,
                            duals[optimal] / row_scale)
            good = optimal[checked.ok]
            values[good] = checked.values[checked.ok]
            lambdas[good] = checked.lambdas[checked.ok]
            slacks[good] = checked.slacks[checked.ok]
            status[optimal[~checked.ok]] = NUMERICAL
        if not self.unbounded_possible:
            status[codes == UNBOUNDED] = NUMERICAL
        return Verdict(status, values, lambdas, slacks, ~np.isin(status, DECIDED))
