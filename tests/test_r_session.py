"""The rpy2 session helpers (docs/methods.md §9). Marked ``r``: in CI a missing R fails these."""

from __future__ import annotations

import pandas as pd
import pytest

from carbongap.r.session import converter, r_unavailable_reason, r_versions, to_r_frame

pytestmark = pytest.mark.r


def test_r_and_required_packages_are_usable():
    assert r_unavailable_reason() is None
    versions = r_versions()
    assert set(versions) == {"R", "rpy2", "quantreg", "lpSolve", "haven"}
    major, minor = (int(x) for x in versions["R"].split(".")[:2])
    assert (major, minor) >= (4, 2)
    if (major, minor) < (4, 5):  # rpy2 3.6 needs R >= 4.5 (docs/methods.md §9)
        assert versions["rpy2"].startswith("3.5.")


def test_int64_columns_arrive_in_r_as_doubles():
    import rpy2.robjects as ro

    frame = pd.DataFrame({"city_code": pd.Series([130100, 130200], dtype="int64"),
                          "name": ["石家庄市", "唐山市"], "x": [1.5, 2.5]})
    r_frame = to_r_frame(frame)
    classes = ro.r("function(d) vapply(d, function(c) class(c)[1], '')")(r_frame)
    assert list(classes) == ["numeric", "character", "numeric"]
    total = ro.r("function(d) sum(d$city_code)")(r_frame)[0]
    assert total == 260300.0
    with converter() as conv:
        back = conv.rpy2py(r_frame)
    assert back["name"].tolist() == ["石家庄市", "唐山市"]


def test_starting_r_leaves_ld_library_path_alone(monkeypatch):
    # rpy2 prepends R's lib folder at start-up; children would inherit it (see robjects()).
    import subprocess
    import sys

    monkeypatch.setenv("LD_LIBRARY_PATH", "/opt/sentinel")
    code = ("import os; from carbongap.r.session import robjects; robjects(); "
            "print(os.environ.get('LD_LIBRARY_PATH'))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=300)
    assert done.stdout.strip() == "/opt/sentinel"
