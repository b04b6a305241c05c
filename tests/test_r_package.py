"""The R package replication/R/carbongap: installed into a temporary library, its testthat
suite run against this Python (CARBONGAP_PYTHON), and ``R CMD check`` passing.

Needs R with reticulate and testthat (Debian: r-cran-reticulate, r-cran-testthat, installed
by ``replication/install_system_deps.sh``); marked ``r``, so it runs in the tox env ``r``,
where a missing R is a failure. The testthat tests compare cg_qreg with quantreg's rq and
summary.rq, cg_luenberger with the Python engine, and the conversions in both directions.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.r
PACKAGE = Path(__file__).resolve().parents[1] / "replication" / "R" / "carbongap"


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: int
         ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)


@pytest.fixture(scope="module")
def r_library(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    missing = _run(["Rscript", "-e", "for (p in c('reticulate', 'testthat')) if "
                    "(!requireNamespace(p, quietly = TRUE)) cat(p, '')"],
                   PACKAGE, dict(os.environ), 120).stdout.split()
    if missing:
        message = (f"R packages {', '.join(missing)} missing: install r-cran-reticulate "
                   "r-cran-testthat (sh replication/install_system_deps.sh)")
        if os.environ.get("CARBONGAP_REQUIRE_R") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    library = tmp_path_factory.mktemp("rlib")
    env = {**os.environ, "R_LIBS": str(library), "CARBONGAP_PYTHON": sys.executable,
           "CARBONGAP_NO_R": "1", "_R_CHECK_FORCE_SUGGESTS_": "false"}
    installed = _run(["R", "CMD", "INSTALL", "-l", str(library), str(PACKAGE)], PACKAGE,
                     env, 300)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return library, env


def test_the_testthat_suite_passes(r_library, tmp_path):
    _, env = r_library
    script = ("library(testthat); res <- as.data.frame(test_dir("
              f"'{(PACKAGE / 'tests' / 'testthat').as_posix()}', package = 'carbongap', "
              "load_package = 'installed', reporter = 'summary', stop_on_failure = FALSE)); "
              "cat('\\nRESULT', sum(res$failed), sum(res$error), sum(res$skipped), "
              "sum(res$nb), '\\n')")
    done = _run(["Rscript", "-e", script], tmp_path, env, 900)
    output = done.stdout + done.stderr
    result = [line for line in output.splitlines() if line.startswith("RESULT")]
    assert done.returncode == 0 and result, output
    failed, errors, skipped, expectations = map(int, result[-1].split()[1:])
    assert (failed, errors, skipped) == (0, 0, 0), output
    assert expectations >= 60, output


def test_r_cmd_check_passes(r_library, tmp_path):
    _, env = r_library
    built = _run(["R", "CMD", "build", "--no-build-vignettes", str(PACKAGE)], tmp_path, env,
                 300)
    assert built.returncode == 0, built.stdout + built.stderr
    (tarball,) = tmp_path.glob("carbongap_*.tar.gz")
    # the tests ran above (test_the_testthat_suite_passes), against the same Python
    checked = _run(["R", "CMD", "check", "--no-manual", "--no-tests", tarball.name],
                   tmp_path, env, 600)
    output = checked.stdout + checked.stderr
    assert checked.returncode == 0, output
    assert "Status: OK" in output, output
    shutil.rmtree(tmp_path / "carbongap.Rcheck", ignore_errors=True)
