import numpy as np
import pytest

from keras_ada.audio import mu_law_decode


def prime(length, rows=1, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (rows, length)).astype("int32")


def new_length(stack, seconds):
    return int(np.ceil(seconds * 16000 / stack.hop)) * stack.hop


# Shorter than every hop, between hops, longer than every receptive field.
@pytest.mark.parametrize("length", [5, 200, 4096 + 300])
def test_continuation_keeps_the_prime_bit_for_bit(stack, length):
    primes = prime(length, rows=2)
    audio = stack.sample(0.01, prime=primes, seed=1, verbose=0)
    assert audio.shape == (2, length + new_length(stack, 0.01))
    np.testing.assert_array_equal(audio[:, :length], primes)


def test_same_seed_same_continuation_and_a_batch_of_one_prime(stack):
    one = prime(300)
    first = stack.sample(0.01, batch_size=3, prime=one, seed=2, top_k=20, verbose=0)
    again = stack.sample(0.01, batch_size=3, prime=one, seed=2, top_k=20, verbose=0)
    np.testing.assert_array_equal(first, again)
    np.testing.assert_array_equal(first[:, :300], np.repeat(one, 3, axis=0))
    assert (first[0, 300:] != first[1, 300:]).any()
    other = stack.sample(0.01, batch_size=3, prime=one, seed=3, top_k=20, verbose=0)
    assert (first != other).any()


def test_continuation_returns_codes_that_continue_the_prime_codes(stack):
    primes = prime(640)
    audio, codes = stack.sample(
        0.01, prime=primes, seed=0, return_codes=True, verbose=0
    )
    prime_codes = stack.encode(primes)
    for level, sequence in enumerate(codes):
        n = prime_codes[level].shape[1]
        np.testing.assert_array_equal(sequence[:, :n], prime_codes[level])
        assert sequence.shape[1] * stack.input_hop(level + 1) >= audio.shape[1]


def test_a_waveform_prime_is_mu_law_encoded(stack):
    waveform = np.asarray(mu_law_decode(prime(100)))[0]
    audio = stack.sample(0.005, prime=waveform, temperatures=0.0, verbose=0)
    np.testing.assert_array_equal(audio[:, :100], prime(100))


def test_per_model_samplers_and_errors(stack):
    greedy = stack.sample(0.01, prime=prime(64), temperatures=0.0, seed=0, verbose=0)
    top_one = stack.sample(0.01, prime=prime(64), top_k=[1, 1, 1], seed=5, verbose=0)
    np.testing.assert_array_equal(greedy, top_one)
    with pytest.raises(ValueError, match="top_k"):
        stack.sample(0.01, top_k=[1, 1])
    with pytest.raises(ValueError, match="prime"):
        stack.sample(0.01, batch_size=2, prime=prime(10, rows=3))


def test_the_callback_receives_the_new_audio_as_it_is_sampled(stack):
    chunks = []
    audio = stack.sample(
        0.01, prime=prime(100), seed=0, callback=chunks.append, verbose=0
    )
    np.testing.assert_array_equal(np.concatenate(chunks, axis=1), audio[:, 100:])
