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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..choices import FRONTIERS, RTS, Frontier, Rts, check

ADJACENT: frozenset[str] = frozenset({"contemporaneous", "sequential"})


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


def check_frontier(frontier: str) -> None:
    """ValueError naming the valid choices when ``frontier`` is not one of them."""
    check("frontier", frontier, FRONTIERS)


def terms(frontier: Frontier, rts_decomposition: bool = True) -> tuple[Term, ...]:
    """The S terms of a pair: eight with the CRS/VRS decomposition, four (CRS) without."""
    check_frontier(frontier)
    pairs = ((("t", "t"), ("t", "t1"), ("t1", "t"), ("t1", "t1")) if frontier in ADJACENT
             else (("t", "t"), ("t1", "t1"), ("P", "t"), ("P", "t1")))
    kinds = RTS if rts_decomposition else ("crs",)
    return tuple(Term(rts, tech, data) for rts in kinds for tech, data in pairs)


def technology_periods(frontier: Frontier, role: str, pair: tuple[int, int],
                       periods: Sequence[int]) -> tuple[int, ...]:
    """The periods whose data span the technology of ``role`` in ``pair`` (module doc)."""
    check_frontier(frontier)
    if role == "P":
        return tuple(periods) if frontier == "global" else tuple(pair)
    own = pair[0] if role == "t" else pair[1]
    if frontier == "sequential":
        return tuple(p for p in periods if p <= own)
    return (own,)


def year_pairs(periods: Sequence[int]) -> list[tuple[int, int]]:
    """The calendar pairs (t, t+1) with both t and t+1 in ``periods``, sorted (docs/methods.md §6).

    ``periods`` are integer years (or other integer periods one step apart); t and t+2
    never form a pair, even when t+1 is absent.
    """
    present = {int(p) for p in periods}
    return [(t, t + 1) for t in sorted(present) if t + 1 in present]
