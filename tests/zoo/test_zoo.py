import keras
import numpy as np
import pytest

from keras_ada import zoo
from keras_ada.models import ADA
from keras_ada.models import Stack
from keras_ada.models import WaveNet
from keras_ada.models import build_model

KINDS = {"wavenet": WaveNet, "ada": ADA, "stack": Stack}


@pytest.mark.parametrize("name", zoo.names() + list(zoo.rows()))
def test_every_name_and_row_id_loads_at_tiny_scale(name):
    model = zoo.load(name, scale="tiny")
    assert isinstance(model, KINDS[zoo.kind(name)])


def test_names_cover_every_row_of_tables_1_to_3():
    rows = zoo.rows()
    expected = [f"1.{i}" for i in range(1, 8)] + [f"2.{i}" for i in range(1, 7)]
    assert list(rows) == expected + [f"3.{i}" for i in range(1, 8)]
    assert rows["3.7"] == "vqvae_amae_wavenet"
    assert rows["1.1"] == rows["3.1"] == "wavenet_large"
    assert sorted(set(rows.values())) == sorted(zoo.names())


@pytest.mark.backend_neutral  # configuration only: once, not per backend
@pytest.mark.parametrize(
    "row, hop, local_receptive_field",
    [
        ("1.2", 8, 1024),
        ("1.3", 8, 1024),
        ("1.4", 8, 1024),
        ("1.5", 8, 1024),
        ("1.6", 8, 1024),
        ("1.7", 64, 1024),
        ("2.2", 8, 64),
        ("2.3", 8, 32),
        ("2.4", 8, 64),
        ("2.5", 8, 128),
        ("2.6", 8, 256),
    ],
)
def test_paper_scale_adas_have_the_papers_hops_and_receptive_fields(
    row, hop, local_receptive_field
):
    ada = zoo.load(row)  # Not built: the properties come from the configuration.
    assert ada.hop == hop
    assert ada.local_model.receptive_field == local_receptive_field
    assert ada.encoder.receptive_field == 512
    assert ada.modulator.receptive_field == 512
    assert ada.num_codes == 256
    assert not ada.built


@pytest.mark.backend_neutral  # configuration only: once, not per backend
@pytest.mark.parametrize(
    "row, receptive_field",
    [("1.1", 6144), ("2.1", 6144), ("3.2", 12288), ("3.3", 49152)],
)
def test_paper_scale_wavenets_have_the_papers_receptive_fields(row, receptive_field):
    assert zoo.load(row).receptive_field == receptive_field


@pytest.mark.backend_neutral  # configuration only: once, not per backend
@pytest.mark.parametrize("row", ["3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7"])
def test_paper_scale_receptive_fields_match_table_3_in_milliseconds(row):
    model = zoo.load(row)
    assert model.receptive_field * 1000 / 16000 == zoo.PAPER_RESULTS[row]["rf_ms"]


def test_paper_scale_sizes_are_appendix_a():
    ada = zoo.config("vqvae_hop8")
    assert ada["local_model"] == {
        "repeats": 4,
        "stages": 8,
        "kernel_size": 2,
        "residual_channels": 384,
        "inner_channels": 64,
    }
    conditioning = {
        "repeats": 2,
        "stages": 8,
        "kernel_size": 3,
        "residual_channels": 256,
        "inner_channels": 256,
    }
    assert ada["encoder"] == ada["modulator"] == conditioning
    assert ada["quantiser"] == {
        "type": "vq",
        "code_dim": 64,
        "alpha": 1e-2,
        "beta": 0.25,
    }
    large = zoo.config("wavenet_large")
    assert (large["repeats"], large["stages"], large["kernel_size"]) == (3, 10, 3)
    assert large["residual_channels"] == large["inner_channels"] == 512
    assert zoo.config("wavenet_very_large")["repeats"] * 10 == 60
    thin = zoo.config("wavenet_thin")
    assert (thin["repeats"] * thin["stages"], thin["residual_channels"]) == (39, 192)
    assert (
        zoo.config("amae_softmax_onehot_hop8")["quantiser"]["projection"] == "softmax"
    )
    assert zoo.config("amae_onehot_hop8")["input_format"] == "one_hot"


