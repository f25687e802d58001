# Task list. `make demo` and `make test` set up .venv first; the stamp file makes that a no-op
# until pyproject.toml changes.
PYTHON ?= $(shell command -v python3.11 >/dev/null 2>&1 && echo python3.11 || echo python3)
VENV := .venv
STAMP := $(VENV)/.installed
DB ?= outputs/inspections.duckdb

.PHONY: venv demo test lint clean-db bench lock bench-real

venv: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q -c requirements.lock -e '.[dev]'
	touch $(STAMP)

# Refresh requirements.lock: resolve pyproject.toml's ranges afresh in a throwaway venv and freeze it.
# Run the tests on the result (make test) before committing the new lock.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install -q -e '.[dev]'
	{ sed -n '1,2p' requirements.lock; .lock-venv/bin/pip freeze --exclude-editable; } > requirements.lock.new
	mv requirements.lock.new requirements.lock
	rm -rf .lock-venv

demo: $(STAMP)
	$(VENV)/bin/inspections ingest corpus --db $(DB)
	@echo
	@echo "Try next (README.md, 'A five-minute tour'):"
	@echo "  $(VENV)/bin/inspections query --list --db $(DB)"
	@echo "  $(VENV)/bin/inspections query recurring_themes --db $(DB) --format csv"
	@echo "  $(VENV)/bin/inspections report --db $(DB) --out outputs/report.html   # then open outputs/report.html"
	@echo "  $(VENV)/bin/inspections review corpus/000_c9dc9a16fd74069d.txt --out outputs/review"

test: $(STAMP)
	$(VENV)/bin/python -m pytest -q

# Throughput against the readers' floors, start-up, Prefect's cost, reruns, workers, memory
# (bench/run.py; README.md "Benchmark"). BENCH_N documents per format; ~5 min at 30 on 2 cores.
BENCH_N ?= 30
bench: $(STAMP)
	$(VENV)/bin/python -m bench.run --n $(BENCH_N) --out outputs/bench.json

# The same against bare PDFium text on real PDFs (../shared/real by default; README.md "Benchmark").
# ~3.5 min for the 228 real PDFs on 2 cores.
REAL_DIR ?= ../shared/real
bench-real: $(STAMP)
	$(VENV)/bin/python -m bench.run --real $(REAL_DIR) --out outputs/bench-real.json

lint: $(STAMP)
	$(VENV)/bin/ruff check .

clean-db:
	rm -f $(DB) $(DB).wal
