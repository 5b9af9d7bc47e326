# The two commands: `make run` (set up and serve the demo on SQLite) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := var/.setup-done
PORT ?= 8000

.PHONY: setup run test lint typecheck bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml package.json package-lock.json
	@mkdir -p var
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	npm ci --no-audit --no-fund
	npm run build
	@touch $(STAMP)

run: setup
	DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DEBUG=1 $(BIN)/python manage.py seed_demo
	@# The task queue's worker runs beside the server and stops with it (Ctrl-C, or an error).
	DEBUG=1 $(BIN)/python manage.py run_worker --no-reload --queue-name='*' & worker=$$!; \
		trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
		DEBUG=1 $(BIN)/python manage.py runserver $(PORT)

test: setup
	@test -x /usr/bin/chromium || [ "$$(id -u)" != 0 ] || \
		(apt-get update -qq && apt-get install -y -qq chromium poppler-utils fonts-dejavu-core >/dev/null) || \
		echo "Chromium is not installed: browser tests will be skipped (apt-get install chromium)"
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup typecheck
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=isg.settings_test

# mypy with django-stubs over isg/, decisions/ and guidance/ (configured in pyproject.toml).
typecheck: setup
	$(BIN)/mypy

bench: setup
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules static/build var/.setup-done
