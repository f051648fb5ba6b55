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

setup: system-deps $(STAMP)

# Debian packages the tests use (poppler, qpdf, the libraries QtWebEngine loads).
system-deps:
	@bash scripts/system-deps.sh

demo: setup
	test -f $(DEMO)/case.sqlite || $(PY) -m app demo $(DEMO)

run: setup demo
	$(PY) -m app $(DEMO)

test: setup
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

bench: setup
	@for b in tests/bench/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

lint: setup
	$(VENV)/bin/ruff check app tests
	$(VENV)/bin/ruff format --check app tests
	$(VENV)/bin/lint-imports --no-cache

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
	rm -rf $(VENV) .demo .pytest_cache build dist
