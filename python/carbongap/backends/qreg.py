"""The quantile regression estimator for a backend (:mod:`carbongap.backends`)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..choices import BACKENDS, Backend, check
from ..parallel import SERIAL, Execution
from ..qreg import Estimator, QregOptions, QuantRegResults, estimate


def _estimate_r(data: pd.DataFrame, dependent: str, regressors: Sequence[str],
                options: QregOptions, *, label: Sequence[object] = (),
                execution: Execution = SERIAL) -> QuantRegResults:
    """R quantreg's :class:`~carbongap.qreg.Estimator` (R is started only when called)."""
    from ..r.quantreg import estimate as estimate_r

    return estimate_r(data, dependent, regressors, options, label=label, execution=execution)


def estimator(name: Backend) -> Estimator:
    """The estimator of backend ``name``: carbongap.qreg, or R quantreg."""
    check("backend", name, BACKENDS)
    return _estimate_r if name == "r" else estimate
