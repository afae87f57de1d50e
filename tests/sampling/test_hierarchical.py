import numpy as np
import pytest
from keras import ops

from keras_ada.audio import mu_law_encode


def assert_greedy(samples, logits):
    chosen = np.take_along_axis(logits, samples[..., None], axis=-1)[..., 0]
    np.testing.assert_array_less(logits.max(-1) - chosen, 1e-5)


def random_codes(ada, batch_size, length, seed=0):
    return np.random.default_rng(seed).integers(0, ada.num_codes, (batch_size, length))


@pytest.mark.parametrize("level", [0, 1])  # VQ-VAE on audio, AMAE on codes
def test_decode_steps_equal_the_teacher_forced_pass(stack, level):
    ada = stack.levels[level]
    codes = random_codes(ada, 2, 9)
    output, logits = ada.decode(codes, temperature=0.0, return_logits=True)
    assert output.shape == (2, 9 * ada.hop) and output.dtype == np.int32
    full = ops.convert_to_numpy(ada.local_model(output, condition=ada.condition(codes)))
    np.testing.assert_allclose(logits, full, atol=1e-4, rtol=1e-4)
    assert_greedy(output, full)


@pytest.mark.parametrize("length", [3, 40, 53])  # one window; several, and a tail
def test_decode_over_moving_condition_windows_equals_the_teacher_forced_pass(
    stack, length
):
    ada = stack.levels[0]
    codes = random_codes(ada, 1, length, seed=length)
    output, logits = ada.decode(
        codes, temperature=0.0, chunk_size=16, return_logits=True, verbose=0
    )
    full = ops.convert_to_numpy(ada.local_model(output, condition=ada.condition(codes)))
    np.testing.assert_allclose(logits, full, atol=1e-4, rtol=1e-4)


def test_condition_windows_have_one_shape_whatever_the_duration(stack, monkeypatch):
    ada = stack.levels[0]
    shapes = set()
    compute = ada.code_rate_condition

    def spy(codes):
        shapes.add(tuple(codes.shape))
        return compute(codes)

    monkeypatch.setattr(ada, "code_rate_condition", spy)
    for length in (40, 53):
        ada.decode(random_codes(ada, 1, length), seed=0, chunk_size=16, verbose=0)
    assert len(shapes) == 1
    assert next(iter(shapes))[1] < 40


def test_code_rate_condition_is_the_condition_before_repetition(stack):
    ada = stack.levels[0]
    codes = random_codes(ada, 2, 7)
    np.testing.assert_allclose(
        ops.convert_to_numpy(
            ops.repeat(ada.code_rate_condition(codes), ada.hop, axis=1)
        ),
        ops.convert_to_numpy(ada.condition(codes)),
        atol=1e-6,
    )


def test_decode_is_seeded_and_continues_a_prime(stack):
    ada = stack.levels[0]
    codes = random_codes(ada, 2, 8, seed=1)
    first = ada.decode(codes, seed=3)
    np.testing.assert_array_equal(first, ada.decode(codes, seed=3))
    assert not np.array_equal(first, ada.decode(codes, seed=4))
    greedy = ada.decode(codes, temperature=0.0)
    np.testing.assert_array_equal(
        greedy, ada.decode(codes, temperature=0.0, prime=greedy[:, :21])
    )


def test_stack_sample(stack):
    audio, codes = stack.sample(
        0.01, batch_size=2, temperatures=0.9, seed=5, return_codes=True
    )
    steps = int(np.ceil(0.01 * 16000 / stack.hop))
    assert audio.shape == (2, steps * stack.hop) and audio.dtype == np.int32
    assert [c.shape for c in codes] == [(2, steps * 8), (2, steps)]
    assert audio.min() >= 0 and audio.max() < 256
    np.testing.assert_array_equal(
        audio, stack.sample(0.01, batch_size=2, temperatures=0.9, seed=5)
    )
    # Each level's output is what its decoder renders from the codes above.
    np.testing.assert_array_equal(
        stack.levels[1].decode(codes[1], temperature=0.0),
        stack.sample(
            0.01, batch_size=2, temperatures=[0.9, 0.0, 0.9], seed=5, return_codes=True
        )[1][0],
    )
    with pytest.raises(ValueError, match="temperatures"):
        stack.sample(0.01, temperatures=[1.0, 1.0])


def test_stack_reconstruct(stack):
    waveform = np.sin(np.linspace(0, 30, 128))[None].astype("float32") * 0.5
    reconstruction = stack.reconstruct(waveform, seed=0)
    assert reconstruction.shape == (1, 128) and reconstruction.dtype == np.int32
    classes = ops.convert_to_numpy(mu_law_encode(waveform))
    one_level = stack.reconstruct(classes, num_levels=1, temperatures=0.0)
    expected = stack.levels[0].decode(stack.levels[0].encode(classes), temperature=0.0)
    np.testing.assert_array_equal(one_level, expected)
