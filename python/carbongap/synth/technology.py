"""The production technology: frontier, inefficiency, planned capital, realised output.

Frontier (docs/methods.md §6 production model: inputs K, L, good output real GDP)::

    ln f_t(K, L) = a_t + ln L + alpha_t (ln(K / L) - c0)          constant returns

with K the capital stock and Y real GDP in 10^4 yuan at base-year prices and L employment
in 10^4 persons; a_t rises by the frontier shift of each year (Hicks-neutral technical
change) and alpha_t drifts (capital-biased change), so that the shift of the frontier
at a city's input mix, ``delta_t(K, L) = ln f_t - ln f_t-1 = (a_t - a_t-1)
+ (alpha_t - alpha_t-1)(ln(K/L) - c0)``, differs across cities.

Realised output::

    Y_it = f_t(K_it, L_it) exp(-u_it),   u_it = clip(m_i + r_it, 0, u_max)

u is the latent (output) inefficiency: u = 0 is on the frontier. Against a Cobb-Douglas
constant-returns frontier the SBI of docs/methods.md §6 is a strictly increasing function
of u alone (the ratio f_t(K(1 - a), L(1 - b)) / y = exp(u) (1 - a)^alpha (1 - b)^(1 -
alpha) does not depend on the levels of K and L), and 0 exactly when u = 0; so units
on the frontier score 0 and SBI ranks units as u does, up to the sampling error of a
DEA frontier estimated from finitely many cities.

Capital is not drawn here: the generator writes FAI that plans the capital stock
needed for the city's potential GDP at its mean inefficiency, then computes the stock
from the FAI with ``carbongap.accounting.capital_stock`` (eq. 7), exactly as the
pipeline does, and feeds that stock into the frontier.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .params import SynthParams
from .timeline import Timeline


@dataclass(frozen=True)
class Frontier:
    """ln f_t(K, L) = a_t + ln L + alpha_t (ln(K/L) - c0) over the simulated years."""

    log_level: np.ndarray  # a_t (ln yuan per worker)
    elasticity: np.ndarray  # alpha_t
    c0: float  # ln of the reference capital per worker (yuan)

    def log_output(self, capital: np.ndarray, employment: np.ndarray) -> np.ndarray:
        """ln f_t(K, L), (cities x years) with the frontier of each column's year."""
        return (self.log_level + np.log(employment)
                + self.elasticity * (np.log(capital / employment) - self.c0))

    def log_capital(self, output: np.ndarray, employment: np.ndarray) -> np.ndarray:
        """ln K with ln f_t(K, L) = ln ``output`` (the frontier solved for capital)."""
        return (np.log(employment) + self.c0
                + (np.log(output / employment) - self.log_level) / self.elasticity)

    def shift(self, capital: np.ndarray, employment: np.ndarray) -> np.ndarray:
        """delta_t(x_s) = ln f_t(x_s) - ln f_t-1(x_s) for t = each column's year and both
        s = t - 1 and s = t, returned as (at x_t-1, at x_t); column 0 is NaN."""
        d_level = np.diff(self.log_level, prepend=np.nan)
        d_elasticity = np.diff(self.elasticity, prepend=np.nan)
        mix = np.log(capital / employment) - self.c0
        before = np.concatenate([np.full((mix.shape[0], 1), np.nan), mix[:, :-1]], axis=1)
        return d_level + d_elasticity * before, d_level + d_elasticity * mix


def frontier(tl: Timeline, p: SynthParams) -> Frontier:
    """The frontier of every simulated year (level anchored in 2006)."""
    shift = tl.profile(p.frontier_shift, p.frontier_shift_default)
    level = p.frontier_log_level_base + tl.anchored(shift, 2006)
    elasticity = p.capital_elasticity_base + p.capital_elasticity_drift * (tl.years - 2006)
    return Frontier(log_level=level, elasticity=elasticity,
                    c0=float(np.log(p.reference_capital_per_worker)))


def inefficiency(development: np.ndarray, tl: Timeline, rng: np.random.Generator,
                 p: SynthParams) -> tuple[np.ndarray, np.ndarray]:
    """Latent inefficiency u (cities x years) and each city's mean level m_i.

    ``m_i ~ N(mean + effect x z_dev, sd^2)``; ``r`` starts from its stationary spread and
    moves by mean-reverting steps ``-kappa r + N(0, s^2)`` clipped to +-max_step; then
    ``u = clip(m + r, 0, u_max)``, so |u_t - u_t-1| <= max_step.
    """
    n, m = len(development), len(tl.years)
    level = (p.inefficiency_mean + p.inefficiency_development * development
             + p.inefficiency_sd * rng.standard_normal(n))
    kappa, s = p.inefficiency_reversion, p.inefficiency_step_sd
    r = np.empty((n, m))
    r[:, 0] = s / np.sqrt(1.0 - (1.0 - kappa) ** 2) * rng.standard_normal(n)
    steps = s * rng.standard_normal((n, m))
    for j in range(1, m):
        move = np.clip(steps[:, j] - kappa * r[:, j - 1], -p.inefficiency_max_step,
                       p.inefficiency_max_step)
        r[:, j] = r[:, j - 1] + move
    u = np.clip(level[:, None] + r, 0.0, p.inefficiency_max)
    return u, level


def planned_capital(potential_gdp: np.ndarray, employment: np.ndarray, level: np.ndarray,
                    front: Frontier) -> np.ndarray:
    """Capital that yields the potential GDP at the city's mean inefficiency max(m_i, 0)."""
    needed = potential_gdp * np.exp(np.maximum(level, 0.0))[:, None]
    return np.exp(front.log_capital(needed, employment))
