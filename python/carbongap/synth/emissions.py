"""CO2 from a location-scale model, its exact quantile coefficients, and the fuel split.

Model (the truth the quantile regressions of docs/methods.md §7 are checked against)::

    lnCO2_it = x_it' beta + (x_it' gamma) eps_it,    x = (1, lnT, lnP, lnA, lnI)

CO2 in t; lnT = ln T (latent production index, ``indices``), lnP = ln population
(10^4 persons), lnA = ln urban disposable income (yuan), lnI = ln secondary share
(percent), all latent values. ``eps = c (2B - 1)``, ``B ~ Beta(a, a)``, ``c =
sqrt(2a + 1)`` (mean 0, variance 1, support [-c, c]); a = 3 by default. eps is
independent of x: ``eps_it = F^-1(Phi(zeta_it))`` with zeta a Gaussian AR(1) with
N(0, 1) margins drawn from its own stream. Given x, therefore::

    Q_tau(lnCO2 | x) = x' (beta + gamma F^-1(tau))

exactly, provided x'gamma > 0, which :func:`check_support` enforces on the box the
generator's bounds guarantee (|lnT| <= ln_t_bound, population and secondary share
within their bounds). Across years eps is persistent, so only a cross-section of one
year has independent errors.

Fuels: CO2 is split into the catalog's combustion fuels with city-specific shares and
each part divided by ``tco2_per_unit`` of ``carbongap.accounting.load_factors("paper")``,
so eq. 3 (Zhang & Liu 2024) gives back the generated CO2. Electricity (10^4 kWh,
not in eq. 3) is CO2 times a city intensity that grows over time.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.special import ndtr
from scipy.stats import beta as beta_dist

from ..accounting import load_factors
from ..ingest.schema import fuel_catalog
from .params import PARAMS, SynthParams
from .timeline import Timeline

TERMS: tuple[str, ...] = ("const", "lnT", "lnP", "lnA", "lnI")


def eps_scale(p: SynthParams = PARAMS) -> float:
    """c = sqrt(2a + 1): eps = c (2B - 1) has unit variance and support [-c, c]."""
    return float(np.sqrt(2.0 * p.eps_beta_shape + 1.0))


def eps_quantile(tau: np.ndarray | float, p: SynthParams = PARAMS) -> np.ndarray:
    """F^-1(tau) of eps."""
    a = p.eps_beta_shape
    return eps_scale(p) * (2.0 * beta_dist.ppf(tau, a, a) - 1.0)


#: Quantiles at which the truth coefficients are tabulated (``truth_coefficients.csv`` and
#: the pipeline's ``truth_coefficients`` table): the deciles, which include the paper's 0.2,
#: 0.4, 0.6, 0.8.
TRUTH_TAUS: tuple[float, ...] = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def true_quantile_coefficients(taus: Sequence[float] = (0.2, 0.4, 0.6, 0.8)) -> pd.DataFrame:
    """Exact conditional-quantile coefficients of the CO2 model: beta + gamma F^-1(tau).

    Rows const, lnT, lnP, lnA, lnI (the regressors of Table 1, left block, on the
    generator's latent values: lnCO2 with CO2 in t, lnP of 10^4 persons, lnA of yuan,
    lnI of percent); one column per tau (a float label).
    """
    taus = [float(t) for t in taus]
    bad = [t for t in taus if not 0.0 < t < 1.0]
    if bad:
        raise ValueError(f"quantiles must lie strictly between 0 and 1; got {bad}")
    b, g = np.array(PARAMS.beta), np.array(PARAMS.gamma)
    values = b[:, None] + g[:, None] * eps_quantile(np.array(taus))[None, :]
    return pd.DataFrame(values, index=pd.Index(TERMS, name="term"),
                        columns=pd.Index(taus, name="tau"))


def draw_eps(shape: tuple[int, int], rng: np.random.Generator, p: SynthParams) -> np.ndarray:
    """eps_it = F^-1(Phi(zeta_it)), zeta Gaussian AR(1) over years with N(0, 1) margins."""
    rho = p.eps_persistence
    zeta = np.empty(shape)
    draws = rng.standard_normal(shape)
    zeta[:, 0] = draws[:, 0]
    for j in range(1, shape[1]):
        zeta[:, j] = rho * zeta[:, j - 1] + np.sqrt(1.0 - rho ** 2) * draws[:, j]
    a = p.eps_beta_shape
    return eps_scale(p) * (2.0 * beta_dist.ppf(ndtr(zeta), a, a) - 1.0)


def support_box(p: SynthParams) -> np.ndarray:
    """Lower and upper bounds of x = (1, lnT, lnP, lnA, lnI) that ``check_support`` uses.

    lnA is not bounded by the generator, so its gamma must be 0 for the guarantee.
    """
    return np.array([[1.0, -p.ln_t_bound, np.log(p.population_bounds[0]), -np.inf,
                      np.log(p.secondary_share_bounds[0])],
                     [1.0, p.ln_t_bound, np.log(p.population_bounds[1]), np.inf,
                      np.log(p.secondary_share_bounds[1])]])


def min_scale_on_support(p: SynthParams) -> float:
    """min of x'gamma over the support box (a linear function: at a corner)."""
    box, g = support_box(p), np.array(p.gamma)
    if g[3] != 0.0:
        return -np.inf
    corner = np.where(g >= 0, box[0], box[1])
    corner[3] = 0.0
    return float(corner @ g)


