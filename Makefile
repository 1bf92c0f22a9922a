# Parley: `make run` serves the app, `make test` runs every test. Both set up what is missing.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
SERVICES_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
SERVICES_REDIS_URL ?= redis://127.0.0.1:6379/1

.PHONY: run test install frontend schema lint test-embedded test-services test-frontend bench-install bench

$(VENV)/.installed: requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || { echo "Parley needs Python 3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip check
	touch $@

install: $(VENV)/.installed

frontend:
	@if [ -f frontend/package.json ]; then scripts/frontend-build.sh; fi

run: install frontend
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py create_demo_users
	@echo "Parley on http://$(HOST):$(PORT)  (GraphiQL: http://$(HOST):$(PORT)/graphql/)"
	$(BIN)/python -m project.serve app --host $(HOST) --port $(PORT)

schema: install
	$(BIN)/python manage.py export_schema schema --path schema.graphql

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	@if [ -f frontend/package.json ]; then scripts/frontend-lint.sh; fi

test: install lint test-embedded test-services test-frontend

test-embedded: install
	@echo "=== Python suite, embedded: SQLite + in-process channel layer ==="
	env -u DATABASE_URL -u REDIS_URL $(BIN)/pytest

test-services: install
	@echo "=== Python suite, services: PostgreSQL + Redis ==="
	@if $(BIN)/python scripts/services_up.py "$(SERVICES_DATABASE_URL)" "$(SERVICES_REDIS_URL)"; then \
		DATABASE_URL="$(SERVICES_DATABASE_URL)" REDIS_URL="$(SERVICES_REDIS_URL)" $(BIN)/pytest; \
	elif [ "$$CI" = "true" ]; then \
		echo "FAILED: PostgreSQL or Redis is not reachable, and CI does not allow skipping this run"; exit 1; \
	else \
		echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
		echo "!!! SKIPPED: the PostgreSQL + Redis run (services not reachable, see above) !!!"; \
		echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	fi

test-frontend: install
	@if [ -f frontend/package.json ]; then scripts/frontend-test.sh; else echo "no front end yet"; fi

bench-install: install
	$(BIN)/pip install --quiet -r bench/requirements.txt

# The whole benchmark matrix (about 50 minutes; see docs/benchmarks.md), then the report.
bench: bench-install
	bash bench/matrix.sh
