# Two commands for a newcomer: `make demo` and `make test`. Everything they need is installed here.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test lint format bench sample clean-db

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Sets up, loads the sample data into var/demo.db and runs the product on it.
demo: $(STAMP)
	PRISON_MONITOR_DB=sqlite:///var/demo.db $(VENV)/bin/prison-monitor init --sample
	PRISON_MONITOR_DB=sqlite:///var/demo.db $(VENV)/bin/prison-monitor prisons list
	@for f in sample_data/submissions/*_2026-Q3.*; do \
		PRISON_MONITOR_DB=sqlite:///var/demo.db $(VENV)/bin/prison-monitor validate "$$f" | head -1; \
	done

# Sets up and runs every test (and the linter).
test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Regenerates the committed sample data (deterministic).
sample: $(STAMP)
	$(PY) -m sample_data.generate

bench: $(STAMP)
	$(PY) benchmarks/run_all.py

clean-db:
	rm -f var/demo.db var/demo.db-wal var/demo.db-shm
