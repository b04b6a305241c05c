"""carbongap.qreg against stored R quantreg 5.94 answers (tests/reference/quantreg/).

Every cell of three data sets that ship with R (engel, barro, stackloss) at five quantiles:
objectives, coefficients and nid/iid/ker SEs to 1e-9 relative (a coefficient that is zero
at the vertex, as stackloss's Acid.Conc. at τ = 0.25 and 0.75, is compared with an
absolute floor of 1e-12 times the largest coefficient: both languages give rounding noise
of order 1e-16 there). The coefficients, found along quantreg's own br path, are R's
doubles exactly, and carbongap warns where and what R warns (warnings.csv). No R is needed;
the stored data and answers are in the repository (their README gives the provenance).
"""

from __future__ import annotations

import shutil
import subprocess
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from carbongap.qreg import QuantRegWarning, fit
from carbongap.qreg.solver import solve

REFERENCE = Path(__file__).resolve().parent / "reference" / "quantreg"
TAUS = (0.1, 0.25, 0.5, 0.75, 0.9)
RTOL = 1e-12
#: Absolute floor, relative to the largest value of the cell's column at that τ.
FLOOR = 1e-12
DATASETS = ("engel", "barro", "stackloss")
SE_METHODS = ("nid", "iid", "ker")


def _expected() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "expected.csv")


_FITS: dict[tuple[str, str], object] = {}


def _data(dataset: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE / f"data_{dataset}.csv")


def _fit(dataset: str, se: str):
    if (dataset, se) not in _FITS:
        data = _data(dataset)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", QuantRegWarning)
            _FITS[dataset, se] = fit(data, data.columns[0], list(data.columns[1:]),
                                     taus=TAUS, se=se)
    return _FITS[dataset, se]


def _cells() -> list:
    return [pytest.param(dataset, tau, what, id=f"{dataset}-{tau:g}-{what}")
            for dataset in DATASETS for tau in TAUS
            for what in ("coef", *(f"se_{se}" for se in SE_METHODS))]


def test_the_reference_is_complete():
    expected = _expected()
    assert len(expected) == 100 and set(expected["dataset"]) == set(DATASETS)
    assert (expected.groupby("dataset")["tau"].nunique() == 5).all()


@pytest.mark.parametrize("dataset", DATASETS)
def test_objectives_equal_quantreg_everywhere(dataset):
    expected = _expected().query("dataset == @dataset").groupby("tau")["objective"].first()
    ours = _fit(dataset, "nid").objective
    np.testing.assert_allclose(ours.loc[list(TAUS)], expected.loc[list(TAUS)], rtol=RTOL)


@pytest.mark.parametrize(("dataset", "tau", "what"), _cells())
def test_every_cell_equals_quantreg(dataset, tau, what):
    cells = _expected().query("dataset == @dataset and tau == @tau")
    result = _fit(dataset, "nid" if what == "coef" else what.removeprefix("se_"))
    frame = result.params if what == "coef" else result.bse
    ours = frame[tau].reindex(list(cells["term"])).to_numpy()
    theirs = cells[what].to_numpy()
    np.testing.assert_allclose(ours, theirs, rtol=RTOL, atol=FLOOR * np.abs(theirs).max(),
                               err_msg=what)


@pytest.mark.parametrize("dataset", DATASETS)
def test_coefficients_are_quantregs_doubles_exactly(dataset):
    # The br path is followed step for step: not close, the same doubles (17 digits stored).
    data = _data(dataset)
    X = np.column_stack([np.ones(len(data)), data.iloc[:, 1:].to_numpy()])
    y = data.iloc[:, 0].to_numpy()
    expected = _expected().query("dataset == @dataset")
    for tau in TAUS:
        solution = solve(X, y, tau)
        assert solution.method == "br" and solution.unique
        np.testing.assert_array_equal(solution.beta,
                                      expected.loc[expected["tau"] == tau, "coef"])


def _ours(text: str) -> tuple[float, str, str]:
    """(tau, step, R's wording) of one of carbongap's warning texts."""
    head, message = text.split(": ", 1)
    tau = float(head.rsplit("tau = ", 1)[1])
    if message == "solution may be nonunique":
        return tau, "fit", "Solution may be nonunique"
    if message == "the iid sparsity fit: solution may be nonunique":
        return tau, "iid", "Solution may be nonunique"
    return tau, "nid", message


@pytest.mark.parametrize("dataset", DATASETS)
@pytest.mark.parametrize("se", SE_METHODS)
def test_warnings_are_quantregs(dataset, se):
    # Every warning R gives for the fit and for summary.rq(se = se), and no other: nid's
    # "k non-positive fis", the nonunique iid sparsity fits (barro 0.9, stackloss 0.5/0.75).
    said = pd.read_csv(REFERENCE / "warnings.csv").query(
        "dataset == @dataset and step in ('fit', @se)")
    expected = sorted(zip(said["tau"], said["step"], said["message"], strict=True))
    data = _data(dataset)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fit(data, data.columns[0], list(data.columns[1:]), taus=TAUS, se=se)
    raised = [str(w.message) for w in caught if issubclass(w.category, QuantRegWarning)]
    assert raised == list(result.warnings)
    assert sorted(_ours(text) for text in result.warnings) == expected


def test_barro_iid_sparsity_takes_quantregs_vertex():
    # The iid sparsity fit of barro at tau = 0.9 (16 ordered residuals) ties: the slopes
    # 0.059683 (R's br vertex) and 0.060705 have the same objective. R's vertex is taken.
    result = _fit("barro", "iid")
    cells = _expected().query("dataset == 'barro' and tau == 0.9")
    np.testing.assert_allclose(result.bse[0.9].to_numpy(), cells["se_iid"].to_numpy(),
                               rtol=1e-12)
    assert any("iid sparsity fit" in text for text in result.warnings)


@pytest.mark.r
def test_the_regeneration_script_reproduces_the_stored_answers(tmp_path):
    done = subprocess.run([shutil.which("Rscript") or "Rscript",
                           str(REFERENCE / "regenerate.R"), str(tmp_path)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    for name in ("expected.csv", "warnings.csv", *(f"data_{d}.csv" for d in DATASETS)):
        assert (tmp_path / name).read_bytes() == (REFERENCE / name).read_bytes(), name


def test_summary_labels_the_normal_test():
    text = _fit("engel", "nid").summary()
    header = next(line for line in text.splitlines() if "std err" in line)
    assert header.split()[-2:] == ["z", "P>|z|"] and "P>|t|" not in text
    assert text.splitlines()[-1].endswith("(two-sided, normal)")
