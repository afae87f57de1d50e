import json
import os
import shutil
import sys

import keras
import numpy as np
import pytest
from keras import ops

from keras_ada import zoo
from keras_ada.models import ADA
from keras_ada.models import PresetMixin
from keras_ada.models import Stack
from keras_ada.models import WaveNet
from keras_ada.models import build_model
from keras_ada.models import preset_utils
from keras_ada.models.autoregressive_model import AutoregressiveModel

TINY = {"wavenet": "wavenet_large", "ada": "vqvae_hop8"}


def tiny_model(kind):
    """A tiny zoo model whose weights differ from any fresh initialisation."""
    model = build_model(zoo.load(TINY[kind], scale="tiny"))
    rng = np.random.default_rng(0)
    model.set_weights(
        [w + 0.01 * rng.standard_normal(w.shape) for w in model.get_weights()]
    )
    return model


def inputs():
    return np.random.default_rng(1).integers(0, 256, size=(2, 64))


def logits(model, x):
    outputs = model(x)
    outputs = outputs["logits"] if isinstance(outputs, dict) else outputs
    return ops.convert_to_numpy(outputs)


@pytest.fixture
def shipped(tmp_path, monkeypatch):
    """A registry of shipped presets in a temporary directory."""
    root = tmp_path / "shipped"
    root.mkdir()
    monkeypatch.setattr(preset_utils, "shipped_presets_dir", lambda: str(root))
    return root


@pytest.mark.parametrize("kind, cls", [("wavenet", WaveNet), ("ada", ADA)])
def test_round_trip_gives_identical_outputs(tmp_path, kind, cls):
    model = tiny_model(kind)
    model.save_to_preset(tmp_path / "preset")
    restored = cls.from_preset(tmp_path / "preset")
    assert type(restored) is cls
    assert restored.name == model.name
    x = inputs()
    np.testing.assert_array_equal(logits(restored, x), logits(model, x))
    if kind == "ada":
        np.testing.assert_array_equal(restored.encode(x), model.encode(x))


def test_preset_directory_has_keras_hub_layout(tmp_path):
    model = tiny_model("wavenet")
    model.save_to_preset(tmp_path, metadata={"description": "A tiny WaveNet."})
    assert sorted(os.listdir(tmp_path)) == [
        "config.json",
        "metadata.json",
        "model.weights.h5",
    ]
    config = json.loads((tmp_path / "config.json").read_text())
    expected = keras.saving.serialize_keras_object(model)
    expected.pop("build_config")
    expected.pop("compile_config", None)
    assert config == json.loads(json.dumps(expected))
    assert config["registered_name"] == "keras_ada>WaveNet"
    metadata = json.loads((tmp_path / "metadata.json").read_text())
    assert metadata["keras_version"] == keras.__version__
    assert metadata["keras_ada_version"] == "0.1.0"
    assert metadata["parameter_count"] == model.count_params()
    assert metadata["description"] == "A tiny WaveNet."
    assert set(metadata) == {
        "keras_version",
        "keras_ada_version",
        "parameter_count",
        "date_saved",
        "description",
    }


def test_a_subclass_refuses_another_class(tmp_path):
    tiny_model("ada").save_to_preset(tmp_path)
    with pytest.raises(ValueError) as error:
        WaveNet.from_preset(tmp_path)
    message = str(error.value)
    assert "This preset holds a ADA, not a WaveNet" in message
    assert "use keras_ada.models.ADA.from_preset" in message


@pytest.mark.parametrize("base", [PresetMixin, AutoregressiveModel])
def test_a_base_class_returns_the_class_of_the_preset(tmp_path, base):
    tiny_model("ada").save_to_preset(tmp_path)
    assert type(base.from_preset(tmp_path)) is ADA


def test_without_weights_the_model_is_fresh_and_unbuilt(tmp_path):
    model = tiny_model("wavenet")
    model.save_to_preset(tmp_path)
    restored = WaveNet.from_preset(tmp_path, load_weights=False)
    assert not restored.built
    assert restored.get_config() == model.get_config()


def test_keyword_arguments_replace_config_values(tmp_path):
    tiny_model("wavenet").save_to_preset(tmp_path)
    assert WaveNet.from_preset(tmp_path, name="renamed").name == "renamed"


def test_missing_weights_file_is_named(tmp_path):
    tiny_model("wavenet").save_to_preset(tmp_path)
    os.remove(tmp_path / "model.weights.h5")
    with pytest.raises(FileNotFoundError, match="model.weights.h5"):
        WaveNet.from_preset(tmp_path)


