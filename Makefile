# Task list. `make demo` and `make test` set up .venv first; the stamp file makes that a no-op
# until pyproject.toml changes.
PYTHON ?= $(shell command -v python3.11 >/dev/null 2>&1 && echo python3.11 || echo python3)
VENV := .venv
STAMP := $(VENV)/.installed
DB ?= outputs/inspections.duckdb

.PHONY: venv demo test lint clean-db

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/inspections ingest corpus --db $(DB)

test: $(STAMP)
	$(VENV)/bin/python -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check .

clean-db:
	rm -f $(DB) $(DB).wal
