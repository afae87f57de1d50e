"""The window sampler shared by audio and code excerpts."""

import numpy as np
import pytest
import tensorflow as tf

from keras_ada.data import windows

LENGTHS = [1000, 3000, 5000, 12000, 300]


def _sequences(lengths):
    """Sequence `i` holds `i * 10**6 + position`: every value names its origin."""
    return [i * 10**6 + np.arange(n, dtype=np.int64) for i, n in enumerate(lengths)]


def _stream(sequences, seed):
    dataset = tf.data.Dataset.from_generator(
        lambda: iter(sequences), output_signature=tf.TensorSpec([None], tf.int64)
    )
    return dataset.shuffle(len(sequences), seed=seed).repeat()


def test_windows_are_uniform_over_all_positions():
    length, count = 200, 30000
    sequences = [s for s in _sequences(LENGTHS) if len(s) >= length]
    starts = np.concatenate(
        [
            batch[:, 0]
            for batch in windows.random_windows(
                _stream(sequences, seed=1), length, seed=2
            )
            .batch(1000)
            .take(count // 1000)
            .as_numpy_iterator()
        ]
    )
    origin, position = starts // 10**6, starts % 10**6
    spans = np.array([len(s) - length + 1 for s in sequences])
    share = np.bincount(origin, minlength=len(sequences)) / count
    np.testing.assert_allclose(share, spans / spans.sum(), atol=0.02)
    longest = int(np.argmax(spans))
    histogram = np.histogram(
        position[origin == longest], bins=10, range=(0, spans[longest])
    )[0]
    np.testing.assert_allclose(histogram / histogram.sum(), 0.1, atol=0.02)


def test_windows_are_contiguous_slices():
    length = 64
    batch = next(
        windows.random_windows(_stream(_sequences(LENGTHS), 0), length, seed=0)
        .batch(32)
        .as_numpy_iterator()
    )
    assert batch.shape == (32, length)
    np.testing.assert_array_equal(np.diff(batch, axis=1), 1)


def test_windows_are_deterministic_for_a_seed():
    def first(seed):
        dataset = windows.random_windows(_stream(_sequences(LENGTHS), 5), 50, seed)
        return np.stack(list(dataset.take(100).as_numpy_iterator()))

    np.testing.assert_array_equal(first(3), first(3))
    assert not np.array_equal(first(3), first(4))


def test_consecutive_windows_cover_each_sequence_in_order():
    sequences = _sequences([250, 99, 300])
    dataset = tf.data.Dataset.from_generator(
        lambda: iter(sequences), output_signature=tf.TensorSpec([None], tf.int64)
    )
    result = np.stack(
        list(windows.consecutive_windows(dataset, 100).as_numpy_iterator())
    )
    expected = np.stack(
        [s[i : i + 100] for s in sequences for i in range(0, len(s) - 99, 100)]
    )
    np.testing.assert_array_equal(result, expected)


def test_fail_when_exhausted():
    empty = tf.data.Dataset.from_tensor_slices(np.zeros((0, 4), np.int32))
    dataset = windows.fail_when_exhausted(empty, "nothing to cut")
    with pytest.raises(tf.errors.InvalidArgumentError, match="nothing to cut"):
        list(dataset)
    full = tf.data.Dataset.from_tensor_slices(np.ones((3, 4), np.int32))
    assert len(list(windows.fail_when_exhausted(full.repeat(), "x").take(5))) == 5


def test_derive_seeds():
    assert windows.derive_seeds(1, 3) == windows.derive_seeds(1, 3)
    assert len(set(windows.derive_seeds(1, 3))) == 3
    assert windows.derive_seeds(1, 2) != windows.derive_seeds(2, 2)
