"""The R-only rerun of Tables 1-8 (``replication/R/replicate_tables.R``) run from Python.

docs/methods.md §9. The script needs only base R and quantreg; it reads a run folder's
``tables/analysis_panel.csv`` and ``tables/qreg_specs.csv`` and writes its estimates in the
long format of ``tables/qreg_estimates.csv``. :func:`rerun_tables` gives it the same two
tables in a temporary folder, runs ``Rscript`` and returns its estimates, so the
cross-validation compares what an R user would get.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pandas as pd

from ..data import shipped_file

SCRIPT = "replicate_tables.R"
REPOSITORY_PATH = "replication/R/replicate_tables.R"


def script_path() -> Path:
    """The script: the package's copy, or the repository's in a source checkout."""
    path = shipped_file(SCRIPT, REPOSITORY_PATH)
    if path is None:
        raise FileNotFoundError(f"{SCRIPT} is neither in the package nor at {REPOSITORY_PATH}")
    return path


def rerun_tables(panel: pd.DataFrame, specs: pd.DataFrame, *, timeout: float = 1800.0
                 ) -> pd.DataFrame:
    """The script's estimates of every cell of ``specs`` on ``panel`` (RuntimeError with
    R's message when it fails, FileNotFoundError without ``Rscript``)."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        raise FileNotFoundError("Rscript not found on PATH")
    with tempfile.TemporaryDirectory() as folder:
        tables = Path(folder) / "tables"
        tables.mkdir()
        panel.to_csv(tables / "analysis_panel.csv", index=False)
        specs.to_csv(tables / "qreg_specs.csv", index=False)
        result = Path(folder) / "r_qreg_estimates.csv"
        done = subprocess.run([rscript, str(script_path()), folder, str(result)],
                              capture_output=True, text=True, timeout=timeout, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"Rscript {SCRIPT} failed: {done.stderr.strip()[-2000:]}")
        return pd.read_csv(result)
