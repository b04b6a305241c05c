#!/bin/sh
# Install what carbongap needs outside Python: R 4.x with quantreg, lpSolve and haven from
# Debian packages (CRAN is not needed), and python3-venv where it is missing.
# As root with apt-get it installs them; otherwise it prints exactly what to install and
# exits 0, so that `make replicate` can still run (the R parts are then reported as skipped).
set -u

R_PACKAGES="r-base-core r-cran-quantreg r-cran-lpsolve r-cran-haven"
PYTHON=${PYTHON:-python3}

have_r() {
    command -v Rscript >/dev/null 2>&1 &&
        Rscript -e 'for (p in c("quantreg", "lpSolve", "haven")) if (!requireNamespace(p, quietly = TRUE)) quit(status = 1)' >/dev/null 2>&1
}

have_venv() {
    "$PYTHON" -m venv --help >/dev/null 2>&1 && "$PYTHON" -c 'import ensurepip' >/dev/null 2>&1
}

missing=""
have_r || missing="$R_PACKAGES"
have_venv || missing="$missing python3-venv"

if [ -z "$missing" ]; then
    echo "system dependencies: R with quantreg, lpSolve, haven and python venv are present"
    exit 0
fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing from Debian packages: $missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing
    exit $?
fi

cat <<MSG
carbongap: some system dependencies are missing and this shell cannot install them
(needs root and apt-get). Please install, e.g. on Debian/Ubuntu:

    sudo apt-get install -y $missing

R 4.x with the packages quantreg, lpSolve and haven from any source also works
(install.packages(c("quantreg", "lpSolve", "haven"))). Without R the replication still runs;
the R cross-checks are reported as skipped, and 'make test' fails its R tests.
MSG
exit 0
