"""The models reject NumPy inputs that are not integer classes, clearly."""

import numpy as np
import pytest

from keras_ada import zoo
from keras_ada.models import build_model


@pytest.fixture(scope="module", params=["vqvae_hop8", "wavenet_large"])
def model(request):
    model = build_model(zoo.load(request.param, scale="tiny"))
    model.compile()
    return model


def entry_points(model):
    yield "fit", lambda x: model.fit(x, batch_size=2, epochs=1, verbose=0)
    yield "call", model
    if hasattr(model, "encode"):
        yield "encode", model.encode


FLOAT_AUDIO = np.sin(np.linspace(0, 20, 2 * 64)).reshape(2, 64).astype("float32")


def test_float_audio_is_rejected(model):
    for _, function in entry_points(model):
        with pytest.raises(TypeError, match="integer classes in \\[0, 256\\).*mu_law"):
            function(FLOAT_AUDIO)


def test_out_of_range_classes_are_rejected(model):
    classes = np.full((2, 64), 300, "int32")
    for _, function in entry_points(model):
        with pytest.raises(ValueError, match="values in \\[300, 300\\]"):
            function(classes)


def test_a_missing_batch_axis_is_rejected(model):
    for _, function in entry_points(model):
        with pytest.raises(ValueError, match="x\\[None\\].*shape \\(64,\\)"):
            function(np.zeros(64, "int32"))


def test_valid_classes_pass_and_encode_returns_numpy(model):
    classes = np.random.default_rng(0).integers(0, 256, (2, 64)).astype("int32")
    model(classes)
    if hasattr(model, "encode"):
        codes = model.encode(classes)
        assert isinstance(codes, np.ndarray) and codes.shape == (2, 64 // model.hop)


def test_stack_samples_classes_or_audio():
    stack = zoo.load("vqvae_amae_wavenet", scale="tiny")
    seconds = stack.hop / 16000
    classes = stack.sample(seconds, seed=0)
    audio = stack.sample_audio(seconds, seed=0)
    assert classes.dtype == np.int32 and audio.dtype == np.float32
    assert audio.shape == classes.shape and np.abs(audio).max() <= 1.0