@pytest.mark.parametrize("name", zoo.names())
def test_code_level_models_embed_codes_and_audio_models_do_not(name):
    config = zoo.config(name, scale="tiny")
    models = (
        config["levels"] + [config["prior"]] if config["kind"] == "stack" else [config]
    )
    for index, model in enumerate(models):
        on_codes = model["name"].startswith("codes_") or index > 0
        assert (model["input_format"] == "embedding") == on_codes
        assert model["num_classes"] == 256


@pytest.mark.backend_neutral  # configuration only: once, not per backend
def test_smaller_scales_keep_the_topology():
    for name in zoo.names():
        paper, tiny = zoo.config(name), zoo.config(name, scale="tiny")
        for key in ("kind", "hop", "input_format"):
            assert paper.get(key) == tiny.get(key)
    small = zoo.load("3.7", scale="small")
    assert small.receptive_field == zoo.load("3.7").receptive_field


@pytest.mark.backend_neutral  # configuration only: once, not per backend
def test_demo_scale_keeps_the_topology_and_widens_the_conditioning():
    for name in zoo.names():
        paper, demo = zoo.config(name), zoo.config(name, scale="demo")
        for key in ("kind", "hop", "input_format"):
            assert paper.get(key) == demo.get(key)
    level1, level2 = zoo.load("3.7", scale="demo").models[:2]
    assert level1.local_model.receptive_field == 32
    assert (
        level1.encoder.receptive_field
        > zoo.load("1.2", scale="tiny").encoder.receptive_field
    )
    assert level2.local_model.receptive_field == 32


def test_unknown_name_lists_the_valid_names_and_rows():
    with pytest.raises(ValueError, match="vqvae_amae_wavenet.*'3.7'"):
        zoo.load("vqvae_hop9")


def test_bad_scale_and_overrides_fail_with_the_valid_choices():
    with pytest.raises(ValueError, match=r"\('paper', 'small', 'demo', 'tiny'\)"):
        zoo.load("1.2", scale="huge")
    with pytest.raises(
        ValueError, match=r"Expected one of \[.*'hop'.*\]. Received: hops=16"
    ):
        zoo.load("1.2", hops=16)
    with pytest.raises(ValueError, match=r"vqvae_hop8.local_model.*'stages'"):
        zoo.load("1.2", local_model={"layers": 3})
    with pytest.raises(TypeError, match="must be a dict"):
        zoo.load("1.2", encoder=3)
    with pytest.raises(ValueError, match="`levels`.*`prior`"):
        zoo.load("3.7", hop=4)
    with pytest.raises(ValueError, match="one override"):
        zoo.load("3.7", levels=[{}])


def test_overrides_change_the_model():
    ada = zoo.load("vqvae_hop8", scale="tiny", hop=16, local_model={"stages": 3})
    assert ada.hop == 16 and ada.local_model.receptive_field == 2 * 2**3
    amae = zoo.load("1.2", scale="tiny", quantiser={"type": "amae", "nu": 0.5})
    assert amae.quantiser.nu == 0.5 and amae.quantiser.code_dim == 256
    amae = zoo.load("codes_amae_rf64", scale="tiny", quantiser={"diversity": "codes"})
    assert amae.quantiser.diversity == "codes"
    stack = zoo.load(
        "3.7", scale="tiny", levels=[{"num_codes": 32}, None], prior={"stages": 2}
    )
    assert stack.levels[1].num_classes == 32
    assert stack.prior.receptive_field == 1 * 2 * 2**2


@pytest.mark.parametrize("filename", ["model.keras", "model.weights.h5"])
def test_saved_weights_reload_with_identical_outputs(tmp_path, filename):
    ada = build_model(zoo.load("vqvae_hop8", scale="tiny"))
    x = np.random.default_rng(0).integers(0, 256, (2, 64)).astype("int32")
    expected = ada(x)
    path = str(tmp_path / filename)
    (ada.save if filename.endswith(".keras") else ada.save_weights)(path)
    reloaded = zoo.load("vqvae_hop8", scale="tiny", weights=path)
    outputs = reloaded(x)
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(outputs["logits"]),
        keras.ops.convert_to_numpy(expected["logits"]),
    )
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(outputs["codes"]),
        keras.ops.convert_to_numpy(expected["codes"]),
    )
    if filename.endswith(".keras"):
        loaded = keras.saving.load_model(path)
        np.testing.assert_array_equal(
            keras.ops.convert_to_numpy(loaded(x)["logits"]),
            keras.ops.convert_to_numpy(expected["logits"]),
        )