def check_support(x: np.ndarray, p: SynthParams) -> None:
    """RuntimeError unless x'gamma > 0 on the whole box and x lies in the box."""
    if min_scale_on_support(p) <= 0:
        raise RuntimeError("synth parameters: x'gamma is not positive on the support box")
    box = support_box(p)
    inside = np.all((x >= box[0] - 1e-12) & (x <= box[1] + 1e-12), axis=-1)
    if not inside[np.isfinite(x).all(axis=-1)].all():
        raise RuntimeError("synth: a latent regressor left the support box of the CO2 model")


def fuel_shares(size: np.ndarray, industry: np.ndarray, tl: Timeline,
                rng: np.random.Generator, p: SynthParams) -> dict[str, np.ndarray]:
    """Share of each combustion fuel in a city-year's CO2 (cities x years; sums to 1).

    Non-coal fuels: mean x exp(sd N_i) x exp(growth (year - 2006)) (coke also rises with
    the industry factor); crude oil only in refinery cities, fuel oil only in some, natural
    gas only from the city's gas-arrival year (earlier in big cities). Their total is
    capped at 1 - coal floor; raw coal takes the rest.
    """
    n = len(size)
    t06 = (tl.years - 2006)[None, :]
    mean, sd, growth = (dict(p.fuel_share_mean), dict(p.fuel_share_sd),
                        dict(p.fuel_share_growth))
    shares: dict[str, np.ndarray] = {}
    for fuel in mean:
        city = mean[fuel] * np.exp(sd[fuel] * rng.standard_normal(n))
        if fuel == "coke":
            city = city * np.exp(p.coke_industry_effect * industry - 0.5
                                 * p.coke_industry_effect ** 2)
        shares[fuel] = city[:, None] * np.exp(growth[fuel] * t06)
    shares["crude_oil"] = shares["crude_oil"] * (rng.random(n) < p.refinery_probability)[:, None]
    shares["fuel_oil"] = shares["fuel_oil"] * (rng.random(n) < p.fuel_oil_probability)[:, None]
    arrival = np.round(p.gas_arrival_mean + p.gas_arrival_size * size
                       + p.gas_arrival_sd * rng.standard_normal(n))
    shares["natural_gas"] = shares["natural_gas"] * (tl.years[None, :] >= arrival[:, None])
    other = sum(shares.values())
    cap = np.minimum(1.0, (1.0 - p.coal_share_floor) / other)
    shares = {fuel: share * cap for fuel, share in shares.items()}
    shares["raw_coal"] = 1.0 - sum(shares.values())
    return shares


def fuel_quantities(co2: np.ndarray, shares: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Fuel use in the catalog's units: CO2 share / tco2_per_unit (inverse of eq. 3)."""
    per_unit = load_factors("paper").set_index("fuel")["tco2_per_unit"]
    fuels = [f.fuel for f in fuel_catalog() if f.kind != "electricity"]
    return {fuel: co2 * shares[fuel] / float(per_unit[fuel]) for fuel in fuels}


def electricity(co2: np.ndarray, tl: Timeline, rng: np.random.Generator,
                p: SynthParams) -> np.ndarray:
    """Electricity use, 10^4 kWh: CO2 x intensity x exp(sd N_i) x exp(growth (year - 2006))."""
    city = p.electricity_per_co2 * np.exp(p.electricity_sd * rng.standard_normal(len(co2)))
    return co2 * city[:, None] * np.exp(p.electricity_growth * (tl.years - 2006))[None, :]
