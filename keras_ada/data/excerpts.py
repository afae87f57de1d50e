"""Batches of mu-law excerpts of the piano recordings, for `fit` and `evaluate`."""

import random

import tensorflow as tf

from keras_ada.audio import mu_law_encode
from keras_ada.audio import pcm16_to_unit
from keras_ada.data import piano
from keras_ada.data import windows
from keras_ada.validation import check_positive_int

# Splits up to this size (stored bytes, about their decoded size) are cached in
# memory, decoded, by default.
CACHE_LIMIT_BYTES = 2 << 30


def excerpts(
    split: str,
    length: int,
    batch_size: int,
    data_dir: str | None = None,
    seed: int | None = None,
    config: str = "embedded",
    repeat: bool = True,
    shuffle_buffer: int = 1024,
    cycle_length: int = 8,
    cache: bool | None = None,
) -> tf.data.Dataset:
    """Batches of random mu-law excerpts of the `piano_dataset` recordings.

    Excerpts of `length` samples are cut at random positions drawn uniformly over
    all the audio of the split (recordings are weighted by their length; those
    shorter than `length` are left out), shuffled, mu-law quantised to 256
    classes (`keras_ada.audio.mu_law_encode` of `sample / 32768`), batched and
    prefetched. For a given `seed` the batches are always the same.

    The recordings are decoded once per visit, not once per excerpt: each visit
    of a recording of `n` samples yields about `n / length` excerpts, and the
    excerpts of `cycle_length` recordings are interleaved, then shuffled in a
    buffer of `shuffle_buffer` excerpts. Splits up to 2 GiB are cached in memory,
    decoded, so they are decoded only once.

    With `repeat=False` the dataset is finite and has no randomness, for
    evaluation: every recording is cut into consecutive non-overlapping excerpts,
    in recording order, and the last batch may be smaller.

    The prepared data is found by name in the TFDS data directory (build it with
    `keras-ada data build`); its builder is never imported.

    Args:
        split: `"train"` or `"eval"`.
        length: samples per excerpt (a model's receptive field plus the number of
            predicted steps, say).
        batch_size: excerpts per batch.
        data_dir: TFDS data directory; `None` for TFDS's default.
        seed: seed of every random choice; `None` draws one from Python's
            `random` module (seeded by `keras.utils.set_random_seed`).
        config: the `piano_dataset` config: `"embedded"`, `"embedded_mini"` or
            `"recordings"`.
        repeat: `True` for endless random excerpts (training), `False` for one
            deterministic pass of consecutive excerpts (evaluation).
        shuffle_buffer: excerpts in the shuffle buffer.
        cycle_length: recordings whose excerpts are interleaved.
        cache: whether to cache the decoded recordings in memory; `None` caches
            splits up to 2 GiB.

    Returns:
        A `tf.data.Dataset` of int32 batches `(batch_size, length)` with values in
        `[0, 256)`: endless with `repeat=True`, finite otherwise.

    Example:

    >>> dataset = keras_ada.data.excerpts("train", 1024 + 16000, 8, seed=1)  # doctest: +SKIP
    >>> model.fit(dataset, steps_per_epoch=100)  # doctest: +SKIP
    >>> model.evaluate(keras_ada.data.excerpts("eval", 17024, 8, repeat=False))  # doctest: +SKIP
    """
    check_positive_int("length", length)
    check_positive_int("batch_size", batch_size)
    check_positive_int("shuffle_buffer", shuffle_buffer)
    check_positive_int("cycle_length", cycle_length)
    if seed is None:
        seed = random.randrange(2**31)
    num_recordings, num_bytes = piano.split_size(split, config, data_dir)
    if cache is None:
        cache = num_bytes <= CACHE_LIMIT_BYTES
    file_seed, order_seed, window_seed, shuffle_seed = windows.derive_seeds(seed, 4)
    audio = piano.recordings(
        split, config, data_dir, shuffle_files=repeat and not cache, seed=file_seed
    ).map(lambda recording: recording["audio"], num_parallel_calls=tf.data.AUTOTUNE)

    if not repeat:
        batches = windows.consecutive_windows(audio, length).batch(batch_size)
    else:
        audio = audio.filter(lambda samples: tf.shape(samples)[0] >= length)
        if cache:
            audio = audio.cache()
        audio = audio.shuffle(
            num_recordings if cache else cycle_length,
            seed=order_seed,
            reshuffle_each_iteration=True,
        ).repeat()
        batches = (
            windows.random_windows(audio, length, window_seed, cycle_length)
            .shuffle(shuffle_buffer, seed=shuffle_seed)
            .batch(batch_size, drop_remainder=True)
        )
        batches = windows.fail_when_exhausted(
            batches,
            f"No recording of piano_dataset/{config} split {split!r} is at least "
            f"length={length} samples long.",
        )
    return batches.map(_mu_law_classes, num_parallel_calls=tf.data.AUTOTUNE).prefetch(
        tf.data.AUTOTUNE
    )


def _mu_law_classes(samples):
    """Mu-law classes of int16 samples, computed in the `tf.data` graph."""
    return mu_law_encode(
        pcm16_to_unit(samples, xp=tf.experimental.numpy), xp=tf.experimental.numpy
    )
