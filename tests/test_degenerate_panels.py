"""Degenerate panels end in a clear error naming what is needed (exit 1) or in a counted,
reported skip of the part that cannot be computed (exit 0) — never in an internal
exception — and a failed run leaves a finished run's folder alone.

Each shape runs ``carbongap run <stage>`` in a child process (bounded by a timeout) on a
copy of a small synthetic panel edited into that shape.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from carbongap.pipeline.provenance import file_sha256
from carbongap.regions import group_of
from carbongap.synth import generate

#: Seconds a child run may take (the runs below take 3-15 s here).
RUN_TIMEOUT = 300
FUELS = ("raw_coal", "coke", "crude_oil", "gasoline", "kerosene", "diesel", "fuel_oil", "lpg",
         "natural_gas")


def _carbongap(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CARBONGAP_NO_R": "1", "MPLBACKEND": "Agg"}
    return subprocess.run([sys.executable, "-m", "carbongap", *args], capture_output=True,
                          text=True, env=env, timeout=RUN_TIMEOUT, check=False)


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> tuple[Path, pd.DataFrame, Path]:
    """A small synthetic panel (cities.csv, provinces.csv) and a finished run on it."""
    folder = tmp_path_factory.mktemp("degenerate")
    synthetic = generate(seed=0, n_cities=24, years=(2006, 2019))
    synthetic.cities.to_csv(folder / "cities.csv", index=False)
    synthetic.provinces.to_csv(folder / "provinces.csv", index=False)
    done = _carbongap("run", "validate", "--data", str(folder / "cities.csv"), "--provinces",
                      str(folder / "provinces.csv"), "--out", str(folder / "finished"),
                      "--quiet")
    assert done.returncode == 0, done.stderr
    return folder, synthetic.cities, folder / "finished"


def _fingerprint(run: Path) -> dict[str, str]:
    """Every file of a run folder but the stage cache (which a later run may extend)."""
    return {str(p.relative_to(run)): file_sha256(p) for p in sorted(run.rglob("*"))
            if p.is_file() and ".cache" not in p.relative_to(run).parts}


def _groups(frame: pd.DataFrame) -> pd.Series:
    return pd.Series(group_of(frame["province_code"], "paper").to_numpy(), index=frame.index)


def _first_city(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.loc[frame["city_code"] == frame["city_code"].min()]


#: shape -> (edit of the panel, stage to run, the message of the one-line error).
ERRORS: dict[str, tuple[Callable[[pd.DataFrame], pd.DataFrame], str, str]] = {
    "one city": (_first_city, "inequality",
                 r"carbon gaps \(eq. 4-5\) compare cities, and the panel has 1 city with a "
                 r"co2 value \(\d+\): at least 2 cities are needed"),
    "one year": (lambda f: f.loc[f["year"] == 2010], "productivity",
                 r"the production model has no Luenberger indicator: no city has two "
                 "consecutive usable years"),
    "years apart": (lambda f: f.loc[f["year"].isin([2008, 2010, 2012])], "productivity",
                    r"the production model has no Luenberger indicator: no city has two "
                    "consecutive usable years"),
    "a column all missing": (lambda f: f.assign(lpg=float("nan")), "validate",
                             r"column 'lpg' has no value in any of the \d+ rows in the study "
                             "window 2006-2019: remove the column"),
    "an input all zero": (lambda f: f.assign(employment=0.0), "productivity",
                          r"the production model has no Luenberger indicator: .*employment "
                          r"<= 0: \d+.*needs positive values of every input and output"),
    "a control all zero": (lambda f: f.assign(population=0.0), "analysis_panel",
                           r"the regression panel of eq. 2 is empty: .*population <= 0, no log "
                           r"\(lnP\): \d+"),
    "every fuel zero": (lambda f: f.assign(**{fuel: 0.0 for fuel in FUELS}), "inequality",
                        r"yearly_gini: column 'co2', year 2006: the mean is not positive .*it "
                        "needs at least one positive value"),
}


@pytest.mark.slow
@pytest.mark.parametrize("shape", list(ERRORS))
def test_a_degenerate_panel_is_one_clear_error_and_leaves_a_finished_run(base, tmp_path,
                                                                       shape):
    folder, cities, finished = base
    edit, stage, message = ERRORS[shape]
    edit(cities.copy()).to_csv(tmp_path / "panel.csv", index=False)
    before = _fingerprint(finished)
    done = _carbongap("run", stage, "--data", str(tmp_path / "panel.csv"), "--provinces",
                      str(folder / "provinces.csv"), "--out", str(finished), "--quiet")
    assert done.returncode == 1, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error ")]
    assert len(errors) == 1 and "Traceback" not in done.stderr, done.stderr
    assert errors[0].startswith(f"error stage {stage}: ")
    assert re.search(message, errors[0]), errors[0]
    assert _fingerprint(finished) == before


@pytest.mark.slow
def test_an_empty_region_group_skips_its_table_parts_and_says_so(base, tmp_path):
    folder, cities, _ = base
    panel = cities.loc[_groups(cities) != "underdeveloped"]
    panel.to_csv(tmp_path / "panel.csv", index=False)
    out = tmp_path / "out"
    done = _carbongap("replicate", "--data", str(tmp_path / "panel.csv"), "--provinces",
                      str(folder / "provinces.csv"), "--out", str(out), "--quiet",
                      "--set", "regressions.boot_reps=19", "--set",
                      "inequality.bootstrap_draws=19")
    assert done.returncode == 0, done.stderr
    skipped = pd.read_csv(out / "tables/qreg_skipped.csv")
    specs = pd.read_csv(out / "tables/qreg_specs.csv")
    under = specs.loc[specs["sample"] == "underdeveloped"]
    assert sorted(zip(skipped["table"], skipped["part"], strict=True)) == sorted(
        zip(under["table"], under["part"], strict=True))
    assert (skipped["n"] == 0).all()
    assert (skipped["reason"] == [f"0 observations for {k} coefficients (a fit needs at least "
                                  f"{k + 1})" for k in skipped["coefficients"]]).all()
    estimates = pd.read_csv(out / "tables/qreg_estimates.csv")
    assert not (estimates["sample"] == "underdeveloped").any()
    assert set(zip(estimates["table"], estimates["part"], strict=True)) == set(
        zip(specs["table"], specs["part"], strict=True)) - set(
        zip(skipped["table"], skipped["part"], strict=True))
    for name in ("carbongap.log", "REPORT.md"):
        text = (out / name).read_text(encoding="utf-8")
        assert f"{len(skipped)} table part(s) not estimated" in text, name
    # The do-file leaves the same parts out, saying why, instead of a qreg on no data.
    dofile = (out / "stata/replicate_tables.do").read_text(encoding="utf-8")
    assert dofile.count("* not estimated, as in the run: 0 observations") == len(skipped)
    fits = [line for line in dofile.splitlines() if line.startswith("quietly qreg ")]
    taus = specs["taus"].iloc[0].split()
    assert len(fits) == (len(specs) - len(skipped)) * len(taus)


@pytest.mark.slow
def test_a_year_with_fewer_cities_than_dea_variables_is_noted(base, tmp_path):
    folder, cities, _ = base
    codes = sorted(cities["city_code"].unique().tolist())
    thin = cities.loc[(cities["year"] != 2012) | cities["city_code"].isin(codes[:2])]
    thin.to_csv(tmp_path / "panel.csv", index=False)
    out = tmp_path / "out"
    done = _carbongap("run", "productivity", "--data", str(tmp_path / "panel.csv"),
                      "--provinces", str(folder / "provinces.csv"), "--out", str(out),
                      "--quiet")
    assert done.returncode == 0, done.stderr
    log = (out / "carbongap.log").read_text(encoding="utf-8")
    assert ("production model: 1 year(s) with no more usable cities than its 3 DEA "
            "variables, whose frontier says little (most cities lie on it): 2012 (2)") in log
    assert "green model: 1 year(s) with no more usable cities than its 4 DEA" in log
