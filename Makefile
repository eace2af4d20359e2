# Gongjiang: `make run` serves the demo city; `make test` runs the whole suite.
# Needs only Python 3.11+ and make (and network access to PyPI for the first install).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_PEOPLE ?= 2000
# Two workers per core is too many for the database set-up; "auto" = one per core.
PYTEST_WORKERS ?= auto
PYTEST_ARGS ?=

.PHONY: install install-dev run test lint typecheck check-deploy clean

$(BIN)/python:
	@$(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
	  { echo "Gongjiang needs Python 3.11 or newer; '$(PY)' is $$($(PY) --version 2>&1). Try: make PY=python3.12 ..."; exit 1; }
	@$(PY) -m venv $(VENV) || \
	  { echo "Could not create $(VENV). On Debian/Ubuntu install the venv module: apt-get install python3-venv"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip

# Runtime only (what `make run` needs) ...
$(RUNTIME_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

# ... and with the test and lint tools (what `make test` needs).
$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $@ $(RUNTIME_STAMP)

install: $(RUNTIME_STAMP)

install-dev: $(DEV_STAMP)

run: $(RUNTIME_STAMP)
	$(BIN)/gongjiang migrate --noinput
	$(BIN)/gongjiang collectstatic --noinput --verbosity 0
	$(BIN)/gongjiang demo --people $(DEMO_PEOPLE) --seed 1 --if-empty
	@echo
	@echo "Open http://$(HOST):$(PORT)/ and sign in with one of the demo logins above."
	$(BIN)/gongjiang serve --host $(HOST) --port $(PORT)

test: $(DEV_STAMP)
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) --maxprocesses 6 $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests bench

typecheck: $(DEV_STAMP)
	$(BIN)/mypy src

check-deploy: $(RUNTIME_STAMP)
	GONGJIANG_ENV=production $(BIN)/gongjiang check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) build dist src/*.egg-info
