"""Model formulas as R and statsmodels users write them: ``"lnCO2 ~ lnT + lnP + lnA + lnI"``.

Only additive main effects of existing columns are read (an intercept is always fitted,
as in the paper's eq. 2); anything else (interactions, transformations, ``- 1``) is
refused with a message saying so, rather than being half understood.
"""

from __future__ import annotations

import re

_NAME = re.compile(r"^[A-Za-z_.][A-Za-z0-9_.]*$")


def parse_formula(formula: str) -> tuple[str, tuple[str, ...]]:
    """(dependent, regressors) of ``"y ~ a + b"``; ValueError for anything else."""
    left, tilde, right = formula.partition("~")
    dependent = left.strip()
    terms = tuple(t.strip() for t in right.split("+"))
    if not tilde or not _NAME.match(dependent) or not all(_NAME.match(t) for t in terms):
        raise ValueError(f"formula {formula!r} must look like 'y ~ x1 + x2' with column "
                         "names only (an intercept is always included; no interactions, "
                         "transformations or '- 1')")
    if len(set(terms)) != len(terms) or dependent in terms:
        raise ValueError(f"formula {formula!r} repeats a variable")
    return dependent, terms
