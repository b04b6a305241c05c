"""Every cell of Tables 1-8: one quantile regression per specification and τ (eq. 2).

docs/methods.md §7. Each specification (:mod:`carbongap.tables.specs`) selects its sample
from the regression panel (all city-years, or one region group) and is fitted at every τ
by an :class:`carbongap.qreg.Estimator` (the Python one, or another backend's, passed as
``estimator`` by the stages, :mod:`carbongap.backends`) with the options of the
``[regressions]`` section (:func:`regression_options`); the results are stacked into one
long table, the source of every table, figure and score.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..config import RegressionsConfig
from ..errors import TooFewObservationsError
from ..parallel import SERIAL, Execution
from ..progress import null_progress
from ..qreg import Estimator, QregOptions, QuantRegResults, estimate
from ..qreg.model import too_few
from ..qreg.se import se_rule
from .specs import TableSpec

#: Columns of the long estimates table, in order.
ESTIMATE_COLUMNS: tuple[str, ...] = (
    "table", "part", "sample", "dependent", "block", "term", "tau", "coef", "se", "t", "p",
    "stars", "n", "objective", "unique", "solver")


def sample_of(panel: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """The rows of the regression panel a specification uses: its group (or all), complete
    in its variables (a per-table sample, ``[analysis] sample``, has missing values)."""
    rows = panel if spec.sample == "all" else panel.loc[panel["group"] == spec.sample]
    used = [spec.dependent, *spec.regressors]
    return rows.dropna(subset=used) if rows[used].isna().to_numpy().any() else rows


def too_small(panel: pd.DataFrame, spec: TableSpec) -> str | None:
    """Why ``spec`` cannot be fitted on ``panel`` — its sample has no more rows than the
    regression has coefficients (the constant and the regressors,
    :func:`carbongap.qreg.model.too_few`) — or None."""
    return too_few(len(sample_of(panel, spec)), len(spec.regressors) + 1)


def regression_options(section: RegressionsConfig) -> QregOptions:
    """The estimator's options from the ``[regressions]`` section: its τ, SE method (looked
    up in :data:`carbongap.qreg.se.SE_RULES`), cluster (only with a method that takes
    one), replicates and seed."""
    rule = se_rule(section.se)
    return QregOptions(tuple(section.taus), rule,
                       (section.cluster or None) if rule.takes_cluster else None,
                       section.boot_reps, section.seed)


def fit_spec(panel: pd.DataFrame, spec: TableSpec, options: QregOptions, *,
             execution: Execution = SERIAL, estimator: Estimator = estimate
             ) -> QuantRegResults:
    """One specification at the τ of ``options`` with its standard errors, estimated by
    ``estimator`` on the specification's sample (:func:`sample_of`)."""
    return estimator(sample_of(panel, spec), spec.dependent, spec.regressors, options,
                     label=("table", spec.table, "part", spec.part), execution=execution)


def specs_table(specs: Sequence[TableSpec], options: QregOptions) -> pd.DataFrame:
    """One row per table part with what another language needs to estimate it: sample,
    dependent, block, regressors and the options (τ and regressors space-separated);
    written as ``tables/qreg_specs.csv`` for ``replication/R/replicate_tables.R``."""
    taus = " ".join(repr(float(t)) for t in options.taus)
    return pd.DataFrame([{"table": s.table, "part": s.part, "sample": s.sample,
                          "dependent": s.dependent, "block": s.block,
                          "regressors": " ".join(s.regressors), "taus": taus,
                          "se": options.se.name, "cluster": options.cluster or "",
                          "boot_reps": options.boot_reps, "seed": options.seed}
                         for s in specs])


def estimates_frame(spec: TableSpec, result: QuantRegResults) -> pd.DataFrame:
    """The long rows of one fitted specification (:data:`ESTIMATE_COLUMNS`)."""
    frame = result.to_frame()
    terms = len(result.terms)  # the table's rows run through the terms within each τ
    frame["objective"] = np.repeat(np.asarray(result.objectives, dtype=np.float64), terms)
    frame["unique"] = np.repeat(np.asarray(result.uniques, dtype=bool), terms)
    frame["solver"] = np.repeat(np.asarray(result.methods, dtype=object), terms)
    for name in ("table", "part", "sample", "dependent", "block"):
        frame[name] = getattr(spec, name)
    return frame.loc[:, list(ESTIMATE_COLUMNS)]


#: Columns of the table of specifications not estimated.
SKIPPED_COLUMNS: tuple[str, ...] = ("table", "part", "sample", "n", "coefficients", "reason")


