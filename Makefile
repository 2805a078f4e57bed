# Two commands for a fresh machine: `make run` (the portal with demo data) and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PORT

.PHONY: setup run test lint security migrations-check browser-setup clean bench bench-setup messages compilemessages icons screenshots

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The settings are production's unless DEBUG=1 says otherwise: the development targets
# say it themselves.
run test migrations-check messages compilemessages icons screenshots: export DEBUG = 1
# Links in emails and calendar files name the address the portal is served on: the web
# process and the worker that renders emails both read it (unless SITE_URL is set).
run: export SITE_URL ?= http://127.0.0.1:$(PORT)

# The embedded portal: SQLite, a Celery worker and scheduler on the filesystem
# transport, emails as files under var/mail/ (listed at /dev/mail/).
run: setup compilemessages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo --if-empty
	@echo "Serving on http://127.0.0.1:$(PORT)/, links in emails to $$SITE_URL/ (Ctrl-C stops web, worker and scheduler)"
	$(VENV)/bin/honcho -f Procfile.dev start --port $(PORT)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Security linter: medium and high findings fail (configuration in pyproject.toml).
security: setup
	$(VENV)/bin/bandit -c pyproject.toml -q -ll -r gmc registration agenda declarations documents mailings bench

migrations-check: setup
	$(PY) manage.py makemigrations --check --dry-run

# Browser tests drive Debian's chromium, and the proxy's tests run Debian's nginx with
# deploy/nginx.conf; installed here when missing (as root), never a browser downloaded by
# a test tool.
SYSTEM_PACKAGES := chromium nginx
browser-setup:
	@missing="$$(for command in $(SYSTEM_PACKAGES); do \
	  command -v $$command >/dev/null || [ -x /usr/sbin/$$command ] || echo $$command; done)"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "missing: run 'sudo apt-get install $$missing' (their tests will skip)"; \
	  fi; \
	fi

# The whole suite, against PostgreSQL and Redis on loopback (see tests/services.py).
test: lint security migrations-check browser-setup compilemessages
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# The benchmark's load generator and proxy are Debian's wrk and nginx, installed here when
# missing (as root). The benchmark runs an nginx of its own on loopback: the package's
# service is kept from starting (policy-rc.d) so nothing listens on port 80 afterwards.
bench-setup:
	@missing=""; \
	command -v wrk >/dev/null || missing="$$missing wrk"; \
	command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing="$$missing nginx"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    if [ ! -e /usr/sbin/policy-rc.d ]; then \
	      printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d; \
	      trap 'rm -f /usr/sbin/policy-rc.d' EXIT; \
	    fi; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "missing:$$missing: run 'sudo apt-get install$$missing' (without wrk the benchmark cannot run; without nginx it skips its nginx part)"; \
	  fi; \
	fi

# One run, one table (also in build/bench.json): the public pages against a floor view,
# direct and through nginx, the registration rush, sign-up timing, the reminder job,
# emails per second and peak memory, under production settings (bench/__main__.py and the
# README's Performance section). BENCH_ARGS="--quick" tries the harness in a few minutes.
bench: setup compilemessages bench-setup
	$(PY) -m bench $(BENCH_ARGS)

# The directories makemessages and compilemessages leave alone, and our catalogues.
LOCALE_IGNORE := --ignore=.venv --ignore=node_modules --ignore=tests --ignore=bench --ignore=build
LANGUAGE_DIRS := es fr zh_Hans ru ar vi

# Our catalogues (locale/) are built into .mo files, never committed: from the .po files
# every translator edits, only those newer than their .mo (needs gettext's msgfmt).
compilemessages: setup
	$(PY) manage.py compilemessages $(LOCALE_IGNORE) --verbosity 0

# Re-extract every marked string into the catalogues, with the options the catalogue
# check (tests/test_catalogues.py) compares against.
messages: setup
	$(PY) manage.py makemessages --no-location $(LOCALE_IGNORE) $(addprefix --locale=,$(LANGUAGE_DIRS))

# favicon.ico and the touch and manifest icons in public/, drawn from the mark
# (static/brand/gmc-mark.svg) by chromium; committed, so run this after changing the mark.
icons: setup browser-setup
	$(PY) manage.py draw_icons

# The key pages in English at phone and desktop width, photographed over the demo data
# (tests/browser/test_screenshots.py), copied into docs/screenshots/ for the README.
screenshots: setup compilemessages browser-setup
	$(VENV)/bin/pytest tests/browser/test_screenshots.py
	$(PY) -m tests.browser.publish_screenshots

clean:
	rm -rf var/ .pytest_cache .ruff_cache
