"""City carbon gaps: yearly Ginis with bootstrap intervals and the Dagum decomposition.

Zhang & Liu (2024) eq. 4-5 and Figure 1; docs/methods.md §5. From the accounting table
(city_code, year, province_code, co2 in t, co2pgdp in t per 10^4 yuan at 2006 prices),
for each variable (co2 always; co2pgdp when the table has any intensity value, i.e. not
for a CEADs inventory without GDP):

- ``gini``: the yearly Gini (eq. 4-5, with the optional n/(n-1) correction) for the
  national sample and each group of the grouping (the paper's developed and
  underdeveloped; "other" is only in the national sample and the decomposition), with
  city-bootstrap percentile intervals;
- ``dagum``: the yearly Dagum (1997) decomposition of the national Gini over all groups of
  the grouping (paper: developed, underdeveloped, other; nbs4: the four NBS regions);
- ``dagum_groups``: each group's own Gini and the pairwise between-group Ginis.

Missing values are dropped and counted as attrition (``nan_policy = "drop"``) or raise
(``"error"``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import attrition
from ..choices import GroupingName
from ..computed import Computed
from ..config import InequalityConfig
from ..errors import DataError, format_rows
from ..progress import ProgressFactory, Tracker, null_progress
from ..regions import group_of
from .bootstrap import yearly_gini_ci
from .dagum import dagum

VARIABLES: tuple[str, ...] = ("co2", "co2pgdp")
NATIONAL = "national"
#: Paper grouping's remainder: in the national sample and the decomposition, no own row.
OTHER = "other"
GINI_COLUMNS: tuple[str, ...] = ("variable", "group", "year", "n", "n_dropped", "gini",
                                 "ci_low", "ci_high")

#: The paper's choices (the defaults of ``[inequality]``).
DEFAULT_OPTIONS = InequalityConfig()


#: The fewest cities a panel's carbon gaps can compare.
MIN_CITIES = 2


def _grouped(accounting: pd.DataFrame, grouping: GroupingName) -> pd.DataFrame:
    """city_code, year, group, and the variables present; unknown provinces raise."""
    columns = ["city_code", "year", "province_code", *[v for v in VARIABLES if v in accounting]]
    frame = accounting.loc[:, columns].sort_values(["city_code", "year"], kind="mergesort")
    frame = frame.reset_index(drop=True)
    frame["group"] = group_of(frame["province_code"], grouping).to_numpy()
    unknown = frame["group"].isna()
    if unknown.any():
        rows = np.flatnonzero(unknown)
        raise DataError(f"{len(rows)} city-years have a province code without a "
                        f"region group ({grouping}): rows {format_rows(rows)}",
                        source="accounting", column="province_code", rows=rows)
    return frame


def _gini_table(frame: pd.DataFrame, variable: str, groups: list[str],
                options: InequalityConfig, tracker: Tracker) -> pd.DataFrame:
    """Yearly Ginis with bootstrap intervals for the national sample and each group."""
    parts = []
    for group in [NATIONAL, *groups]:
        rows = frame if group == NATIONAL else frame.loc[frame["group"] == group]
        table = yearly_gini_ci(rows, variable, draws=options.bootstrap_draws,
                               seed=options.bootstrap_seed, level=options.ci_level,
                               label=f"{variable}|{group}", correction=options.correction,
                               nan_policy=options.nan_policy)
        table.insert(0, "group", group)
        table.insert(0, "variable", variable)
        parts.append(table)
        tracker.advance()
    return pd.concat(parts, ignore_index=True).loc[:, list(GINI_COLUMNS)]


def _dagum_tables(frame: pd.DataFrame, variable: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The yearly decomposition of the national Gini and its group/pair details.

    A year whose Gini is 0 (one city, or all values equal) has NaN shares.
    """
    totals, details = [], []
    for year, part in frame.loc[frame[variable].notna()].groupby("year", sort=True):
        result = dagum(part[variable].to_numpy(), part["group"].to_numpy())
        totals.append({"variable": variable, "year": int(year), "n": len(part),
                       "total": result.total, "within": result.within,
                       "between_net": result.between_net,
                       "transvariation": result.transvariation, **result.shares()})
        detail = result.group_table()
        detail.insert(0, "year", int(year))
        detail.insert(0, "variable", variable)
        details.append(detail)
    return pd.DataFrame(totals), pd.concat(details, ignore_index=True)


def _degenerate_notes(totals: pd.DataFrame, frame: pd.DataFrame, variable: str) -> list[str]:
    """Notes on years whose Gini is 0 and on zero values (bootstrap convention)."""
    notes = []
    flat = totals.loc[totals["total"] == 0.0]
    if len(flat):
        listed = ", ".join(f"{y} ({n} {'city' if n == 1 else 'cities'})"
                           for y, n in zip(flat["year"], flat["n"], strict=True))
        notes.append(f"{variable}: the national Gini is 0 in {listed}: one city or all values "
                     "equal, so the Dagum shares of those years are NaN (0/0)")
    zeros = int((frame[variable] == 0).sum())
    if zeros:
        notes.append(f"{variable}: {zeros} city-years have the value 0; a bootstrap resample "
                     "made only of such cities counts as Gini 0 (all cities equal)")
    return notes


