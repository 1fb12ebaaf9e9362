# The two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
FIXTURES := fixtures/kl_2015.json fixtures/general.json

# A Python >= 3.12 (Django 6 needs it): $(PYTHON) if given, else the newest found
# on the PATH or among pyenv's installed versions.
define find_python
for candidate in $(PYTHON) python3.14 python3.13 python3.12 python3 \
    $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
  if "$$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
    command -v "$$candidate"; exit 0; \
  fi; \
done; exit 1
endef

.PHONY: help
help:
	@echo "make run    set everything up and serve MUS on http://127.0.0.1:8000"
	@echo "make test   run the whole test suite (DATABASE_URL picks the database)"
	@echo "make worker run the task worker: e-mail, opening rounds, exports (console e-mail in development)"
	@echo "make lint   ruff, lint-imports (the layers of docs/architecture.md) and typecheck"
	@echo "make typecheck  mypy with django-stubs over the app code ([tool.mypy] in pyproject.toml)"
	@echo "make audit  the installed dependencies against known vulnerabilities (pip-audit)"
	@echo "make pageweight   axe on every page, then the bytes of each page"
	@echo "make backup / make restore BACKUP=file   see docs/backup.md"
	@echo "make loadtest   Locust: 50 users for 60 s against gunicorn + PostgreSQL, with faults; then at saturation"
	@echo "make bench      the pages at 50,000 employees, on SQLite and PostgreSQL (PROFILE=page)"

$(BIN)/python:
	@python=$$($(find_python)) || { \
	  echo "MUS needs Python 3.12 or newer, and none was found."; \
	  echo "Install one (e.g. 'pyenv install 3.13' or 'apt-get install python3.13 python3.13-venv')"; \
	  echo "or name it: make run PYTHON=/path/to/python3.13"; exit 1; }; \
	echo "Creating $(VENV) with $$python"; \
	"$$python" -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

.PHONY: install
install: $(VENV)/.installed .env messages

# Local development settings, written once; production sets the environment instead.
.env:
	@printf 'DEBUG=1\nSECRET_KEY=%s\n' "$$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n')" > $@
	@echo "Wrote .env for local development (DEBUG=1)."

.PHONY: messages
messages: $(VENV)/.installed
	@command -v msgfmt >/dev/null || { echo "Translations need gettext: apt-get install gettext"; exit 1; }
	@DEBUG=1 $(MANAGE) compilemessages --ignore=.venv --verbosity=0

.PHONY: data
data: install
	$(MANAGE) migrate --noinput
	$(MANAGE) load_catalogue $(FIXTURES)
	$(MANAGE) seed_demo

.PHONY: run
run: data
	$(MANAGE) runserver 127.0.0.1:8000

# E-mail and HR's bulk work (opening a round, its PDFs) wait in the database as tasks
# until a worker does them; a worker also hands a dead worker's work to the others.
.PHONY: worker
worker: install
	$(MANAGE) worker

# Two workers: the machines have two cores. No persistent connections, so that the
# live server's threads do not hold the PostgreSQL test database open at teardown. PYTEST_ARGS="-n 0 -k name" runs one test alone.
PYTEST_ARGS ?= -n 2
.PHONY: test
test: $(VENV)/.installed messages tests/validators/node_modules/.installed tests/idp/node_modules/.installed
	DEBUG=1 CONN_MAX_AGE=0 $(BIN)/pytest $(PYTEST_ARGS)

# The Nu Html Checker and pa11y that the page sweep runs (tests/validate.py). Puppeteer's
# own browser is not downloaded: pa11y drives Debian's chromium.
# The real identity providers the SSO tests start on loopback (tests/identity_providers.py).
tests/idp/node_modules/.installed: tests/idp/package-lock.json
	@command -v npm >/dev/null || { echo "The SSO tests need Node.js and npm: apt-get install nodejs npm"; exit 1; }
	cd tests/idp && npm ci --no-audit --no-fund --silent
	@touch $@

tests/validators/node_modules/.installed: tests/validators/package-lock.json
	@command -v npm >/dev/null || { echo "The validators need Node.js and npm: apt-get install nodejs npm"; exit 1; }
	cd tests/validators && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --silent
	@touch $@

.PHONY: lint
lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/lint-imports
	$(MAKE) --no-print-directory typecheck

# The app code's types ([tool.mypy] in pyproject.toml): the settings import with DEBUG=1.
.PHONY: typecheck
typecheck: $(VENV)/.installed
	DEBUG=1 $(BIN)/mypy

# Fails on a known vulnerability that an upgrade fixes; one without a fix is reported.
# AUDIT_STRICT=1 also fails when the vulnerability service could not audit a package.
.PHONY: audit
audit: $(VENV)/.installed
	$(BIN)/python -m mus.audit

# After changing UI text: refresh the Danish catalogue, translate the new entries, commit.
.PHONY: translations
translations: $(VENV)/.installed
	DEBUG=1 $(MANAGE) makemessages -l da --ignore=.venv --ignore=tests --no-wrap

# The axe sweep of every page, then each page's HTML, CSS and JS bytes (uncompressed).
.PHONY: pageweight
pageweight: $(VENV)/.installed messages
	DEBUG=1 CONN_MAX_AGE=0 $(BIN)/pytest -n 2 -q tests/browser/test_every_page.py tests/browser/test_admin_pages.py
	@printf 'HTML\tCSS\tJS\ttotal\tpage\n'; sort -t$$'\t' -k5 artifacts/page-weight/*.tsv

# Back up the database DATABASE_URL names into backups/, or restore a backup into a fresh
# (empty) database: docs/backup.md.
.PHONY: backup
backup: $(VENV)/.installed
	$(MANAGE) backup --output-dir backups

.PHONY: restore
restore: $(VENV)/.installed
	@test -n "$(BACKUP)" || { echo "Name the backup: make restore BACKUP=backups/mus-….dump"; exit 1; }
	$(MANAGE) restore "$(BACKUP)"
	$(MANAGE) migrate --noinput

# Locust, headless: 50 users for 60 s against gunicorn and a throwaway PostgreSQL of its
# own (port 5471), one worker killed and the database restarted on the way, then the bare
# view and the pages at saturation; prints the figures and checks that every acknowledged
# save is stored. Runs as root; loopback only.
.PHONY: loadtest
loadtest: $(VENV)/.installed messages
	$(BIN)/python -m loadtest.run

# The pages at a municipality's scale (50,000 employees), on SQLite and on PostgreSQL:
# builds each database once with seed_scale, then prints p50/p95 and queries per page
# against a bare view, and writes bench/results.json. PROFILE=progress (or pdf, mark, …)
# writes that page's profile to bench/profiles/. BENCH_ARGS="--only postgres" for one.
PROFILE ?=
BENCH_ARGS ?=
# The bulk work (bench/jobs.py): opening, e-mail to a loopback SMTP server, the export,
# with 1 and 2 workers, in a PostgreSQL database of its own (BENCH_JOBS_URL).
BENCH_JOBS_ARGS ?=
.PHONY: bench
bench: $(VENV)/.installed messages
	PROFILE=$(PROFILE) $(BIN)/python -m bench.run $(BENCH_ARGS)
	$(BIN)/python -m bench.jobs $(BENCH_JOBS_ARGS)
