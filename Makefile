# ckanext-ecologie: the two commands a newcomer needs are `make dev` and
# `make test`. Everything runs on 127.0.0.1 from project-local folders.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Front-end assets (DSFR) copied from node_modules by tools/assets.sh.
ASSETS := ckanext/ecologie/public/vendor/dsfr/.built

.PHONY: help venv assets services dev serve load test bench bench-small lint i18n stop status

help:
	@echo "make dev       portal with demo content on http://127.0.0.1:5000"
	@echo "make serve     the same portal under gunicorn, several workers (after make dev once)"
	@echo "make load      50 clients for 60 s against the portal (LOAD_CLIENTS, LOAD_SECONDS, LOAD_URL)"
	@echo "make test      services, then the whole test suite"
	@echo "make bench     harvest and search at 80,000 datasets against stock CKAN (long)"
	@echo "make bench-small  the same at 2,000 datasets (a few minutes)"
	@echo "make services  start PostgreSQL, Redis and Solr (idempotent)"
	@echo "make stop      stop every service of this project"
	@echo "make assets    npm ci, then the DSFR files the portal serves"
	@echo "make lint      ruff"
	@echo "make i18n      extract, update and compile the translation catalogues"

# Pinned install; rerun only when a pin or setup.py changes.
$(STAMP): requirements.txt dev-requirements.txt setup.py
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found: install Python 3.11 or run make PYTHON=/path/to/python3.11" >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r dev-requirements.txt
	$(BIN)/pip install -q --no-deps -e .
	@touch $@

# `npm ci` of the pinned DSFR and axe-core, copied where the portal serves them.
$(ASSETS): package.json package-lock.json tools/assets.sh
	@tools/assets.sh

assets: $(ASSETS)

venv: $(STAMP) $(ASSETS)

services: venv
	@tools/services.sh start

dev: services
	@tools/dev.sh

# The portal of `make dev` (dev.ini, its database) under gunicorn.
serve: services
	@tools/serve.sh

LOAD_CLIENTS ?= 50
LOAD_SECONDS ?= 60
LOAD_URL ?= http://127.0.0.1:5000

# Many clients at once against a running portal (make dev or make serve).
load: venv
	$(BIN)/python tools/load.py --url $(LOAD_URL) --clients $(LOAD_CLIENTS) --seconds $(LOAD_SECONDS)

test: services
	@tools/qgis.sh
	@tools/test.sh

bench: services
	$(BIN)/python bench/run.py --n 80000 --ratio-n 10000

bench-small: services
	$(BIN)/python bench/run.py --n 2000 --ratio-n 2000

lint: venv
	$(BIN)/ruff check ckanext tools bench
	$(BIN)/ruff format --check ckanext tools bench

i18n: venv
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output --project ckanext-ecologie -o i18n/ckanext-ecologie.pot.new ckanext
	@grep -q "^msgid \"." i18n/ckanext-ecologie.pot.new || { echo "error: no message extracted (a template failed to parse?)" >&2; rm -f i18n/ckanext-ecologie.pot.new; exit 1; }
	mv i18n/ckanext-ecologie.pot.new i18n/ckanext-ecologie.pot
	$(BIN)/pybabel update -D ckanext-ecologie -i i18n/ckanext-ecologie.pot -d i18n --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -D ckanext-ecologie -d i18n --statistics

stop:
	@tools/services.sh stop

status:
	@tools/services.sh status

