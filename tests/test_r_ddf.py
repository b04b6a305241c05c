"""The directional distance function against the independent R/lpSolve reference
(``carbongap/r/ddf_lpsolve.R``, docs/methods.md §15): weak and strong disposability, CRS
and VRS, own-technology and cross-period problems (with infeasible LPs). Strong
disposability is also checked against R Benchmarking's stored ``dea.direct`` answers
(tests/test_benchmarking_ddf.py)."""

from __future__ import annotations

import numpy as np
import pytest

from carbongap.dea import ddf

pytestmark = pytest.mark.r

#: Both solvers return vertex solutions of the same LP; lpSolve's default tolerances.
TOLERANCE = 1e-8


def _problem(seed: int, n: int = 25):
    rng = np.random.default_rng(seed)
    x = rng.lognormal(size=(n, 2)) * [1e7, 300.0]
    y = (x[:, :1] ** 0.35 * x[:, 1:] ** 0.6) * np.exp(-np.abs(rng.normal(0, 0.3, (n, 1))))
    b = y ** 0.9 * rng.lognormal(0, 0.3, (n, 1))
    return x, y, b


@pytest.mark.parametrize("disposability", ["weak", "strong"])
@pytest.mark.parametrize("rts", ["crs", "vrs"])
def test_engine_equals_the_lpsolve_reference(rts, disposability):
    from carbongap.r.ddf import ddf_lpsolve

    x, y, b = _problem(3)
    later = tuple(v * f for v, f in zip(_problem(4), (1.0, 1.2, 0.95), strict=True))
    for args in ((x, y, b), (*later, x, y, b)):  # own technology, then the next period's data
        ours = ddf(*args, rts=rts, disposability=disposability)
        values, status = ddf_lpsolve(*args, rts=rts, disposability=disposability)
        assert list(status) == list(ours.status)
        np.testing.assert_allclose(values, ours.values, rtol=0, atol=TOLERANCE)
    assert (ours.status == "optimal").sum() > 5 and np.nanmin(ours.values) < 0
    if rts == "vrs":
        assert (ours.status == "infeasible").any()
