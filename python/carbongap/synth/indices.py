"""The generator's latent productivity indices: T, PC, EC and GT, GPC, GEC.

They are the SPEC section 6 Luenberger formulas evaluated on the generator's own
technology instead of a DEA estimate of it. For the production model, the distance of
the data of year s to the technology of year r is the SBI objective with only the
output slack (direction g_y = y, weight 1/2)::

    S_r(s) = (1/2) (f_r(x_s) / y_s - 1) = (1/2) (exp(u_s + ln f_r(x_s) - ln f_s(x_s)) - 1)

(negative, not infeasible, when the data lie above the frontier of the other year).
For the green model the bad output (CO2, b) enters with the SBI weights 1/(M + J) = 1/2;
its frontier is the least CO2 the emission model can give a city with the same
regressors, ``b_min = exp(x'beta + (x'gamma) eps_min)``, so ``w = ln(b / b_min) =
(x'gamma)(eps - eps_min) >= 0`` (see ``emissions``)::

    S^G_r(s) = (1/2) (1/2) [(f_r(x_s)/y_s - 1) + (1 - b_min/b_s)]
             = S_r(s) / 2 + (1 - exp(-w_s)) / 4

The emission frontier does not move between years, so green technical change comes
from the production frontier only. With t the later year::

    LPEC = S_t-1(t-1) - S_t(t)
    LPTP = 1/2 {[S_t(t-1) - S_t-1(t-1)] + [S_t(t) - S_t-1(t)]}
    LSEC = LTPSC = 0                     (the true technology has constant returns)
    EC = LPEC,  PC = LPTP,  LTFP = EC + PC

Index form (SPEC section 6): ``T = 1 + LTFP``, ``PC = 1 + PC``, ``EC = 1 + EC`` and
likewise GT, GPC, GEC; hence T - 1 = (PC - 1) + (EC - 1) exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Indices:
    """Index form (1 + indicator) of one model's Luenberger components; column 0 NaN."""

    total: np.ndarray  # T (or GT) = 1 + LTFP
    technical: np.ndarray  # PC (or GPC) = 1 + LPTP + LTPSC
    efficiency: np.ndarray  # EC (or GEC) = 1 + LPEC + LSEC


def _lag(values: np.ndarray) -> np.ndarray:
    return np.concatenate([np.full((values.shape[0], 1), np.nan), values[:, :-1]], axis=1)


def production_terms(u: np.ndarray, shift_before: np.ndarray,
                     shift_now: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(LPEC, LPTP) of the production model for each city-year (column 0 NaN).

    ``shift_before`` = delta_t(x_t-1), ``shift_now`` = delta_t(x_t) (``Frontier.shift``).
    """
    u_before = _lag(u)
    s_pp = 0.5 * np.expm1(u_before)  # S_t-1(t-1)
    s_tt = 0.5 * np.expm1(u)  # S_t(t)
    s_tp = 0.5 * np.expm1(u_before + shift_before)  # S_t(t-1)
    s_pt = 0.5 * np.expm1(u - shift_now)  # S_t-1(t)
    return s_pp - s_tt, 0.5 * ((s_tp - s_pp) + (s_tt - s_pt))


def production(u: np.ndarray, shift_before: np.ndarray, shift_now: np.ndarray) -> Indices:
    """T, PC, EC (index form) of the production model."""
    lpec, lptp = production_terms(u, shift_before, shift_now)
    return Indices(total=1.0 + lpec + lptp, technical=1.0 + lptp, efficiency=1.0 + lpec)


def green(u: np.ndarray, shift_before: np.ndarray, shift_now: np.ndarray,
          excess: np.ndarray) -> Indices:
    """GT, GPC, GEC (index form) of the green model; ``excess`` is w = ln(b / b_min)."""
    lpec, lptp = production_terms(u, shift_before, shift_now)
    keep = np.exp(-excess)
    bad = 0.25 * (keep - _lag(keep))  # (1 - e^-w_t-1)/4 - (1 - e^-w_t)/4
    gpec, gptp = 0.5 * lpec + bad, 0.5 * lptp
    return Indices(total=1.0 + gpec + gptp, technical=1.0 + gptp, efficiency=1.0 + gpec)
