"""The SBI terms and Luenberger components against stored R Benchmarking 0.33 answers.

``tests/reference/benchmarking/`` (its README gives the provenance and how SBI maps to
``dea.add``; ``regenerate.R`` there remakes the numbers where Benchmarking is installed)
holds a 60-unit, 4-year panel (2012-2015) with text unit ids ``C000`` ... and 3,360 SBI
values from Benchmarking's ``dea.add`` on data rescaled by the SBI weights (docs/methods.md
§9): the production model (inputs K, L; good output Y) and the green model (plus CO2 as bad
output), CRS and VRS, each single-year technology at its own and the adjacent years' data,
and the pooled technology of all four years at every year. Feasibility was decided by a
separate LP (Benchmarking returns 0 for an infeasible LP); ``sbi`` is NaN there.

These tests read the stored files only (no R), so they run in every test run, from any
clone; a missing reference file is a failure, not a skip. Every stored value is compared
with the engine's S term of the same model, returns to scale, technology, data year and
unit, and the components are formed independently here from the stored terms
(docs/methods.md §6) and compared with the engine's.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from carbongap.dea import luenberger
from carbongap.dea.decomposition import COMPONENTS
from carbongap.dea.frontiers import frontier_rule
from carbongap.dea.technology import run_jobs, run_jobs_kernel

REPO = Path(__file__).resolve().parents[1]
REFERENCE = Path(__file__).resolve().parent / "reference" / "benchmarking"
MODELS = {"production": [], "green": ["CO2"]}
INPUTS, GOOD = ["K", "L"], ["Y"]
KEYS = ["model", "rts", "technology", "data_year", "unit"]

#: |carbongap - Benchmarking| over the 3,360 S terms is at most 2.3e-12 here (lpSolve's
#: answers on the rescaled data carry rounding of that order); 1e-11 leaves a factor of
#: about 4 for another platform's floating point.
S_TOL = 1e-11
#: The components formed from the stored terms differ from the engine's by at most
#: 2.3e-12 here as well: the terms' errors do not accumulate (the worst case would be 8 x,
#: the absolute coefficients of LTPSC of a pooled frontier, docs/methods.md §6).
COMPONENT_TOL = S_TOL
#: Rounding of the same sums evaluated in another order (components below 1 in size;
#: measured at most 1.1e-16).
ROUNDING = 1e-15


@pytest.fixture(scope="module")
def reference() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The stored panel and SBI values; fails with the path when the folder is absent."""
    files = [REFERENCE / "sbi_panel.csv", REFERENCE / "sbi_expected.csv"]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        pytest.fail(f"stored R Benchmarking reference not found: {', '.join(missing)} (it is "
                    "part of the repository: restore it with git checkout)", pytrace=False)
    panel = pd.read_csv(files[0])
    expected = pd.read_csv(files[1], dtype={"technology": str})
    assert not pd.api.types.is_numeric_dtype(panel["unit"])  # text ids: C000, ...
    assert len(expected) == 3360 and int((~expected["feasible"]).sum()) == 334
    assert expected["sbi"].isna().equals(~expected["feasible"])
    return panel, expected


def test_reference_is_the_stored_one_inside_the_repository():
    # A fresh clone anywhere has it (nothing beside the repository is read), and the files
    # are byte for byte the ones whose sha256 the provenance README states.
    assert REFERENCE.is_relative_to(REPO)
    readme = (REFERENCE / "README.md").read_text(encoding="utf-8")
    for name in ("sbi_panel.csv", "sbi_expected.csv"):
        with open(REFERENCE / name, "rb") as f:
            digest = hashlib.file_digest(f, "sha256").hexdigest()
        assert f"`{name}` (sha256 `{digest}`)" in readme, name


@pytest.fixture(scope="module", params=["highs", "kernel"])
def tables(reference, request) -> dict[tuple[str, str], pd.DataFrame]:
    """The engine's Luenberger table per (model, frontier), on the text-id panel, by each
    LP solver of the Python backend (HiGHS, the compiled kernel)."""
    panel = reference[0]
    solver = run_jobs_kernel if request.param == "kernel" else run_jobs
    return {(model, frontier): luenberger(panel, INPUTS, GOOD, bad, frontier, unit="unit",
                                          time="year", solve_jobs=solver).table
            for model, bad in MODELS.items()
            for frontier in ("contemporaneous", "global", "sequential")}


