# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Debian packages. At run time: kit labels are typeset by WeasyPrint (Pango) in Noto CJK.
# For the tests also: Chromium for the browser tests, zbar to read the labels' QR codes,
# PostgreSQL to run the search and archive tests a second time; nginx for the production path;
# gettext (msgfmt) to check the committed message catalogue against its .po.
RUNTIME_DEBIAN_PACKAGES := fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0
TEST_DEBIAN_PACKAGES := $(RUNTIME_DEBIAN_PACKAGES) chromium libzbar0 postgresql nginx gettext

.PHONY: setup demo dev test test-sqlite test-postgres bench bench-load lint format clean debian-test-packages debian-runtime-packages mutation

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt requirements-nodeps.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -r requirements-nodeps.txt
	touch $@

$(VENV)/.test: requirements-test.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

debian-test-packages:
	@bash tools/install_debian_packages.sh $(TEST_DEBIAN_PACKAGES)

debian-runtime-packages:
	@bash tools/install_debian_packages.sh $(RUNTIME_DEBIAN_PACKAGES)

setup: $(VENV)/.runtime debian-runtime-packages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py whisper_models --install

demo: setup
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py load_demo_kit
	$(BIN)/python manage.py load_demo_ledger
	$(BIN)/python manage.py search_index rebuild || echo "search index not built (see the message above)"
	@echo "档案：http://$(HOST):$(PORT)/   管理后台 / admin: http://$(HOST):$(PORT)/admin/"
	@bash tools/serve.sh $(BIN) $(HOST) $(PORT)

# Development: Django's runserver with DEBUG=1 (and the worker); never for anyone else to reach.
dev: $(VENV)/.runtime
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	@bash tools/serve.sh $(BIN) $(HOST) $(PORT) dev

# Three seeds of pytest-randomly's order (issue 16), each printed in its run's header: the
# whole suite on PostgreSQL (production's database, issue 12) with the first; on SQLite (the
# demo's database, and its embedded FTS5 search) the search, fault, leak-matrix and page-cache
# tests with the second, and the fault and page-cache tests (but the killed worker) with the
# third; then the production path (nginx, gunicorn, PostgreSQL; tools/ci_production.sh).
# `make test SEEDS="7 8 9"` tries other orders. The whole suite on SQLite is `make test-sqlite`.
# pytest-xdist spreads each run over TEST_WORKERS processes (one per core; `make test
# TEST_WORKERS=0` runs in one process).
SEEDS ?= 1 2 3
seed = $(word $(1),$(SEEDS))
TEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
xdist = $(if $(filter 0,$(TEST_WORKERS)),-p no:xdist,-n $(TEST_WORKERS))
SQLITE_TESTS := tests/search tests/faults tests/security tests/stories/test_page_cache.py tests/stories/test_page_cache_red_team.py

test: $(VENV)/.test debian-test-packages
	bash tools/postgres_for_tests.sh run $(BIN)/pytest $(xdist) --randomly-seed=$(call seed,1)
	$(BIN)/pytest $(xdist) -q --randomly-seed=$(call seed,2) $(SQLITE_TESTS)
	$(BIN)/pytest -q --randomly-seed=$(call seed,3) tests/faults tests/stories/test_page_cache.py -k "not worker_killed"
	bash tools/ci_production.sh $(BIN)

test-sqlite: $(VENV)/.test debian-test-packages
	$(BIN)/pytest $(xdist) --randomly-seed=$(call seed,1)

test-postgres: $(VENV)/.test debian-test-packages
	bash tools/postgres_for_tests.sh run $(BIN)/pytest $(xdist) --randomly-seed=$(call seed,2)

# Mutation testing of the core (not part of `make test`; long): each module of
# [tool.libei-mutation.tests] in pyproject.toml against its own tests. MODULES=heritage/consent.py for one.
mutation: $(VENV)/.test
	$(BIN)/python tools/mutation.py $(MODULES)

bench: setup
	$(BIN)/python bench/oral_history_page.py
	$(BIN)/python bench/transcription.py
	$(BIN)/python bench/search.py
	$(BIN)/python bench/kit_export.py

# Load on the served stack, loopback only (issue 12): SQLite, then nginx + PostgreSQL.
bench-load: $(VENV)/.test debian-test-packages
	bash tools/bench_stack.sh sqlite
	bash tools/bench_stack.sh postgres

lint: $(VENV)/.test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var
