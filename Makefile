# carbongap: two commands for replicators.
#   make replicate   set everything up, then run the full replication on the default data
#   make test        set everything up, then run the whole test suite (lint, unit, R tests,
#                    unit tests on the dependency floors)
# Both run tox from a private virtual environment (.venv); tox builds the package and
# installs it with its dependencies in its own environments.

PYTHON ?= python3
VENV   ?= .venv
TOX    := $(VENV)/bin/tox
# Nothing may hang: every step runs under a time limit (replication/bounded.sh prints the
# step and the source it waited for), package downloads time out and retry, and every test
# has its own limit (pytest-timeout, pyproject.toml).
BOUNDED := sh replication/bounded.sh
PYPI    := the Python package index (PyPI, or PIP_INDEX_URL / UV_INDEX_URL)
export UV_HTTP_TIMEOUT ?= 60
export UV_HTTP_RETRIES ?= 3

.PHONY: setup replicate test lint deposit lock measure clean

setup: $(TOX)
	@sh replication/install_system_deps.sh

$(TOX):
	$(PYTHON) -m venv $(VENV) || (sh replication/install_system_deps.sh && $(PYTHON) -m venv $(VENV))
	$(BOUNDED) "pip install tox" "$(PYPI)" 600 "make setup" \
		$(VENV)/bin/python -m pip install --quiet --timeout 60 --retries 3 --upgrade pip \
		"tox>=4.11" "tox-uv>=1.37"

replicate: setup
	$(BOUNDED) "tox -e replicate" "$(PYPI), or the run (see its log)" 3600 "make replicate" \
		$(TOX) -e replicate

test: setup
	@sh replication/install_system_deps.sh --test
	@sh replication/install_benchmarking.sh
	$(BOUNDED) "tox -e lint,unit,r,floors" "$(PYPI), or a test (see the slowest above)" 4800 \
		"make test" $(TOX) -e lint,unit,r,floors

lint: setup
	$(TOX) -e lint

# The versions lock of make replicate (replication/requirements.lock: every Python package
# with its hashes); rerun after changing pyproject.toml's dependencies. The R side is
# python/carbongap/data/r_versions.toml.
lock: setup
	$(BOUNDED) "uv pip compile" "$(PYPI)" 600 "make lock" $(VENV)/bin/uv pip compile \
		pyproject.toml --extra dist --generate-hashes --universal --python-version 3.11 \
		--quiet -o replication/requirements.lock

# The replication archive a journal receives (deposit/carbongap-<version>.tar.gz with its
# SHA256SUMS and checksum file): the committed tree of HEAD (COMMIT names it) but CI files;
# no caches, no outputs, nothing uncommitted.
deposit:
	$(PYTHON) replication/deposit.py deposit

# The README's computational requirements: times a fresh clone of HEAD's make replicate, a
# cached rerun and make test, with peak memory, disk (uv's cache too) and the machine;
# writes replication/measured.json and the README's table (MEASURE_FLAGS=--skip-test
# leaves make test out).
measure:
	$(PYTHON) replication/measure.py $(MEASURE_FLAGS)

clean:
	rm -rf $(VENV) .tox build dist deposit replication/output/.cache
