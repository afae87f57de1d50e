"""`.keras` files and presets move between the three Keras backends.

A tiny ADA is saved on each backend, as a `.keras` file and as a preset, with
its outputs for fixed inputs; every other backend loads both and must give the
same outputs. The suite's own backend saves and loads in the test's process;
each other backend runs in a process of its own (three processes cover the six
ordered pairs), so the test runs once, whatever the suite's backend.
"""

import json
import os
import subprocess
import sys
import textwrap

import keras
import pytest

pytestmark = pytest.mark.backend_neutral

BACKENDS = ("tensorflow", "jax", "torch")

SAVE_AND_LOAD = textwrap.dedent(
    """
    import keras, numpy as np
    from keras_ada import zoo
    from keras_ada.models import ADA, build_model


    def save(directory):
        keras.utils.set_random_seed(0)
        model = build_model(zoo.load("vqvae_hop8", scale="tiny"))
        model(np.zeros((1, 64), "int32"))
        rng = np.random.default_rng(0)
        model.set_weights(
            [w + 0.05 * rng.standard_normal(w.shape) for w in model.get_weights()]
        )
        x = rng.integers(0, 256, size=(2, 64)).astype("int32")
        outputs = model(x)
        np.save(directory + "/x.npy", x)
        np.save(directory + "/logits.npy", keras.ops.convert_to_numpy(outputs["logits"]))
        np.save(directory + "/codes.npy", keras.ops.convert_to_numpy(outputs["codes"]))
        model.save(directory + "/model.keras")
        model.save_to_preset(directory + "/preset")


    def failures_loading(directories):
        failures = []
        for directory in directories:
            x = np.load(directory + "/x.npy")
            for how, load in (
                ("model.keras", lambda: keras.saving.load_model(directory + "/model.keras")),
                ("preset", lambda: ADA.from_preset(directory + "/preset")),
            ):
                outputs = load()(x)
                logits = keras.ops.convert_to_numpy(outputs["logits"])
                codes = keras.ops.convert_to_numpy(outputs["codes"])
                if not np.allclose(logits, np.load(directory + "/logits.npy"), atol=1e-4):
                    failures.append(f"{directory} {how}: other logits")
                if not np.array_equal(codes, np.load(directory + "/codes.npy")):
                    failures.append(f"{directory} {how}: other codes")
        return failures
    """
)

# Loads the directories after the first argument, then saves into the first
# (unless it is empty), and prints what failed to load as JSON.
PROCESS = SAVE_AND_LOAD + textwrap.dedent(
    """
    import json, sys

    save_to, *load_from = sys.argv[1:]
    failures = failures_loading(load_from)
    if save_to:
        save(save_to)
    print(json.dumps(failures))
    """
)


def run_on(backend, save_to, *load_from):
    result = subprocess.run(
        [sys.executable, "-c", PROCESS, str(save_to), *map(str, load_from)],
        capture_output=True,
        text=True,
        env={**os.environ, "KERAS_BACKEND": backend},
    )
    assert result.returncode == 0, f"{backend}: {result.stderr[-2000:]}"
    return json.loads(result.stdout.splitlines()[-1])


def test_files_saved_on_each_backend_load_on_every_other(tmp_path):
    pytest.importorskip("torch")
    here = keras.backend.backend()
    first, second = (backend for backend in BACKENDS if backend != here)
    for backend in BACKENDS:
        (tmp_path / backend).mkdir()
    in_process = {}
    exec(SAVE_AND_LOAD, in_process)

    in_process["save"](str(tmp_path / here))
    failures = {
        first: run_on(first, tmp_path / first, tmp_path / here),
        second: run_on(second, tmp_path / second, tmp_path / here, tmp_path / first),
    }
    failures[here] = in_process["failures_loading"](
        [str(tmp_path / first), str(tmp_path / second)]
    )
    failures[first] += run_on(first, "", tmp_path / second)
    assert failures == {backend: [] for backend in BACKENDS}, (
        "failures by the loading backend"
    )
