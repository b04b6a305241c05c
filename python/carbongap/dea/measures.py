"""The productivity measures a Luenberger panel can be computed with (docs/methods.md §15).

Each :class:`Measure` names the LP its terms solve (the SBI of docs/methods.md §6 or the
radial directional distance function D of :mod:`carbongap.dea.ddf_lp`), how the terms of
a year pair combine, and, for the global Malmquist-Luenberger index, its frontier:

* ``sbi`` (the paper's): the SBI Luenberger indicator and its four-way decomposition
  (:mod:`carbongap.dea.decomposition`).
* ``ddf-luenberger``: the Luenberger indicator in difference form on D (Chambers, Färe &
  Grosskopf 1996): the same formulas with D in place of S, so LTFP = EC + PC holds and
  LTFP = ½{[D^t(t) − D^t(t+1)] + [D^{t+1}(t) − D^{t+1}(t+1)]}.
* ``ml``: the Malmquist-Luenberger index in ratio form (Chung, Färe & Grosskopf 1997,
  eq. 12), CRS terms::

      ML      = √{[(1 + D^t(t)) / (1 + D^t(t+1))] · [(1 + D^{t+1}(t)) / (1 + D^{t+1}(t+1))]}
      MLEFFCH = (1 + D^t(t)) / (1 + D^{t+1}(t+1))
      MLTECH  = √{[(1 + D^{t+1}(t)) / (1 + D^t(t))] · [(1 + D^{t+1}(t+1)) / (1 + D^t(t+1))]}

  and ML = MLEFFCH · MLTECH. On a pooled frontier (technology P of the pair)::

      ML      = (1 + D^P(t)) / (1 + D^P(t+1))
      MLEFFCH = (1 + D^t(t)) / (1 + D^{t+1}(t+1))
      MLTECH  = [(1 + D^P(t)) / (1 + D^t(t))] / [(1 + D^P(t+1)) / (1 + D^{t+1}(t+1))]

* ``gml``: the global Malmquist-Luenberger index (Oh 2010): ``ml`` on the global
  frontier (P = every period), whose cross-period LPs are never infeasible; MLTECH is
  Oh's best-practice gap change.

Above 1 (ratio form) or 0 (difference form) is progress. NaN (an LP that is not
optimal) propagates to every component that uses it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ..choices import MEASURES, RATIO_MEASURES, Frontier, check
from ..errors import ConfigError
from .decomposition import COMPONENTS, CRS_COMPONENTS
from .frontiers import FrontierRule, frontier_rule

#: The ratio-form components, in output order.
RATIO_COMPONENTS: tuple[str, ...] = ("ML", "MLEFFCH", "MLTECH")


@dataclass(frozen=True)
class Measure:
    """One productivity measure (module docstring).

    ``program`` is the LP of its terms (``"sbi"`` or ``"ddf"``); ``frontier`` the
    frontier it fixes (``gml``: global) or None (any).
    """

    name: str
    program: str
    frontier: Frontier | None = None

    @property
    def ratio(self) -> bool:
        """Whether its components are ratios (ML, :data:`carbongap.choices.RATIO_MEASURES`)
        rather than differences (Luenberger)."""
        return self.name in RATIO_MEASURES

    def component_names(self, rts_decomposition: bool) -> tuple[str, ...]:
        """The component columns it writes."""
        if self.ratio:
            return RATIO_COMPONENTS
        return COMPONENTS if rts_decomposition else CRS_COMPONENTS

    def index_columns(self) -> dict[str, str]:
        """Component -> index name of the regressions (T, PC, EC; docs/methods.md §6)."""
        if self.ratio:
            return {"ML": "T", "MLTECH": "PC", "MLEFFCH": "EC"}
        return {"LTFP": "T", "PC": "PC", "EC": "EC"}

    def term_prefix(self) -> str:
        """``S`` for SBI terms, ``D`` for directional distance terms (column names)."""
        return "S" if self.program == "sbi" else "D"


#: Every measure by its public name (:data:`carbongap.choices.Measure`).
MEASURE_RULES: dict[str, Measure] = {
    "sbi": Measure("sbi", "sbi"),
    "ddf-luenberger": Measure("ddf-luenberger", "ddf"),
    "ml": Measure("ml", "ddf"),
    "gml": Measure("gml", "ddf", frontier="global"),
}


def measure_rule(name: str | Measure) -> Measure:
    """The measure called ``name`` (a measure passes through); ValueError naming the
    valid choices otherwise."""
    if isinstance(name, Measure):
        return name
    check("measure", name, MEASURES)
    return MEASURE_RULES[name]


def measure_frontier(measure: Measure, frontier: str | FrontierRule | None) -> FrontierRule:
    """The frontier of ``measure``: ``frontier`` (default contemporaneous), or the one the
    measure fixes (gml: global); ConfigError (a ValueError) when the two differ."""
    rule = frontier_rule(frontier or measure.frontier or "contemporaneous")
    if measure.frontier is not None and rule.name != measure.frontier:
        raise ConfigError(f"the {measure.name} measure is on the {measure.frontier} frontier, "
                         f"not {rule.name} (use measure 'ml' on other frontiers)")
    return rule


def ratio_components(D: Mapping[str, np.ndarray], pooled: bool) -> dict[str, np.ndarray]:
    """ML, MLEFFCH and MLTECH from the CRS terms of one pair (module docstring), keyed
    like the SBI terms (``S_C_t_t1`` = D^t(t+1))."""
    tt, t1t1 = 1.0 + D["S_C_t_t"], 1.0 + D["S_C_t1_t1"]
    effch = tt / t1t1
    if pooled:
        pt, p1 = 1.0 + D["S_C_P_t"], 1.0 + D["S_C_P_t1"]
        return {"ML": pt / p1, "MLEFFCH": effch, "MLTECH": (pt / tt) / (p1 / t1t1)}
    t_t1, t1_t = 1.0 + D["S_C_t_t1"], 1.0 + D["S_C_t1_t"]
    return {"ML": np.sqrt((tt / t_t1) * (t1_t / t1t1)), "MLEFFCH": effch,
            "MLTECH": np.sqrt((t1_t / tt) * (t1t1 / t_t1))}
