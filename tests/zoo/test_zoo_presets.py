import numpy as np
import pytest
from keras import ops

from keras_ada import zoo
from keras_ada.models import ADA
from keras_ada.models import WaveNet
from keras_ada.models import build_model
from keras_ada.models import preset_utils


def saved_model(name, directory):
    """A tiny zoo model with perturbed weights, saved as a preset."""
    model = build_model(zoo.load(name, scale="tiny"))
    rng = np.random.default_rng(0)
    model.set_weights(
        [w + 0.01 * rng.standard_normal(w.shape) for w in model.get_weights()]
    )
    model.save_to_preset(directory)
    return model


def logits(model):
    x = np.random.default_rng(1).integers(0, 256, size=(2, 64))
    outputs = model(x)
    outputs = outputs["logits"] if isinstance(outputs, dict) else outputs
    return ops.convert_to_numpy(outputs)


def test_load_takes_a_preset_directory(tmp_path):
    model = saved_model("vqvae_hop8", tmp_path)
    restored = zoo.load(str(tmp_path))
    assert isinstance(restored, ADA)
    np.testing.assert_array_equal(logits(restored), logits(model))


def test_load_takes_a_shipped_preset_name(tmp_path, monkeypatch):
    monkeypatch.setattr(preset_utils, "shipped_presets_dir", lambda: str(tmp_path))
    model = saved_model("wavenet_large", tmp_path / "tiny_wavenet")
    restored = zoo.load("tiny_wavenet")
    assert isinstance(restored, WaveNet)
    np.testing.assert_array_equal(logits(restored), logits(model))


def test_a_preset_takes_no_scale_or_overrides(tmp_path):
    saved_model("wavenet_large", tmp_path)
    with pytest.raises(ValueError, match="scale='tiny'"):
        zoo.load(str(tmp_path), scale="tiny")
    with pytest.raises(ValueError, match="overrides=\\{'stages': 2\\}"):
        zoo.load(str(tmp_path), stages=2)


def test_weights_from_a_preset_of_the_same_configuration(tmp_path):
    model = saved_model("vqvae_hop8", tmp_path)
    restored = zoo.load("vqvae_hop8", scale="tiny", weights=str(tmp_path))
    np.testing.assert_array_equal(logits(restored), logits(model))


def test_weights_from_a_preset_of_another_configuration_fail(tmp_path):
    saved_model("wavenet_large", tmp_path)
    with pytest.raises(ValueError, match="differ in \\['stages'\\]"):
        zoo.load("wavenet_large", scale="tiny", weights=str(tmp_path), stages=2)


def test_weights_files_still_load(tmp_path):
    model = saved_model("wavenet_large", tmp_path / "preset")
    model.save_weights(tmp_path / "model.weights.h5")
    restored = zoo.load(
        "wavenet_large", scale="tiny", weights=str(tmp_path / "model.weights.h5")
    )
    np.testing.assert_array_equal(logits(restored), logits(model))
