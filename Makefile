# `make demo` and `make test` set everything up themselves on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BACKENDS ?= tensorflow jax
DEMO_DIR ?= demo
DEMO_BACKEND ?= jax
PYTEST := $(BIN)/python -m pytest -q -n 2 --dist loadgroup --durations=10

.PHONY: install system-deps test test-multi-worker demo data lint clean

install: system-deps $(STAMP)

# FluidSynth and its General MIDI SoundFont render the embedded piano dataset.
system-deps:
	bash scripts/install_system_deps.sh

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip
	$(BIN)/pip install -e ".[jax,data,tune,dev]"
	touch $(STAMP)

test: install
	@set -e; for backend in $(BACKENDS); do \
		echo "== tests on the $$backend backend =="; \
		KERAS_BACKEND=$$backend $(PYTEST) tests; \
	done

# Training jobs of two local processes per backend (minutes): not part of `test`.
test-multi-worker: install
	@set -e; for backend in $(BACKENDS); do \
		echo "== multi-worker tests on the $$backend backend =="; \
		KERAS_ADA_MULTI_WORKER_TESTS=1 KERAS_BACKEND=$$backend \
			$(BIN)/python -m pytest -q tests/training/test_multi_worker.py; \
	done

# The embedded_mini config of piano_dataset: a few minutes of rendered repertoire.
data: install
	cd datasets && ../$(BIN)/tfds build piano_dataset --config embedded_mini \
		--data_dir ../$(DEMO_DIR)/data

demo: data
	KERAS_BACKEND=$(DEMO_BACKEND) $(BIN)/keras-ada demo --data-dir $(DEMO_DIR)/data \
		--output $(DEMO_DIR)

lint: install
	$(BIN)/ruff check keras_ada tests datasets zoo benchmarks

clean:
	rm -rf $(VENV) $(DEMO_DIR)
