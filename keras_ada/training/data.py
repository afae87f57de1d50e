"""Training batches: excerpts of the piano data, code sequences, synthetic tones."""

import json
import math
import os

import numpy as np

from keras_ada.models.stack import encode_levels

SAMPLE_RATE = 16000


def audio_excerpts(split, length, batch_size, data_dir=None, config=None, seed=None):
    """Batches of int32 mu-law excerpts `(batch_size, length)` of the piano data.

    A thin wrapper of `keras_ada.data.excerpts` (the TFDS `piano_dataset`),
    which must have been built first (`cd datasets && tfds build piano_dataset`).
    """
    try:
        from keras_ada import data
    except ImportError as error:
        raise RuntimeError(
            "The piano data pipeline `keras_ada.data` is not available. Use "
            "`synthetic_excerpts` (`--synthetic` on the command line) to train "
            "without it."
        ) from error
    options = {} if config is None else {"config": config}
    return data.excerpts(
        split, length, batch_size, data_dir=data_dir, seed=seed, **options
    )


def encoded_code_excerpts(
    levels, split, directory, length, batch_size, data_dir=None, config=None, seed=None
):
    """Batches of excerpts of a split's codes, encoded once to `directory` first.

    The split of the piano data is encoded through `levels` (bottom first) with
    `keras_ada.data.encode_split` into `directory` (resumable; skipped when it
    is complete), then read with `keras_ada.data.code_excerpts`.

    Returns:
        An endless `tf.data.Dataset` of int32 code batches `(batch_size, length)`.
    """
    from keras_ada import data

    options = {} if config is None else {"config": config}
    if not _complete(directory):
        data.encode_split(
            LevelsEncoder(levels), split, directory, data_dir=data_dir, **options
        )
    return data.code_excerpts(directory, length, batch_size, seed=seed)


class LevelsEncoder:
    """ADAs applied in turn (bottom first), as one encoder with the product `hop`.

    Args:
        levels: a list of trained `ADA` models, bottom first.
    """

    def __init__(self, levels):
        self.levels = list(levels)

    @property
    def hop(self) -> int:
        return math.prod(level.hop for level in self.levels)

    def encode(self, inputs):
        """Codes `(batch, time // hop)` (numpy int32) of int sequences `(batch, time)`."""
        return encode_levels(self.levels, inputs)


def _complete(directory):
    path = os.path.join(directory, "metadata.json")
    if not os.path.exists(path):
        return False
    with open(path) as file:
        return bool(json.load(file).get("complete"))


def code_batches(levels, audio_batches, batch_size=None):
    """Turns audio batches into the codes of the top of `levels`, batch by batch.

    Each audio batch `(batch, time)` is encoded by each ADA of `levels` in turn
    (bottom first), giving `(batch, time // hop)` codes, `hop` the product of
    the levels' hops: the sequences a model above these levels trains on.

    Args:
        levels: a list of trained `ADA` models, bottom first.
        audio_batches: an iterable of int mu-law audio batches.
        batch_size: optional number of sequences encoded at once.

    Yields:
        1-tuples `(codes,)` of numpy int32 code batches, as `fit` takes them
        from a generator.
    """
    for audio in audio_batches:
        if isinstance(audio, tuple):
            audio = audio[0]
        yield (encode_levels(levels, np.asarray(audio), batch_size),)


def synthetic_excerpts(length, batch_size, seed=None, num_classes=256, notes=3):
    """An endless `tf.data.Dataset` of synthetic tones: see `synthetic_batches`."""
    import tensorflow as tf

    return tf.data.Dataset.from_generator(
        lambda: synthetic_batches(length, batch_size, seed, num_classes, notes),
        output_signature=tf.TensorSpec((batch_size, length), tf.int32),
    )


def synthetic_batches(length, batch_size, seed=None, num_classes=256, notes=3):
    """Endless batches of mu-law tones: a stand-in for piano excerpts in tests.

    Each excerpt sums `notes` decaying harmonic tones with random equal-tempered
    pitches (A0 to C8), onsets, loudness and decay rates, at 16 kHz, and is
    mu-law quantised to `num_classes` levels. The signal is predictable from
    its past, so a model's loss falls within a few steps.

    Args:
        length: samples per excerpt.
        batch_size: excerpts per batch.
        seed: optional seed of the random generator.
        num_classes: mu-law levels (256).
        notes: tones per excerpt.

    Yields:
        numpy int32 arrays `(batch_size, length)`.
    """
    rng = np.random.default_rng(seed)
    time = np.arange(length) / SAMPLE_RATE
    while True:
        pitch = rng.integers(21, 109, size=(batch_size, notes, 1))
        frequency = 440.0 * 2.0 ** ((pitch - 69) / 12)
        onset = rng.uniform(-0.5, 1.0, size=(batch_size, notes, 1)) * time[-1]
        loudness = rng.uniform(0.05, 0.4, size=(batch_size, notes, 1))
        decay = rng.uniform(2.0, 20.0, size=(batch_size, notes, 1))
        since = np.maximum(time - onset, 0.0)
        envelope = loudness * np.exp(-decay * since) * (time >= onset)
        partials = sum(
            np.sin(2 * np.pi * harmonic * frequency * since) / harmonic**2
            for harmonic in (1, 2, 3)
        )
        audio = np.clip(np.sum(envelope * partials, axis=1), -1.0, 1.0)
        yield mu_law(audio, num_classes)


def mu_law(audio, num_classes=256):
    """numpy mu-law quantisation, as `keras_ada.ops.mu_law_encode`."""
    mu = float(num_classes - 1)
    companded = np.sign(audio) * np.log1p(mu * np.abs(audio)) / np.log1p(mu)
    return np.floor((companded + 1.0) / 2.0 * mu + 0.5).astype("int32")
