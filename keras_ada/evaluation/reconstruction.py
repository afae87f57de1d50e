"""Reconstruction fidelity: encode and decode held-out excerpts, compare by ear-like measures.

Held-out excerpts (consecutive windows spread evenly over the split) are encoded
and decoded back by sampling; each reconstruction is compared with its original
by `keras_ada.evaluation.fidelity`. The floor is the same comparison between an
original and an unrelated excerpt (the next one): a model whose reconstructions
score no better than that has kept nothing of the music.
"""

import keras
import numpy as np

from keras_ada.audio import SAMPLE_RATE
from keras_ada.audio import mu_law_decode
from keras_ada.data.windows import consecutive_windows
from keras_ada.evaluation import fidelity


def held_out_excerpts(recordings, count: int, seconds: float, hop: int):
    """`count` excerpts of `seconds` (a multiple of `hop` samples), spread evenly."""
    window = max(hop, int(seconds * SAMPLE_RATE) // hop * hop)
    windows = list(consecutive_windows(recordings, window).as_numpy_iterator())
    if len(windows) < 2:
        raise ValueError(
            f"Reconstruction fidelity needs at least two excerpts of {window} "
            f"samples; the data holds {len(windows)}."
        )
    count = min(max(count, 2), len(windows))
    picks = np.linspace(0, len(windows) - 1, count).round().astype(int)
    return np.stack([windows[index] for index in picks]).astype("int32")


def ada_fidelity(ada, recordings, count=2, seconds=1.0, seed=0) -> dict:
    """Fidelity of an audio ADA's reconstructions (encode, then decode by sampling)."""
    originals = held_out_excerpts(recordings, count, seconds, ada.hop)
    codes = keras.ops.convert_to_numpy(ada.encode(originals))
    reconstructions = ada.decode(codes, seed=seed)
    return score(originals, reconstructions)


def stack_fidelity(stack, recordings, count=2, seconds=1.0, seed=0) -> dict:
    """Fidelity through level 1 alone and through the whole stack."""
    originals = held_out_excerpts(recordings, count, seconds, stack.hop)
    results = {}
    for levels in sorted({1, stack.num_levels}):
        reconstructions = stack.reconstruct(originals, num_levels=levels, seed=seed)
        results[f"levels_{levels}"] = score(originals, reconstructions)
    return results


def score(originals, reconstructions) -> dict:
    """Mean fidelity of reconstructions and, as `floor`, of unrelated excerpts.

    Args:
        originals: int mu-law excerpts `(count, time)`, `count >= 2`.
        reconstructions: their reconstructions, same shape.

    Returns:
        `{"reconstruction": {measure: value}, "floor": {measure: value}}`.
    """
    originals = mu_law_decode(keras.ops.convert_to_numpy(originals), xp=np)
    reconstructions = mu_law_decode(keras.ops.convert_to_numpy(reconstructions), xp=np)
    unrelated = np.roll(originals, 1, axis=0)
    return {
        "reconstruction": _mean(
            [
                fidelity.reconstruction_fidelity(a, b, SAMPLE_RATE)
                for a, b in zip(originals, reconstructions)
            ]
        ),
        "floor": _mean(
            [
                fidelity.fidelity_floor(a, b, SAMPLE_RATE)
                for a, b in zip(originals, unrelated)
            ]
        ),
    }


def _mean(scores):
    return {key: float(np.mean([value[key] for value in scores])) for key in scores[0]}
