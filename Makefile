# Two commands set everything up and do the work:
#   make book   build the website with every chapter executed at full fidelity
#   make test   run every test: helpers, every notebook (smoke mode), the site build
# Both create .venv and install requirements.lock (the exact versions that
# produced the published numbers) into it on first use.

PYTHON ?= python3
VENV ?= .venv
# The pinned environment: `make lock` regenerates it from requirements.txt.
LOCK ?= requirements.lock
# Extra pip options for installing the lock, e.g. where PyTorch's CPU build is
# not on the default index (the GitHub workflows):
#   make test PIP_INDEX="--extra-index-url https://download.pytorch.org/whl/cpu"
PIP_INDEX ?=
# The PyTorch build the lock pins: the CPU wheel (an unpinned torch pulls
# gigabytes of CUDA wheels on a machine without a GPU).
LOCK_TORCH ?= torch==2.13.0+cpu
# Unlocked environments (the version canaries) install this PyTorch first.
TORCH_SPEC ?= torch==2.13.0
# pytest workers, one test file or notebook each at a time. The chapters' Colab
# simulation runs once per test run, a kernel per core (tests/smoke_runs.py).
WORKERS ?= 2
# Colab runtime for `make test-colab`: a constraints file in tools/colab/.
COLAB ?= current

BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HTML := _build/html
# JAX keeps the programs it compiles here, so the second run of a chapter in one
# `make test` (papermill, then nbval) and later builds skip recompiling; a cache hit
# gives the same program, so results do not change. `make bench` times without it.
JAX_CACHE := JAX_COMPILATION_CACHE_DIR=$(CURDIR)/_build/jax-cache JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS=0.2
PYTEST := RNN_BOOK_SMOKE=1 $(JAX_CACHE) $(BIN)/python -m pytest -n $(WORKERS) --dist loadfile

.PHONY: help setup lock lab vendor book test lint screenshots assignments bench bench-full bench-build \
	test-newest test-colab test-tf clean

help:
	@echo "make book   build the website into $(HTML) (full fidelity, cached)"
	@echo "make test   lint, unit tests, every notebook in smoke mode, site build"
	@echo "make lab    open JupyterLab on the chapters"
	@echo "make screenshots  the browser test, saving every page at 1280 and 390 px in _build/screenshots"
	@echo "make lock   regenerate $(LOCK) from requirements.txt (UPGRADE=1: newest releases)"
	@echo "make assignments  student notebooks without solutions in _build/assignments (builds the book)"
	@echo "make bench  one sitting (~45 min): the book against the articles' code, chapters, builds (_build/bench)"
	@echo "make bench-full  the long benchmark (hours on 2 cores): also every chapter on two backends"
	@echo "make test-newest  make test with the newest releases (unlocked, .venv-newest)"
	@echo "make test-tf      every chapter in smoke mode on Keras' TensorFlow backend (Colab's default)"
	@echo "make test-colab   every chapter in smoke mode with Colab's versions (COLAB=current|previous)"
	@echo "make clean  remove _build (executed notebooks, cache, site, metrics)"

$(LOCK):
	@echo "$(LOCK) is missing: run 'make lock' to generate it from requirements.txt" >&2; exit 1

# Locked install: exactly the versions in $(LOCK).
$(STAMP): requirements.txt $(LOCK) pyproject.toml
	@$(PYTHON) tools/check_lock.py $(LOCK) requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing $(LOCK) into $(VENV) ..."
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet $(PIP_INDEX) -r $(LOCK)
	@$(BIN)/python -m pip install -qq --no-deps -e .
	@touch $@

setup: $(STAMP)

# pip-compile keeps the current pins that still fit requirements.txt; UPGRADE=1 takes the newest.
lock:
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet pip-tools
	@mkdir -p _build
	@echo "$(LOCK_TORCH)" > _build/lock-constraints.txt
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --allow-unsafe --strip-extras \
		--no-emit-index-url --no-emit-find-links \
		--constraint _build/lock-constraints.txt $(if $(UPGRADE),--upgrade) \
		--output-file $(LOCK) requirements.txt
	@$(PYTHON) tools/check_lock.py $(LOCK) requirements.txt && echo "$(LOCK) is up to date"

# As root, Jupyter's server needs --allow-root (LAB_ARGS=--allow-root).
LAB_ARGS ?=
lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=chapters $(LAB_ARGS)

book: $(STAMP) vendor
	@$(JAX_CACHE) $(BIN)/python -m tools.build_book
	@echo
	@echo "The book is built: open file://$(CURDIR)/$(HTML)/index.html"

# MathJax for the site (tools/offline_mathjax.py copies it into _static, so math typesets
# offline); without npm the site falls back to the CDN copy.
MATHJAX := _build/vendor/node_modules/mathjax/es5/tex-mml-chtml.js
$(MATHJAX):
	@if command -v npm >/dev/null; then \
		npm install --no-save --no-audit --no-fund --silent --prefix _build/vendor mathjax@3; \
	else echo "npm not found: the site will load MathJax from its CDN, and the browser test is skipped"; fi

vendor: $(MATHJAX)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m tools.setup_cell
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml

