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
# pytest workers; notebooks are spread over them one file per worker.
WORKERS ?= 2

BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HTML := _build/html

.PHONY: help setup book test lint clean

help:
	@echo "make book   build the website into $(HTML) (full fidelity, cached)"
	@echo "make test   lint, unit tests, every notebook in smoke mode, site build"
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

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python tools/setup_cell.py

test: lint
	RNN_BOOK_SMOKE=1 $(BIN)/python -m pytest -n $(WORKERS) --dist loadfile \
		--nbval-lax tests chapters

clean:
	rm -rf _build
