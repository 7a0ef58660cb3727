# Continuum: `make demo` and `make test` work on a fresh machine (Debian, Python 3.11, Node.js, root).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
VENDOR := var/vendor
export CONTINUUM_VAR_DIR ?= $(CURDIR)/var

.PHONY: help install assets browser demo serve test test-fast check lint typecheck bench lock clean

help:
	@echo "make demo    set everything up and serve the demo at http://127.0.0.1:$(PORT)"
	@echo "make test    set everything up and run the whole test suite"
	@echo "make check   ruff, mypy --strict, the import layers, makemigrations --check, check --deploy"
	@echo "make serve   the production server (gunicorn) with settings from the environment"
	@echo "make bench   the benchmarks (not part of the test suite)"

# --- setup -------------------------------------------------------------------------------------

$(BIN)/.installed: requirements.lock requirements-dev.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes \
		-r requirements.lock -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

install: $(BIN)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Only the files the pages use are copied out of node_modules; the app serves them itself.
$(VENDOR)/.copied: node_modules/.installed
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/uswds $(VENDOR)/htmx $(VENDOR)/echarts
	cp -r node_modules/@uswds/uswds/dist/css node_modules/@uswds/uswds/dist/fonts \
		node_modules/@uswds/uswds/dist/img node_modules/@uswds/uswds/dist/js $(VENDOR)/uswds/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts/
	touch $@

assets: $(VENDOR)/.copied

# The browser tests drive Debian's chromium through Playwright (never a downloaded browser).
browser:
	@command -v chromium >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else echo "Install Debian's chromium package (apt-get install chromium) for the browser tests." >&2; exit 1; fi; }

# --- the two commands --------------------------------------------------------------------------

demo: install assets
	CONTINUUM_DEMO=1 $(BIN)/continuum migrate --verbosity 0
	CONTINUUM_DEMO=1 $(BIN)/continuum synth --reset --cases $${CASES:-2000} --seed $${SEED:-7}
	@echo "Serving the demo at http://127.0.0.1:$(PORT)/ with a background worker (Ctrl-C stops both)"
	@# The worker runs beside the server, in a session of its own so that Ctrl-C reaches the server
	@# only; when the server stops, the worker gets TERM (it finishes the job it runs, then stops).
	@# If the worker dies, the server keeps serving and a watcher (its own session too) logs it.
	@export CONTINUUM_DEMO=1; \
	setsid $(BIN)/continuum worker & worker=$$!; \
	setsid bash -c 'tail --pid=$$1 -f /dev/null; echo "$$(date -u +%FT%TZ) ERROR demo: the worker stopped; the server goes on without it" >&2' watch $$worker & watch=$$!; \
	trap 'kill $$watch 2>/dev/null; kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	$(BIN)/continuum demoserver --port $(PORT)

# The production server: production settings from the environment (SECRET_KEY or SECRET_KEY_FILE,
# ALLOWED_HOSTS, DATABASE_URL, CONTINUUM_FIELD_KEYS(_FILE)...; the settings refuse to start without
# them), static files collected for WhiteNoise, gunicorn on 127.0.0.1:$(PORT) unless BIND says
# otherwise. The access log has no client address and no query string (SECURITY.md 16).
WORKERS ?= 2
BIND ?= 127.0.0.1:$(PORT)
serve: install assets
	CONTINUUM_ENV=production $(BIN)/continuum collectstatic --noinput --verbosity 0
	CONTINUUM_ENV=production exec $(BIN)/gunicorn continuum.wsgi:application --bind $(BIND) \
		--workers $(WORKERS) --access-logfile - --access-logformat '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'

test: install assets browser
	CONTINUUM_URL_COVERAGE=1 $(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS)

check: install assets
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy continuum
	$(BIN)/lint-imports
	$(BIN)/continuum makemigrations --check --dry-run
	CONTINUUM_ENV=production SECRET_KEY=$$(printf 'x%.0s' $$(seq 64))-check-only-not-a-secret \
		AUDIT_KEY=$$(printf 'a%.0s' $$(seq 32))-check-only-not-a-secret \
		ALLOWED_HOSTS=continuum.example DATABASE_URL=postgres://localhost/check \
		$(BIN)/continuum check --deploy --fail-level WARNING

bench: install assets
	$(BIN)/python -m continuum.bench $${BENCH_ARGS:-synth}

lock:
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --no-emit-index-url --no-emit-find-links \
		-o requirements.lock requirements.in
	$(BIN)/pip-compile --quiet --allow-unsafe --generate-hashes --strip-extras --no-emit-index-url \
		--no-emit-find-links -o requirements-dev.lock requirements-dev.in

clean:
	rm -rf $(VENV) node_modules var
