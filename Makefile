# redflags: `make demo` runs the main job on bundled data; `make test` runs the whole suite.
# Both bootstrap .venv on a fresh machine (Python 3.11+ with venv is all they need).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test lint typecheck unit bench accuracy clean native

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

# The screening hot path compiled with mypyc (tools/build_native.py); about 40 s, redone only
# when a compiled module's source changed.  If compiling fails, redflags runs from its sources
# (same results, slower) and says so; CI's REDFLAGS_REQUIRE_NATIVE=1 turns that into a failure.
native: $(STAMP)
	@$(BIN)/python tools/build_native.py --if-stale || \
	  echo "note: compiling the screening modules failed; running from the pure-Python sources"

demo: native
	$(BIN)/redflags demo --out redflags-demo

lint: $(STAMP)
	$(BIN)/ruff check src tests bench docs tools

typecheck: $(STAMP)
	$(BIN)/mypy

# Browser tests drive Debian's Chromium (browsers cannot be downloaded by Playwright here); make
# installs it once with apt when missing, and the tests skip with a reason if that fails.
CHROMIUM := /usr/bin/chromium
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(CHROMIUM):
	@command -v apt-get >/dev/null 2>&1 && \
	  { $(SUDO) apt-get update -qq >/dev/null 2>&1; \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null 2>&1; } || true
	@test -x $(CHROMIUM) || echo "note: $(CHROMIUM) could not be installed; browser tests will skip"

# Doctests run on the pure sources: doctest cannot see inside compiled functions, and
# tests/test_native.py checks that the compiled build gives the same results.
unit: native $(CHROMIUM)
	$(BIN)/python -m pytest -n 2 -q
	REDFLAGS_PURE=1 $(BIN)/python -m pytest -q --doctest-modules src/redflags \
	  --ignore=src/redflags/store/migrations

test: lint typecheck unit

accuracy: $(STAMP)
	$(BIN)/python docs/accuracy.py

bench: native
	$(BIN)/python bench/scan.py

clean:
	-test -x $(BIN)/python && $(BIN)/python tools/build_native.py --clean
	rm -rf $(VENV) build redflags-demo .pytest_cache .mypy_cache .ruff_cache
