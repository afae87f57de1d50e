"""Synthetic piano-like tones: a stand-in for the piano data in tests and smoke runs."""

import numpy as np
import tensorflow as tf

from keras_ada.audio import SAMPLE_RATE
from keras_ada.audio import mu_law_encode


def synthetic_excerpts(length, batch_size, seed=None, num_classes=256, notes=3):
    """An endless `tf.data.Dataset` of synthetic tones: see `synthetic_batches`.

    Example:

    >>> batches = keras_ada.data.synthetic_excerpts(64, 2, seed=0)
    >>> batches.element_spec.shape
    TensorShape([2, 64])
    """
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
        yield mu_law_encode(audio, num_classes, xp=np)