# The unit tests, the chapters in a simulated fresh Colab runtime (papermill) and
# the site built from those runs (tests/), and every chapter run in place with
# nbval-lax, as a reader runs a clone in Jupyter (chapters/).
test: lint vendor
	$(PYTEST) --nbval-lax --nbval-current-env tests chapters

# The browser test again, saving full-page screenshots of every page at 1280 and
# 390 px to _build/screenshots (make test skips them: they take half its browser time).
screenshots: lint vendor
	RNN_BOOK_SCREENSHOTS=1 $(PYTEST) tests/test_book_build.py -k "reads_offline"
	@echo "Screenshots: _build/screenshots"

# The student editions that `make book` writes (tools/colab_edition.py): plain
# Markdown with the book's numbers, solutions replaced by answer cells. The full
# editions in _build/colab/chapters are the answer key.
assignments: book
	@rm -rf _build/assignments && mkdir -p _build/assignments
	@cp _build/colab/student/chapters/*.ipynb _build/assignments/
	@echo "Student notebooks: _build/assignments (answer key: _build/colab/chapters)"

# Version canaries (the weekly workflow runs them too). Each builds a fresh,
# unlocked environment of its own, so the locked .venv is never touched.
# make test with the newest release of everything (PyTorch: TORCH_SPEC, the CPU build).
test-newest:
	rm -rf .venv-newest
	$(PYTHON) -m venv .venv-newest
	.venv-newest/bin/python -m pip install --quiet --upgrade pip
	.venv-newest/bin/python -m pip install --quiet $(TORCH_SPEC)
	.venv-newest/bin/python -m pip install --quiet -r requirements.txt
	.venv-newest/bin/python -m pip install -qq --no-deps -e .
	@touch .venv-newest/.installed
	.venv-newest/bin/python -m pip freeze | grep -iE '^(numpy|pandas|scikit-learn|scipy|statsmodels|matplotlib|tensorflow|keras|jax|jaxlib|torch|jupyter-book|myst-nb)=='
	$(MAKE) test VENV=.venv-newest

# Every chapter in smoke mode, in the Colab simulation, on TensorFlow: the Keras
# backend Colab uses when a reader sets none (the book's default is in helpers/backend.py).
test-tf: $(STAMP)
	KERAS_BACKEND=tensorflow RNN_BOOK_SMOKE=1 $(BIN)/python -m pytest -n $(WORKERS) tests/test_notebooks.py

# Every chapter in smoke mode, in the Colab simulation, with the versions of one
# Colab runtime: tools/colab/$(COLAB).txt says which runtime and where they come from.
test-colab:
	@test -f tools/colab/$(COLAB).txt || { echo "no tools/colab/$(COLAB).txt: use COLAB=current or COLAB=previous" >&2; exit 2; }
	rm -rf .venv-colab-$(COLAB)
	$(PYTHON) -m venv .venv-colab-$(COLAB)
	.venv-colab-$(COLAB)/bin/python -m pip install --quiet --upgrade pip
	.venv-colab-$(COLAB)/bin/python -m pip install --quiet $(TORCH_SPEC)
	.venv-colab-$(COLAB)/bin/python -m pip install --quiet -c tools/colab/$(COLAB).txt -r requirements.txt
	.venv-colab-$(COLAB)/bin/python -m pip install -qq --no-deps -e .
	.venv-colab-$(COLAB)/bin/python -m pip freeze | grep -iE '^(numpy|pandas|scikit-learn|scipy|statsmodels|matplotlib|tensorflow|keras|jax|jaxlib|torch)=='
	RNN_BOOK_SMOKE=1 .venv-colab-$(COLAB)/bin/python -m pytest -n $(WORKERS) tests/test_notebooks.py

# The benchmark (bench/README.md says what each part measures and how to publish it),
# in one sitting (about 45 minutes on 2 cores): GEMM rates at the start and the end,
# the articles' own code (3 seeds) against the book's training calls, the articles'
# code on every Keras backend, seed sweeps (Keras on the default backend, PyTorch's
# seed dimension), then make book cold, again, after a prose edit, and make test on a
# clean clone; each chapter's full-fidelity time comes from that cold build. Budgets
# are judged normalised to a 150 GFLOP/s machine. Tables go to _build/bench/.
# BENCH_ARGS passes options to bench.run (e.g. BENCH_ARGS=--smoke, which skips the
# builds; see python -m bench.run --help).
BENCH_ARGS ?=
bench: $(STAMP) vendor
	$(BIN)/python -m bench.run --venv $(VENV) $(BENCH_ARGS)

# The long protocol, for a faster machine (hours on 2 cores): 5 seeds per reference,
# every chapter executed again on the default backend and on TensorFlow, every seed
# sweep on both backends with a one-by-one column, then the same builds.
bench-full: $(STAMP) vendor
	$(BIN)/python -m bench.run --full --venv $(VENV) $(BENCH_ARGS)

# Only the build and test timings, on a clean clone of HEAD.
bench-build: $(STAMP) vendor
	$(BIN)/python -m bench.build_times --venv $(VENV)

clean:
	rm -rf _build
