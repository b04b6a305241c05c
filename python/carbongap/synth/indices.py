"""The generator's latent productivity indices: T, PC, EC and GT, GPC, GEC.

They are the Luenberger formulas of docs/methods.md §6 (the LPEC and LPTP combinations of
distance terms) with every distance term S_r(s) an *output-oriented directional
distance* to the generator's true frontier: the outputs are expanded (and CO2
contracted) along the SBI direction, the inputs are held fixed. They are not the docs/methods.md §6
section 6 SBI evaluated on the true technology, which also takes input slacks.

Production model: the distance of the data of year s to the technology of year r
expands the good output only (direction g_y = y, the SBI weight 1/2)::

    S_r(s) = (1/2) (f_r(x_s) / y_s - 1) = (1/2) (exp(u_s + ln f_r(x_s) - ln f_s(x_s)) - 1)

(negative, not infeasible, when the data lie above the frontier of the other year).
Within a year, S_s(s) = (exp(u_s) - 1) / 2. The SBI of the same unit against the same
Cobb-Douglas frontier (``technology``) gives up the shares a of capital and b of labour
as well::

    SBI(u) = max over a, b in [0, 1) of (1/2) [(a + b) / 2 + exp(u) (1 - a)^alpha
             (1 - b)^(1 - alpha) - 1]   subject to the bracketed output ratio >= 1

Capital slack never pays (alpha >= 1/2); labour slack pays when exp(u) (1 - alpha) < 1/2,
i.e. u < ln(1 / (2 (1 - alpha))) (0.22 at alpha = 0.60, 0.33 at alpha = 0.64). Below that
the SBI exceeds (exp(u) - 1)/2 (at alpha = 0.60: 0.0294 against 0.0256 at u = 0.05);
above it the two are equal. Both are increasing in u alone and 0 at u = 0, so on the
true technology the SBI efficiency change has the sign of the latent EC but not its size;
the latent indices are the truth of the output distances, not of the SBI values.

Green model: the bad output (CO2, b) enters with the SBI weights 1/(M + J) = 1/2; its
frontier is the least CO2 the emission model can give a city with the same regressors,
``b_min = exp(x'beta + (x'gamma) eps_min)`` (a property of the emission model, not a
technology spanned by the data), so ``w = ln(b / b_min) = (x'gamma)(eps - eps_min) >= 0``
(see ``emissions``); again no input slack::

    S^G_r(s) = (1/2) (1/2) [(f_r(x_s)/y_s - 1) + (1 - b_min/b_s)]
             = S_r(s) / 2 + (1 - exp(-w_s)) / 4

The emission frontier does not move between years, so green technical change comes
from the production frontier only. With t the later year::

    LPEC = S_t-1(t-1) - S_t(t)
    LPTP = 1/2 {[S_t(t-1) - S_t-1(t-1)] + [S_t(t) - S_t-1(t)]}
    LSEC = LTPSC = 0                     (the true technology has constant returns)
    EC = LPEC,  PC = LPTP,  LTFP = EC + PC

Index form (docs/methods.md §6): ``T = 1 + LTFP``, ``PC = 1 + PC``, ``EC = 1 + EC`` and
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
