import keras
import numpy as np
import pytest
from keras import ops

from keras_ada.layers import ArgmaxQuantiser
from keras_ada.layers import VectorQuantiser
from keras_ada.models import ADA
from keras_ada.models import Encoder
from keras_ada.models import Modulator
from keras_ada.models import WaveNet


def tiny_ada(
    quantiser="vq",
    hop=4,
    num_classes=256,
    input_format="continuous",
    embedding_dim=None,
):
    num_codes = 16
    if quantiser == "vq":
        quantiser = VectorQuantiser(num_codes, 8, alpha=0.05, beta=0.25, seed=0)
    else:
        quantiser = ArgmaxQuantiser(num_codes, nu=0.1)
    local_model = WaveNet(
        num_classes=num_classes,
        repeats=1,
        stages=4,
        residual_channels=8,
        inner_channels=4,
        input_format=input_format,
        embedding_dim=embedding_dim,
    )
    return ADA(
        encoder=Encoder(
            num_classes=num_classes,
            query_dim=quantiser.code_dim,
            hop=hop,
            repeats=1,
            stages=3,
            residual_channels=8,
            inner_channels=8,
            input_format=input_format,
            embedding_dim=embedding_dim,
        ),
        quantiser=quantiser,
        modulator=Modulator(
            local_model.condition_channels,
            hop=hop,
            repeats=1,
            stages=2,
            residual_channels=8,
            inner_channels=8,
        ),
        local_model=local_model,
    )


def toy_audio(batch=16, length=128, seed=0):
    rng = np.random.default_rng(seed)
    period = rng.integers(8, 32, size=(batch, 1))
    wave = np.sin(
        2 * np.pi * np.arange(length) / period + rng.uniform(0, 6, (batch, 1))
    )
    return np.round((wave * rng.uniform(0.3, 1, (batch, 1)) + 1) * 127.5).astype(
        "int32"
    )


@pytest.mark.parametrize("quantiser", ["vq", "argmax"])
def test_outputs_and_codes(quantiser):
    ada = tiny_ada(quantiser)
    outputs = ada(toy_audio(batch=2, length=32))
    assert tuple(outputs["logits"].shape) == (2, 32, 256)
    assert tuple(outputs["codes"].shape) == (2, 8)
    codes = ops.convert_to_numpy(ada.encode(toy_audio(batch=2, length=32)))
    assert codes.shape == (2, 8) and codes.min() >= 0 and codes.max() < 16
    assert tuple(ada.condition(codes).shape) == (
        2,
        32,
        ada.local_model.condition_channels,
    )


@pytest.mark.parametrize("quantiser", ["vq", "argmax"])
def test_loss_falls_and_metrics_are_logged(quantiser):
    ada = tiny_ada(quantiser)
    ada.compile(optimizer=keras.optimizers.Adam(5e-3))
    history = ada.fit(toy_audio(), epochs=10, batch_size=4, verbose=0).history
    assert {"loss", "nll", "perplexity"} <= set(history)
    assert history["nll"][-1] < 0.95 * history["nll"][0]
    assert history["loss"][-1] < history["loss"][0]
    assert 1.0 <= history["perplexity"][-1] <= 16.0


def test_code_level_ada_with_embedded_inputs():
    ada = tiny_ada(
        "argmax", hop=2, num_classes=16, input_format="embedding", embedding_dim=4
    )
    ada.compile(optimizer=keras.optimizers.Adam(5e-3))
    codes = np.random.default_rng(0).integers(0, 16, size=(8, 32))
    history = ada.fit(codes, epochs=4, batch_size=4, verbose=0).history
    assert history["loss"][-1] < history["loss"][0]


@pytest.mark.parametrize("quantiser", ["vq", "argmax"])
def test_local_model_is_driven_by_the_codes(quantiser):
    ada = tiny_ada(quantiser)
    x = toy_audio(batch=2, length=32)
    outputs = ada(x)
    from_codes = ada.local_model(x, condition=ada.condition(outputs["codes"]))
    np.testing.assert_allclose(
        ops.convert_to_numpy(from_codes),
        ops.convert_to_numpy(outputs["logits"]),
        atol=1e-5,
    )


@pytest.mark.parametrize("quantiser", ["vq", "argmax"])
def test_save_and_load_give_identical_outputs(tmp_path, quantiser):
    ada = tiny_ada(quantiser)
    ada.compile()
    ada.fit(toy_audio(batch=4), epochs=1, verbose=0)
    x = toy_audio(batch=2, seed=5)
    path = str(tmp_path / "ada.keras")
    ada.save(path)
    restored = keras.saving.load_model(path)
    np.testing.assert_allclose(
        ops.convert_to_numpy(restored(x)["logits"]),
        ops.convert_to_numpy(ada(x)["logits"]),
        atol=1e-5,
    )
    np.testing.assert_array_equal(
        ops.convert_to_numpy(restored.encode(x)), ops.convert_to_numpy(ada.encode(x))
    )


def test_mismatched_parts_are_reported():
    ada = tiny_ada()
    with pytest.raises(ValueError, match="query_dim"):
        ADA(
            encoder=Encoder(
                query_dim=5,
                hop=4,
                repeats=1,
                stages=1,
                residual_channels=4,
                inner_channels=4,
            ),
            quantiser=ada.quantiser,
            modulator=ada.modulator,
            local_model=ada.local_model,
        )
    with pytest.raises(ValueError, match="hop"):
        ADA(
            encoder=ada.encoder,
            quantiser=ada.quantiser,
            modulator=Modulator(
                ada.local_model.condition_channels, hop=8, repeats=1, stages=1
            ),
            local_model=ada.local_model,
        )


def test_input_length_must_be_a_multiple_of_hop():
    with pytest.raises(ValueError, match="multiple of `hop`=4"):
        tiny_ada()(np.zeros((1, 30), "int32"))
