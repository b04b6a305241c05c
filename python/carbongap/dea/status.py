"""Status codes of the SBI LPs and their names (docs/methods.md §6: NaN plus a status).

Codes are HiGHS model statuses (``highspy.HighsModelStatus``), plus carbongap's own
:data:`NUMERICAL`. Tables carry the names: "optimal", "infeasible", "unbounded",
"numerical", or the HiGHS wording in lower case (e.g. "unknown").
"""

from __future__ import annotations

import highspy
import numpy as np

from ..lp import new_highs

OPTIMAL: int = int(highspy.HighsModelStatus.kOptimal.value)
INFEASIBLE: int = int(highspy.HighsModelStatus.kInfeasible.value)
UNBOUNDED: int = int(highspy.HighsModelStatus.kUnbounded.value)
#: carbongap's own code (no HiGHS status is negative): the solver answered optimal, or
#: unbounded where the data rule that out, but no answer passed the check of
#: :mod:`carbongap.dea.verify`.
NUMERICAL: int = -1
#: Answers that settle an LP; any other HiGHS status leaves it undecided.
DECIDED: tuple[int, ...] = (OPTIMAL, INFEASIBLE, UNBOUNDED)

_NAMES: dict[int, str] = {OPTIMAL: "optimal", INFEASIBLE: "infeasible",
                          UNBOUNDED: "unbounded", NUMERICAL: "numerical"}


def status_name(code: int) -> str:
    """The status of an LP as a word (module docstring)."""
    name = _NAMES.get(int(code))
    if name is not None:
        return name
    text = new_highs({}).modelStatusToString(highspy.HighsModelStatus(int(code)))
    return str(text).lower()


def status_words(codes: np.ndarray) -> np.ndarray:
    """Status codes -> an object array of words (:func:`status_name`)."""
    names = {int(c): status_name(int(c)) for c in np.unique(codes)}
    return np.array([names[int(c)] for c in codes], dtype=object)
