"""`.keras` files and presets move between the three Keras backends.

A tiny ADA is saved on each backend, as a `.keras` file and as a preset, with
its outputs for fixed inputs; every other backend loads both, in a process of
its own, and must give the same outputs. The test starts its own processes,
one per backend, so it runs once, whatever the suite's backend.
"""

import json
import os
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.backend_neutral

BACKENDS = ("tensorflow", "jax", "torch")

SAVE = textwrap.dedent(
    """
    import sys
    import keras, numpy as np
    from keras_ada import zoo
    from keras_ada.models import build_model

    directory = sys.argv[1]
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
    """
)

LOAD = textwrap.dedent(
    """
    import json, sys
    import keras, numpy as np
    from keras_ada.models import ADA

    failures = []
    for directory in sys.argv[1:]:
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
    print(json.dumps(failures))
    """
)


def run_on(backend, script, *arguments):
    result = subprocess.run(
        [sys.executable, "-c", script, *arguments],
        capture_output=True,
        text=True,
        env={**os.environ, "KERAS_BACKEND": backend},
    )
    assert result.returncode == 0, f"{backend}: {result.stderr[-2000:]}"
    return result.stdout


def test_files_saved_on_each_backend_load_on_every_other(tmp_path):
    pytest.importorskip("torch")
    for backend in BACKENDS:
        (tmp_path / backend).mkdir()
        run_on(backend, SAVE, str(tmp_path / backend))
    for backend in BACKENDS:
        sources = [str(tmp_path / other) for other in BACKENDS if other != backend]
        failures = json.loads(run_on(backend, LOAD, *sources).splitlines()[-1])
        assert failures == [], f"loaded on {backend}: {failures}"