def test_a_directory_without_config_is_not_a_preset(tmp_path):
    with pytest.raises(FileNotFoundError, match="config.json.*save_to_preset"):
        WaveNet.from_preset(tmp_path)


def test_unknown_preset_names_the_shipped_presets(tmp_path, shipped):
    tiny_model("wavenet").save_to_preset(shipped / "tiny_wavenet")
    with pytest.raises(ValueError) as error:
        WaveNet.from_preset("no_such_preset")
    message = str(error.value)
    assert "not a directory" in message
    assert "hf://owner/name" in message
    assert "['tiny_wavenet']" in message
    assert "preset='no_such_preset'" in message


def test_preset_must_be_a_string(tmp_path):
    with pytest.raises(TypeError, match="Received: preset=3"):
        WaveNet.from_preset(3)


def test_the_shipped_stacks_are_listed_by_stack_only():
    assert WaveNet.presets == {}
    assert ADA.presets == {}
    assert sorted(Stack.presets) == sorted(PresetMixin.presets)


def test_shipped_presets_are_listed_per_class_and_load_by_name(shipped):
    wavenet = tiny_model("wavenet")
    wavenet.save_to_preset(shipped / "tiny_wavenet", metadata={"description": "W."})
    tiny_model("ada").save_to_preset(
        shipped / "tiny_ada", metadata={"description": "A."}
    )
    (shipped / "__pycache__").mkdir()
    assert list(WaveNet.presets) == ["tiny_wavenet"]
    assert WaveNet.presets["tiny_wavenet"]["description"] == "W."
    assert list(ADA.presets) == ["tiny_ada"]
    assert list(PresetMixin.presets) == ["tiny_ada", "tiny_wavenet"]
    restored = WaveNet.from_preset("tiny_wavenet")
    x = inputs()
    np.testing.assert_array_equal(logits(restored, x), logits(wavenet, x))


def test_hf_uri_downloads_the_repository(tmp_path, monkeypatch):
    huggingface_hub = pytest.importorskip("huggingface_hub")
    hub = tmp_path / "hub"
    model = tiny_model("wavenet")
    model.save_to_preset(hub / "owner" / "name")
    requested = []

    def snapshot_download(repo_id, **kwargs):
        requested.append(repo_id)
        local = tmp_path / "cache" / repo_id
        shutil.copytree(hub / repo_id, local)
        return str(local)

    monkeypatch.setattr(huggingface_hub, "snapshot_download", snapshot_download)
    restored = WaveNet.from_preset("hf://owner/name")
    assert requested == ["owner/name"]
    x = inputs()
    np.testing.assert_array_equal(logits(restored, x), logits(model, x))


@pytest.mark.parametrize("uri", ["hf://owner", "hf://", "hf://a/b/c"])
def test_hf_uri_must_name_owner_and_repository(uri):
    with pytest.raises(ValueError, match="hf://owner/name"):
        WaveNet.from_preset(uri)


def test_hf_uri_without_huggingface_hub_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "huggingface_hub", None)
    with pytest.raises(ImportError, match="pip install huggingface_hub"):
        WaveNet.from_preset("hf://owner/name")


@pytest.mark.parametrize(
    "metadata, error, match",
    [
        ({"parameter_count": 1}, ValueError, "parameter_count"),
        (["description"], TypeError, "must be a dict"),
        ({"card": object()}, TypeError, "JSON values"),
    ],
)
def test_invalid_metadata_writes_nothing(tmp_path, metadata, error, match):
    with pytest.raises(error, match=match):
        tiny_model("wavenet").save_to_preset(tmp_path / "preset", metadata=metadata)
    assert not (tmp_path / "preset").exists()


def test_a_stack_round_trips_and_is_listed_by_name(shipped):
    stack = zoo.load("vqvae_amae_wavenet", scale="tiny")
    stack.set_weights([w + 0.01 for w in stack.get_weights()])
    stack.save_to_preset(shipped / "tiny_stack", metadata={"description": "S."})
    assert list(Stack.presets) == ["tiny_stack"]
    assert WaveNet.presets == {}
    restored = Stack.from_preset("tiny_stack")
    assert isinstance(restored, Stack)
    np.testing.assert_array_equal(
        restored.sample(0.01, seed=0, verbose=0), stack.sample(0.01, seed=0, verbose=0)
    )
    with pytest.raises(ValueError, match="holds a Stack, not a WaveNet"):
        WaveNet.from_preset("tiny_stack")
