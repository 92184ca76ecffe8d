# The README's commands.  Each target sets itself up from scratch when needed and is idempotent:
#   make run    install what is missing, then serve the article on http://127.0.0.1:$(PORT)
#   make test   install what is missing (Python deps, Chromium, redis-server), run `make lint`, then the whole suite
#   make lint   ruff check, ruff format --check and the import contracts (lint-imports, see pyproject.toml)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8050
STAMP := $(VENV)/.installed
SYS_PACKAGES := chromium redis-server fonts-dejavu-core

.PHONY: run serve test js-test venv sysdeps lint screenshots precompute check bench clean container-test plotly-bundle

$(STAMP): pyproject.toml requirements.lock requirements-nodeps.txt
	@test -x $(PY) && $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c requirements.lock -e '.[test]'
	$(PY) -m pip install -q --no-deps -r requirements-nodeps.txt
	@touch $(STAMP)

venv: $(STAMP)

# System packages the browser and integration tests need (Debian); installed only when missing.
sysdeps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	command -v node >/dev/null || missing="$$missing nodejs"; \
	test -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || missing="$$missing fonts-dejavu-core"; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

run: $(STAMP)
	PORT=$(PORT) $(PY) app.py

serve: $(STAMP)
	PORT=$(PORT) $(VENV)/bin/gunicorn -c gunicorn.conf.py app:server

test: lint sysdeps js-test
	$(PY) -m pytest -q

# The page's JS on its own (frame player, Plotly adapter, fast lanes), with node's built-in test runner.
js-test: sysdeps
	node --test tests/js/

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

screenshots: $(STAMP) sysdeps
	$(PY) -m tests.screenshots

precompute: $(STAMP)
	$(PY) -m worker precompute --all

check: $(STAMP)
	$(PY) -m worker precompute --check

bench: $(STAMP) sysdeps
	$(PY) benchmarks/sweep.py && $(PY) benchmarks/latency.py

clean:
	rm -rf $(VENV) .cache .pytest_cache

# Rebuild assets/vendor/plotly-article-<version>.min.js (plotly.js core + heatmap) with Node.js; only needed when
# plotly.py's bundled plotly.js version changes (tests/test_fig_hero.py says so).
plotly-bundle:
	cd scripts/plotly_bundle && npm ci --no-audit --no-fund && npm run build

# Build the classroom image with podman and smoke-test it with buildah (slow: run before a release, not in CI).
container-test:
	scripts/container_test.sh
