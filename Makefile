# Meldpunt-assistent. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The API runs on Python >= 3.11; the assistant (Rasa 3.6) on 3.10. pyenv provides both here.
PYTHON_API ?= $(shell command -v python3.11 || pyenv which python3.11 2>/dev/null || command -v python3)
API_VENV := .venv-api
API_PY := $(API_VENV)/bin/python
TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/test
export TEST_DATABASE_URL
API_HOST ?= 127.0.0.1
API_PORT ?= 8000

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}'

$(API_VENV)/.installed: pyproject.toml
	@echo ">> Setting up the API environment ($(PYTHON_API))"
	@test -x "$(PYTHON_API)" || { echo "Python 3.11+ not found: install it or set PYTHON_API" >&2; exit 1; }
	$(PYTHON_API) -m venv $(API_VENV)
	$(API_PY) -m pip install -q --upgrade pip
	$(API_PY) -m pip install -q -e '.[api,api-test]'
	@touch $@

.PHONY: setup-api
setup-api: $(API_VENV)/.installed ## Install the API environment (.venv-api)

.env:
	@$(MAKE) --no-print-directory setup-api
	$(API_PY) -m api.cli new-env --path .env

.PHONY: env
env: .env ## Write a .env with fresh secrets (keeps an existing one)

.PHONY: migrate
migrate: setup-api .env ## Bring the database schema up to date (alembic upgrade head)
	set -a; source .env; set +a; $(API_VENV)/bin/alembic -c api/alembic.ini upgrade head

.PHONY: run
run: migrate ## Set up and start everything (API on SQLite); Ctrl-C stops it
	@set -a; source .env; set +a; \
	echo ""; \
	echo "Meldpunt API:  http://$${API_HOST:-$(API_HOST)}:$${API_PORT:-$(API_PORT)}/api/v1"; \
	echo "API docs:      http://$${API_HOST:-$(API_HOST)}:$${API_PORT:-$(API_PORT)}/api/v1/docs"; \
	echo "Staff account: make staff EMAIL=you@example.org ROLE=admin"; \
	echo ""; \
	exec $(API_VENV)/bin/uvicorn api.asgi:app --host "$${API_HOST:-$(API_HOST)}" --port "$${API_PORT:-$(API_PORT)}" --proxy-headers --no-access-log

.PHONY: staff
staff: migrate ## Create a staff account: make staff EMAIL=... ROLE=intake|admin (password asked, or STAFF_PASSWORD)
	@test -n "$(EMAIL)" -a -n "$(ROLE)" || { echo "usage: make staff EMAIL=name@example.org ROLE=intake|admin" >&2; exit 2; }
	@set -a; source .env; set +a; $(API_PY) -m api.cli create-staff "$(EMAIL)" --role "$(ROLE)"

.PHONY: retention
retention: migrate ## Anonymise intakes closed longer than MELDPUNT_RETENTION_DAYS (DRY_RUN=1 to look first)
	@set -a; source .env; set +a; $(API_PY) -m api.cli retention $(if $(DRY_RUN),--dry-run,)

.PHONY: postgres
postgres: ## Make sure the test PostgreSQL at TEST_DATABASE_URL answers (installs Debian's when needed)
	@scripts/ensure-postgres.sh

.PHONY: lint
lint: setup-api ## ruff and mypy on the API
	$(API_VENV)/bin/ruff check api tests scripts
	$(API_VENV)/bin/ruff format --check api tests scripts
	$(API_VENV)/bin/mypy

.PHONY: test-api
test-api: setup-api postgres ## API tests on SQLite and PostgreSQL, schemathesis included
	$(API_VENV)/bin/pytest tests/api

.PHONY: test
test: lint test-api ## Set up and run every test

.PHONY: bench-api
bench-api: setup-api postgres ## API benchmark on SQLite and PostgreSQL -> docs/benchmarks.md
	$(API_PY) scripts/bench_api.py --output docs/benchmarks.md

.PHONY: format
format: setup-api ## Format the code
	$(API_VENV)/bin/ruff format api tests scripts
	$(API_VENV)/bin/ruff check --fix api tests scripts

.PHONY: clean
clean: ## Remove environments and caches (keeps .env and the database)
	rm -rf $(API_VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
