"""Every option with a fixed set of values, defined once.

The configuration (:mod:`carbongap.config`) checks its keys against these types, and the
domain functions that take the same option (the DEA frontier, the index form, the SE
method, ...) check their arguments with :func:`check`, so a new value is added in one
place. Each type's values are documented in docs/methods.md where the method is.
"""

from __future__ import annotations

import typing
from typing import Literal

#: Reference technology of the Luenberger indicator (docs/methods.md §6).
Frontier = Literal["contemporaneous", "sequential", "global", "biennial"]
#: Positive index built from an additive indicator (docs/methods.md §6, index forms).
IndexForm = Literal["increment", "cumulative"]
#: Returns to scale of the SBI technology: VRS adds Σλ = 1 (docs/methods.md §6).
Rts = Literal["crs", "vrs"]
#: A missing investment year inside a city's series (eq. 7; docs/methods.md §4).
GapPolicy = Literal["interpolate", "stop"]
#: Missing values in a Gini: dropped and counted, or an error (eq. 4-5).
NanPolicy = Literal["drop", "error"]
#: Region groups of the Dagum decomposition (docs/methods.md §5).
GroupingName = Literal["paper", "nbs4"]
#: Standard errors of the quantile regressions, quantreg's names (docs/methods.md §7).
SeMethod = Literal["nid", "iid", "ker", "boot"]
#: The regression sample: city-years complete in every variable of Tables 1-8 (the
#: paper's one common sample) or, per table part, complete in its own variables
#: (docs/methods.md §7).
SampleRule = Literal["common", "per_table"]
#: Specifications of a robustness grid: each axis moved alone from the baseline, or every
#: combination (docs/methods.md §13).
Design = Literal["one-at-a-time", "factorial"]
#: Which program solves the Python backend's SBI LPs: the compiled small-LP kernel
#: (HiGHS where its answer is not certified) or HiGHS alone (docs/methods.md §6).
DeaSolver = Literal["kernel", "highs"]
#: How bad outputs may be disposed of in the directional distance function: only with a
#: proportional cut of good outputs (weak: bad rows are equalities) or freely (strong:
#: inequalities, bads treated like inputs) (docs/methods.md §15).
Disposability = Literal["weak", "strong"]
#: The productivity measure of the DEA: the paper's SBI Luenberger indicator, the
#: Luenberger indicator on the directional distance function, the Malmquist-Luenberger
#: index, or the global Malmquist-Luenberger index (docs/methods.md §15).
MeasureName = Literal["sbi", "ddf-luenberger", "ml", "gml"]
#: Which language computes the regressions or the DEA (docs/methods.md §9).
Backend = Literal["python", "r"]

FRONTIERS: tuple[str, ...] = typing.get_args(Frontier)
INDEX_FORMS: tuple[str, ...] = typing.get_args(IndexForm)
RTS: tuple[str, ...] = typing.get_args(Rts)
GAP_POLICIES: tuple[str, ...] = typing.get_args(GapPolicy)
NAN_POLICIES: tuple[str, ...] = typing.get_args(NanPolicy)
GROUPINGS: tuple[str, ...] = typing.get_args(GroupingName)
SE_METHODS: tuple[str, ...] = typing.get_args(SeMethod)
BACKENDS: tuple[str, ...] = typing.get_args(Backend)
DEA_SOLVERS: tuple[str, ...] = typing.get_args(DeaSolver)
DISPOSABILITIES: tuple[str, ...] = typing.get_args(Disposability)
MEASURES: tuple[str, ...] = typing.get_args(MeasureName)
#: The measures in ratio form (Malmquist-Luenberger): their indices are the components
#: themselves, not 1 + the indicator (docs/methods.md §15).
RATIO_MEASURES: tuple[str, ...] = ("ml", "gml")
SAMPLE_RULES: tuple[str, ...] = typing.get_args(SampleRule)
DESIGNS: tuple[str, ...] = typing.get_args(Design)


def check(option: str, value: object, choices: tuple[str, ...]) -> None:
    """ValueError naming ``option`` and the valid choices when ``value`` is not one."""
    if value not in choices:
        raise ValueError(f"{option} {value!r} is not one of: {', '.join(choices)}")
