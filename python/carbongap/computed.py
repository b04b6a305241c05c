"""What a domain function that builds a stage's tables returns.

The accounting, inequality and productivity packages each compute several named tables,
the city-years they had to leave out (:mod:`carbongap.attrition` rows) and sentences for
the log and the report; a stage hands the three on unchanged
(:meth:`carbongap.stagekit.stage.StageResult.of`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Computed:
    """Named tables, their attrition rows and notes."""

    tables: Mapping[str, pd.DataFrame]
    attrition: pd.DataFrame
    notes: tuple[str, ...] = ()
