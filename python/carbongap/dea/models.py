"""The paper's two DEA models and the indices, tables and yearly summaries built on them.

Zhang & Liu (2024) section II.3 and docs/methods.md §6. The production model has inputs
(capital, labour) and the good output real GDP, and gives T, PC, EC; the green model adds
CO2 as a bad output and gives GT, GPC, GEC. :func:`productivity_models` runs both
(:func:`carbongap.dea.luenberger`), forms the indices in the configured index form
(:mod:`carbongap.dea.indices`), the LP status tables (:mod:`carbongap.dea.lp_tables`) and
the yearly means and Ginis of the indices that Figures 2-6 draw.

In the cumulative index form the base year is each model's first year with usable data
(stated in the notes, with the number of city-years lost to broken chains), and it is left
out of the yearly summaries: every city's index is 1 there by definition.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import attrition
from ..computed import Computed
from ..errors import DataError
from ..inequality import yearly_ginis
from ..parallel import SERIAL, Execution
from .indices import broken_chains, index_form, yearly_means
from .lp_tables import infeasible_counts, lp_status_rows
from .luenberger import luenberger
from .measures import Measure
from .spec import LuenbergerSpec
from .technology import SolveJobs, run_jobs_kernel

KEYS = ["city_code", "year"]
#: model -> (indicator -> index name); Zhang & Liu (2024) section II.4.
def index_names(measure: Measure, model: str) -> dict[str, str]:
    """Component -> index column of ``model``: T, PC, EC from the production model, GT,
    GPC, GEC from the green one (from LTFP, PC, EC, or ML, MLTECH, MLEFFCH)."""
    prefix = "G" if model == "green" else ""
    return {part: prefix + name for part, name in measure.index_columns().items()}


INDEX_COLUMNS: tuple[str, ...] = ("T", "PC", "EC", "GT", "GPC", "GEC")
#: The index columns of each model.
MODEL_COLUMNS: dict[str, tuple[str, ...]] = {"production": INDEX_COLUMNS[:3],
                                             "green": INDEX_COLUMNS[3:]}


def _yearly_summaries(indices: pd.DataFrame, bases: dict[str, int | None], *,
                      with_ginis: bool = True
                      ) -> tuple[pd.DataFrame, pd.DataFrame | None, list[str]]:
    """Yearly means and Ginis (eq. 4-5) of the indices, and notes.

    ``bases``: model -> base year of its cumulative index (None in the increment form),
    left out. Non-positive index values are left out of the Ginis (counted in a note).
    ``with_ginis`` False: the means alone (no Gini table).
    """
    means, ginis, notes = [], [], []
    for model, found in MODEL_COLUMNS.items():
        columns = list(found)
        base = bases[model]
        part = indices.loc[:, [*KEYS, *columns]]
        if base is not None:
            part = part.loc[part["year"] > base]
        means.append(yearly_means(part, columns))
        if not with_ginis:
            continue
        positive = part.copy()
        for column in columns:
            nonpositive = positive[column] <= 0
            if nonpositive.any():
                notes.append(f"{column}: {int(nonpositive.sum())} non-positive index values "
                             "left out of the Ginis of Figures 4-6")
                positive.loc[nonpositive, column] = np.nan
        ginis.append(yearly_ginis(positive, columns))
    return (pd.concat(means, ignore_index=True),
            pd.concat(ginis, ignore_index=True) if ginis else None, notes)


def _nothing_usable(label: str, excluded: pd.DataFrame, rows: int) -> str:
    """Why a model has no indicator at all: its exclusions counted by reason."""
    reasons = excluded["reason"].value_counts(sort=False).sort_index()
    listed = "; ".join(f"{reason}: {count}" for reason, count in reasons.items())
    return (f"the {label} has no Luenberger indicator: no city has two consecutive usable "
            f"years among the {rows} city-years (a DEA variable missing or not positive; "
            f"{listed or 'no pair of consecutive years'}); the DEA (eq. 6) needs positive "
            "values of every input and output")


def _thin_years(label: str, usable: pd.DataFrame, variables: int) -> list[str]:
    """A note on the years whose technology has no more cities than DEA variables: a
    frontier drawn from so few cities puts most of them on it, so its indicators say
    little (the usual rule of thumb asks for several times more units than variables)."""
    counts = usable.groupby("year")["city_code"].nunique()
    thin = counts[counts <= variables]
    if thin.empty:
        return []
    listed = ", ".join(f"{year} ({n})" for year, n in thin.items())
    return [f"{label}: {len(thin)} year(s) with no more usable cities than its {variables} "
            f"DEA variables, whose frontier says little (most cities lie on it): {listed}"]


def productivity_models(frame: pd.DataFrame, spec: LuenbergerSpec, *,
                        execution: Execution = SERIAL, stage: str = "productivity",
                        solve_jobs: SolveJobs = run_jobs_kernel, summaries: bool = True
                        ) -> Computed:
    """Both models of ``spec`` on ``frame`` (city_code, year and every DEA variable, in
    its units): the production model on the inputs and good outputs, the green model with
    the bad outputs too, against ``spec``'s frontier, its indices in ``spec``'s index
    form. ``execution`` and ``solve_jobs`` as in :func:`carbongap.dea.luenberger`;
    ``stage`` labels the attrition rows.

    Returns tables ``luenberger`` (city-year components, S terms, statuses, by model),
    ``indices`` (city_code, year, T, PC, EC, GT, GPC, GEC), ``lp_status``, ``infeasible``,
    ``yearly_means`` and ``yearly_gini``; the attrition rows are the unit-periods each
    model's screening excluded. ``summaries`` False leaves out ``lp_status``,
    ``infeasible``, ``yearly_gini`` and the attrition rows (resampling keeps only the
    indices and means).
    """
    inputs, good, bad, frontier = spec.inputs, spec.good, spec.bad, spec.frontier
    form = spec.index_form
    cumulative = form == "cumulative"
    tables, forms, dropped, notes = [], [], [], []
    bases: dict[str, int | None] = {}
    for model in ("production", "green"):
        label = f"{model} model"
        result = luenberger(frame, inputs, good, bad if model == "green" else (),
                            frontier, prune=spec.prune, execution=execution, label=label,
                            solve_jobs=solve_jobs, measure=spec.measure,
                            disposability=spec.disposability)
        for reason, part in (result.screened.excluded.groupby("reason", sort=False)
                             if summaries else ()):
            dropped.append(attrition.exclusions(stage, str(reason), part))
        notes.extend(f"warning: {message}" for message in result.warnings)
        if result.table.empty:
            raise DataError(_nothing_usable(label, result.screened.excluded, len(frame)),
                            source=stage)
        notes.extend(_thin_years(label, result.screened.panel,
                                 len(inputs) + len(good) + (len(bad) if model == "green" else 0)))
        table = result.table
        table.insert(2, "model", model)
        tables.append(table)
        periods = (list(range(result.periods[0], result.periods[-1] + 1))
                   if result.periods else None)
        names = index_names(spec.measure, model)
        indexed = index_form(table, names, form, periods=periods, ratio=spec.measure.ratio)
        forms.append(indexed)
        counts = result.lp_counts()
        n_lps, n_inf = sum(counts.values()), counts.get("infeasible", 0)
        n_bad = n_lps - counts.get("optimal", 0)
        notes.append(f"{label}: {len(table)} city-year indicators ({frontier.name} frontier), "
                     f"{n_lps} LP terms of which {n_inf} infeasible and "
                     f"{n_bad - n_inf} otherwise not optimal (NaN, listed in lp_status)")
        bases[model] = periods[0] if cumulative and periods else None
        if cumulative and periods:
            broken = broken_chains(table, names, indexed)
            notes.append(
                f"{label}: cumulative index, base year {periods[0]} = 1 (the first year "
                f"with usable data), not drawn in Figures 2-6; of {len(table)} city-year "
                "indicators, NaN in the cumulative form only because an earlier link of "
                "the chain is missing or NaN: "
                + ", ".join(f"{name} {count}" for name, count in broken.items()))
    luen = pd.concat(tables, ignore_index=True)
    indices = forms[0].merge(forms[1], on=KEYS, how="outer")
    indices = indices.sort_values(KEYS, kind="mergesort").reset_index(drop=True)
    indices = indices.loc[:, [*KEYS, *INDEX_COLUMNS]]
    means, ginis, summary_notes = _yearly_summaries(indices, bases, with_ginis=summaries)
    notes.extend(summary_notes)
    if spec.measure.name != "sbi":
        notes.append(f"productivity measure {spec.measure.name!r} on the directional "
                     f"distance function, {spec.disposability} disposability of the bad "
                     "outputs (docs/methods.md §15)")
    if not cumulative:
        notes.append(f"index form {form!r}: "
                     + ("T = ML, PC = MLTECH, EC = MLEFFCH" if spec.measure.ratio
                        else "T = 1 + LTFP, PC = 1 + PC, EC = 1 + EC")
                     + " (likewise GT, GPC, GEC)")
    tables = {"luenberger": luen, "indices": indices, "yearly_means": means}
    if summaries:
        tables.update({"lp_status": lp_status_rows(luen, frontier),
                       "infeasible": infeasible_counts(luen, frontier),
                       "yearly_gini": ginis})
    return Computed(tables=tables, attrition=attrition.combine(dropped), notes=tuple(notes))
