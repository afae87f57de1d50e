# `make demo` and `make test` set everything up themselves on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BACKENDS ?= torch tensorflow jax
# PyTorch's CPU build. Where pip does not find it among its sources, give its
# index: make test TORCH_INDEX=https://download.pytorch.org/whl/cpu
TORCH ?= torch==2.13.0
TORCH_INDEX ?=
DEMO_DIR ?= demo
DEMO_BACKEND ?= jax
PYTEST := $(BIN)/python -m pytest -q -n 2 --dist loadgroup --durations=10

.PHONY: install system-deps test test-slow test-multi-worker demo data lint clean

install: system-deps $(STAMP)

# FluidSynth and its General MIDI SoundFont render the embedded piano dataset.
system-deps:
	bash scripts/install_system_deps.sh

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip
	$(BIN)/pip install "$(TORCH)" $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX))
	$(BIN)/pip install -e ".[jax,torch,data,tune,dev]"
	touch $(STAMP)

# Backend-neutral tests run once, with the first backend: on torch, which runs
# tiny models eagerly, they take 2 minutes, against 3 on tensorflow.
test: install
	@set -e; marks="not slow"; for backend in $(BACKENDS); do \
		echo "== tests on the $$backend backend =="; \
		KERAS_BACKEND=$$backend $(PYTEST) -m "$$marks" tests; \
		marks="not slow and not backend_neutral"; \
	done

# End-to-end runs of minutes (a PBT population on Ray, Beam's worker processes,
# a killed and resumed `keras-ada train`, the presets recipe), whose parts
# `make test` covers with fast tests.
test-slow: install
	@set -e; marks="slow"; for backend in $(BACKENDS); do \
		echo "== slow tests on the $$backend backend =="; \
		KERAS_ADA_SLOW_TESTS=1 KERAS_BACKEND=$$backend $(PYTEST) -m "$$marks" tests; \
		marks="slow and not backend_neutral"; \
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
