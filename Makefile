# Lawtrail: `make run` builds the site from drafts/ and serves it; `make test` runs everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
export NO_MKDOCS_2_WARNING := 1

.PHONY: run site test lint system-packages bench clean translation

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## site: build the site from drafts/ into site/, its addresses (feeds, sitemap) on HOST:PORT
site: $(STAMP)
	LAWTRAIL_SITE_URL=$${LAWTRAIL_SITE_URL:-http://$(HOST):$(PORT)/} \
	  $(BIN)/mkdocs build --clean --site-dir site

## run: build the site and serve it with the comment intake on http://127.0.0.1:8000/
run: site
	@echo "Serving site/ and the intake API on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	LAWTRAIL_REPO=. LAWTRAIL_SITE_DIR=site $(BIN)/gunicorn --workers 2 \
	  --bind $(HOST):$(PORT) --access-logfile - "intake:create_app()"

## lint: ruff (check and format), mypy and the import contracts of the layers
lint: $(STAMP)
	$(BIN)/ruff check site_builder intake tests benchmarks
	$(BIN)/ruff format --check site_builder intake tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

## translation: start or update the catalog of a language, e.g. make translation LOCALE=uz
LOCALES ?= site_builder/locale
KEYWORDS := -k N_ -k Rejection:2 -k t -k n:1,2
translation: $(STAMP)
	@test -n "$(LOCALE)" || { echo "Name the language: make translation LOCALE=uz"; exit 2; }
	$(BIN)/pybabel --quiet extract -F babel.cfg $(KEYWORDS) --sort-by-file \
	  --project Lawtrail --copyright-holder "Lawtrail contributors" -o $(LOCALES)/messages.pot .
	@if [ -f $(LOCALES)/$(LOCALE)/LC_MESSAGES/messages.po ]; then \
	  $(BIN)/pybabel --quiet update -i $(LOCALES)/messages.pot -d $(LOCALES) -l $(LOCALE); \
	else $(BIN)/pybabel --quiet init -i $(LOCALES)/messages.pot -d $(LOCALES) -l $(LOCALE); fi
	@echo "Translate $(LOCALES)/$(LOCALE)/LC_MESSAGES/messages.po (see docs/i18n.md)."

## system-packages: Debian's chromium, redis-server and faketime for the tests (as root; otherwise they skip)
SYSTEM_PACKAGES := chromium:/usr/bin/chromium redis-server:/usr/bin/redis-server faketime:/usr/bin/faketime
system-packages:
	@missing=""; for entry in $(SYSTEM_PACKAGES); do \
	  [ -x "$${entry#*:}" ] || missing="$$missing $${entry%%:*}"; done; \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; \
	else echo "not installed and cannot be installed here:$$missing (their tests will be skipped)"; fi

## test: lint and the whole suite
test: lint system-packages
	$(BIN)/pytest -q -rs

## bench: every benchmark, each against a baseline measured in the same run
bench: $(STAMP)
	$(BIN)/python benchmarks/build.py
	$(BIN)/python benchmarks/intake.py
	$(BIN)/python benchmarks/anchoring.py
	$(BIN)/python benchmarks/record.py
	$(BIN)/python benchmarks/campaign.py
	$(BIN)/python benchmarks/spool.py
	$(BIN)/python benchmarks/full_disk.py
	$(BIN)/python benchmarks/legal.py

clean:
	rm -rf site $(VENV)
