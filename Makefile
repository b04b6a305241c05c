# carbongap: two commands for replicators.
#   make replicate   set everything up, then run the full replication on the default data
#   make test        set everything up, then run the whole test suite (lint, unit, R tests,
#                    unit tests on the dependency floors)
# Both run tox from a private virtual environment (.venv); tox builds the package and
# installs it with its dependencies in its own environments.

PYTHON ?= python3
VENV   ?= .venv
TOX    := $(VENV)/bin/tox

.PHONY: setup replicate test lint clean

setup: $(TOX)
	@sh replication/install_system_deps.sh

$(TOX):
	$(PYTHON) -m venv $(VENV) || (sh replication/install_system_deps.sh && $(PYTHON) -m venv $(VENV))
	$(VENV)/bin/python -m pip install --quiet --upgrade pip "tox>=4.11" "tox-uv>=1.37"

replicate: setup
	$(TOX) -e replicate

test: setup
	$(TOX) -e lint,unit,r,floors

lint: setup
	$(TOX) -e lint

clean:
	rm -rf $(VENV) .tox build dist replication/output/.cache
