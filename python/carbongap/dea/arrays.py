"""The checks of the public DEA functions' arrays (:func:`carbongap.dea.sbi`,
:func:`carbongap.dea.ddf`): evaluated units and reference technology, units in rows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import DataError, format_rows


def readonly(array: np.ndarray | None) -> np.ndarray | None:
    """``array`` made read-only (a result's arrays), or None."""
    if array is not None:
        array.flags.writeable = False
    return array


def unit_matrix(name: str, value: object, rows: int | None) -> np.ndarray:
    """A finite, nonnegative float (units, variables) array; 1-D means one variable."""
    array = np.asarray(value, dtype=np.float64)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2:
        raise DataError(f"{name} must be a (units, variables) array, got shape {array.shape}",
                        source=name)
    if rows is not None and array.shape[0] != rows:
        raise DataError(f"{name} has {array.shape[0]} rows, expected {rows}", source=name)
    for test, what in ((~np.isfinite(array), "missing or infinite"), (array < 0, "negative")):
        bad = np.flatnonzero(test.any(axis=1))
        if bad.size:
            column = int(np.flatnonzero(test.any(axis=0))[0])
            raise DataError(f"{name}: {what} values in column {column}, rows "
                            f"{format_rows(bad)}", source=name, column=str(column), rows=bad)
    return array


def require_positive(name: str, array: np.ndarray) -> None:
    """DataError naming the column and rows where ``array`` is not positive."""
    bad = array <= 0
    if bad.any():
        rows = np.flatnonzero(bad.any(axis=1))
        column = int(np.flatnonzero(bad.any(axis=0))[0])
        raise DataError(f"{name}: directions must be positive; zero in column {column}, "
                        f"rows {format_rows(rows)}", source=name, column=str(column),
                        rows=rows)


@dataclass(frozen=True)
class Units:
    """Evaluated units and their reference technology, checked (:func:`units`):
    (n, N), (n, M), (n, J) and (K, N), (K, M), (K, J) arrays; ``own`` when the reference
    is the evaluated data."""

    x: np.ndarray
    y: np.ndarray
    b: np.ndarray
    x_ref: np.ndarray
    y_ref: np.ndarray
    b_ref: np.ndarray
    own: bool

    @property
    def dims(self) -> tuple[int, int, int]:
        """(N, M, J)."""
        return self.x.shape[1], self.y.shape[1], self.b.shape[1]

    @property
    def points(self) -> np.ndarray:
        """(n, N + M + J) evaluated data [x, y, b]."""
        return np.hstack([self.x, self.y, self.b])

    @property
    def reference(self) -> np.ndarray:
        """(K, N + M + J) reference data [x, y, b]."""
        return np.hstack([self.x_ref, self.y_ref, self.b_ref])

    def names(self) -> list[str]:
        """``x[0]``, ..., ``y[0]``, ..., ``b[0]``, ...: the columns of :attr:`points`."""
        return [f"{part}[{i}]" for part, width in zip("xyb", self.dims, strict=True)
                for i in range(width)]


def units(x: object, y: object, b: object, x_ref: object, y_ref: object, b_ref: object,
          method: str) -> Units:
    """The arrays of a public DEA call, checked: finite, nonnegative, consistent shapes,
    at least one input and one good output; the reference (all of x_ref, y_ref and
    b_ref exactly when b is given) or none, then the evaluated data."""
    xs = unit_matrix("x", x, None)
    n = xs.shape[0]
    ys = unit_matrix("y", y, n)
    bs = unit_matrix("b", b, n) if b is not None else np.empty((n, 0))
    if xs.shape[1] == 0 or ys.shape[1] == 0:
        raise DataError(f"the {method} needs at least one input and one good output",
                        source="x")
    if x_ref is None and y_ref is None and b_ref is None:
        return Units(xs, ys, bs, xs, ys, bs, True)
    if x_ref is None or y_ref is None or (b_ref is None) == (b is not None):
        raise ValueError("give x_ref and y_ref (and b_ref exactly when b is given), "
                         "or no reference at all")
    xr = unit_matrix("x_ref", x_ref, None)
    yr = unit_matrix("y_ref", y_ref, xr.shape[0])
    br = unit_matrix("b_ref", b_ref, xr.shape[0]) if b_ref is not None else np.empty(
        (xr.shape[0], 0))
    for name, ev, ref in (("x", xs, xr), ("y", ys, yr), ("b", bs, br)):
        if ev.shape[1] != ref.shape[1]:
            raise DataError(f"{name} has {ev.shape[1]} variables but {name}_ref has "
                            f"{ref.shape[1]}", source=f"{name}_ref")
    return Units(xs, ys, bs, xr, yr, br, False)


def direction_matrix(direction: object, points: np.ndarray) -> np.ndarray:
    """The tuple (g_x, g_y, g_b) (g_b None when J = 0) as one (n, N + M + J) array,
    finite, nonnegative and shaped like ``points``."""
    n = points.shape[0]
    gx, gy, gb = direction  # type: ignore[misc]
    g = np.hstack([unit_matrix("direction g_x", gx, n), unit_matrix("direction g_y", gy, n),
                   unit_matrix("direction g_b", gb, n) if gb is not None
                   else np.empty((n, 0))])
    if g.shape != points.shape:
        raise DataError(f"direction has shape {g.shape}, expected {points.shape}",
                        source="direction")
    return g
