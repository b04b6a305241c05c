"""One replication of everything downstream of the accounting, on a drawn set of cities.

docs/methods.md §14. A replication takes the validated panel and the accounting table of
the drawn cities (:mod:`carbongap.inference.draws`), re-solves every SBI LP of both DEA
models (eq. 6, :func:`carbongap.dea.models.productivity_models`, the compiled kernel),
rebuilds the regression panel of eq. 2 and re-estimates the coefficients of every cell
of Tables 1-8 (:func:`carbongap.tables.estimate.point_estimates`); it also keeps the
yearly mean of each Luenberger index nationally and per region group (Figures 2-3).
Replication 0 is the main run's computation on the data as they are, so its numbers are
the main run's bit for bit.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..backends.dea import solve_jobs
from ..choices import DeaSolver, SampleRule
from ..dea.models import INDEX_COLUMNS, productivity_models
from ..dea.spec import LuenbergerSpec
from ..dea.variables import dea_variables
from ..errors import DataError
from ..regions import group_of
from ..tables.estimate import POINT_COLUMNS, point_estimates
from ..tables.regression_panel import CONTROL_LEVELS, build_regression_panel
from ..tables.specs import TableSpec
from .draws import CityRows

#: Columns of the replication coefficients and of the yearly means.
COEF_COLUMNS: tuple[str, ...] = ("scheme", "rep", *POINT_COLUMNS)
MEAN_COLUMNS: tuple[str, ...] = ("scheme", "rep", "variable", "year", "sample", "n", "mean")
#: The samples of the yearly means: every city, and the two region groups of the paper.
MEAN_SAMPLES: tuple[str, ...] = ("all", "developed", "underdeveloped")


@dataclass(frozen=True)
class Pipeline:
    """What a replication recomputes, and from what: the validated panel and the
    accounting table indexed by city, the DEA specification and years, the regression
    window and sample rule, the table specifications and their τ."""

    panel: CityRows
    accounting: CityRows
    luenberger: LuenbergerSpec
    dea_years: tuple[int, int]
    analysis_years: tuple[int, int]
    sample: SampleRule
    specs: tuple[TableSpec, ...]
    taus: tuple[float, ...]
    solver: DeaSolver = "kernel"

    @property
    def variables(self) -> list[str]:
        """The DEA variables of both models."""
        spec = self.luenberger
        return [*spec.inputs, *spec.good, *spec.bad]


@dataclass(frozen=True)
class Replication:
    """One replication's coefficients (:data:`COEF_COLUMNS` but scheme and rep) and yearly
    means (:data:`MEAN_COLUMNS` but scheme and rep); ``failure`` says why a replication
    has neither (its resampled panel left a model or the regression panel empty)."""

    coefficients: pd.DataFrame
    means: pd.DataFrame
    failure: str = ""


def group_means(indices: pd.DataFrame, panel: pd.DataFrame, cells: pd.DataFrame, *,
                national: pd.DataFrame | None = None) -> pd.DataFrame:
    """Yearly means of the indices for every sample of :data:`MEAN_SAMPLES`, in the
    (variable, year) ``cells`` of the productivity models' own means (a cumulative
    index's base year is left out there, docs/methods.md §6), NaN left out (n counts the
    rest); ``national`` (variable, year, n, mean), when given, is taken for "all" as it
    is (replication 0: the main run's table)."""
    province = panel.drop_duplicates(["city_code", "year"]).loc[
        :, ["city_code", "year", "province_code"]]
    framed = indices.merge(province, on=["city_code", "year"], how="left")
    framed["sample"] = group_of(framed["province_code"], "paper").to_numpy()
    frames = [framed.loc[framed["sample"].isin(MEAN_SAMPLES[1:])]]
    if national is None:
        frames.insert(0, framed.assign(sample="all"))
    long = pd.concat(frames, ignore_index=True).melt(
        id_vars=["sample", "year"], value_vars=list(INDEX_COLUMNS), var_name="variable",
        value_name="value")
    stats = long.groupby(["sample", "variable", "year"], sort=True)["value"].agg(
        ["count", "mean"]).reset_index().rename(columns={"count": "n"})
    cells = cells.loc[:, ["variable", "year"]]
    parts = []
    for sample in MEAN_SAMPLES:
        if sample == "all" and national is not None:
            parts.append(national.assign(sample="all"))
            continue
        mine = stats.loc[stats["sample"] == sample, ["variable", "year", "n", "mean"]]
        parts.append(cells.merge(mine, on=["variable", "year"], how="left").assign(
            sample=sample))
    out = pd.concat(parts, ignore_index=True)
    out["n"] = out["n"].fillna(0).astype(np.int64)
    return out.loc[:, ["variable", "year", "sample", "n", "mean"]]


@contextlib.contextmanager
def _step(timings: dict[str, float] | None, name: str) -> Iterator[None]:
    """Add the block's seconds to ``timings[name]`` (nothing when ``timings`` is None)."""
    start = time.perf_counter()
    yield
    if timings is not None:
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - start


def copies(indices: pd.DataFrame, panel: pd.DataFrame) -> pd.DataFrame:
    """The indices of the distinct drawn cities (original codes) for every drawn copy
    (the codes of ``panel``, whose ``source_city_code`` names the original), sorted."""
    keys = panel.loc[:, ["city_code", "source_city_code", "year"]]
    found = keys.merge(indices.rename(columns={"city_code": "source_city_code"}),
                       on=["source_city_code", "year"], how="inner")
    found = found.drop(columns="source_city_code")
    return found.sort_values(["city_code", "year"], kind="mergesort").reset_index(drop=True)


def replicate(pipeline: Pipeline, codes: np.ndarray | None, *,
              timings: dict[str, float] | None = None) -> Replication:
    """The replication on the cities ``codes`` (a draw; None: the data as they are).

    The DEA runs once on the distinct drawn cities: a copy of a city adds a column
    identical to one already in every reference set, which leaves every frontier and so
    every S term as it is (docs/methods.md §14), so each copy takes its original's
    indices. ``timings``, when given, receives the seconds of each step (the bench).
    """
    with _step(timings, "draw and resampled frames"):
        distinct = (np.unique(codes) if codes is not None
                    else np.asarray(sorted(pipeline.panel.starts)))
        panel_d = pipeline.panel.take(distinct, relabel=False)
        accounting_d = pipeline.accounting.take(distinct, relabel=False)
        if codes is None:
            panel, accounting = panel_d, accounting_d
        else:
            panel = pipeline.panel.take(codes)
            accounting = pipeline.accounting.take(codes)
    try:
        with _step(timings, "DEA, both models (SBI LPs, indices)"):
            frame = dea_variables(accounting_d, panel_d, pipeline.variables,
                                  pipeline.dea_years)
            result = productivity_models(frame, pipeline.luenberger,
                                         solve_jobs=solve_jobs("python", pipeline.solver),
                                         summaries=False)
            indices = result.tables["indices"]
            if codes is not None:
                indices = copies(indices, panel)
        with _step(timings, "regression panel"):
            built = build_regression_panel(panel, accounting, indices,
                                           pipeline.analysis_years, sample=pipeline.sample)
    except DataError as exc:
        return Replication(pd.DataFrame(columns=list(POINT_COLUMNS)),
                           pd.DataFrame(columns=list(MEAN_COLUMNS[2:])), str(exc))
    with _step(timings, f"regressions ({len(pipeline.specs) * len(pipeline.taus)} fits)"):
        coefficients = point_estimates(built.frame, pipeline.specs, pipeline.taus)
    with _step(timings, "yearly means"):
        national = result.tables["yearly_means"]
        means = group_means(indices, panel, national,
                            national=national if codes is None else None)
    return Replication(coefficients, means)


def replication_panel(pipeline: Pipeline, codes: np.ndarray) -> pd.DataFrame:
    """The city-year data of the replication on ``codes`` in one frame, as another
    language needs it to redo the replication: keys (the copies' codes, the original in
    ``source_city_code``), city name, province, the DEA variables, the controls' levels,
    co2 (t) and co2pgdp (t per 10^4 yuan), sorted by city and year."""
    panel = pipeline.panel.take(codes)
    accounting = pipeline.accounting.take(codes)
    from_accounting = [c for c in dict.fromkeys([*pipeline.variables, "co2", "co2pgdp"])
                       if c in accounting.columns]
    from_panel = [c for c in dict.fromkeys([*pipeline.variables, *CONTROL_LEVELS])
                  if c in panel.columns and c not in from_accounting]
    frame = panel.loc[:, ["city_code", "source_city_code", "city_name", "province_code",
                          "year", *from_panel]]
    return frame.merge(accounting.loc[:, ["city_code", "year", *from_accounting]],
                       on=["city_code", "year"], how="left", validate="one_to_one")


@dataclass(frozen=True)
class Chunk:
    """Replications ``reps`` of one scheme, as a task for a worker: the pipeline and each
    replication's draw (None for replication 0)."""

    pipeline: Pipeline
    scheme: str
    reps: tuple[int, ...]
    draws: tuple[np.ndarray | None, ...]


def run_chunk(chunk: Chunk) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The chunk's coefficients and means (:data:`COEF_COLUMNS`, :data:`MEAN_COLUMNS`)
    and its failed replications (scheme, rep, reason)."""
    coefs, means, failed = [], [], []
    for rep, codes in zip(chunk.reps, chunk.draws, strict=True):
        done = replicate(chunk.pipeline, codes)
        if done.failure:
            failed.append({"scheme": chunk.scheme, "rep": rep, "reason": done.failure})
            continue
        coefs.append(done.coefficients.assign(scheme=chunk.scheme, rep=rep))
        means.append(done.means.assign(scheme=chunk.scheme, rep=rep))
    return (_stack(coefs, COEF_COLUMNS), _stack(means, MEAN_COLUMNS),
            pd.DataFrame(failed, columns=["scheme", "rep", "reason"]))


def _stack(frames: Sequence[pd.DataFrame], columns: Sequence[str]) -> pd.DataFrame:
    if not frames:
        return pd.DataFrame(columns=list(columns))
    return pd.concat(frames, ignore_index=True).loc[:, list(columns)]
