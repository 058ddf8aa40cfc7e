# Quick start: `make run` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
RUNS ?= 2000
SEED ?= 1

.PHONY: run test test-slow lint bench clean venv

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "error: recsim needs Python >= 3.11 and '$(PYTHON)' is older or missing;" \
	       "try: make $(MAKECMDGOALS) PYTHON=python3.11" >&2; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,dask,discover,explore]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/recsim batch scenarios/*.toml --runs $(RUNS) --seed $(SEED)

test: $(STAMP)
	$(BIN)/ruff check sim tests benchmarks
	$(BIN)/python -m pytest

test-slow: $(STAMP)
	$(BIN)/python -m pytest -m slow

lint: $(STAMP)
	$(BIN)/ruff check sim tests benchmarks

bench: $(STAMP)
	$(BIN)/python benchmarks/ensemble.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
