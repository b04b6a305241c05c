"""Which periods form each reference technology, and which S terms a year pair needs.

docs/methods.md §6 writes S^a(b) for the technology of period a evaluated at the data of
period b, and builds the Luenberger indicator of the pair (t, t+1) from eight such terms.
Periods are integer calendar periods (years); a pair is two calendar-adjacent periods t
and t+1, both present in the (screened) panel. A gap never joins its neighbours: with
no usable 2008, there is no 2007-2008 and no 2008-2009 indicator, and no 2007-2009 one
(the lost pairs are listed by :func:`carbongap.dea.panel.screen`). A technology is
spanned by *every* valid observation of its periods, whether or not that city is
evaluated in the pair.

Adjacent frontiers (the formula of docs/methods.md §6; terms S^t(t), S^t(t+1), S^{t+1}(t),
S^{t+1}(t+1) under CRS and VRS):

* ``contemporaneous`` (paper default): T^a = data of period a.
* ``sequential`` (Shestalova 2003): T^a = data of every period ≤ a. Technologies only
  grow, so S^{t+1}(·) ≥ S^t(·) and technical change (PC, LPTP) is never negative;
  S^t(t+1) can still be infeasible.

Pooled frontiers (one technology P for both years of the pair, as in the global
Malmquist index of Pastor & Lovell 2005 and the biennial index of Pastor, Asmild & Lovell
2011; terms S^t(t), S^{t+1}(t+1) against the contemporaneous technologies and S^P(t),
S^P(t+1) against P, CRS and VRS):

* ``global``: P = data of all periods.
* ``biennial``: P = data of periods t and t+1.

P contains both observed points of the pair, so no pooled LP is ever infeasible. The
decomposition for pooled frontiers is in :mod:`carbongap.dea.decomposition`.

Each frontier is one :class:`FrontierRule` of :data:`FRONTIER_RULES`, looked up once by
its public name (:func:`frontier_rule`, where the option enters: :func:`carbongap.dea.
luenberger` or :class:`carbongap.dea.spec.LuenbergerSpec`); it owns the S terms of a
pair, the periods of each technology and how the components are formed. Adding a
frontier is one entry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..choices import RTS, Rts, check
from .decomposition import adjacent_components, pooled_components

#: The periods spanning the technology of period ``a`` among the panel's ``periods``.
OwnPeriods = Callable[[int, Sequence[int]], tuple[int, ...]]
#: The periods spanning the pooled technology P of a pair among the panel's ``periods``.
PoolPeriods = Callable[[tuple[int, int], Sequence[int]], tuple[int, ...]]
#: The components from the S terms of one pair (:mod:`carbongap.dea.decomposition`).
Components = Callable[[Mapping[str, np.ndarray], bool], dict[str, np.ndarray]]


@dataclass(frozen=True)
class Term:
    """One S term of a year pair: returns to scale, technology role, data period.

    ``technology`` is ``"t"`` / ``"t1"`` (the technology of the earlier / later period)
    or ``"P"`` (the pooled technology); ``data`` is ``"t"`` or ``"t1"``.
    """

    rts: Rts
    technology: str
    data: str

    @property
    def name(self) -> str:
        """Column name, e.g. ``S_C_t_t1`` = S_C^t(t+1), ``S_V_P_t`` = S_V^P(t)."""
        return f"S_{'C' if self.rts == 'crs' else 'V'}_{self.technology}_{self.data}"


#: (technology, data) of the four terms of each RTS, adjacent and pooled (module doc).
ADJACENT_TERMS = (("t", "t"), ("t", "t1"), ("t1", "t"), ("t1", "t1"))
POOLED_TERMS = (("t", "t"), ("t1", "t1"), ("P", "t"), ("P", "t1"))


@dataclass(frozen=True)
class FrontierRule:
    """One reference technology (module docstring).

    ``own`` gives the periods spanning the technology of a period; ``pool``, for a pooled
    frontier, those of the pair's technology P (None: an adjacent frontier).
    """

    name: str
    own: OwnPeriods
    pool: PoolPeriods | None = None

    @property
    def pooled(self) -> bool:
        """Whether the pair is compared on one pooled technology P."""
        return self.pool is not None

    def terms(self, rts_decomposition: bool = True) -> tuple[Term, ...]:
        """The S terms of a pair: eight with the CRS/VRS decomposition, four (CRS)
        without."""
        pairs = POOLED_TERMS if self.pooled else ADJACENT_TERMS
        kinds = RTS if rts_decomposition else ("crs",)
        return tuple(Term(rts, tech, data) for rts in kinds for tech, data in pairs)

    def technology_periods(self, role: str, pair: tuple[int, int],
                           periods: Sequence[int]) -> tuple[int, ...]:
        """The periods whose data span the technology of ``role`` (``"t"``, ``"t1"`` or
        ``"P"``) in ``pair``."""
        if role == "P":
            if self.pool is None:
                raise ValueError(f"the {self.name} frontier has no pooled technology")
            return self.pool(pair, periods)
        return self.own(pair[0] if role == "t" else pair[1], periods)

    def components(self, S: Mapping[str, np.ndarray], rts_decomposition: bool = True
                   ) -> dict[str, np.ndarray]:
        """LTFP and its components from the S terms of one pair (docs/methods.md §6)."""
        form: Components = pooled_components if self.pooled else adjacent_components
        return form(S, rts_decomposition)


def contemporaneous(period: int, periods: Sequence[int]) -> tuple[int, ...]:
    """T^a = the data of period a."""
    return (period,)


def sequential(period: int, periods: Sequence[int]) -> tuple[int, ...]:
    """T^a = the data of every period ≤ a."""
    return tuple(p for p in periods if p <= period)


def every_period(pair: tuple[int, int], periods: Sequence[int]) -> tuple[int, ...]:
    """P = the data of all periods (global)."""
    return tuple(periods)


def the_pair(pair: tuple[int, int], periods: Sequence[int]) -> tuple[int, ...]:
    """P = the data of periods t and t+1 (biennial)."""
    return tuple(pair)


#: Every frontier by its public name (:data:`carbongap.choices.Frontier`).
FRONTIER_RULES: dict[str, FrontierRule] = {
    "contemporaneous": FrontierRule("contemporaneous", contemporaneous),
    "sequential": FrontierRule("sequential", sequential),
    "global": FrontierRule("global", contemporaneous, every_period),
    "biennial": FrontierRule("biennial", contemporaneous, the_pair),
}


def frontier_rule(name: str | FrontierRule) -> FrontierRule:
    """The frontier called ``name`` (a rule passes through); ValueError naming the valid
    choices otherwise."""
    if isinstance(name, FrontierRule):
        return name
    check("frontier", name, tuple(FRONTIER_RULES))
    return FRONTIER_RULES[name]


def year_pairs(periods: Sequence[int]) -> list[tuple[int, int]]:
    """The calendar pairs (t, t+1) with both t and t+1 in ``periods``, sorted (docs/methods.md §6).

    ``periods`` are integer years (or other integer periods one step apart); t and t+2
    never form a pair, even when t+1 is absent.
    """
    present = {int(p) for p in periods}
    return [(t, t + 1) for t in sorted(present) if t + 1 in present]
