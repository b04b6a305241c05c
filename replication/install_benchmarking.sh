#!/bin/sh
# Install R Benchmarking 0.33 (and lpSolveAPI, which it needs) for the live Benchmarking
# tests, from the source tarballs in ../shared/r-src (CARBONGAP_R_SRC overrides the folder):
# no package registry reachable here has them. Without the folder, or without root and
# apt-get, nothing is installed and the tests marked `benchmarking` skip with the reason;
# the stored Benchmarking numbers are tested everywhere. The tarballs are checked against
# the folder's SHA256SUMS first; every step is bounded (replication/bounded.sh).
set -u

HERE=$(dirname "$0")
SRC=${CARBONGAP_R_SRC:-$HERE/../../shared/r-src}
bounded() { sh "$HERE/bounded.sh" "$@"; }

if ! command -v Rscript >/dev/null 2>&1; then
    echo "R Benchmarking: no R here, the benchmarking tests will skip"
    exit 0
fi
if Rscript -e 'quit(status = !requireNamespace("Benchmarking", quietly = TRUE))' \
        >/dev/null 2>&1; then
    echo "R Benchmarking: installed"
    exit 0
fi
if [ ! -f "$SRC/SHA256SUMS" ]; then
    echo "R Benchmarking: not installed and no source folder $SRC; the benchmarking tests will skip"
    exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "R Benchmarking: not installed; as root: sh $0 (builds it from $SRC)"
    exit 0
fi
(cd "$SRC" && sha256sum -c --quiet SHA256SUMS) || {
    echo "R Benchmarking: $SRC/SHA256SUMS does not match its tarballs" >&2
    exit 1
}
echo "R Benchmarking: building lpSolveAPI and Benchmarking 0.33 from $SRC"
export DEBIAN_FRONTEND=noninteractive
APT_BOUNDS="-o Acquire::http::Timeout=30 -o Acquire::https::Timeout=30 -o Acquire::Retries=3"
bounded "apt-get install (R build tools)" "the Debian package sources" 900 "make test" \
    apt-get $APT_BOUNDS install -y -qq --no-install-recommends \
    r-base-dev r-cran-ucminf r-cran-quadprog r-cran-rcpp || exit $?
for tarball in "$SRC"/lpSolveAPI_*.tar.gz "$SRC"/Benchmarking_*.tar.gz; do
    bounded "R CMD INSTALL $(basename "$tarball")" "$SRC" 900 "make test" \
        R CMD INSTALL --no-test-load "$tarball" >/dev/null || exit $?
done
Rscript -e 'cat("R Benchmarking", format(packageVersion("Benchmarking")), "installed\n")'
