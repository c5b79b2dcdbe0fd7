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
# Python 3.10 for Rasa 3.6: pyenv's 3.10 if there is one, else a python3.10 on PATH that really is 3.10.
PYTHON_BOT ?= $(shell for p in $$(ls -d $$(pyenv root 2>/dev/null || echo $$HOME/.pyenv)/versions/3.10.*/bin/python3.10 2>/dev/null | sort -V | tail -1) $$(command -v python3.10); do "$$p" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null && { echo "$$p"; break; }; done)
BOT_VENV := .venv-bot
BOT_PY := $(BOT_VENV)/bin/python
RASA := PYTHONPATH=$(CURDIR) $(BOT_VENV)/bin/rasa
MODEL := models/meldpunt.tar.gz
# What the model is trained from; the channels and endpoints are read at run time, not trained on.
BOT_SOURCES := $(shell find bot data -type f \( -name '*.yml' -o -name '*.py' \) \
  ! -name credentials.yml ! -name endpoints.yml ! -name channels.py 2>/dev/null)
RASA_PORT ?= 5005
ACTIONS_PORT ?= 5055
export ACTION_ENDPOINT_URL ?= http://127.0.0.1:$(ACTIONS_PORT)/webhook
# Rasa and TensorFlow: no telemetry, quiet logs, one thread pool per process.
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2

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

$(BOT_VENV)/.installed: pyproject.toml
	@echo ">> Setting up the assistant environment ($(PYTHON_BOT))"
	@test -x "$(PYTHON_BOT)" || { echo "Python 3.10 not found: install it (pyenv install 3.10) or set PYTHON_BOT" >&2; exit 1; }
	$(PYTHON_BOT) -m venv $(BOT_VENV)
	$(BOT_PY) -m pip install -q --upgrade pip
	$(BOT_PY) -m pip install -q -e '.[bot,bot-test]'
	@touch $@

.PHONY: setup-bot
setup-bot: $(BOT_VENV)/.installed ## Install the assistant environment (.venv-bot, Python 3.10)

$(MODEL): $(BOT_VENV)/.installed $(BOT_SOURCES)
	@echo ">> Training the assistant (data or config changed); this takes a few minutes"
	@mkdir -p models
	$(RASA) train --config bot/config.yml --domain bot/domain --data data --out models --fixed-model-name meldpunt --quiet

.PHONY: train
train: $(MODEL) ## Train the assistant when its data or config changed

.env:
	@$(MAKE) --no-print-directory setup-api
	$(API_PY) -m api.cli new-env --path .env

.PHONY: env
env: .env ## Write a .env with fresh secrets (keeps an existing one)

.PHONY: migrate
migrate: setup-api .env ## Bring the database schema up to date (alembic upgrade head)
	set -a; source .env; set +a; $(API_VENV)/bin/alembic -c api/alembic.ini upgrade head

.PHONY: run
run: migrate train ## Set up and start everything (assistant, actions, API on SQLite); Ctrl-C stops it
	@set -a; source .env; set +a; exec scripts/run-all.sh

.PHONY: run-api
run-api: migrate ## Start only the API
	@set -a; source .env; set +a; \
	exec $(API_VENV)/bin/uvicorn api.asgi:app --host "$${API_HOST:-$(API_HOST)}" --port "$${API_PORT:-$(API_PORT)}" --proxy-headers --no-access-log

.PHONY: run-scaled
run-scaled: setup-api setup-bot train postgres redis nginx .env ## The production topology without Docker: nginx on :8080, two Rasa servers on PostgreSQL and Redis, actions, API; Ctrl-C stops it
	@set -a; source .env; set +a; exec scripts/run-scaled.sh

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

.PHONY: redis
redis: ## Make sure Redis answers on 127.0.0.1:6379 (installs and starts Debian's when needed)
	@scripts/ensure-redis.sh

.PHONY: nginx
nginx: ## Make sure Debian's nginx is installed (for run-scaled and the deploy tests)
	@scripts/ensure-nginx.sh

.PHONY: docker-compose
docker-compose: ## Make sure Debian's docker-compose is installed (validates docker-compose.yml; no engine needed)
	@scripts/ensure-docker-compose.sh

.PHONY: lint
lint: setup-api ## ruff and mypy on the API
	$(API_VENV)/bin/ruff check api actions bot tests scripts deploy
	$(API_VENV)/bin/ruff format --check api actions bot tests scripts deploy
	$(API_VENV)/bin/mypy

.PHONY: test-api
test-api: setup-api postgres ## API tests on SQLite and PostgreSQL, schemathesis included
	$(API_VENV)/bin/pytest tests/api

