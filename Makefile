# Two jobs matter: `make book` (build the website) and `make test` (every check CI runs).
# Both create the virtual environment .venv on first use and install the pinned dependencies.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed
# Extra pip options for `make install`. On Linux, PyPI's torch wheel pulls gigabytes of CUDA packages;
# `make install PIP_EXTRA="--extra-index-url https://download.pytorch.org/whl/cpu"` takes the CPU build.
PIP_EXTRA ?=
export PYTHONHASHSEED := 0
# The package is imported from this checkout's src/ (also in a git worktree sharing another's .venv).
export PYTHONPATH := $(CURDIR)/src
# The notebooks are written for, and timed on, a 2-core CPU; TensorFlow finds no GPU and stays quiet.
export CUDA_VISIBLE_DEVICES :=
export TF_CPP_MIN_LOG_LEVEL := 3
export TF_ENABLE_ONEDNN_OPTS := 0

.PHONY: help install book lint test test-src test-notebooks test-site execute format reproducible lab lock clean

help:
	@echo "make book     build the website into _build/html (stored notebook outputs, warnings are errors)"
	@echo "make test     every check: ruff on src/ tests/ scripts/, pytest on src/ and tests/, pairing, nbval over"
	@echo "              every chapter, the book build,"
	@echo "              then the site in headless Chromium (tests/test_site.py)"
	@echo "make lint            ruff check on src/, tests/ and scripts/ (rules in pyproject.toml)"
	@echo "make test-src        pytest on tests/ only (no notebooks)"
	@echo "make test-notebooks  nbval over every chapter only"
	@echo "make execute  re-execute the chapters whose .md changed (or CHAPTERS="chapters/NN_x.md") and re-sync the pairs"
	@echo "make format   ruff-format every chapter's code cells to 80 columns (.md and .ipynb, outputs kept)"
	@echo "make reproducible  run each chapter (or NOTEBOOKS="chapters/NN_x.ipynb") with 1 and 2 threads, list differing outputs"
	@echo "                   (REPRO_ARGS=--stored: one 1-thread run against the stored outputs, half the time)"
	@echo "make lab      JupyterLab with jupytext: chapters/*.md open as notebooks"
	@echo "make lock     re-pin requirements.txt from requirements.in (needs the package index)"
	@echo "make clean    remove the built site and the execution cache"

install: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip==26.3
	$(PY) -m pip install --quiet $(PIP_EXTRA) -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

book: $(STAMP)
	rm -rf _build/html
	$(BIN)/jupyter-book build . --path-output . -W -n --keep-going
	@echo "Open the book: file://$(CURDIR)/_build/html/index.html"

test-src: $(STAMP)
	$(PY) -m pytest tests --ignore=tests/test_site.py --durations=10

test-notebooks: $(STAMP)
	$(PY) -m pytest --nbval chapters book --durations=15

# The site test loads every page of _build/html in headless Chromium (offline), so it runs after the build.
test-site: $(STAMP)
	$(PY) -m pytest tests/test_site.py -v

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts

test: $(STAMP)
	$(MAKE) --no-print-directory lint
	$(PY) -m pytest tests --ignore=tests/test_site.py --nbval chapters book --durations=15
	$(MAKE) --no-print-directory book
	$(MAKE) --no-print-directory test-site

# Re-execute the chapters whose .md cells differ from their .ipynb (or CHAPTERS="chapters/NN_x.md ...").
execute: $(STAMP)
	$(PY) scripts/execute_chapters.py $(CHAPTERS)

# Format code cells with ruff (80 columns), in the .md and the .ipynb, without re-executing.
format: $(STAMP)
	$(PY) scripts/format_chapters.py $(CHAPTERS)

# Execute the notebooks twice, with 1 and with 2 threads, and compare what nbval compares.
reproducible: $(STAMP)
	$(PY) scripts/check_reproducible.py $(REPRO_ARGS) $(NOTEBOOKS)

# Project JupyterLab settings (.jupyter/lab/user-settings) make jupytext's notebook view the default
# for chapters/*.md; --allow-root only when run as root (e.g. in a container).
lab: $(STAMP)
	JUPYTERLAB_SETTINGS_DIR=$(CURDIR)/.jupyter/lab/user-settings \
	JUPYTERLAB_WORKSPACES_DIR=$(CURDIR)/.jupyter/lab/workspaces \
	$(BIN)/jupyter lab --notebook-dir=. $(if $(filter 0,$(shell id -u)),--allow-root) chapters

# Re-pin every dependency from requirements.in (needs the package index).
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet --upgrade pip==26.3 && .venv-lock/bin/pip install --quiet -r requirements.in
	{ echo "# Pinned, complete dependency set of the book (Python 3.11, CPU)."; \
	  echo "# Generated from requirements.in by \`make lock\`; edit requirements.in, not this file."; \
	  .venv-lock/bin/pip freeze --exclude-editable; } > requirements.txt
	rm -rf .venv-lock

clean:
	rm -rf _build .jupyter_cache
