PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
FONTS := var/fonts/NotoSerifSC-Regular.common.otf
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes: one per core; loadfile keeps a module's tests, and the records they share,
# in one process.
TEST_WORKERS ?= auto
PYTEST := $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

.PHONY: run test test-fast lint setup system-packages system-packages-run fonts migrate clean \
	screenshots bench system-packages-bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

setup: $(STAMP)

# Debian packages: Pango and HarfBuzz-Subset to print; the suite also drives poppler,
# LibreOffice Calc and Chromium (scripts/system-packages installs what is missing).
system-packages:
	scripts/system-packages test

system-packages-run:
	scripts/system-packages run

system-packages-bench:
	scripts/system-packages bench

# The common-character cuts of the PDF fonts (pingan/pdf.py), made once.
$(FONTS): | $(STAMP)
	mkdir -p var
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py prepare_fonts

fonts: $(FONTS)

migrate: setup fonts
	mkdir -p var
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput

run: system-packages-run migrate
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py seed_demo
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py seed_demo_campaign
	DEBUG=$${DEBUG:-1} nice -n 10 $(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker' EXIT INT TERM; \
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py serve_demo $(HOST):$(PORT)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: system-packages setup lint fonts
	mkdir -p var
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py makemigrations --check --dry-run
	DEBUG=$${DEBUG:-1} $(PYTEST) $(PYTEST_ARGS)

# Everything but the browser tests, for the loop between edits.
test-fast: system-packages setup fonts
	mkdir -p var
	DEBUG=$${DEBUG:-1} $(PYTEST) -m "not browser" $(PYTEST_ARGS)

screenshots: system-packages setup
	DEBUG=$${DEBUG:-1} PINGAN_SCREENSHOTS=1 $(BIN)/python -m pytest tests/test_browser_year.py -k whole_year
	DEBUG=$${DEBUG:-1} PINGAN_SCREENSHOTS=1 $(BIN)/python -m pytest tests/test_documents.py -k every_document

# Province-scale figures into docs/benchmarks.md (PostgreSQL).
bench: system-packages-bench setup fonts
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var
