"""Every cell of Tables 1-8 under every specification of a robustness grid, long.

docs/methods.md §13. Each specification's regression panel comes from ``panel_of`` (the
stage passes one that computes each distinct upstream configuration once,
:class:`carbongap.pipeline.evaluate.Evaluator`); its cells are estimated by
:func:`carbongap.tables.estimate.estimate_tables` with the specification's
``[regressions]`` options, exactly as the main run estimates them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import pandas as pd

from ..config import Config
from ..parallel import SERIAL, Execution
from ..progress import null_progress
from ..qreg import fit
from ..tables.estimate import Fitter, estimate_tables
from ..tables.specs import TableSpec
from .grid import Specification

#: Columns of the long robustness table, in order.
ROBUSTNESS_COLUMNS: tuple[str, ...] = (
    "spec", "changed", "baseline", "table", "part", "sample", "dependent", "block", "term",
    "tau", "coef", "se", "p", "stars", "n")


def grid_estimates(specifications: Sequence[Specification],
                   panel_of: Callable[[Config], pd.DataFrame],
                   table_specs: Sequence[TableSpec], *, execution: Execution = SERIAL,
                   fitter: Fitter = fit) -> pd.DataFrame:
    """The long table (:data:`ROBUSTNESS_COLUMNS`): one row per specification, table part,
    regressor and τ, the specifications in their order; the execution's progress counts
    specifications done."""
    inner = dataclasses.replace(execution, progress=null_progress)
    frames = []
    with execution.progress(len(specifications), "robustness specifications") as bar:
        for spec in specifications:
            panel = panel_of(spec.config)
            estimates, _ = estimate_tables(panel, table_specs, spec.config.regressions,
                                           execution=inner, fitter=fitter)
            estimates.insert(0, "spec", spec.id)
            estimates.insert(1, "changed", spec.changed or "baseline")
            estimates.insert(2, "baseline", spec.is_baseline)
            frames.append(estimates.loc[:, list(ROBUSTNESS_COLUMNS)])
            bar.advance()
    return pd.concat(frames, ignore_index=True)


def specifications_frame(specifications: Sequence[Specification]) -> pd.DataFrame:
    """One row per specification: its id, what it changes, and its option on every axis."""
    return pd.DataFrame([{"spec": s.id, "changed": s.changed or "baseline",
                          "baseline": s.is_baseline, **dict(s.choices)}
                         for s in specifications])
