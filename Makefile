# Every target uses the virtualenv in .venv/ at the repository root.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := wsgi

.PHONY: run test lint test-unit test-integration test-browser install install-runtime translations \
        babel-extract babel-update browser-deps pdf-deps clean

# Development and CI: the runtime lock and the development lock (tests, linters, browsers).
$(STAMP): requirements.lock requirements-dev.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

## Production: the runtime lock only (no pytest, mypy, Playwright or schemathesis), into
## $(VENV) or the virtualenv named by VENV=...
install-runtime:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/pybabel compile --use-fuzzy -d app/translations 2>&1 | tail -n 1

# Compiled catalogues are build products (not in git).
translations: $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -d app/translations --statistics 2>&1 | tail -n 3

## The whole system on the embedded default (SQLite + SQLite broker), or on
## DATABASE_URL / REDIS_URL when they are set. Ctrl-C stops everything.
run: translations pdf-deps
	$(BIN)/python scripts/run.py

## Every test tier, after the linters.
test: translations lint test-unit test-integration test-browser

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

test-unit: translations pdf-deps
	mkdir -p reports
	$(BIN)/pytest tests/unit -q --junitxml=reports/unit.xml

test-integration: translations
	mkdir -p reports
	$(BIN)/pytest tests/integration -q --junitxml=reports/integration.xml

test-browser: translations browser-deps
	mkdir -p reports
	$(BIN)/pytest tests/browser -q --junitxml=reports/browser.xml

## Debian's Chromium (never a downloaded browser) and axe-core from npm.
browser-deps:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium missing: run 'sudo apt-get install chromium'"; fi; }
	@test -f node_modules/axe-core/axe.min.js || npm ci --no-audit --no-fund --silent

## What WeasyPrint needs to draw the order form (Pango, HarfBuzz's subsetter, the DejaVu
## fonts) and what the tests read it with (poppler's pdftotext, pdftoppm): Debian's
## packages, installed only when one is missing.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils
pdf-deps:
	@missing=""; for package in $(PDF_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "ok installed" \
	    || missing="$$missing $$package"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "PDF packages missing: run 'sudo apt-get install$$missing'"; fi; fi

babel-extract: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
	  --project procure -o app/translations/messages.pot .

babel-update: babel-extract
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations \
	  --ignore-obsolete --no-fuzzy-matching

clean:
	rm -rf $(VENV) node_modules reports instance
