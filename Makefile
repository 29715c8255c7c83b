# The two commands (see README):
#   make demo   - virtualenv, packages, SQLite database, demo trust, server on http://127.0.0.1:8000
#   make test   - everything the tests need (packages, Debian's chromium, axe-core), then lint, checks and the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test install install-dev chromium axe bench worker

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# WeasyPrint (the PDF exports) needs pango, HarfBuzz's subsetter (fonts embedded without a warning per PDF) and a font; installed from Debian only when missing.
PDF_LIBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core

install: $(BIN)/python
	@if ! dpkg -s $(PDF_LIBS) >/dev/null 2>&1; then \
		echo "Installing Debian's pango and DejaVu fonts for the PDF exports"; \
		if [ "$$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(PDF_LIBS) >/dev/null; \
	fi
	$(BIN)/pip install -q -r requirements.txt

install-dev: install
	$(BIN)/pip install -q -r requirements-dev.txt

# Browser tests drive Debian's Chromium; Playwright never downloads a browser here.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "Installing Debian's chromium for the browser tests"; \
		if [ "$$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

# axe-core, the accessibility checker the browser tests inject into pages: from npm, pinned by package-lock.json,
# installed (npm ci) when missing or when the lock file changes. Debian's npm is installed if there is none.
axe: node_modules/axe-core/axe.min.js

node_modules/axe-core/axe.min.js: package.json package-lock.json
	@if ! command -v npm >/dev/null 2>&1; then \
		echo "Installing Debian's npm for the accessibility checks"; \
		if [ "$$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq npm >/dev/null; \
	fi
	npm ci --no-audit --no-fund
	@touch $@

demo: install
	DJANGO_DEBUG=true $(BIN)/python manage.py migrate --noinput -v0
	DJANGO_DEBUG=true $(BIN)/python manage.py seed_demo --reset
	DJANGO_DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install-dev chromium axe
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_DEBUG=true $(BIN)/python manage.py check
	DJANGO_DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python -m bench

# The background worker, when REDIS_URL is set (README, "Several servers"): the same as `manage.py rqworker default`.
worker: install
	$(BIN)/python manage.py rqworker default
