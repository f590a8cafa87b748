# The two commands: `make run` (serve the demo magazine) and `make test` (lint and test).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run demo-code test install install-dev lock python-check migrate seed messages lint typecheck bench loadtest scaletest audit clean

python-check:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' || \
	  { echo "Python 3.12 or newer is required (found: $$($(PYTHON) --version 2>&1)). Install it (pyenv install 3.13) or run: make PYTHON=python3.13 ..."; exit 1; }

$(PY): | python-check
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Installs take the exact versions and hashes of requirements/*.lock (made by `make lock` from the
# ranges in pyproject.toml); the project itself goes in editable, without resolving anything again.
install: $(PY)
	$(PY) -m pip install --quiet --require-hashes -r requirements/run.lock
	$(PY) -m pip install --quiet --no-deps -e .

install-dev: $(PY)
	$(PY) -m pip install --quiet --require-hashes -r requirements/dev.lock
	$(PY) -m pip install --quiet --no-deps -e .

# After changing pyproject.toml's dependencies: `make lock` (pins already in the lock stay where they
# still fit); `make lock LOCK_FLAGS=--upgrade` moves everything to the newest allowed versions.
# run.lock is held to dev.lock's versions, so `make test` tests what `make run` installs.
LOCK := $(VENV)/bin/uv pip compile pyproject.toml --quiet --generate-hashes --universal --python-version 3.12 $(LOCK_FLAGS)
lock: install-dev
	$(LOCK) --extra dev -o requirements/dev.lock
	$(LOCK) -c requirements/dev.lock -o requirements/run.lock

messages: install
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv --verbosity 0

migrate: install messages
	DEBUG=1 $(PY) manage.py migrate --noinput

seed: migrate
	DEBUG=1 $(PY) manage.py seed_demo

run: seed  ## the development server and one task worker (letters, index rebuilds); Ctrl-C stops both
	DEBUG=1 $(PY) manage.py outbox_recover
	DEBUG=1 $(PY) scripts/dev.py 127.0.0.1:8000

demo-code: install  ## the demo editor's current second-factor code (the secret is printed by make run)
	@DEBUG=1 $(PY) manage.py demo_code

lint: install-dev typecheck
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

typecheck: install-dev  ## mypy (django-stubs) on the rule modules listed under [tool.mypy] in pyproject.toml
	DEBUG=1 $(VENV)/bin/mypy

# Two steps, both always run (the second even when the first fails): the suite without a browser,
# then the browser journeys (tests/browser, marked `browser`), each in a random order (pytest-randomly
# prints the seed; `--randomly-seed=N` repeats an order, `-p no:randomly` turns it off).
test: install-dev messages lint
	@status=0; \
	echo "== pytest -m 'not browser' =="; DEBUG=1 $(PY) -m pytest -m "not browser" || status=1; \
	echo "== pytest -m browser =="; DEBUG=1 $(PY) -m pytest -m browser || status=1; \
	exit $$status

bench: install-dev  ## a large magazine under gunicorn + wrk; BENCH_ARTICLES=1000 for a smaller one
	@command -v wrk >/dev/null || { echo "wrk is missing: sudo apt-get install wrk"; exit 1; }
	$(PY) scripts/bench.py

loadtest: install-dev  ## 20 clients for LOADTEST_SECONDS against gunicorn on PostgreSQL, with a database restart
	$(PY) scripts/loadtest.py

scaletest: install-dev messages  ## two app servers behind nginx on PostgreSQL, Redis and S3 (moto), with faults
	$(PY) scripts/scaletest.py

audit: install messages  ## Lighthouse (npm lighthouse@12.2.3, Debian's chromium) on home, issue and article pages
	$(PY) scripts/audit.py

clean:
	rm -rf $(VENV) var db.sqlite3 media staticfiles .mypy_cache
