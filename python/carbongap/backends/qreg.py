"""The quantile regression estimator for a backend (:mod:`carbongap.backends`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..choices import BACKENDS, Backend, check
from ..parallel import SERIAL, Execution
from ..qreg import QuantRegResults, fit
from ..tables.estimate import Fitter


def _fit_r(data: Any, y: str, x: Sequence[str] | None = None, *, label: object = None,
           execution: Execution = SERIAL, **options: Any) -> QuantRegResults:
    """R quantreg with :func:`carbongap.qreg.fit`'s call (``label`` and ``execution`` do
    not apply: R draws its own bootstrap in one session)."""
    from ..r.quantreg import fit as fit_r

    return fit_r(data, y, x, **options)


def fitter(name: Backend) -> Fitter:
    """The estimator of backend ``name``: carbongap.qreg, or R quantreg."""
    check("backend", name, BACKENDS)
    return _fit_r if name == "r" else fit
