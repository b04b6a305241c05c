"""The Luenberger indicator and its four-way decomposition from the S terms (docs/methods.md §6).

Notation: ``S["S_C_t_t1"]`` = S_C^t(t+1), the CRS inefficiency of the period t+1 data
against the period-t technology; ``P`` is a pooled technology (see
:mod:`carbongap.dea.frontiers`, whose rules choose the formulas). All arrays are aligned
city by city; NaN (an LP that is not optimal) propagates to every component that uses it.

Adjacent frontiers (contemporaneous, sequential), docs/methods.md §6 verbatim::

    LTFP  = ½{[S_C^t(t) − S_C^t(t+1)] + [S_C^{t+1}(t) − S_C^{t+1}(t+1)]}
    LPEC  = S_V^t(t) − S_V^{t+1}(t+1)
    LSEC  = [S_C^t(t) − S_V^t(t)] − [S_C^{t+1}(t+1) − S_V^{t+1}(t+1)]
    LPTP  = ½{[S_V^{t+1}(t) − S_V^t(t)] + [S_V^{t+1}(t+1) − S_V^t(t+1)]}
    LTPSC = ½{[(S_C^{t+1}(t) − S_V^{t+1}(t)) − (S_C^t(t) − S_V^t(t))]
            + [(S_C^{t+1}(t+1) − S_V^{t+1}(t+1)) − (S_C^t(t+1) − S_V^t(t+1))]}

Pooled frontiers (global, biennial), docs/methods.md §6 verbatim: the indicator compares
both years with P, efficiency change is measured against the contemporaneous
technologies, and technical change is the change of the gap between P and the period
technology (best-practice gap change)::

    LTFP  = S_C^P(t) − S_C^P(t+1)
    LPEC, LSEC as above
    LPTP  = [S_V^P(t) − S_V^t(t)] − [S_V^P(t+1) − S_V^{t+1}(t+1)]
    LTPSC = {[S_C^P(t) − S_V^P(t)] − [S_C^t(t) − S_V^t(t)]}
            − {[S_C^P(t+1) − S_V^P(t+1)] − [S_C^{t+1}(t+1) − S_V^{t+1}(t+1)]}

In both cases EC = LPEC + LSEC, PC = LPTP + LTPSC and LTFP = EC + PC is an algebraic
identity. Without the CRS/VRS split (``rts_decomposition=False``) only LTFP, EC and PC are
formed, from the CRS terms: EC = S_C^t(t) − S_C^{t+1}(t+1), PC = LTFP − EC written out
term by term.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

#: Component columns, in output order, with and without the CRS/VRS split.
COMPONENTS: tuple[str, ...] = ("LTFP", "LPEC", "LSEC", "LPTP", "LTPSC", "EC", "PC")
CRS_COMPONENTS: tuple[str, ...] = ("LTFP", "EC", "PC")


def _efficiency_change(S: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """LPEC and LSEC, measured against the contemporaneous technologies by every frontier."""
    c_tt, c_11, v_tt, v_11 = S["S_C_t_t"], S["S_C_t1_t1"], S["S_V_t_t"], S["S_V_t1_t1"]
    return {"LPEC": v_tt - v_11, "LSEC": (c_tt - v_tt) - (c_11 - v_11)}


def _assembled(ltfp: np.ndarray, ec: dict[str, np.ndarray], lptp: np.ndarray,
               ltpsc: np.ndarray) -> dict[str, np.ndarray]:
    return {"LTFP": ltfp, "LPEC": ec["LPEC"], "LSEC": ec["LSEC"], "LPTP": lptp,
            "LTPSC": ltpsc, "EC": ec["LPEC"] + ec["LSEC"], "PC": lptp + ltpsc}


def adjacent_components(S: Mapping[str, np.ndarray], rts_decomposition: bool = True
                        ) -> dict[str, np.ndarray]:
    """LTFP and its components of an adjacent frontier (first block of formulas above)."""
    c_tt, c_11, c_t1, c_1t = S["S_C_t_t"], S["S_C_t1_t1"], S["S_C_t_t1"], S["S_C_t1_t"]
    ltfp = 0.5 * ((c_tt - c_t1) + (c_1t - c_11))
    if not rts_decomposition:
        return {"LTFP": ltfp, "EC": c_tt - c_11,
                "PC": 0.5 * ((c_1t - c_tt) + (c_11 - c_t1))}
    v_tt, v_11, v_t1, v_1t = S["S_V_t_t"], S["S_V_t1_t1"], S["S_V_t_t1"], S["S_V_t1_t"]
    lptp = 0.5 * ((v_1t - v_tt) + (v_11 - v_t1))
    ltpsc = 0.5 * (((c_1t - v_1t) - (c_tt - v_tt)) + ((c_11 - v_11) - (c_t1 - v_t1)))
    return _assembled(ltfp, _efficiency_change(S), lptp, ltpsc)


def pooled_components(S: Mapping[str, np.ndarray], rts_decomposition: bool = True
                      ) -> dict[str, np.ndarray]:
    """LTFP and its components of a pooled frontier (second block of formulas above)."""
    c_tt, c_11, c_pt, c_p1 = S["S_C_t_t"], S["S_C_t1_t1"], S["S_C_P_t"], S["S_C_P_t1"]
    ltfp = c_pt - c_p1
    if not rts_decomposition:
        return {"LTFP": ltfp, "EC": c_tt - c_11, "PC": (c_pt - c_tt) - (c_p1 - c_11)}
    v_tt, v_11, v_pt, v_p1 = S["S_V_t_t"], S["S_V_t1_t1"], S["S_V_P_t"], S["S_V_P_t1"]
    lptp = (v_pt - v_tt) - (v_p1 - v_11)
    ltpsc = ((c_pt - v_pt) - (c_tt - v_tt)) - ((c_p1 - v_p1) - (c_11 - v_11))
    return _assembled(ltfp, _efficiency_change(S), lptp, ltpsc)
