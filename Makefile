# Every target creates .venv and installs what it needs on first use.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: demo test check wheel-test bench clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

demo: $(INSTALLED)  ## summarize the bundled example article (offline replay unless an endpoint is set)
	$(PY) examples/01_summarize_article.py

test: $(INSTALLED)  ## the offline test suite
	$(PY) -m pytest

check: $(INSTALLED)  ## lint and type-check
	$(PY) -m ruff check summarizer tests examples bench
	$(PY) -m ruff format --check summarizer tests examples bench
	$(PY) -m mypy summarizer

wheel-test: $(INSTALLED)  ## build the wheel, install it in a clean venv, summarize a replayed fixture
	$(PY) tests/wheel_check.py

bench: $(INSTALLED)  ## our overhead per summary against plain instructor
	$(PY) bench/overhead.py

clean:
	rm -rf $(VENV) dist build .mypy_cache .ruff_cache