def _stored_technology(frontier: str, role: str, own: int) -> str | None:
    """The stored label of the technology of ``role`` whose own period is ``own``, or None.

    docs/methods.md §6: T^a = period a for the contemporaneous frontier and for the period
    technologies of a pooled one; P of the global frontier = all periods = ``pooled``;
    sequential T^a = periods <= a (stored only for a = 2012, one year, and a = 2015, all
    four = ``pooled``).
    """
    if role == "P":
        return "pooled"
    if frontier != "sequential":
        return str(own)
    return {2012: "2012", 2015: "pooled"}.get(own)


def _terms_long(table: pd.DataFrame, model: str, frontier: str) -> pd.DataFrame:
    """One row per S term of ``table`` whose technology is stored: KEYS, value, status.

    Columns are named ``S_<C|V>_<technology>_<data>`` (S_C_t_t1 = S_C^t(t+1), docs/methods.md
    §6), technology t, t1 or P, data t or t1, for the pair (year_from, year).
    """
    parts = []
    for column in [c for c in table.columns if c.startswith("S_") and "status" not in c]:
        _, rts, role, data = column.split("_")
        for earlier, later, row in zip(table["year_from"], table["year"], table.index,
                                       strict=True):
            technology = _stored_technology(frontier, role,
                                            earlier if role == "t" else later)
            if technology is None:
                continue
            parts.append({"model": model, "rts": {"C": "crs", "V": "vrs"}[rts],
                          "technology": technology,
                          "data_year": earlier if data == "t" else later,
                          "unit": table.at[row, "unit"], "value": table.at[row, column],
                          "status": table.at[row, f"{column}_status"]})
    return pd.DataFrame(parts)


def _compared(tables, reference, model: str, frontier: str) -> pd.DataFrame:
    terms = _terms_long(tables[(model, frontier)], model, frontier)
    both = terms.merge(reference[1], on=KEYS, how="left", validate="many_to_one",
                       indicator=True)
    assert (both["_merge"] == "both").all()  # every term of a stored technology is stored
    return both


@pytest.mark.parametrize("frontier", ["contemporaneous", "global", "sequential"])
@pytest.mark.parametrize("model", list(MODELS))
def test_every_s_term_equals_benchmarking(tables, reference, model, frontier):
    both = _compared(tables, reference, model, frontier)
    feasible = both["feasible"].to_numpy(dtype=bool)
    assert (both.loc[~feasible, "status"] == "infeasible").all()
    assert both.loc[~feasible, "value"].isna().all()  # NaN, never Benchmarking's 0
    assert (both.loc[feasible, "status"] == "optimal").all()
    diff = (both.loc[feasible, "value"] - both.loc[feasible, "sbi"]).abs().max()
    assert diff <= S_TOL, f"max |carbongap - Benchmarking| = {diff:.3g}"


def test_every_stored_value_is_compared(tables, reference):
    # Contemporaneous and global frontiers together use every stored technology and year.
    seen = pd.concat([_compared(tables, reference, model, frontier)
                      for model in MODELS for frontier in ("contemporaneous", "global")])
    stored = reference[1].set_index(KEYS).index
    assert stored.isin(seen.set_index(KEYS).index).all()


def _stored_terms(table: pd.DataFrame, expected: pd.DataFrame, model: str,
                  frontier: str) -> dict[str, np.ndarray]:
    """The stored value of each S column of ``table``, row by row (NaN where infeasible)."""
    lookup = expected.loc[expected["model"] == model].set_index(KEYS[1:])["sbi"]
    out = {}
    for column in [c for c in table.columns if c.startswith("S_") and "status" not in c]:
        _, rts, role, data = column.split("_")
        keys = [({"C": "crs", "V": "vrs"}[rts],
                 _stored_technology(frontier, role, earlier if role == "t" else later),
                 earlier if data == "t" else later, unit)
                for earlier, later, unit in zip(table["year_from"], table["year"],
                                                table["unit"], strict=True)]
        out[column] = lookup.loc[keys].to_numpy(dtype=np.float64)
    return out


