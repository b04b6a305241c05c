"""carbongap: replication toolkit for Zhang & Liu (2024), China's urban carbon emission gap.

Public API (docs/methods.md §11)::

    import carbongap as cg
    cg.synth.generate(seed=0, n_cities=282, years=(2006, 2019))
    cg.load_panel(path, provinces=None)      # files; the synthetic panel: cg.synth.validated()
    cg.accounting.emissions(panel, factors="paper")
    cg.inequality.gini(values)
    cg.dea.sbi(x, y, b)
    cg.dea.luenberger(panel, inputs, good, bad)
    cg.qreg.fit(data, "lnCO2 ~ lnT + lnP + lnA + lnI", taus=(0.2, 0.4, 0.6, 0.8), se="nid")
    cg.replicate(config=None, data=None, out=None)

Submodules are imported on first use, so ``import carbongap`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import Any

from ._version import __version__

_SUBMODULES = ("accounting", "inequality", "dea", "qreg", "synth", "regions", "ingest", "config")
_FUNCTIONS = {"load_panel": "carbongap.ingest.load", "replicate": "carbongap.pipeline.runner"}

__all__ = ["__version__", *_SUBMODULES, *_FUNCTIONS]


def __dir__() -> list[str]:
    """The public names (the API above), not the module's own imports."""
    return sorted(__all__)


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"carbongap.{name}")
    if name in _FUNCTIONS:
        return getattr(importlib.import_module(_FUNCTIONS[name]), name)
    raise AttributeError(f"module 'carbongap' has no attribute {name!r}")