def _cities_note(table: pd.DataFrame, frame: pd.DataFrame, variable: str) -> str:
    """How many cities each year's national Gini uses, and whether the set changes."""
    national = table.loc[table["group"] == NATIONAL]
    years, counts = national["year"].tolist(), national["n"].tolist()
    dropped = int(national["n_dropped"].sum())
    tail = f"; {dropped} city-years without a value left out" if dropped else ""
    known = frame.loc[frame[variable].notna()]
    per_city = known.groupby("city_code")["year"].nunique()
    always = int((per_city == known["year"].nunique()).sum())
    if always == len(per_city):
        return f"{variable}: the same {always} cities in every year {years[0]}-{years[-1]}{tail}"
    listed = ", ".join(f"{y} {n}" for y, n in zip(years, counts, strict=True))
    return (f"{variable}: cities per year {listed}{tail}; only {always} of {len(per_city)} "
            "cities have a value in every year, so year-to-year changes of the Gini partly "
            "reflect the changing set of cities")


def carbon_gap_tables(accounting: pd.DataFrame, options: InequalityConfig = DEFAULT_OPTIONS, *,
                      progress: ProgressFactory = null_progress,
                      stage: str = "inequality") -> Computed:
    """Tables ``gini``, ``dagum`` and ``dagum_groups`` of the accounting table (module
    docstring) with the choices ``options`` (the ``[inequality]`` keys); missing values are
    counted under ``stage`` or raise (``nan_policy``)."""
    frame = _grouped(accounting, options.grouping)
    groups = [g for g in sorted(frame["group"].unique()) if g != OTHER]
    notes: list[str] = []
    variables = []
    for variable in VARIABLES:
        if variable in frame and frame[variable].notna().any():
            variables.append(variable)
        else:
            notes.append(f"{variable} was not computed: the accounting table has "
                         f"no {variable} value (e.g. a CEADs inventory, which has no GDP)")
    if not variables:
        raise DataError("the accounting table has no co2 value at all",
                        source="accounting", column="co2")
    cities = sorted(frame.loc[frame[variables[0]].notna(), "city_code"].unique().tolist())
    if len(cities) < MIN_CITIES:
        raise DataError(f"carbon gaps (eq. 4-5) compare cities, and the panel has "
                        f"{len(cities)} city with a {variables[0]} value ({cities[0]}): at "
                        f"least {MIN_CITIES} cities are needed", source="accounting",
                        column=variables[0])

    gini_parts, dagum_parts, detail_parts, dropped = [], [], [], []
    for variable in variables:
        missing = frame.loc[frame[variable].isna()]
        if options.nan_policy == "error" and len(missing):
            keys = [f"{c}:{y}" for c, y in missing[["city_code", "year"]].head(10).values]
            more = f" (and {len(missing) - 10} more)" if len(missing) > 10 else ""
            raise DataError(f"{len(missing)} city-years have no {variable} and [inequality] "
                            f"nan_policy = 'error' (city_code:year {', '.join(keys)}{more})",
                            source="accounting", column=variable)
        with progress(len(groups) + 1, f"inequality: {variable} Ginis") as tracker:
            table = _gini_table(frame, variable, groups, options, tracker)
        dropped.append(attrition.exclusions(stage, f"{variable} missing", missing))
        totals, details = _dagum_tables(frame, variable)
        gini_parts.append(table)
        dagum_parts.append(totals)
        detail_parts.append(details)
        notes.append(_cities_note(table, frame, variable))
        notes += _degenerate_notes(totals, frame, variable)
        outside = table.loc[(table["gini"] < table["ci_low"]) | (table["gini"] > table["ci_high"])]
        if len(outside):
            notes.append(f"{variable}: in {len(outside)} group-years the point "
                         "Gini lies outside its percentile interval (the bootstrap "
                         "distribution of a Gini is biased downward in small samples)")

    all_groups = ", ".join(sorted(frame["group"].unique()))
    notes.append(f"bootstrap {options.bootstrap_draws} city resamples per year and "
                 f"group, seed {options.bootstrap_seed}, {options.ci_level:.0%} percentile "
                 f"intervals; Dagum (1997) groups: {options.grouping} ({all_groups})")
    if options.correction:
        notes.append("the gini table uses the n/(n-1) correction; the Dagum "
                     "decomposition splits the uncorrected Gini (eq. 4-5)")
    return Computed(
        tables={"gini": pd.concat(gini_parts, ignore_index=True),
                "dagum": pd.concat(dagum_parts, ignore_index=True),
                "dagum_groups": pd.concat(detail_parts, ignore_index=True)},
        attrition=attrition.combine(dropped),
        notes=tuple(notes),
    )
