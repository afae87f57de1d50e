import numpy as np
import pytest
from keras import ops

from keras_ada.models import WaveNet
from keras_ada.sampling import IncrementalSampler
from keras_ada.sampling import naive_generate
from keras_ada.sampling import sample_categorical

# Each distinct model x flags compiles once; the models are module-wide.
CONFIGS = {
    # input conv of length 4, filter 3: queues of 2 d.
    "continuous_k3": dict(
        repeats=2, stages=3, kernel_size=3, input_format="continuous"
    ),
    # filter 2, one-hot input.
    "one_hot_k2": dict(repeats=2, stages=4, kernel_size=2, input_format="one_hot"),
    # one repeat of filter 2: a 1-step input convolution without a queue.
    "embedding_k2": dict(
        repeats=1,
        stages=5,
        kernel_size=2,
        input_format="embedding",
        embedding_dim=6,
        num_classes=32,
    ),
}


def build(name):
    model = WaveNet(residual_channels=8, inner_channels=4, **CONFIGS[name])
    model(np.zeros((1, 1), "int32"))
    return model


@pytest.fixture(scope="module")
def models():
    return {name: build(name) for name in CONFIGS}


def full_pass(model, samples, condition=None):
    return ops.convert_to_numpy(
        model(ops.convert_to_tensor(samples), condition=condition)
    )


def assert_greedy(samples, logits):
    """Every sample is an argmax of its logits (ties within float tolerance)."""
    chosen = np.take_along_axis(logits, samples[..., None], axis=-1)[..., 0]
    np.testing.assert_array_less(logits.max(-1) - chosen, 1e-5)


@pytest.mark.parametrize("name", list(CONFIGS))
def test_greedy_steps_equal_the_teacher_forced_pass(models, name):
    model = models[name]
    assert model.receptive_field == 32
    # Past the receptive field, so every queue wraps around.
    samples, logits = model.generate(
        80, batch_size=2, temperature=0.0, return_logits=True
    )
    assert samples.shape == (2, 80) and samples.dtype == np.int32
    assert logits.shape == (2, 80, model.num_classes)
    full = full_pass(model, samples)
    np.testing.assert_allclose(logits, full, atol=1e-4, rtol=1e-4)
    assert_greedy(samples, full)


def test_seed_determinism(models):
    model = models["continuous_k3"]
    first = model.generate(50, batch_size=2, seed=7)
    np.testing.assert_array_equal(first, model.generate(50, batch_size=2, seed=7))
    assert not np.array_equal(first, model.generate(50, batch_size=2, seed=8))


def test_unseeded_sampling_follows_the_global_seed(models):
    import keras

    model = models["continuous_k3"]
    keras.utils.set_random_seed(3)
    first = model.generate(30)
    keras.utils.set_random_seed(3)
    np.testing.assert_array_equal(first, model.generate(30))


def test_batch_rows_do_not_depend_on_the_batch_size(models):
    model = models["continuous_k3"]
    batch = model.generate(40, batch_size=3, seed=5)
    single = model.generate(40, batch_size=1, seed=5)
    np.testing.assert_array_equal(batch[:1], single)
    assert not np.array_equal(batch[0], batch[1])


def test_temperature_zero_is_greedy_per_row(models):
    model = models["continuous_k3"]
    greedy = model.generate(40, batch_size=2, temperature=0.0, seed=1)
    np.testing.assert_array_equal(greedy[0], greedy[1])
    np.testing.assert_array_equal(
        greedy, model.generate(40, batch_size=2, temperature=0.0, seed=2)
    )
    mixed = model.generate(40, batch_size=2, temperature=[0.0, 1.0], seed=1)
    np.testing.assert_array_equal(mixed[0], greedy[0])
    assert not np.array_equal(mixed[1], greedy[1])


def test_chunks_carry_the_state(models):
    model = models["continuous_k3"]
    chunked = IncrementalSampler(model, chunk_size=16)
    samples = chunked.generate(70, batch_size=2, seed=4, verbose=0)
    np.testing.assert_array_equal(samples, model.generate(70, batch_size=2, seed=4))


