# The README's commands.  Each target sets itself up from scratch when needed and is idempotent:
#   make run    install what is missing, then serve the article on http://127.0.0.1:$(PORT)
#   make test   install what is missing (Python deps, Chromium, redis-server), run `make lint`, then the whole suite
#   make lint   ruff check, ruff format --check and the import contracts (lint-imports, see pyproject.toml)
#
# Which torch (scripts/install_torch.py): TORCH=cpu (default) installs the CPU-only build of the release that
# requirements.lock pins: a wheel pip finds offline when there is one, else PyTorch's CPU index on Linux and PyPI
# on macOS.  TORCH=gpu takes PyPI's default build (CUDA on Linux); TORCH_INDEX=URL takes torch from that index
# (e.g. https://download.pytorch.org/whl/cu128).  The choice is remembered in .venv/.torch; switch with
# `make venv TORCH=gpu` (only torch is replaced).
SHELL := /bin/bash
# the first Python >= 3.11 on PATH (python3 itself when it is new enough); override with PYTHON=/path/to/python
ifndef PYTHON
PYTHON := $(shell for p in python3 python3.14 python3.13 python3.12 python3.11; do \
  command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
  && { echo $$p; break; }; done)
endif
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8050
TORCH ?= $(or $(shell cat $(VENV)/.torch 2>/dev/null),cpu)
TORCH_INDEX ?=
STAMP := $(VENV)/.installed-$(TORCH)
SYS_PACKAGES := chromium redis-server fonts-dejavu-core

.PHONY: run serve test js-test venv sysdeps lint screenshots precompute check bench clean container-test container-deps plotly-bundle
.PHONY: readme-shot

$(STAMP): pyproject.toml requirements.lock requirements-nodeps.txt scripts/install_torch.py
	@test -n "$(PYTHON)" || { echo "error: make needs Python 3.11 or newer (none on PATH): install one, or run make PYTHON=/path/to/python3.12"; exit 2; }
	@test -x $(PY) && $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install -q --upgrade pip
	$(PY) scripts/install_torch.py --torch $(TORCH) $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX))
	$(PY) -m pip install -q -c requirements.lock -e '.[test]'
	$(PY) -m pip install -q --no-deps -r requirements-nodeps.txt
	@rm -f $(VENV)/.installed*
	@echo $(TORCH) > $(VENV)/.torch
	@touch $(STAMP)

venv: $(STAMP)

# System packages the browser and integration tests need, under their Debian names; installed only when missing
# (apt-get on Debian/Ubuntu, Homebrew on macOS, Playwright's own Chromium where no package has one).
sysdeps: $(STAMP)
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	command -v node >/dev/null || missing="$$missing nodejs"; \
	test -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || missing="$$missing fonts-dejavu-core"; \
	if [ -n "$$missing" ]; then \
	  $(PY) scripts/install_sysdeps.py $$missing; \
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

# The README's picture of the article (docs/article.png, the top of the page, < 150 KB).
readme-shot: $(STAMP) sysdeps
	$(PY) scripts/readme_shot.py

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

# What container-test needs (Debian), installed only when missing: podman builds the image, buildah runs the smoke
# test, debootstrap makes the base image, curl asks /health.
container-deps:
	@missing=""; \
	for tool in podman buildah debootstrap curl; do command -v $$tool >/dev/null || missing="$$missing $$tool"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# Build the classroom image with podman and smoke-test it with buildah (slow: run before a release, not in CI).
container-test: $(STAMP) container-deps
	scripts/container_test.sh
