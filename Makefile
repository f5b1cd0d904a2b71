# Mikrogranty — two commands: `make run` and `make test` (see README.md); `make test-scale-out`
# for the production profile's real parts;
# `make loadtest [DB=postgres]` for the deadline rush, `make bench [SIZE=…]` for speed.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
DB ?= sqlite
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test test-scale-out loadtest bench install install-dev sysdeps messages migrate demo lint serve clean

run: install sysdeps messages migrate demo serve

# --- setup ---------------------------------------------------------------------
$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(PY)
	$(PIP) install -q -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install -q -r requirements-dev.txt
	@touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

# System libraries WeasyPrint needs (Pango, HarfBuzz subsetting — ~4x faster
# PDFs — and DejaVu fonts) plus gettext's msgfmt for the message catalogues.
sysdeps:
	@sh scripts/ensure_system_packages.sh

messages: install sysdeps
	$(PY) manage.py compilemessages -v0 --ignore=.venv --ignore=node_modules

migrate: install
	@mkdir -p var
	$(PY) manage.py migrate -v0
	$(PY) manage.py createcachetable

# The demo signs one agreement with its own throwaway test certificate authority, written
# to var/demo/; naming it here makes the check show that chain as "test certificate (demo)"
# (never trusted; production settings name no test authority).
DEMO_SIGNATURE_TEST_ROOTS := $(CURDIR)/var/demo/signing-test-ca.pem
demo: migrate
	MIKROGRANTY_SIGNATURE_TEST_ROOTS=$(DEMO_SIGNATURE_TEST_ROOTS) $(PY) manage.py load_demo

# The web server and the task worker (e-mail, PDFs) side by side; Ctrl+C stops both.
serve:
	@HOST=$(HOST) PORT=$(PORT) bash scripts/serve.sh

# --- tests ---------------------------------------------------------------------
test: install-dev sysdeps messages
	@bash scripts/run_tests.sh

# The production profile with its real parts on this machine (scripts/scale_out.py):
# PostgreSQL 15, redis-server, an S3-compatible server (moto), two gunicorn processes and two
# task workers; an applicant, a coordinator and the letters go through them, and nothing may be
# written to local disk. Prints PASS/FAIL; stops everything it started, also on failure.
test-scale-out: install-dev sysdeps messages
	@bash scripts/test_scale_out.sh

# Page timings, SQL query counts, letters, agreements and settlements rendered at scale
# (scripts/bench.py): `make bench [SIZE=2000] [DB=postgres] [BENCH_ARGS=--pages-only]`;
# prints BENCH lines and writes var/bench.json. The PDFs do not depend on SIZE: at 20,000,
# BENCH_ARGS=--pages-only measures the pages only.
SIZE ?= 2000
bench: install-dev messages
ifeq ($(DB),postgres)
	@bash scripts/pg_throwaway.sh run mikrogranty_bench -- $(PY) scripts/bench.py --size $(SIZE) $(BENCH_ARGS)
else
	@env -u DATABASE_URL $(PY) scripts/bench.py --size $(SIZE) $(BENCH_ARGS)
endif

# The deadline rush against gunicorn (scripts/loadtest.py, a `requests` client): SQLite in
# var/loadtest/, or with DB=postgres a throwaway PostgreSQL 15 cluster deleted afterwards.
loadtest: install-dev messages
ifeq ($(DB),postgres)
	@bash scripts/pg_throwaway.sh run mikrogranty_loadtest -- $(PY) scripts/loadtest.py $(LOADTEST_ARGS)
else ifeq ($(DB),sqlite)
	@env -u DATABASE_URL $(PY) scripts/loadtest.py $(LOADTEST_ARGS)
else
	@echo "DB must be sqlite or postgres, not '$(DB)'"; exit 2
endif

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache --no-logo

clean:
	rm -rf $(VENV) var node_modules
