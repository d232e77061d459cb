PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
FONTS := var/fonts/NotoSerifSC-Regular.common.otf
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint setup fonts migrate clean screenshots bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

setup: $(STAMP)

# The common-character cuts of the PDF fonts (pingan/pdf.py), made once.
$(FONTS): | $(STAMP)
	mkdir -p var
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py prepare_fonts

fonts: $(FONTS)

migrate: setup fonts
	mkdir -p var
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput

run: migrate
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py seed_demo
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py seed_demo_campaign
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker' EXIT INT TERM; \
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: setup lint fonts
	mkdir -p var
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py makemigrations --check --dry-run
	DEBUG=$${DEBUG:-1} $(BIN)/python -m pytest $(PYTEST_ARGS)

screenshots: setup
	DEBUG=$${DEBUG:-1} PINGAN_SCREENSHOTS=1 $(BIN)/python -m pytest tests/test_browser_year.py -k whole_year

# Province-scale figures into docs/benchmarks.md (PostgreSQL; wrk for the load test).
bench: setup fonts
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var
