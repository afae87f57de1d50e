import os

import keras
import numpy as np
import pytest

from keras_ada import zoo
from keras_ada.data import synthetic_batches


def tones(batch, length):
    return next(synthetic_batches(length, batch, seed=0))


def codes(batch, length):
    """Code sequences with structure: repeated random motifs of 8 codes."""
    motifs = np.random.default_rng(0).integers(0, 256, size=(batch, 8))
    return np.tile(motifs, (1, length // 8)).astype("int32")


@pytest.fixture
def policy(request):
    keras.mixed_precision.set_global_policy(request.param)
    yield request.param
    keras.mixed_precision.set_global_policy("float32")


MODELS = [
    ("wavenet_large", tones),
    ("vqvae_hop8", tones),
    ("amae_hop8", tones),
    ("codes_amae_rf64", codes),
]


def cases():
    """Each model with each policy; `make test` runs each model once, the two
    policies taking turns (each on two models), `make test-slow` the others."""
    for index, (name, data) in enumerate(MODELS):
        for turn, policy in enumerate(("mixed_bfloat16", "mixed_float16")):
            marks = [pytest.mark.slow] if (index + turn) % 2 else []
            yield pytest.param(policy, name, data, marks=marks)


@pytest.mark.parametrize("policy, name, data", list(cases()), indirect=["policy"])
def test_tiny_models_train_in_mixed_precision(policy, name, data, tmp_path):
    keras.utils.set_random_seed(0)
    model = zoo.load(name, scale="tiny")
    model.compile(optimizer=keras.optimizers.Adam(3e-3))
    x = data(16, 128)
    # float16 starts with a large loss scale that halves on each overflowing
    # step (a skipped update): give it the steps to settle.
    epochs = 8 if policy == "mixed_bfloat16" else 12
    history = model.fit(x, batch_size=8, epochs=epochs, shuffle=False, verbose=0)
    history = history.history
    assert np.all(np.isfinite(history["loss"]))
    assert history["nll"][-1] < history["nll"][0] - 0.05

    compute = {"mixed_bfloat16": "bfloat16", "mixed_float16": "float16"}[policy]
    assert model.compute_dtype == compute
    assert all(weight.dtype == "float32" for weight in model.weights)
    outputs = model(x[:2])
    logits = outputs["logits"] if isinstance(outputs, dict) else outputs
    assert keras.backend.standardize_dtype(logits.dtype) == "float32"

    path = os.path.join(tmp_path, "model.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert loaded.compute_dtype == compute
    reloaded = loaded(x[:2])
    reloaded = reloaded["logits"] if isinstance(reloaded, dict) else reloaded
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(reloaded),
        keras.ops.convert_to_numpy(logits),
        atol=1e-5,
    )
