"""The synthetic default panel: a seeded generator of a known process (docs/methods.md §12).

It stands in for the yearbook data, which cannot be redistributed: 282 cities in the 30
provinces other than Tibet (real province codes, synthetic city codes ``PP8NNN`` and
names marked "(synthetic)"), 2006-2019, every raw variable of docs/methods.md §3 in yearbook
units, and the provincial table. Inputs and outputs come from a frontier technology with
inefficiency (``technology``), CO2 from a location-scale model whose exact quantile
coefficients are known (``emissions``), and the data carry the blanks, gaps and zeros of
real yearbooks (``mess``).

::

    from carbongap import synth
    cities, provinces, truth = synth.generate(seed=0)
    synth.true_quantile_coefficients((0.2, 0.4, 0.6, 0.8))
    synth.write_csv("synthetic/", seed=0)
    synth.validated(seed=0)   # the same panel through file validation (a carbongap Panel)
"""

from .emissions import TRUTH_TAUS, true_quantile_coefficients
from .files import write_csv
from .panel import SyntheticPanel, generate
from .validated import validated

__all__ = ["TRUTH_TAUS", "SyntheticPanel", "generate", "true_quantile_coefficients",
           "validated", "write_csv"]
