# Портал РМО — set-up and everyday commands. GNU make; works from a fresh clone on Debian 12.
#
#   make run          demo portal at http://127.0.0.1:8000/ (installs what is missing first)
#   make test         the test suite (PYTEST_ARGS="-k plan -x" to narrow it)
#   make help         every target
#
# Every step is guarded: a second run installs nothing and only starts the real work.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

# The distribution's Python 3.11+ when it has venv: Debian builds it with PGO and LTO, and PDF
# rendering (pure-Python layout in WeasyPrint) runs about a fifth faster on it than on a
# Python built from source without them (pyenv's default). Otherwise whatever `python3` is.
PYTHON ?= $(or $(shell for p in /usr/bin/python3.11 /usr/bin/python3; do \
	$$p -c 'import sys, ensurepip, venv; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; done),python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PYTEST_ARGS ?=
BENCH_ARGS ?=
# pytest-xdist workers: the suite on every core (TEST_WORKERS=0 runs it in one process).
# The default --dist load: each worker takes its tests in the collection's order, so the tests that
# flush the database stay after the others (tests/conftest.py); worksteal hands them out of order.
TEST_WORKERS ?= auto
RMO_ADDR ?= 127.0.0.1:8000

# Quiet pip: no "new release available" notice, no progress bars.
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PIP_PROGRESS_BAR := off

# Debug is on only where a developer runs the portal (`run`, `bench`) and for management commands
# that never serve a request; everything else sees the production defaults of settings.py.
DEV := DJANGO_DEBUG=1

# The database's kind only: a DATABASE_URL may carry a password, which has no place in a log.
db_scheme = $$(url="$${DATABASE_URL:-sqlite://}"; echo "$${url%%:*}")

# Run a noisy command with its output in $(VENV)/setup.log, shown only when it fails.
quietly = $(1) >$(VENV)/setup.log 2>&1 || { cat $(VENV)/setup.log >&2; echo "Ошибка / failed: $(1)" >&2; exit 1; }

say = @printf '==> %s\n' $(1)

# Translations: each .po next to its .mo; `compilemessages` skips the up-to-date ones itself.
PO_FILES := $(shell find . -path ./$(VENV) -prune -o -path ./.git -prune -o -path ./staticfiles -prune \
	-o -name '*.po' -print 2>/dev/null)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: help run test bench load screenshots lint messages system-deps system-deps-test venv clean

help:
	@echo "Портал РМО"
	@echo "  make run          демо-портал на http://$(RMO_ADDR)/ (пакеты, .venv, миграции, демо-данные)"
	@echo "  make test         тесты (PYTEST_ARGS=... передаются pytest)"
	@echo "  make bench        замеры производительности (docs/benchmarks.md; BENCH_ARGS=...)"
	@echo "  make load         нагрузочный тест: locust на двух gunicorn против PostgreSQL (LOAD_ARGS=...)"
	@echo "  make screenshots  снимки экрана в docs/screenshots/ (браузерные тесты)"
	@echo "  make lint         ruff check и контракты импортов (lint-imports)"
	@echo "  make messages     compilemessages (переводы .po -> .mo)"
	@echo "  make clean        удалить кэши, .mo, staticfiles, .bench и .load (не трогает .venv и db.sqlite3)"
	@echo "Переменные: RMO_ADDR=0.0.0.0:8000 (адрес make run), DATABASE_URL, RMO_SKIP_SYSTEM_DEPS=1"

# --- System packages (apt-get; needs root or passwordless sudo when something is missing) ---------

system-deps:
	@bash .ci/system-deps

system-deps-test:
	@bash .ci/system-deps --test

# --- Python environment ----------------------------------------------------------------------------

venv: $(VENV)/.installed

$(VENV)/.created:
	$(call say,"Создаю виртуальное окружение / creating $(VENV) ($(PYTHON) -m venv)")
	@$(PYTHON) -m venv $(VENV)
	@$(call quietly,$(BIN)/python -m pip install -q --upgrade pip)
	@touch $@

# Reinstalls only when pyproject.toml (the dependency list) changes.
$(VENV)/.installed: pyproject.toml | $(VENV)/.created
	$(call say,"Устанавливаю зависимости / installing dependencies (pip install -e '.[dev]')")
	@$(call quietly,$(BIN)/pip install -q -e '.[dev]')
	@touch $@

# --- Translations ----------------------------------------------------------------------------------

messages: $(MO_FILES)

ifneq ($(strip $(MO_FILES)),)
$(MO_FILES) &: $(PO_FILES) | $(VENV)/.installed
	$(call say,"Компилирую переводы / compiling translations (compilemessages)")
	@$(DEV) $(MANAGE) compilemessages --ignore=$(VENV) -v 0
	@touch $(MO_FILES)
endif

# --- Everyday targets ------------------------------------------------------------------------------

run: system-deps venv messages
	$(call say,"Применяю миграции / migrating db.sqlite3 or DATABASE_URL")
	@$(DEV) $(MANAGE) migrate --no-input -v 0
	$(call say,"Загружаю демо-данные / loading the demo district (load_demo)")
	@$(DEV) $(MANAGE) load_demo --address "$(RMO_ADDR)" | tee $(VENV)/demo.log
	$(call say,"Запускаю сервер / runserver $(RMO_ADDR) (адрес для входа — выше)  — остановить: Ctrl+C")
	@host=$$(sed -n 's|^Откройте http://\([^:/]*\).*|\1|p' $(VENV)/demo.log | tail -n 1); \
	DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost,$$host}" $(DEV) $(MANAGE) runserver $(RMO_ADDR)

test: system-deps-test venv messages
	$(call say,"Тесты / running pytest$(if $(PYTEST_ARGS), $(PYTEST_ARGS)) (база / database: $(db_scheme))")
	@$(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

bench: export DATABASE_URL ?= sqlite:///$(CURDIR)/.bench/bench.sqlite3
bench: system-deps venv messages
	@mkdir -p .bench
	$(call say,"Замеры / benchmarks (база / database: $(db_scheme))")
	@$(DEV) $(MANAGE) migrate --no-input -v 0
	@$(DEV) $(MANAGE) bench $(BENCH_ARGS)

# The load test (rmo_portal/load/; the results in docs/benchmarks.md): two gunicorn instances on 127.0.0.1 sharing
# one PostgreSQL database and media directory, locust headless against them, 50 users for 2 minutes.
# Needs the local PostgreSQL (postgres@127.0.0.1:5432 without a password, as .ci/run); the database
# rmo_load is created, migrated and filled with the bench's large data set on the first run.
# LOAD_ARGS="--users 10 --duration 30" narrows it; LOAD_ARGS="--fault pg-restart" is the fault check.
LOAD_ARGS ?=
load: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/rmo_load
load: export DJANGO_MEDIA_ROOT ?= $(CURDIR)/.load/media
load: system-deps venv messages
	@mkdir -p .load/media
	$(call say,"Нагрузка / load test: locust и 2 × gunicorn (база / database: $(db_scheme))")
	@$(DEV) $(MANAGE) loadtest $(LOAD_ARGS)

screenshots: system-deps-test venv messages
	@mkdir -p docs/screenshots
	$(call say,"Снимки экрана / screenshots -> docs/screenshots/")
	@RMO_SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots $(BIN)/pytest -m browser $(PYTEST_ARGS)

lint: venv
	$(call say,"ruff check + lint-imports")
	@$(BIN)/ruff check .
	@$(BIN)/lint-imports --no-cache --no-logo

clean:
	$(call say,"Удаляю кэши и сборки / removing caches and build output")
	@find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	@rm -rf .pytest_cache .ruff_cache .import_linter_cache staticfiles .bench .load test-results build
	@rm -f $(MO_FILES)
