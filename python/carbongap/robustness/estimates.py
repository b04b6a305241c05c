"""Every cell of Tables 1-8 under every specification of a robustness grid, long.

docs/methods.md §13. Each specification's regression panel comes from ``panel_of`` (the
stage passes one that computes each distinct upstream configuration once,
:class:`carbongap.stagekit.evaluate.Evaluator`); its cells are estimated by
:func:`carbongap.tables.estimate.estimate_tables` with the specification's
``[regressions]`` options, exactly as the main run estimates them.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from ..config import Config
from ..parallel import SERIAL, Execution, run_tasks
from ..progress import null_progress
from ..qreg import Estimator, QregOptions, QuantRegWarning, estimate
from ..tables.estimate import estimate_tables, regression_options
from ..tables.specs import TableSpec
from .grid import Specification

#: Columns of the long robustness table, in order.
ROBUSTNESS_COLUMNS: tuple[str, ...] = (
    "spec", "changed", "baseline", "table", "part", "sample", "dependent", "block", "term",
    "tau", "coef", "se", "p", "stars", "n")


@dataclass(frozen=True)
class SpecificationFit:
    """One specification's Tables 1-8 as a task for :func:`carbongap.parallel.run_tasks`:
    its regression panel, the table specifications, the estimator and its options (from
    the specification's ``[regressions]``)."""

    panel: pd.DataFrame
    table_specs: tuple[TableSpec, ...]
    options: QregOptions
    estimator: Estimator
    execution: Execution = SERIAL


def estimate_specification(task: SpecificationFit) -> pd.DataFrame:
    """The long estimates of one specification (a module-level function, so that worker
    processes can run it); quantreg's warnings are the main run's to report."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QuantRegWarning)
        return estimate_tables(task.panel, task.table_specs, task.options,
                               execution=task.execution, estimator=task.estimator).frame


def grid_estimates(specifications: Sequence[Specification],
                   panel_of: Callable[[Config], pd.DataFrame],
                   table_specs: Sequence[TableSpec], *, execution: Execution = SERIAL,
                   estimator: Estimator = estimate) -> pd.DataFrame:
    """The long table (:data:`ROBUSTNESS_COLUMNS`): one row per specification, table part,
    regressor and τ, the specifications in their order.

    The panels come first, one specification after another (each distinct upstream
    configuration once; the DEA runs on the execution's workers). The specifications
    with analytic standard errors then run in parallel, one per task on the execution's
    workers; those with bootstrap standard errors one after another, each bootstrap on
    the workers (pools are never nested). Results never depend on the executor (fixed
    seeds). The progress counts specifications done.
    """
    panels = [panel_of(spec.config) for spec in specifications]
    tasks = [SpecificationFit(panel, tuple(table_specs),
                              regression_options(spec.config.regressions), estimator)
             for panel, spec in zip(panels, specifications, strict=True)]
    booted = [i for i, t in enumerate(tasks) if t.options.se.refits]
    analytic = [i for i, t in enumerate(tasks) if not t.options.se.refits]
    found: dict[int, pd.DataFrame] = dict(zip(
        analytic, run_tasks(estimate_specification, [tasks[i] for i in analytic],
                            execution=execution,
                            description="robustness specifications (analytic SEs)"),
        strict=True))
    inner = dataclasses.replace(execution, progress=null_progress)
    with execution.progress(len(booted), "robustness specifications (bootstrap SEs)") as bar:
        for i in booted:
            found[i] = estimate_specification(dataclasses.replace(tasks[i], execution=inner))
            bar.advance()
    frames = []
    for i, spec in enumerate(specifications):
        estimates = found[i]
        estimates.insert(0, "spec", spec.id)
        estimates.insert(1, "changed", spec.changed or "baseline")
        estimates.insert(2, "baseline", spec.is_baseline)
        frames.append(estimates.loc[:, list(ROBUSTNESS_COLUMNS)])
    return pd.concat(frames, ignore_index=True)


def specifications_frame(specifications: Sequence[Specification]) -> pd.DataFrame:
    """One row per specification: its id, what it changes, and its option on every axis."""
    return pd.DataFrame([{"spec": s.id, "changed": s.changed or "baseline",
                          "baseline": s.is_baseline, **dict(s.choices)}
                         for s in specifications])
