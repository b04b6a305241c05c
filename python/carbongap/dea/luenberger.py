"""The SBI Luenberger productivity indicator of a panel (docs/methods.md §6).

:func:`luenberger` screens the panel (:mod:`carbongap.dea.panel`), plans the S terms each
year pair needs, one job per reference technology (:mod:`carbongap.dea.plan`,
:mod:`carbongap.dea.frontiers`), solves the jobs (by default with the compiled kernel,
:func:`carbongap.dea.technology.run_jobs_kernel`; or with HiGHS alone) and forms the components
(:mod:`carbongap.dea.decomposition`). It returns a :class:`LuenbergerResult`: the table
with the screening it used (exclusions, usable periods) and the warnings.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from ..choices import DISPOSABILITIES, DeaSolver, Disposability, Frontier, MeasureName, check
from ..parallel import SERIAL, Execution
from .frontiers import FrontierRule
from .measures import Measure, measure_frontier, measure_rule
from .panel import Screened, screen
from .plan import plan_luenberger
from .reference import warn_wide_columns
from .technology import SolveJobs, job_solver

logger = logging.getLogger("carbongap.dea")


@dataclass(frozen=True)
class LuenbergerResult:
    """What :func:`luenberger` returns.

    Attributes
    ----------
    table
        One row per unit and calendar pair (t, t+1) (:func:`~carbongap.dea.frontiers.
        year_pairs`; never t and t+2) whose two periods are both usable for that unit:
        ``unit`` (the panel's ids and dtype), ``time`` (= t+1) and ``<time>_from``
        (= t) as int64, the components (formulas in
        :mod:`carbongap.dea.decomposition`), the S terms (``S_C_t_t1`` = S_C^t(t+1), ...;
        names in :class:`carbongap.dea.frontiers.Term`) and one ``<term>_status`` column
        each ("optimal", "infeasible", "numerical", ...). A term whose LP is not optimal
        is NaN and so is every component that uses it. Sorted by (unit, time).
    screened
        The screening of the panel: usable rows and every exclusion with its reason
        (:class:`carbongap.dea.panel.Screened`).
    periods
        The sorted periods with at least one usable observation.
    warnings
        Variables spanning more than a factor 1e6, with the unit-periods holding their
        extremes (:func:`carbongap.dea.reference.warn_wide_columns`).
    """

    table: pd.DataFrame
    screened: Screened
    periods: tuple[int, ...]
    warnings: tuple[str, ...] = ()

    def lp_counts(self) -> dict[str, int]:
        """How many LP terms of :attr:`table` ended in each status ("optimal",
        "infeasible", ...), optimal first, then by name."""
        status = pd.Series(self.table.filter(regex="_status$").to_numpy().ravel(), dtype=str)
        found = status.value_counts().to_dict()
        order = sorted(found, key=lambda name: (name != "optimal", name))
        return {name: int(found[name]) for name in order}

    def __repr__(self) -> str:
        span = f"{self.periods[0]}-{self.periods[-1]}" if self.periods else "none"
        counts = self.lp_counts()
        total = sum(counts.values())
        solved = ", ".join(f"{n} {name}" for name, n in counts.items()) or "none"
        return (f"LuenbergerResult({len(self.table)} rows x {self.table.shape[1]} columns, "
                f"periods {span}, {total} LPs ({solved}), "
                f"{len(self.screened.excluded)} exclusions, {len(self.warnings)} warnings)")


def luenberger(panel: pd.DataFrame, inputs: Sequence[str], good: Sequence[str],
               bad: Sequence[str] = (), frontier: Frontier | FrontierRule | None = None, *,
               unit: str = "city_code", time: str = "year",
               rts_decomposition: bool = True, prune: bool = True,
               execution: Execution = SERIAL, label: str = "DEA",
               solver: DeaSolver = "kernel", solve_jobs: SolveJobs | None = None,
               measure: MeasureName | Measure = "sbi",
               disposability: Disposability = "weak") -> LuenbergerResult:
    """SBI Luenberger indicator and its decomposition (or another productivity measure,
    ``measure``) for every unit and year pair.

    Parameters
    ----------
    panel
        Long panel, one row per (unit, time); the variables in the panel's units (the
        SBI is invariant to the unit of any variable, docs/methods.md §6).
    unit, time
        The key columns. Unit ids may be any hashable values of one orderable kind
        (integer codes, or text such as firm or country names; any dtype), kept as given;
        time must hold whole periods (years) one step apart.
    inputs, good, bad
        Column names of the inputs x, good outputs y and bad outputs b (``bad=()``: J = 0,
        the production model).
    frontier
        ``"contemporaneous"`` (paper; the default), ``"sequential"``, ``"global"`` or
        ``"biennial"`` (or a :class:`~carbongap.dea.frontiers.FrontierRule`); defined in
        :mod:`carbongap.dea.frontiers`. ``measure="gml"`` is on the global frontier
        (default there; any other is refused).
    rts_decomposition
        True: LTFP, LPEC, LSEC, LPTP, LTPSC, EC, PC from eight CRS and VRS terms; False:
        LTFP, EC, PC from the four CRS terms (half the LPs).
    prune
        Exact reduction of each reference set (:mod:`carbongap.dea.prune`); the values
        are the same either way.
    execution
        Workers, Dask and progress (:class:`carbongap.parallel.Execution`; the progress
        advances per LP answered); never changes a number.
    label
        Start of every exclusion reason and log line, e.g. ``"green model"``.
    solver
        ``"kernel"`` (default): the compiled small-LP simplex, every answer certified and
        HiGHS for any it cannot certify; ``"highs"``: HiGHS alone
        (:func:`carbongap.dea.technology.job_solver`; docs/methods.md §6).
    solve_jobs
        Solves the plan's LPs in place of ``solver``'s: the stages pass the configured
        backend's solver (:mod:`carbongap.backends`, e.g. the R one).
    measure
        ``"sbi"`` (the paper's), ``"ddf-luenberger"``, ``"ml"`` or ``"gml"``
        (:mod:`carbongap.dea.measures`, docs/methods.md §15): the DDF measures' terms are
        columns ``D_...`` instead of ``S_...``; ``ml`` and ``gml`` write ML, MLEFFCH and
        MLTECH from the CRS terms (``rts_decomposition`` does not apply). DDF LPs are
        solved by HiGHS and not pruned.
    disposability
        Of the bad outputs in the DDF measures: ``"weak"`` (the ML literature's) or
        ``"strong"``.

    Returns
    -------
    LuenbergerResult
        ``table`` (one row per unit and year pair: the components, S terms and LP
        statuses), ``screened``, ``periods`` and ``warnings`` (class docstring).

    Unit-periods with a missing or non-positive variable, and pairs lacking one of their
    periods (including every pair of a period in which no unit is usable), are excluded
    and logged at INFO level (``carbongap.dea``); the same list is returned by
    :func:`carbongap.dea.panel.screen` and in the result's ``screened``. A variable
    spanning more than a factor 1e6 is logged as a warning naming the unit-periods of its
    extremes (:func:`carbongap.dea.reference.warn_wide_columns`).
    """
    kind = measure_rule(measure)
    check("disposability", disposability, DISPOSABILITIES)
    rule = measure_frontier(kind, frontier)
    if not inputs or not good:
        raise ValueError("the SBI needs at least one input and one good output")
    variables = [*inputs, *good, *bad]
    screened = screen(panel, variables, unit=unit, time=time, label=label)
    for reason, part in screened.excluded.groupby("reason", sort=True):
        logger.info("%s: %d unit-periods excluded (%s)", label, len(part), reason)
    usable = screened.panel
    warnings = warn_wide_columns(
        usable.loc[:, variables].to_numpy(dtype="float64"), variables, label,
        lambda i: f"{unit} {usable[unit].iat[i]} {time} {usable[time].iat[i]}")
    plan = plan_luenberger(screened.panel, variables, (len(inputs), len(good), len(bad)),
                           rule, unit=unit, time=time,
                           rts_decomposition=rts_decomposition, prune=prune,
                           measure=kind, disposability=disposability)
    solve = solve_jobs or job_solver(solver)
    results = solve(plan.jobs, execution=execution,
                    description=f"{label}: {kind.program.upper()} LPs")
    logger.info("%s: %d year pairs, %d technologies (%s frontier, solved by %s): %d distinct "
                "evaluations (a unit-period against a technology, shared by every term that "
                "needs it) took %d LP solves, the pruning LPs of the reference units included "
                "(an evaluated reference unit reuses its own)", label, len(plan.pairs),
                len(plan.jobs), rule.name, f"{solve.__module__}.{solve.__qualname__}",
                plan.n_lps, sum(r.lps for r in results))
    return LuenbergerResult(plan.assemble(results), screened, plan.periods, tuple(warnings))
