"""The paper's published coefficients: the reproduced-vs-published scorecard and the audit
of the published stars (docs/methods.md §8).

``replication/published/published_tables.csv`` (shipped in the package as
``carbongap/data/published_tables.csv``) holds, per table, dependent, sample, block,
regressor and τ, the printed coefficient, SE, stars (0-3) and N, transcribed from Zhang &
Liu (2024).

* **Scorecard**: every published cell beside the reproduced one: whether the signs agree,
  whether the stars agree, and |coef − published coef| / published SE.
* **Stars audit**: the stars each published coef/SE pair implies (two-sided normal
  p-value of coef/SE against 0.1, 0.05, 0.01) against the stars printed. Because the
  printed numbers are rounded to three decimals, a cell whose implied stars change within
  the rounding (coef ± 0.0005, SE ± 0.0005) is marked ``rounding_sensitive``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..data import shipped_file
from ..errors import ConfigError
from ..qreg.results import stars, two_sided_p

REPOSITORY_PATH = "replication/published/published_tables.csv"
COLUMNS: tuple[str, ...] = ("table", "dep_var", "sample", "block", "regressor", "tau", "coef",
                            "se", "stars", "n_obs")
KEYS: list[str] = ["table", "dependent", "sample", "block", "term", "tau"]
#: Half the last printed digit of the published numbers.
ROUNDING = 0.0005


def default_published_path() -> Path | None:
    """The paper's published values (package copy or the repository's file)."""
    return shipped_file("published_tables.csv", REPOSITORY_PATH)


def load_published(path: str | Path | None = None) -> pd.DataFrame:
    """The published cells with the estimates' key names (table, dependent, sample, block,
    term, tau) and coef, se, stars, n; ConfigError naming the file for a bad one."""
    source = Path(path) if path is not None else default_published_path()
    if source is None or not source.is_file():
        raise ConfigError(f"published coefficients {source or REPOSITORY_PATH} not found; "
                          "set [regressions] published")
    frame = pd.read_csv(source)
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ConfigError(f"{source}: missing column(s) {', '.join(missing)}; the columns "
                          f"are {', '.join(COLUMNS)}")
    frame = frame.rename(columns={"dep_var": "dependent", "regressor": "term", "n_obs": "n"})
    return frame.loc[:, [*KEYS, "coef", "se", "stars", "n"]]


def _implied_stars(coef: np.ndarray, se: np.ndarray) -> np.ndarray:
    return stars(two_sided_p(coef / se))


def stars_audit(published: pd.DataFrame) -> pd.DataFrame:
    """Every published cell with its implied stars, agreement and rounding sensitivity."""
    coef = published["coef"].to_numpy(np.float64)
    se = published["se"].to_numpy(np.float64)
    implied = _implied_stars(coef, se)
    corners = [_implied_stars(np.abs(coef) + dc, se + ds)
               for dc in (-ROUNDING, ROUNDING) for ds in (-ROUNDING, ROUNDING)]
    low, high = np.min(corners, axis=0), np.max(corners, axis=0)
    out = published.assign(z=coef / se, p=two_sided_p(coef / se), implied_stars=implied)
    out["agrees"] = out["implied_stars"] == out["stars"]
    out["rounding_sensitive"] = low != high
    return out.reset_index(drop=True)


def scorecard(estimates: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """Published cells beside the reproduced ones (module docstring); reproduced columns
    are NaN where a published cell has no estimate (a table not run)."""
    mine = estimates.loc[:, [*KEYS, "coef", "se", "stars", "n"]]
    merged = published.merge(mine, on=KEYS, how="left", suffixes=("_published", ""),
                             validate="one_to_one")
    ran = merged["coef"].notna()
    same_sign = np.sign(merged["coef"]) == np.sign(merged["coef_published"])
    merged["sign_agrees"] = same_sign.astype("boolean").where(ran, pd.NA)
    same_stars = merged["stars"] == merged["stars_published"]
    merged["stars_agree"] = same_stars.astype("boolean").where(ran, pd.NA)
    merged["diff_over_se"] = ((merged["coef"] - merged["coef_published"]).abs()
                              / merged["se_published"])
    return merged


def scorecard_summary(card: pd.DataFrame) -> dict[str, int]:
    """Counts: cells published, reproduced, same sign, same stars, within 1 and 2
    published SEs."""
    ran = card.loc[card["coef"].notna()]
    return {"published": len(card), "reproduced": len(ran),
            "same_sign": int(ran["sign_agrees"].astype(bool).sum()),
            "same_stars": int(ran["stars_agree"].astype(bool).sum()),
            "within_1_se": int((ran["diff_over_se"] <= 1).sum()),
            "within_2_se": int((ran["diff_over_se"] <= 2).sum())}
