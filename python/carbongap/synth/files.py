"""``write_csv``: the synthetic default data as CSV files (``carbongap synth --out DIR``).

Four UTF-8 files with Unix newlines, written atomically
(``carbongap.io.atomic.write_text``): ``cities.csv``, ``provinces.csv``, ``truth.csv``
(the frames of :func:`carbongap.synth.generate`) and ``truth_coefficients.csv`` (the
exact quantile coefficients of the CO2 model at the deciles, which include the paper's
quantiles; one row per term, one column per tau). Floats are written in Python's
shortest round-trip form and missing values as empty cells, so the same seed gives the
same bytes.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..io.atomic import write_text
from .emissions import TRUTH_TAUS, true_quantile_coefficients
from .panel import generate


def _csv(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n")


def write_csv(out_dir: str | Path, *, seed: int = 0, n_cities: int = 282,
              years: tuple[int, int] = (2006, 2019)) -> list[Path]:
    """Write cities.csv, provinces.csv, truth.csv, truth_coefficients.csv into ``out_dir``.

    Returns the paths in that order. Same arguments, same bytes.
    """
    out = Path(out_dir)
    cities, provinces, truth = generate(seed=seed, n_cities=n_cities, years=years)
    coefficients = true_quantile_coefficients(TRUTH_TAUS)
    coefficients.columns = [f"{tau:g}" for tau in coefficients.columns]
    tables = {"cities.csv": cities, "provinces.csv": provinces, "truth.csv": truth,
              "truth_coefficients.csv": coefficients.reset_index()}
    return [write_text(out / name, _csv(frame)) for name, frame in tables.items()]
