# Two entry points for a fresh machine: `make run` (product) and `make test` (tests). See README.md.
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup setup-dev run test lint eval bench

setup:
	bash scripts/install.sh

setup-dev:
	bash scripts/install.sh --dev --browser

run: setup
	$(BIN)/planbot run

# Layer contracts first (seconds): [tool.importlinter] in pyproject.toml.
test: setup-dev
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

lint:
	$(BIN)/ruff check . && $(BIN)/mypy rag api bot eval planbot tests && $(BIN)/lint-imports

eval:
	$(BIN)/planbot eval --compare-baseline

bench:
	$(BIN)/planbot bench
