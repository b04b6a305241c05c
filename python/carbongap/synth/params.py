"""Every number of the synthetic-panel generator, with what it is calibrated to.

One frozen dataclass, :class:`SynthParams`; the generator reads :data:`PARAMS`. Units
follow ``carbongap.ingest.schema``: GDP and FAI in 10^4 yuan, population and employment in
10^4 persons, income in yuan, shares in percent, CO2 in t. "Calibrated to" names the
target of docs/methods.md §12 (quantiles 5/25/50/75/95 %) or the public statistic the value
imitates; values that only shape the synthetic data are marked "assumed".

Year profiles are tuples of (calendar year, value); a year outside a profile takes the
profile's ``*_default``.
"""

from __future__ import annotations

from dataclasses import dataclass

YearProfile = tuple[tuple[int, float], ...]


@dataclass(frozen=True)
class SynthParams:
    """Parameters of :func:`carbongap.synth.generate` (see the module docstring)."""

    # ----------------------------------------------------------------- cities
    #: Prefecture-level cities per province (approximate counts of the paper's era, 285 in
    #: all; the four municipalities count one each). Scaled to ``n_cities``.
    prefecture_counts: tuple[tuple[int, int], ...] = (
        (11, 1), (12, 1), (13, 11), (14, 11), (15, 9), (21, 14), (22, 8), (23, 12), (31, 1),
        (32, 13), (33, 11), (34, 16), (35, 9), (36, 11), (37, 17), (41, 17), (42, 12),
        (43, 13), (44, 21), (45, 14), (46, 2), (50, 1), (51, 18), (52, 4), (53, 8), (61, 10),
        (62, 12), (63, 1), (64, 5), (65, 2))
    #: Third digit of every synthetic city code (PP8NNN): no real prefecture-level code of
    #: GB/T 2260 has an 8 there.
    synthetic_digit: int = 8

    # ------------------------------------------------------- latent city factors
    #: Mean of the development factor by the paper's region group (assumed; in units of
    #: the factor's standard deviation): richer coastal provinces, poorer west.
    development_by_group: tuple[tuple[str, float], ...] = (
        ("developed", 0.6), ("underdeveloped", -0.6), ("other", 0.0))
    development_province_sd: float = 0.35  #: province-level spread of development (assumed)
    #: Correlation of log GDP with log population across cities in the Gaussian copula
    #: (assumed; prefecture cities show about 0.7).
    gdp_size_correlation: float = 0.7
    #: Loading of the industry factor (drives the secondary share and coke use) on the
    #: development factor (assumed).
    industry_development: float = 0.2

    # ---------------------------------------------------------------- population
    #: Year-end population in 2010, 10^4 persons, by quantile (docs/methods.md §12 targets at
    #: 5/25/50/75/95 %; the 0.5 % and 99.5 % points are assumed tails).
    population_2010_quantiles: tuple[tuple[float, float], ...] = (
        (0.005, 22.0), (0.05, 53.0), (0.25, 186.0), (0.50, 328.0), (0.75, 524.0),
        (0.95, 839.0), (0.995, 1200.0))
    population_bounds: tuple[float, float] = (10.0, 5000.0)  #: support, 10^4 persons
    population_growth_mean: float = 0.005  #: per year (户籍 growth about 0.5 %; assumed)
    population_growth_sd: float = 0.005  #: across cities, per year (assumed)

    # --------------------------------------------------------------- employment
    #: Employment / population (全社会从业人员 over 户籍人口) in 2006: mean, effect of
    #: the development factor, city spread, bounds, yearly drift (assumed; about one half).
    employment_rate_mean: float = 0.50
    employment_rate_development: float = 0.04
    employment_rate_sd: float = 0.05
    employment_rate_bounds: tuple[float, float] = (0.30, 0.75)
    employment_rate_drift: float = 0.002

    # ---------------------------------------------------------------------- GDP
    #: Potential GDP in 2006, 10^4 yuan, by quantile: the docs/methods.md §12 targets for
    #: nominal GDP (54 / 191 / 382 / 675 / 2146 x 10^8 yuan) times the ratio target /
    #: realised measured at 5000 cities (0.89, 0.91, 0.94, 0.95, 1.05), because realised
    #: GDP departs from potential GDP through the base-year capital allocation by FAI
    #: shares (eq. 7) and through inefficiency; 0.5 % and 99.5 % are assumed tails.
    gdp_2006_quantiles: tuple[tuple[float, float], ...] = (
        (0.005, 16.0e4), (0.05, 48.3e4), (0.25, 174.0e4), (0.50, 360.0e4), (0.75, 639.0e4),
        (0.95, 2254.0e4), (0.995, 5500.0e4))
    #: Median real growth of potential GDP by year (assumed; city-reported growth ran above
    #: the national rate; tuned so that the 2016 nominal median is near 1312 x 10^8 yuan).
    gdp_growth: YearProfile = (
        (2007, 0.129), (2008, 0.114), (2009, 0.109), (2010, 0.124), (2011, 0.114),
        (2012, 0.099), (2013, 0.091), (2014, 0.081), (2015, 0.075), (2016, 0.071),
        (2017, 0.069), (2018, 0.065), (2019, 0.061))
    gdp_growth_default: float = 0.08
    gdp_growth_development: float = -0.006  #: faster growth of poorer cities (convergence)
    #: slower growth of bigger cities (docs/methods.md §12 targets: the 95 % quantile of
    #: GDP grew x3.1 in 2006-2016, the 5 % quantile x3.7)
    gdp_growth_size: float = -0.007
    gdp_growth_city_sd: float = 0.008  #: persistent city growth differences (assumed)
    gdp_growth_year_sd: float = 0.010  #: yearly growth noise (assumed)

    # ------------------------------------------------------------------- prices
    #: Yearly change of the national GDP deflator (NBS, rounded), base year = 100.
    gdp_deflator_change: YearProfile = (
        (2007, 0.077), (2008, 0.078), (2009, -0.002), (2010, 0.069), (2011, 0.081),
        (2012, 0.024), (2013, 0.022), (2014, 0.008), (2015, 0.001), (2016, 0.014),
        (2017, 0.042), (2018, 0.035), (2019, 0.013))
    gdp_deflator_default: float = 0.02
    #: Yearly change of the national FAI price index (NBS, rounded).
    fai_price_change: YearProfile = (
        (2007, 0.039), (2008, 0.089), (2009, -0.024), (2010, 0.036), (2011, 0.066),
        (2012, 0.011), (2013, 0.003), (2014, 0.005), (2015, -0.018), (2016, -0.006),
        (2017, 0.058), (2018, 0.054), (2019, 0.026))
    fai_price_default: float = 0.02
    price_province_sd: float = 0.006  #: persistent provincial inflation difference (assumed)
    price_year_sd: float = 0.008  #: yearly provincial inflation noise (assumed)

    # ------------------------------------------------------------- technology
    #: Production frontier, docs/methods.md §6 production model (inputs K, L; output real
    #: GDP): ln f_t(K, L) = a_t + ln L + alpha_t (ln(K/L) - c0), constant returns.
    #: a_2006: ln of frontier GDP per worker (yuan) at the reference capital per worker
    #: (exp(10.31) = 30,000 yuan; with mean inefficiency 0.3 the median city makes about
    #: 22,000 yuan per worker in 2006, as the GDP and employment targets imply).
    frontier_log_level_base: float = 10.31
    #: Frontier shift (Hicks-neutral technical change) by year; assumed 2.5 % then 1.5 %.
    frontier_shift: YearProfile = (
        (2007, 0.025), (2008, 0.025), (2009, 0.025), (2010, 0.025), (2011, 0.025),
        (2012, 0.015), (2013, 0.015), (2014, 0.015), (2015, 0.015), (2016, 0.015),
        (2017, 0.015), (2018, 0.015), (2019, 0.015))
    frontier_shift_default: float = 0.02
    capital_elasticity_base: float = 0.60  #: alpha_t in the base year (assumed)
    capital_elasticity_drift: float = 0.004  #: yearly change of alpha_t: biased change
    #: c0 = ln of the reference capital per worker (yuan), near the 2006 median, so that
    #: K/Y is near 2.8 at the median city in 2006 and 3.1 in 2016 (assumed).
    reference_capital_per_worker: float = 55000.0
    #: Inefficiency u = clip(m_i + r_it, 0, u_max): city mean m_i ~ N(mean + effect x
    #: development, sd^2); r_it mean-reverting steps. At the default about 5 % of
    #: city-years are on the frontier (u = 0) and mean efficiency exp(-u) is 0.72
    #: (assumed; typical of DEA studies of Chinese cities). Mean and development effect
    #: are set with the mess below: cities on or near the frontier lose their index to
    #: infeasible cross-period LPs, and richer cities are more often there (0.30 and
    #: -0.12, 9 % on the frontier, cost the pipeline about 100 city-years).
    inefficiency_mean: float = 0.34
    inefficiency_development: float = -0.08
    inefficiency_sd: float = 0.20
    inefficiency_step_sd: float = 0.04
    inefficiency_reversion: float = 0.15
    inefficiency_max_step: float = 0.12  #: bound on |u_t - u_t-1| (keeps lnT bounded)
    inefficiency_max: float = 1.0  #: u_max
    depreciation: float = 0.05  #: delta of eq. 7 (the paper's 5 %)
    #: Nominal city FAI = real planned investment x FAI price / (new / total FAI ratio) x
    #: lognormal noise with this sd (assumed).
    investment_noise_sd: float = 0.06
    investment_floor: float = 0.02  #: planned real investment >= this share of K_t-1
    #: Ratio of provincial 新增固定资产 to 全社会固定资产投资: mean, provincial and yearly
    #: sd, bounds (national ratio about 0.6-0.7 in 2006-2016).
    new_fai_ratio_mean: float = 0.64
    new_fai_ratio_province_sd: float = 0.05
    new_fai_ratio_year_sd: float = 0.025
    new_fai_ratio_bounds: tuple[float, float] = (0.45, 0.85)
    #: Share of provincial FAI made in the sample cities (the rest is in counties and
    #: districts outside the sample); municipalities are their own province (share 1).
    coverage_mean: float = 0.88
    coverage_province_sd: float = 0.04
    coverage_year_sd: float = 0.01
    coverage_bounds: tuple[float, float] = (0.75, 0.98)

    # ---------------------------------------------------------- income, industry
    #: Urban per-capita disposable income in 2006, yuan: median (national urban 11,759;
    #: prefecture median lower), log effects of development and size, city noise.
    income_2006_median: float = 10200.0
    income_development: float = 0.18
    income_size: float = 0.05
    income_city_sd: float = 0.08
    #: Nominal growth of urban disposable income by year (NBS, rounded).
    income_growth: YearProfile = (
        (2007, 0.122), (2008, 0.145), (2009, 0.088), (2010, 0.113), (2011, 0.141),
        (2012, 0.126), (2013, 0.097), (2014, 0.090), (2015, 0.082), (2016, 0.078),
        (2017, 0.083), (2018, 0.078), (2019, 0.079))
    income_growth_default: float = 0.08
    income_growth_city_sd: float = 0.006
    income_growth_year_sd: float = 0.012
    #: Secondary-industry share of GDP, percent: 2006 mean and city sd (prefecture mean
    #: about 49 %), effect of development, yearly trend by year (decline, faster after
    #: 2012 and with the 2018 census revision), city trend sd and yearly noise; bounds.
    secondary_share_mean: float = 49.0
    secondary_share_sd: float = 9.0
    secondary_share_development: float = 1.5
    secondary_share_trend: YearProfile = (
        (2007, 0.4), (2008, 0.2), (2009, -0.4), (2010, 0.3), (2011, 0.0), (2012, -0.8),
        (2013, -1.0), (2014, -1.0), (2015, -1.6), (2016, -1.2), (2017, -0.8), (2018, -1.8),
        (2019, -1.5))
    secondary_share_trend_default: float = -0.5
    secondary_share_city_trend_sd: float = 0.25
    secondary_share_year_sd: float = 0.6
    secondary_share_bounds: tuple[float, float] = (12.0, 88.0)

    # ----------------------------------------------------------- CO2 (truth)
    #: Location-scale model lnCO2 = x'beta + (x'gamma) eps, x = (1, lnT, lnP, lnA, lnI),
    #: CO2 in t, P in 10^4 persons, A in yuan, I in percent. Signs follow the paper's
    #: Table 1 (lnT and lnI effects positive and falling with tau); the population
    #: elasticity (1.0) is larger than the paper's (about 0.2) so that CO2 scales with
    #: city size as in CEADs and its lower tail is long (5 % quantile 3.5 Mt); the
    #: income elasticity (0.45) keeps CO2 growth near CEADs' +40 % in 2006-2016. beta_0 is
    #: tuned to the 2010 CO2 median (23 Mt), gamma_0 to the CO2 Gini (0.45-0.50).
    beta: tuple[float, float, float, float, float] = (2.13, 4.0, 1.0, 0.45, 1.2)
    gamma: tuple[float, float, float, float, float] = (0.75, -0.6, 0.05, 0.0, -0.15)
    #: eps = sqrt(7) (2B - 1), B ~ Beta(3, 3): mean 0, variance 1, support [-sqrt 7, sqrt 7].
    eps_beta_shape: float = 3.0
    #: Persistence of eps: eps_it = F^-1(Phi(zeta_it)), zeta AR(1) with this coefficient
    #: and N(0, 1) margins (assumed; city CO2 changes by about 10 % a year, not more).
    eps_persistence: float = 0.99
    #: Support of the latent regressors on which x'gamma > 0 is guaranteed: |lnT| <= this
    #: (|LPEC| <= exp(u_max) (1 - exp(-max_step)) / 2 = 0.154 plus a frontier shift of a
    #: few per cent; checked on every generated panel), lnP and lnI within the population
    #: and share bounds. Over that box min x'gamma = 0.75 - 0.6 x 0.25 + 0.05 ln 10
    #: - 0.15 ln 88 = 0.0435 > 0.
    ln_t_bound: float = 0.25

    # ------------------------------------------------------------------ fuels
    #: Mean share of each fuel in a city's CO2 (eq. 3), raw coal the remainder; log sd of
    #: the city-specific multiplier; yearly growth of the share (assumed). Resulting CO2
    #: shares of all cities, 2006 -> 2019: raw coal 72 -> 66 %, coke 14 -> 13 %, oil
    #: products 12 -> 16 %, natural gas 1.6 -> 5 % (crude oil only in refinery cities).
    fuel_share_mean: tuple[tuple[str, float], ...] = (
        ("coke", 0.10), ("crude_oil", 0.03), ("gasoline", 0.035), ("kerosene", 0.006),
        ("diesel", 0.06), ("fuel_oil", 0.012), ("lpg", 0.005), ("natural_gas", 0.015))
    fuel_share_sd: tuple[tuple[str, float], ...] = (
        ("coke", 0.6), ("crude_oil", 0.4), ("gasoline", 0.3), ("kerosene", 0.5),
        ("diesel", 0.3), ("fuel_oil", 0.7), ("lpg", 0.4), ("natural_gas", 0.5))
    fuel_share_growth: tuple[tuple[str, float], ...] = (
        ("coke", -0.01), ("crude_oil", 0.0), ("gasoline", 0.04), ("kerosene", 0.05),
        ("diesel", 0.01), ("fuel_oil", -0.03), ("lpg", -0.02), ("natural_gas", 0.08))
    coke_industry_effect: float = 0.5  #: coke share rises with the secondary share factor
    coal_share_floor: float = 0.30  #: other fuels are scaled down to leave raw coal this
    refinery_probability: float = 0.12  #: cities burning crude oil (others: 0 t)
    fuel_oil_probability: float = 0.60  #: cities burning fuel oil (others: 0 t)
    #: Year natural gas arrives (0 before): normal with this mean, falling with size, sd.
    gas_arrival_mean: float = 2003.0
    gas_arrival_size: float = -2.5
    gas_arrival_sd: float = 2.5
    #: Electricity (10^4 kWh) per t CO2 in 2006 (China about 0.04: 2.9e12 kWh / 6.5e9 t),
    #: city log sd and yearly growth (electricity grew faster than CO2).
    electricity_per_co2: float = 0.040
    electricity_sd: float = 0.3
    electricity_growth: float = 0.035

    # ------------------------------------------------------------------- mess
    #: Last year of the provincial FAI series (paper: missing from 2017 on).
    fai_last_year: int = 2016
    #: Share of cities still reporting FAI in each year after ``fai_last_year``.
    city_fai_after_share: float = 0.45
    #: By region group, tuned so that the pipeline's regression sample (stage
    #: analysis_panel, seed 0) comes near the paper's N = 2350 (developed 891,
    #: underdeveloped 605): it is N = 2236 (developed 818, underdeveloped 617). The
    #: city-years with complete data are more (2648, ``mess``): about 16 % of them lose
    #: their index to infeasible cross-period SBI LPs (on the contemporaneous frontier,
    #: the most productive cities of a year lie outside the technology of the year
    #: before). Those are mostly developed cities, so even without any mess the pipeline
    #: gives only N = 2372 (developed 826, underdeveloped 722, other 824): the developed
    #: count cannot reach the paper's, and the mess is light outside the underdeveloped
    #: provinces. Seeds 1 and 2 give N = 2144 and 2152 (developed 738 and 749).
    #: Share of cities with 1-3 whole years missing;
    missing_years_share: tuple[tuple[str, float], ...] = (
        ("developed", 0.04), ("underdeveloped", 0.22), ("other", 0.03))
    #: probabilities that such a city misses a second and a third year;
    missing_years_extra: tuple[float, float] = (0.4, 0.1)
    #: share of cities first observed after the first year (late start);
    late_start_share: tuple[tuple[str, float], ...] = (
        ("developed", 0.01), ("underdeveloped", 0.05), ("other", 0.01))
    #: share of cities that never report one variable (employment or income);
    absent_variable_share: tuple[tuple[str, float], ...] = (
        ("developed", 0.01), ("underdeveloped", 0.04), ("other", 0.01))
    #: probability of one blank cell per city-year;
    missing_cell_rate: tuple[tuple[str, float], ...] = (
        ("developed", 0.012), ("underdeveloped", 0.04), ("other", 0.01))
    #: share of cities whose first-year FAI is blank.
    base_fai_missing_share: tuple[tuple[str, float], ...] = (
        ("developed", 0.01), ("underdeveloped", 0.03), ("other", 0.01))
    #: Interior city FAI cells blank (before ``fai_last_year``), per city-year.
    fai_cell_rate: float = 0.004
    #: Latest first year of a late-starting city.
    late_start_latest: int = 2011


#: The generator's parameters.
PARAMS = SynthParams()
