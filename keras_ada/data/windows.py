"""Windows of sequences: random excerpts for training, consecutive ones for evaluation.

Shared by audio excerpts and code excerpts: both cut fixed-length windows out of a
stream of 1-D sequences (recordings, or code sequences).
"""

import numpy as np
import tensorflow as tf


def derive_seeds(seed: int, count: int) -> list[int]:
    """Derives `count` independent 31-bit seeds from one seed.

    Args:
        seed: the seed.
        count: number of seeds.

    Returns:
        A list of `count` ints in `[0, 2**31)`.
    """
    state = np.random.SeedSequence(seed).generate_state(count)
    return [int(value) & 0x7FFFFFFF for value in state]


def random_windows(
    sequences: tf.data.Dataset, length: int, seed: int, cycle_length: int = 8
) -> tf.data.Dataset:
    """Cuts random windows, uniformly over all positions, out of a stream.

    Each visit of a sequence of `n >= length` steps yields about
    `(n - length + 1) / length` windows (a random rounding of that number), at
    uniformly drawn start positions: in expectation every valid start position of
    every sequence is drawn equally often, so long sequences give proportionally
    more windows and the windows are uniform over all the data. `cycle_length`
    sequences are visited at once, their windows interleaved. The randomness is
    stateless, derived from `seed` and the visit's index: the output is a
    deterministic function of `seed` and the input stream.

    Args:
        sequences: a dataset of 1-D tensors, each at least `length` long,
            typically shuffled and repeated.
        length: window length.
        seed: seed of the window positions.
        cycle_length: number of sequences whose windows are interleaved.

    Returns:
        A dataset of windows `[length]`, with the sequences' dtype.
    """

    def windows_of(visit, sequence):
        span = tf.cast(tf.shape(sequence)[0] - length + 1, tf.int64)
        count_seed, start_seed = tf.unstack(
            tf.random.experimental.stateless_split(
                tf.stack([tf.constant(seed, tf.int64), visit]), num=2
            )
        )
        expected = tf.cast(span, tf.float64) / length
        count = tf.cast(
            tf.floor(
                expected + tf.random.stateless_uniform([], count_seed, dtype=tf.float64)
            ),
            tf.int64,
        )
        starts = tf.random.stateless_uniform(
            [count], start_seed, minval=0, maxval=span, dtype=tf.int64
        )
        return tf.data.Dataset.from_tensor_slices(starts).map(
            lambda start: tf.slice(sequence, [start], [length])
        )

    return sequences.enumerate().interleave(
        windows_of,
        cycle_length=cycle_length,
        block_length=1,
        num_parallel_calls=tf.data.AUTOTUNE,
        deterministic=True,
    )


def consecutive_windows(sequences, length: int) -> tf.data.Dataset:
    """Cuts each sequence into consecutive non-overlapping windows, in order.

    The last `n % length` steps of a sequence of `n` steps are left out, and so
    are sequences shorter than `length`.

    Args:
        sequences: a dataset of 1-D tensors, or a list of 1-D NumPy arrays of
            one dtype.
        length: window length.

    Returns:
        A finite dataset of windows `[length]`, with the sequences' dtype.

    Example:

    >>> windows = consecutive_windows([np.arange(5), np.arange(10, 14)], 2)
    >>> [window.tolist() for window in windows.as_numpy_iterator()]
    [[0, 1], [2, 3], [10, 11], [12, 13]]
    """
    if not isinstance(sequences, tf.data.Dataset):
        sequences = _dataset_of_arrays(sequences)

    def split(sequence):
        count = tf.shape(sequence)[0] // length
        return tf.data.Dataset.from_tensor_slices(
            tf.reshape(sequence[: count * length], [count, length])
        )

    return sequences.flat_map(split)


def _dataset_of_arrays(arrays) -> tf.data.Dataset:
    arrays = [np.asarray(array).reshape(-1) for array in arrays]
    dtype = arrays[0].dtype if arrays else np.int32
    return tf.data.Dataset.from_generator(
        lambda: iter(arrays), output_signature=tf.TensorSpec([None], dtype)
    )


def fail_when_exhausted(dataset: tf.data.Dataset, message: str) -> tf.data.Dataset:
    """Appends an element that raises `message`, reached only if `dataset` ends.

    An endless dataset built with `repeat()` over no data ends at once; this turns
    that into an error naming the cause, rather than an empty dataset.

    Args:
        dataset: a dataset with fully defined element shapes.
        message: the error message.

    Returns:
        The dataset, followed by an element whose computation fails.
    """
    spec = dataset.element_spec

    def fail(_):
        check = tf.debugging.Assert(tf.constant(False), [message])
        with tf.control_dependencies([check]):
            return tf.zeros(spec.shape, spec.dtype)

    return dataset.concatenate(tf.data.Dataset.range(1).map(fail))
