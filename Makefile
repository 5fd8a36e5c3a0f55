# Lawtrail: `make run` builds the site from drafts/ and serves it; `make test` runs everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run site test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

site: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --clean --site-dir site

run: site
	@echo "Serving site/ on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(BIN)/python -m http.server --bind $(HOST) --directory site $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check site_builder intake tests benchmarks
	$(BIN)/ruff format --check site_builder intake tests benchmarks
	$(BIN)/mypy

test: lint
	NO_MKDOCS_2_WARNING=1 $(BIN)/pytest -q

bench: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/python benchmarks/build.py

clean:
	rm -rf site $(VENV)
