# Township developer commands. `make help` lists them (Oscar's `##` convention).
PY := .venv/bin/python
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test

.DEFAULT_GOAL := help
.PHONY: help install demo test test-pg lint lint-imports mypy mypy-baseline max-lines fmt check messages openapi docs bench bench-http ci

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}'

install: ## Install Python (.venv) and front-end (node_modules) packages
	scripts/install.sh

demo: ## Install, migrate, seed the demo town, print logins, run worker + server on :8000
	scripts/demo.sh

test: ## Run the whole test suite on SQLite (2 xdist workers; see docs/dev/testing.md)
	scripts/test.sh

test-pg: ## Run the whole test suite on PostgreSQL (override the server with PG_URL=...)
	DATABASE_URL=$(PG_URL) scripts/test.sh

lint: install ## ruff, import contracts, mypy ratchet, file sizes, migrations check, Django system checks
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	.venv/bin/lint-imports
	scripts/mypy.sh
	scripts/max_lines.sh 800
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

lint-imports: install ## Architecture contracts (.importlinter): layers, ground, capability APIs
	.venv/bin/lint-imports

mypy: install ## mypy (strict on core and org); fails on errors not in mypy-baseline.txt
	scripts/mypy.sh

mypy-baseline: install ## Rewrite mypy-baseline.txt from the current errors (commit it)
	scripts/mypy.sh --sync

max-lines: ## No Python file outside migrations and tests over 800 lines
	scripts/max_lines.sh 800

fmt: install ## Format and auto-fix with ruff
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

messages: install ## Extract translatable strings (zh_Hans and en)
	$(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=node_modules

openapi: install ## Regenerate the OpenAPI snapshot docs/openapi.json (compared by tests/test_openapi.py)
	$(PY) scripts/openapi.py

docs: install ## Render machine diagrams into docs/case-engine.md and merge docs/glossary/*.md
	$(PY) manage.py machine_diagrams
	$(PY) scripts/glossary.py

bench: install ## Bench: case transitions + workbench at 100k cases on PostgreSQL (see docs/performance.md)
	$(PY) bench/run.py cases --scale 100000 --db postgres

SCALE ?= 100000
WORKERS ?= 2
SECONDS ?= 5
bench-http: install ## Bench through granian (production settings) with wrk, every issue-18 workload next to the baseline: SCALE=, WORKERS=, SECONDS=
	$(PY) -m bench.httpbench.run --scale $(SCALE) --workers $(WORKERS) --seconds $(SECONDS)

ci: ## What CI runs (.ci/run): lint and guardrails, then the suite on SQLite and on PostgreSQL
	bash .ci/run
