import keras
import numpy as np
import pytest
from keras import ops
from tensor_checks import assert_allclose

from keras_ada.models import WaveNet


def tiny_wavenet(**overrides):
    kwargs = dict(
        repeats=2, stages=3, residual_channels=8, inner_channels=4, kernel_size=2
    )
    kwargs.update(overrides)
    return WaveNet(**kwargs)


def toy_signal(batch=16, length=128, seed=0):
    """Random-phase sine waves, mu-law-like classes: easy to predict."""
    rng = np.random.default_rng(seed)
    phase = rng.uniform(0, 2 * np.pi, size=(batch, 1))
    wave = np.sin(2 * np.pi * np.arange(length) / 16 + phase)
    return np.round((wave + 1) * 127.5).astype("int32")


@pytest.mark.parametrize("input_format", ["continuous", "one_hot"])
def test_prediction_depends_on_exactly_the_receptive_field(input_format):
    model = tiny_wavenet(input_format=input_format)
    assert model.receptive_field == 16
    x = np.random.default_rng(1).integers(0, 256, size=(1, 64))
    changed = x.copy()
    changed[0, 20] = (changed[0, 20] + 100) % 256
    diff = np.abs(ops.convert_to_numpy(model(x) - model(changed))).max(-1)[0]
    touched = np.nonzero(diff)[0]
    assert (touched.min(), touched.max()) == (21, 20 + model.receptive_field)


def test_embedding_input_for_code_sequences():
    model = tiny_wavenet(num_classes=32, input_format="embedding", embedding_dim=6)
    logits = model(np.zeros((2, 10), "int32"))
    assert tuple(logits.shape) == (2, 10, 32)


def test_loss_falls_on_a_toy_signal():
    model = tiny_wavenet()
    model.compile(optimizer=keras.optimizers.Adam(1e-2))
    history = model.fit(toy_signal(), epochs=10, batch_size=8, verbose=0).history
    assert history["nll"][-1] < 0.85 * history["nll"][0]
    assert history["nll"][0] < np.log(256) + 0.5


def test_compile_without_arguments_is_the_papers_setup():
    model = tiny_wavenet()
    model.compile()
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    assert float(ops.convert_to_numpy(model.optimizer.learning_rate)) == pytest.approx(
        2e-4
    )
    assert model.optimizer.use_ema


def test_save_and_load_give_identical_outputs(tmp_path):
    model = tiny_wavenet(input_format="one_hot")
    model.compile()
    model.fit(toy_signal(batch=4), epochs=1, verbose=0)
    x = toy_signal(batch=2, seed=3)
    path = str(tmp_path / "wavenet.keras")
    model.save(path)
    restored = keras.saving.load_model(path)
    assert_allclose(
        ops.convert_to_numpy(restored(x)), ops.convert_to_numpy(model(x)), atol=1e-6
    )
    assert restored.get_config() == model.get_config()
    assert restored.optimizer.use_ema


@pytest.mark.parametrize(
    "sizes, field, parameters",
    [
        # local model of a level-1 ADA (appendix A), unconditional here.
        (
            dict(
                repeats=4,
                stages=8,
                residual_channels=384,
                inner_channels=64,
                kernel_size=2,
            ),
            1024,
            None,
        ),
        (
            dict(
                repeats=3,
                stages=10,
                residual_channels=512,
                inner_channels=512,
                kernel_size=3,
            ),
            6144,
            None,
        ),
        (
            dict(
                repeats=6,
                stages=10,
                residual_channels=512,
                inner_channels=512,
                kernel_size=3,
            ),
            12288,
            None,
        ),
        (
            dict(
                repeats=3,
                stages=13,
                residual_channels=192,
                inner_channels=192,
                kernel_size=3,
            ),
            49152,
            None,
        ),
    ],
)
def test_paper_receptive_fields(sizes, field, parameters):
    assert WaveNet(**sizes).receptive_field == field


@pytest.mark.parametrize("input_format", ["continuous", "one_hot"])
def test_steps_equal_the_teacher_forced_logits(input_format):
    model = tiny_wavenet(input_format=input_format)
    samples = np.random.default_rng(0).integers(0, 256, size=(2, 12))
    condition = np.random.default_rng(1).normal(size=(2, 12, model.condition_channels))
    condition = condition.astype("float32")
    logits = ops.convert_to_numpy(model(samples, condition=condition))
    # From the empty state: the first input is ignored (the shifted input is 0).
    state = model.initial_state(batch_size=2)
    previous = np.full((2,), 77, "int32")
    for t in range(12):
        logits_t, state = model.step(previous, state, condition[:, t])
        assert_allclose(logits_t, logits[:, t], atol=1e-4)
        previous = samples[:, t]
    # From a prefilled prime.
    state = model.prefill(samples[:, :5], condition[:, :5])
    for t in range(5, 12):
        logits_t, state = model.step(samples[:, t - 1], state, condition[:, t])
        assert_allclose(logits_t, logits[:, t], atol=1e-4)
