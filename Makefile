# `make demo` and `make test` set everything up themselves on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BACKENDS ?= tensorflow jax

.PHONY: install test test-tensorflow test-jax demo lint clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip
	$(BIN)/pip install -e ".[jax,data,dev]"
	touch $(STAMP)

test: install
	@set -e; for backend in $(BACKENDS); do \
		echo "== tests on the $$backend backend =="; \
		KERAS_BACKEND=$$backend $(BIN)/python -m pytest -q -n 2 tests; \
	done

test-%: install
	KERAS_BACKEND=$* $(BIN)/python -m pytest -q -n 2 tests

demo: install
	KERAS_BACKEND=jax $(BIN)/keras-ada demo --output demo

lint: install
	$(BIN)/ruff check keras_ada tests datasets zoo benchmarks

clean:
	rm -rf $(VENV) demo
