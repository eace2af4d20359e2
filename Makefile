# Gongjiang: `make run` serves the demo city; `make test` runs the whole suite.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint typecheck clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/gongjiang migrate --noinput
	$(BIN)/gongjiang collectstatic --noinput --verbosity 0
	$(BIN)/gongjiang demo --people 2000 --seed 1 --if-empty
	$(BIN)/gongjiang serve

test: install
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check .

typecheck: install
	$(BIN)/mypy src

clean:
	rm -rf $(VENV) build dist *.egg-info
