# Two commands for a newcomer: `make demo` and `make test`. Everything they need is installed here.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test lint format bench fuzz sample docs catalogs clean-db

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Sets up, loads the sample data into var/demo.db and runs the dashboard on it (Ctrl-C stops).
DEMO_PORT ?= 8501
demo: $(STAMP)
	$(VENV)/bin/prison-monitor --db sqlite:///var/demo.db serve --demo --port $(DEMO_PORT)

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

# Regenerates docs/indicators.md from the registry and the contract (a test checks it).
docs: $(STAMP)
	$(PY) -m indicators.registry_docs

# Extracts the interface's texts into i18n/locale, updates each language's .po and compiles
# it (exit 1 while a text is untranslated; a test checks the catalogs).
catalogs: $(STAMP)
	$(PY) -m i18n.catalogs

bench: $(STAMP)
	$(PY) benchmarks/run_all.py

# 300 freshly mutated files through `prison-monitor validate --json`, one process each.
fuzz: $(STAMP)
	$(PY) tests/hostile/mutate.py --count 300 --keep test-artifacts/mutated

clean-db:
	rm -f var/demo.db var/demo.db-wal var/demo.db-shm
