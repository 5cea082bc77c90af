# Two entry points: `make up` runs the whole system, `make test` runs every check.
# Both create .venv and install the pinned dependencies on first use.
VENV   := .venv
STAMP  := $(VENV)/.installed-stamp
PYTHON ?= python3

.PHONY: up test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $(STAMP)

up: $(STAMP)
	$(VENV)/bin/stoflow up

test: $(STAMP)
	scripts/test.sh

lint: $(STAMP)
	scripts/lint.sh

bench: $(STAMP)
	$(VENV)/bin/stoflow bench orchestrator --json

clean:
	rm -rf $(VENV) var .coverage .mypy_cache .ruff_cache .pytest_cache
