"""Inequality of city emissions (Zhang & Liu (2024) eq. 4-5; docs/methods.md §5).

``gini`` and ``yearly_gini`` measure one group; ``dagum`` splits a Gini over groups
(Dagum 1997); ``yearly_gini_ci`` adds city-bootstrap percentile intervals. The figures
(Figure 1, and ``gini_lines`` for Figures 4-6) are in ``carbongap.inequality.figures``,
kept out of this namespace so that importing the numbers does not import matplotlib.
"""

from .bootstrap import gini_draws, percentile_interval, yearly_gini_ci
from .dagum import DagumDecomposition, dagum
from .gini import gini, gini_sorted_rows, yearly_gini, yearly_ginis

__all__ = [
    "DagumDecomposition",
    "dagum",
    "gini",
    "gini_draws",
    "gini_sorted_rows",
    "percentile_interval",
    "yearly_gini",
    "yearly_gini_ci",
    "yearly_ginis",
]
