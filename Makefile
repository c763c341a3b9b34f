# Two commands set everything up and do the work:
#   make book   build the website with every chapter executed at full fidelity
#   make test   run every test: helpers, every notebook (smoke mode), the site build
# Both create .venv and install requirements.txt on first use.

PYTHON ?= python3
VENV ?= .venv
# Installed before requirements.txt when set, so that requirement is already
# met. CI and machines without GPU wheels use a CPU build of PyTorch, e.g.
#   make test TORCH_SPEC=torch==2.13.0
TORCH_SPEC ?=
# pytest workers, one test file each at a time. The chapters run once per test
# run, a kernel per core, for whichever worker needs them first (tests/smoke_runs.py).
WORKERS ?= 2

BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HTML := _build/html

.PHONY: help setup vendor book test lint assignments bench bench-build clean

help:
	@echo "make book   build the website into $(HTML) (full fidelity, cached)"
	@echo "make test   lint, unit tests, every notebook in smoke mode, site build"
	@echo "make assignments  student notebooks without solutions in _build/assignments"
	@echo "make bench  time every chapter and the articles' own setups side by side (_build/bench)"
	@echo "make clean  remove _build (executed notebooks, cache, site, metrics)"

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(if $(strip $(TORCH_SPEC)),$(BIN)/python -m pip install $(TORCH_SPEC))
	$(BIN)/python -m pip install -r requirements.txt
	$(BIN)/python -m pip install --no-deps -e .
	@touch $@

setup: $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . --warningiserror --keep-going
	@echo
	@echo "The book is built: open file://$(CURDIR)/$(HTML)/index.html"

# MathJax for the browser test (the site loads it from a CDN; the test serves this copy).
MATHJAX := _build/vendor/node_modules/mathjax/es5/tex-mml-chtml.js
$(MATHJAX):
	@if command -v npm >/dev/null; then \
		npm install --no-save --no-audit --no-fund --prefix _build/vendor mathjax@3; \
	else echo "npm not found: the browser test will be skipped"; fi

vendor: $(MATHJAX)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python tools/setup_cell.py

test: lint vendor
	RNN_BOOK_SMOKE=1 $(BIN)/python -m pytest -n $(WORKERS) --dist loadfile tests

assignments: $(STAMP)
	$(BIN)/python tools/make_assignments.py --out _build/assignments

# The benchmark (long; the appendix lists what each part took): GEMM rates, plain reference implementations
# of the articles' experiments, every chapter at full fidelity, then the book's
# build and test commands on a clean clone. Tables go to _build/bench/ and into
# the appendix. BENCH_ARGS passes options to bench.run (e.g. BENCH_ARGS=--smoke)
# and then skips the build timings.
BENCH_ARGS ?=
bench: $(STAMP)
	$(BIN)/python -m bench.run $(BENCH_ARGS)
	$(if $(BENCH_ARGS),@echo "BENCH_ARGS given: build and test timings skipped (make bench-build)",\
		$(BIN)/python -m bench.build_times)

# Only the build and test timings, on a clean clone of HEAD.
bench-build: $(STAMP)
	$(BIN)/python -m bench.build_times

clean:
	rm -rf _build
