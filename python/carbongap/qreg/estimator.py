"""The quantile regression estimator protocol (docs/methods.md §7).

An :class:`Estimator` is any function that fits one model with a
:class:`carbongap.qreg.options.QregOptions`: the Python estimator
(:func:`carbongap.qreg.model.estimate`) or R quantreg's
(:func:`carbongap.r.quantreg.estimate`), chosen by :mod:`carbongap.backends.qreg`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import pandas as pd

from ..parallel import SERIAL, Execution
from .options import QregOptions
from .results import QuantRegResults


class Estimator(Protocol):
    """Fits ``dependent`` on a constant and ``regressors`` at every τ of ``options``.

    ``label`` names the fit in the random streams of the bootstrap (default the formula);
    ``execution`` runs the bootstrap replicates (workers, Dask, progress) and never
    changes a number. An estimator that draws its own bootstrap (R) ignores both.
    """

    def __call__(self, data: pd.DataFrame, dependent: str, regressors: Sequence[str],
                 options: QregOptions, *, label: Sequence[object] = (),
                 execution: Execution = SERIAL) -> QuantRegResults:
        """The results of the fits (:class:`carbongap.qreg.results.QuantRegResults`)."""
        ...