def _components_by_hand(S: dict[str, np.ndarray], frontier: str) -> dict[str, np.ndarray]:
    """docs/methods.md §6, written out again: adjacent and pooled frontiers."""
    c, v = {}, {}
    for name, values in S.items():
        _, rts, role, data = name.split("_")
        (c if rts == "C" else v)[(role, data)] = values
    lpec = v["t", "t"] - v["t1", "t1"]
    lsec = (c["t", "t"] - v["t", "t"]) - (c["t1", "t1"] - v["t1", "t1"])
    if frontier == "contemporaneous":
        ltfp = 0.5 * ((c["t", "t"] - c["t", "t1"]) + (c["t1", "t"] - c["t1", "t1"]))
        lptp = 0.5 * ((v["t1", "t"] - v["t", "t"]) + (v["t1", "t1"] - v["t", "t1"]))
        ltpsc = 0.5 * (((c["t1", "t"] - v["t1", "t"]) - (c["t", "t"] - v["t", "t"]))
                       + ((c["t1", "t1"] - v["t1", "t1"]) - (c["t", "t1"] - v["t", "t1"])))
    else:
        ltfp = c["P", "t"] - c["P", "t1"]
        lptp = (v["P", "t"] - v["t", "t"]) - (v["P", "t1"] - v["t1", "t1"])
        ltpsc = (((c["P", "t"] - v["P", "t"]) - (c["t", "t"] - v["t", "t"]))
                 - ((c["P", "t1"] - v["P", "t1"]) - (c["t1", "t1"] - v["t1", "t1"])))
    return {"LTFP": ltfp, "LPEC": lpec, "LSEC": lsec, "LPTP": lptp, "LTPSC": ltpsc,
            "EC": lpec + lsec, "PC": lptp + ltpsc}


@pytest.mark.parametrize("frontier", ["contemporaneous", "global"])
@pytest.mark.parametrize("model", list(MODELS))
def test_components_equal_those_formed_from_benchmarking(tables, reference, model,
                                                         frontier):
    table = tables[(model, frontier)]
    stored = _stored_terms(table, reference[1], model, frontier)
    by_hand = _components_by_hand(stored, frontier)
    ours = frontier_rule(frontier).components(stored)  # ours, on Benchmarking's S
    defined = np.isfinite(by_hand["LTFP"])
    assert defined.sum() > 0 and (frontier == "global") == defined.all()
    for name in COMPONENTS:
        engine = table[name].to_numpy(dtype=np.float64)
        np.testing.assert_array_equal(np.isnan(engine), np.isnan(by_hand[name]), err_msg=name)
        np.testing.assert_allclose(ours[name], by_hand[name], rtol=0, atol=ROUNDING,
                                   err_msg=name)
        np.testing.assert_allclose(engine, by_hand[name], rtol=0, atol=COMPONENT_TOL,
                                   err_msg=name)
    # LTFP = LPEC + LSEC + LPTP + LTPSC = EC + PC (docs/methods.md §6), on the engine's table.
    ok = table[list(COMPONENTS)].notna().all(axis=1)
    assert ok.sum() > 0
    parts = table[["LPEC", "LSEC", "LPTP", "LTPSC"]].sum(axis=1)
    np.testing.assert_allclose(table.loc[ok, "LTFP"], parts[ok], rtol=0, atol=ROUNDING)
    np.testing.assert_allclose(table.loc[ok, "LTFP"], (table["EC"] + table["PC"])[ok],
                               rtol=0, atol=ROUNDING)


def test_text_ids_are_kept_in_the_table(tables, reference):
    table = tables[("green", "contemporaneous")]
    assert table["unit"].dtype == reference[0]["unit"].dtype
    assert table["unit"].iloc[0] == "C000" and len(table) == 60 * 3
