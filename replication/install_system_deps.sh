#!/bin/sh
# Install what carbongap needs outside Python: R 4.x with quantreg, lpSolve and haven, and
# reticulate and testthat for the R package replication/R/carbongap, from Debian packages
# (CRAN is not needed), and python3-venv where it is missing.
# As root with apt-get it installs them; otherwise it prints exactly what to install and
# exits 0, so that `make replicate` can still run (the R parts are then reported as skipped).
# Every download is bounded (replication/bounded.sh): a source that does not answer fails the
# step with one line naming it. --force installs even when everything is present; --test
# adds headless Chromium (Debian's chromium), which the tests of REPORT.html open.
set -u

R_PACKAGES="r-base-core r-cran-quantreg r-cran-lpsolve r-cran-haven r-cran-reticulate r-cran-testthat"
PYTHON=${PYTHON:-python3}

have_r() {
    command -v Rscript >/dev/null 2>&1 &&
        Rscript -e 'for (p in c("quantreg", "lpSolve", "haven", "reticulate", "testthat")) if (!requireNamespace(p, quietly = TRUE)) quit(status = 1)' >/dev/null 2>&1
}

have_venv() {
    "$PYTHON" -m venv --help >/dev/null 2>&1 && "$PYTHON" -c 'import ensurepip' >/dev/null 2>&1
}

HERE=$(dirname "$0")
bounded() { sh "$HERE/bounded.sh" "$@"; }

force=false
browser=false
for arg in "$@"; do
    case "$arg" in
        --force) force=true ;;
        --test) browser=true ;;
        *) echo "usage: sh replication/install_system_deps.sh [--force] [--test]" >&2; exit 2 ;;
    esac
done
missing=""
if $force || ! have_r; then missing="$R_PACKAGES"; fi
have_venv || missing="$missing python3-venv"
if $browser && ! command -v chromium >/dev/null 2>&1; then missing="$missing chromium"; fi

if [ -z "$missing" ]; then
    echo "system dependencies: R with quantreg, lpSolve, haven, reticulate, testthat and python venv are present"
    exit 0
fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing from Debian packages: $missing"
    export DEBIAN_FRONTEND=noninteractive
    # Bounded: 30 s per connection, 3 retries, and an overall limit per step (bounded.sh
    # prints which step and source failed). An index that cannot be fetched is an error.
    APT_BOUNDS="-o Acquire::http::Timeout=30 -o Acquire::https::Timeout=30 -o Acquire::Retries=3"
    SOURCES="the Debian package sources (/etc/apt/sources.list*)"
    bounded "apt-get update" "$SOURCES" "${CARBONGAP_APT_UPDATE_LIMIT:-300}" "make setup" \
        apt-get $APT_BOUNDS update -qq --error-on=any || exit $?
    bounded "apt-get install" "$SOURCES" "${CARBONGAP_APT_INSTALL_LIMIT:-900}" "make setup" \
        apt-get $APT_BOUNDS install -y -qq --no-install-recommends $missing
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
