# The two commands: `make run` (the helpdesk with demo data on http://127.0.0.1:8000) and
# `make test` (lint and the import contracts, the whole suite on PostgreSQL + Redis, the smoke subset on SQLite).
# They need nothing outside this repository but python3 (3.11+) and, for tests, apt.

PYTHON ?= python3
VENV := .venv
VPY := $(VENV)/bin/python

.PHONY: run test lint format venv system-packages clean

run: venv
	$(VPY) scripts/run.py

test: lint system-packages
	$(VPY) scripts/test.py

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports  # the layers: contracts in pyproject.toml [tool.importlinter]

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

venv:
	@PYTHON=$(PYTHON) scripts/ensure_venv.sh

system-packages:
	@scripts/ensure_system_packages.sh

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .import_linter_cache