.PHONY: validate-bot
validate-bot: setup-bot ## rasa data validate, failing on any warning
	@scripts/validate-bot.sh

.PHONY: test-bot
test-bot: validate-bot train ## Assistant: mypy, component and action tests, conversation tests, end-to-end over REST
	PYTHONPATH=$(CURDIR) $(BOT_VENV)/bin/mypy --python-version 3.10 --ignore-missing-imports \
	  --follow-imports=silent actions bot/components bot/vocab.py bot/receipt_code.py bot/channels.py deploy/rasa
	PYTHONPATH=$(CURDIR) $(BOT_VENV)/bin/pytest tests/bot -p no:cacheprovider
	@scripts/test-conversations.sh

.PHONY: nlu-report
nlu-report: setup-bot ## 5-fold cross-validation of the NLU -> docs/nlu-report.md (45 to 70 minutes on 2 CPUs)
	PYTHONPATH=$(CURDIR) $(BOT_PY) scripts/nlu_report.py --folds 5 --output docs/nlu-report.md \
	  --variant no_e5=scripts/nlu_variants/no_e5.yml --variant e5_only=scripts/nlu_variants/e5_only.yml \
	  --variant no_ground_words=scripts/nlu_variants/no_ground_words.yml

.PHONY: dialogue-report
dialogue-report: train ## The conversation test set (tests/dialogues) over the real servers -> its section of docs/nlu-report.md (a few minutes)
	PYTHONPATH=$(CURDIR) $(BOT_PY) -m tests.dialogues.runner --output docs/nlu-report.md

.PHONY: crisis-report
crisis-report: setup-bot ## Cross-validation of the crisis signal and the held-out crisis test set -> docs/nlu-report.md (a few minutes)
	PYTHONPATH=$(CURDIR) $(BOT_PY) scripts/crisis_report.py --folds 5 --output docs/nlu-report.md

.PHONY: chromium
chromium: ## Make sure Debian's chromium is at /usr/bin/chromium for the browser tests (installs it when needed)
	@scripts/ensure-chromium.sh

# axe-core for the browser tests, from the npm registry at the version the lock pins.
AXE := tests/web/node_modules/axe-core/axe.min.js
$(AXE): tests/web/package-lock.json tests/web/package.json
	npm ci --prefix tests/web --no-audit --no-fund
	@touch $@

.PHONY: axe
axe: $(AXE) ## Install axe-core for the browser tests (npm ci in tests/web)

.PHONY: test-web
test-web: setup-api setup-bot train chromium axe ## Browser tests of the web pages: Chromium, the API, the assistant
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(API_VENV)/bin/pytest tests/web -p no:cacheprovider

.PHONY: test-deploy
test-deploy: setup-api setup-bot train postgres redis nginx docker-compose ## The production stack: compose file, nginx config run for real, database init, lock store, run-scaled
	$(API_VENV)/bin/pytest tests/deploy -p no:cacheprovider

.PHONY: test
test: lint test-api test-bot test-web test-deploy ## Set up and run every test

.PHONY: test-moved-clock
test-moved-clock: ## make test with the system clock moved (MOVED_CLOCK=+1y, or a date such as "2028-02-29 12:00"): no test depends on the day
	@MOVED_CLOCK="$(MOVED_CLOCK)" scripts/test-moved-clock.sh

.PHONY: bench-api
bench-api: setup-api postgres ## API benchmark on SQLite and PostgreSQL -> docs/benchmarks.md
	$(API_PY) scripts/bench_api.py --output docs/benchmarks.md

.PHONY: bench-bot
bench-bot: train ## Assistant benchmark: turn latency at 1 and 10 conversations, memory, training time -> docs/benchmarks.md
	PYTHONPATH=$(CURDIR) $(BOT_PY) scripts/bench_bot.py --output docs/benchmarks.md

.PHONY: bench-scale
bench-scale: setup-api setup-bot train postgres redis nginx ## Load and faults on the production stack (run-scaled): 3 x 50 conversations, a Rasa server killed, PostgreSQL stopped 10 s -> docs/benchmarks.md (about 5 minutes)
	$(API_PY) scripts/bench_scale.py --output docs/benchmarks.md

.PHONY: format
format: setup-api ## Format the code
	$(API_VENV)/bin/ruff format api actions bot tests scripts deploy
	$(API_VENV)/bin/ruff check --fix api actions bot tests scripts deploy

.PHONY: clean
clean: ## Remove environments and caches (keeps .env and the database)
	rm -rf $(API_VENV) $(BOT_VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
