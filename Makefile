# Proofshot — two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
DEMO   ?= $(CURDIR)/.demo/Demo.proofshot

.PHONY: setup system-deps run test bench lint format screenshots demo package package-check clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# pywb (the replayer the WACZ replay test serves archives with) pins its own cryptography, so it
# lives in a virtualenv of its own; the tests find its `wayback` through PROOFSHOT_PYWB.
PYWB_VENV := .venv-pywb
PYWB      := $(PYWB_VENV)/bin/wayback

$(PYWB):
	$(PYTHON) -m venv $(PYWB_VENV)
	$(PYWB_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(PYWB_VENV)/bin/python -m pip install --quiet 'pywb>=2.8'

setup: system-deps $(STAMP)

# Debian packages the tests use (poppler, qpdf, the libraries QtWebEngine loads).
system-deps:
	@bash scripts/system-deps.sh

demo: setup
	test -f $(DEMO)/case.sqlite || $(PY) -m app demo $(DEMO)

run: setup demo
	$(PY) -m app $(DEMO)

test: setup $(PYWB)
	QT_QPA_PLATFORM=offscreen PROOFSHOT_PYWB=$(CURDIR)/$(PYWB) $(PY) -m pytest -q --durations=15

bench: setup
	@for b in tests/bench/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

lint: setup
	$(VENV)/bin/ruff check app tests
	$(VENV)/bin/ruff format --check app tests
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m pytest -q -p no:cacheprovider tests/test_house_sizes.py

format: setup
	$(VENV)/bin/ruff format app tests
	$(VENV)/bin/ruff check --fix app tests

screenshots: setup demo
	QT_QPA_PLATFORM=offscreen $(PY) scripts/screenshots.py $(DEMO) docs/screenshots

package: setup
	bash scripts/package.sh

package-check: setup
	bash scripts/package_check.sh

clean:
	rm -rf $(VENV) $(PYWB_VENV) .demo .pytest_cache build dist