@dataclass(frozen=True)
class TableEstimates:
    """What :func:`estimate_tables` returns: the long estimates (:data:`ESTIMATE_COLUMNS`),
    each fitted specification's results by (table, part), and the specifications that could
    not be estimated (:data:`SKIPPED_COLUMNS`: their sample size, coefficients and why)."""

    frame: pd.DataFrame
    results: dict[tuple[int, int], QuantRegResults]
    skipped: pd.DataFrame

    def fitted(self, specs: Sequence[TableSpec]) -> list[TableSpec]:
        """The specifications of ``specs`` that were estimated, in order."""
        return [s for s in specs if (s.table, s.part) in self.results]

    def skipped_reasons(self) -> str:
        """'table 5.2 (underdeveloped): 0 observations for 5 coefficients (...); ...'."""
        return "; ".join(f"table {r.table}.{r.part} ({r.sample}): {r.reason}"
                         for r in self.skipped.itertuples())

    def skipped_note(self) -> str:
        """'2 table part(s) not estimated, ...: table 5.2 (underdeveloped): ...', or ''
        when every part was estimated."""
        if self.skipped.empty:
            return ""
        return (f"{len(self.skipped)} table part(s) not estimated, their cells left empty "
                f"(tables/qreg_skipped.csv): {self.skipped_reasons()}")


def estimate_tables(panel: pd.DataFrame, specs: Sequence[TableSpec],
                    options: QregOptions, *, execution: Execution = SERIAL,
                    estimator: Estimator = estimate) -> TableEstimates:
    """The long estimates of every specification (estimated by ``estimator``), each fit's
    results object, and the specifications whose sample is too small for the estimator
    (:func:`too_small`, or :class:`~carbongap.errors.TooFewObservationsError` from the fit:
    too few rows for the SE method), skipped with the reason rather than failing the
    others. The
    execution's progress counts specifications (the fits inside run without a bar of their
    own)."""
    results: dict[tuple[int, int], QuantRegResults] = {}
    frames, skipped = [], []
    inner = dataclasses.replace(execution, progress=null_progress)
    with execution.progress(len(specs), "quantile regressions (Tables 1-8)") as bar:
        for spec in specs:
            n = len(sample_of(panel, spec))
            reason = too_few(n, len(spec.regressors) + 1)
            if reason is None:
                try:
                    result = fit_spec(panel, spec, options, execution=inner,
                                      estimator=estimator)
                except TooFewObservationsError as exc:
                    reason = str(exc)
                else:
                    results[(spec.table, spec.part)] = result
                    frames.append(estimates_frame(spec, result))
            if reason is not None:
                skipped.append({"table": spec.table, "part": spec.part, "sample": spec.sample,
                                "n": n,
                                "coefficients": len(spec.regressors) + 1, "reason": reason})
            bar.advance()
    frame = (pd.concat(frames, ignore_index=True) if frames
             else pd.DataFrame(columns=list(ESTIMATE_COLUMNS)))
    return TableEstimates(frame, results,
                          pd.DataFrame(skipped, columns=list(SKIPPED_COLUMNS)))


#: Columns of :func:`point_estimates`.
POINT_COLUMNS: tuple[str, ...] = ("table", "part", "term", "tau", "coef", "n")


def point_estimates(panel: pd.DataFrame, specs: Sequence[TableSpec],
                    taus: Sequence[float]) -> pd.DataFrame:
    """The coefficients alone of every specification at every τ (:data:`POINT_COLUMNS`),
    the same exact fits as :func:`estimate_tables` without standard errors; a part whose
    sample is too small or whose design is singular has NaN coefficients (its ``n`` says
    how many rows it had). For resampling, where only the point estimates are kept."""
    from ..qreg.model import design
    from ..qreg.solver import solve

    rows: list[tuple[int, int, str, float, float, int]] = []
    for spec in specs:
        sample = sample_of(panel, spec)
        terms = ("const", *spec.regressors)
        try:
            X, y, _ = design(sample, spec.dependent, spec.regressors, None)
            betas = [solve(X, y, tau).beta for tau in taus]
        except (ValueError, TooFewObservationsError, np.linalg.LinAlgError):
            betas = [np.full(len(terms), np.nan) for _ in taus]
        rows.extend((spec.table, spec.part, term, float(tau), float(value), len(sample))
                    for tau, beta in zip(taus, betas, strict=True)
                    for term, value in zip(terms, beta, strict=True))
    return pd.DataFrame(rows, columns=list(POINT_COLUMNS))