def test_prime_is_continued(models):
    model = models["continuous_k3"]
    greedy = model.generate(80, temperature=0.0)
    # Shorter and longer than the longest queue (8), longer than 2 receptive fields.
    for length in (5, 50, 70):
        continued = model.generate(
            80 - length, prime=greedy[:, :length], temperature=0.0
        )
        np.testing.assert_array_equal(continued, greedy[:, length:])


def test_primed_logits_equal_the_teacher_forced_pass(models):
    model = models["one_hot_k2"]
    prime = np.random.default_rng(0).integers(0, 256, size=(2, 45))
    samples, logits = model.generate(30, prime=prime, seed=3, return_logits=True)
    assert samples.shape == (2, 30)
    full = full_pass(model, np.concatenate([prime, samples], 1))
    np.testing.assert_allclose(logits, full[:, 45:], atol=1e-4, rtol=1e-4)


def test_sampling_matches_the_naive_sampler(models):
    model = models["continuous_k3"]
    prime = np.random.default_rng(1).integers(0, 256, size=(2, 10))
    incremental = model.generate(45, prime=prime, seed=11)
    naive = naive_generate(model, 45, prime=prime, seed=11)
    np.testing.assert_array_equal(incremental, naive)


def test_conditioned_steps_equal_the_teacher_forced_pass():
    model = WaveNet(
        repeats=2, stages=3, residual_channels=8, inner_channels=4, kernel_size=3
    )
    rng = np.random.default_rng(2)
    condition = rng.normal(size=(2, 15, model.condition_channels)).astype("float32")
    samples, logits = model.generate(
        57, condition=condition, condition_hop=4, seed=0, return_logits=True
    )
    assert samples.shape == (2, 57)
    full = full_pass(model, samples, np.repeat(condition, 4, axis=1)[:, :57])
    np.testing.assert_allclose(logits, full, atol=1e-4, rtol=1e-4)
    unconditioned = full_pass(model, samples)
    assert np.abs(unconditioned - full).max() > 1e-2


def test_invalid_arguments_are_reported(models):
    model = models["continuous_k3"]
    with pytest.raises(ValueError, match="condition"):
        model.generate(
            10, condition=np.zeros((1, 9, model.condition_channels), "float32")
        )
    with pytest.raises(ValueError, match="batch_size"):
        model.generate(10, batch_size=2, prime=np.zeros((3, 4), "int32"))
    with pytest.raises(ValueError, match="temperature"):
        model.generate(10, temperature=-1.0)
    with pytest.raises(ValueError, match="num_steps"):
        model.generate(-1)
    assert model.generate(0, batch_size=2).shape == (2, 0)


def test_each_model_keeps_its_own_sampler(models):
    model = models["continuous_k3"]
    assert model.incremental_sampler() is model.incremental_sampler()
    assert model.incremental_sampler() is not models["one_hot_k2"].incremental_sampler()
    assert model.incremental_sampler(64) is not model.incremental_sampler()
    # Queue memory is O(receptive field): input (4 slots) + blocks (2 d + 1 slots x 8).
    assert model.incremental_sampler().queue_size == 4 * 1 + 2 * (3 + 5 + 9) * 8


def test_sample_categorical_follows_the_tempered_softmax():
    rng = np.random.default_rng(0)
    logits = np.tile(rng.normal(size=(1, 5)).astype("float32"), (20000, 1))
    uniform = rng.random(20000, dtype=np.float32)
    for temperature in (0.5, 2.0):
        drawn = ops.convert_to_numpy(
            sample_categorical(logits, uniform, np.full(20000, temperature, "float32"))
        )
        expected = np.exp(logits[0] / temperature)
        expected /= expected.sum()
        frequencies = np.bincount(drawn, minlength=5) / drawn.size
        np.testing.assert_allclose(frequencies, expected, atol=0.015)
    greedy = sample_categorical(logits[:3], uniform[:3], np.zeros(3, "float32"))
    np.testing.assert_array_equal(
        ops.convert_to_numpy(greedy), [logits[0].argmax()] * 3
    )
