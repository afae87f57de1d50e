"""Deterministic evaluation of a trained model or stack on a whole split.

The protocol (`zoo/README.md`, "Evaluation"):

- **NLL**: every recording of the split is cut into consecutive windows of
  `context + length` steps of the modelled sequence (no randomness); each
  window is scored on its last `length` steps, whose whole receptive field is
  real data. Nats per timestep, with the weights as saved (the Polyak averages
  after `keras-ada train`).
- **Perplexity** of an ADA's codes: the recordings are cut into consecutive
  one-second sequences, each encoded on its own; `perplexity_per_second` is the
  mean of their code-usage perplexities (the paper's Table 1),
  `perplexity_pooled` that of all their codes together.
- **Reconstruction fidelity** of an ADA or a stack: see `reconstruction.py`.
"""

import math
import os

import keras
import numpy as np

from keras_ada.audio import SAMPLE_RATE
from keras_ada.audio import mu_law_encode
from keras_ada.audio import pcm16_to_unit
from keras_ada.data import piano
from keras_ada.data.windows import consecutive_windows
from keras_ada.evaluation.nll import full_context_nll
from keras_ada.evaluation.perplexity import per_second_perplexity
from keras_ada.evaluation.reconstruction import ada_fidelity
from keras_ada.evaluation.reconstruction import stack_fidelity
from keras_ada.layers.perplexity import codebook_perplexity
from keras_ada.models.ada import ADA
from keras_ada.models.stack import Stack
from keras_ada.models.stack_directory import STACK_FILE

DEFAULT_WINDOW = 4096  # audio samples scored per window, at least


def load_run(path: str):
    """Loads a trained model (`.keras` file or run directory) or a stack directory."""
    if os.path.isdir(path):
        if os.path.exists(os.path.join(path, STACK_FILE)):
            return Stack.load(path, compile=False)
        path = os.path.join(path, "model.keras")
    if not os.path.exists(path):
        raise FileNotFoundError(
            f"No trained model at {path!r}: give a `.keras` file, a run directory "
            "holding `model.keras`, or a stack directory holding `stack.json`."
        )
    return keras.saving.load_model(path, compile=False)


def evaluate(
    model,
    split: str = "eval",
    data_dir: str | None = None,
    config: str = "embedded",
    seconds: float | None = None,
    length: int | None = None,
    batch_size: int = 8,
    audio=None,
    fidelity_excerpts: int = 2,
    fidelity_seconds: float = 1.0,
    seed: int = 0,
    below=(),
) -> dict:
    """Evaluates a `WaveNet`, an `ADA` or a `Stack` on a whole split.

    Args:
        model: the model, or the path of a run or stack (see `load_run`).
        split: split of the piano data.
        data_dir: TFDS data directory.
        config: `piano_dataset` builder config.
        seconds: evaluate at most this much audio (default: the whole split).
        length: scored steps per window (default: a multiple of the model's
            context length, at least 4096 audio samples).
        batch_size: windows per batch.
        audio: instead of the piano data, a list of 1-D int mu-law recordings.
        fidelity_excerpts: held-out excerpts reconstructed for the fidelity.
        fidelity_seconds: their duration.
        seed: seed of the reconstructions' sampling.
        below: for a model of codes, the trained ADAs (or their paths), bottom
            first, whose codes it models; its fidelity is then not measured.

    Returns:
        For a single model, a dict with `nll`, `timesteps` (scored steps) and, for
        an ADA, `perplexity_per_second`, `perplexity_pooled` and `fidelity`.
        For a stack, `{"levels": [...], "prior": {...}, "fidelity": {...}}`.

    Example:

    >>> model = keras_ada.zoo.load("wavenet_large", scale="tiny")
    >>> recordings = [np.random.default_rng(0).integers(0, 256, 8192)]
    >>> results = keras_ada.evaluation.evaluate(model, audio=recordings)
    >>> sorted(results), results["timesteps"] > 0
    (['nll', 'timesteps'], True)

    On trained runs: `evaluate("runs/1.2", config="embedded")`.
    """
    if isinstance(model, str):
        model = load_run(model)
    if audio is None:
        audio = read_recordings(split, data_dir, config, seconds)
    recordings = [np.asarray(recording, "int32").reshape(-1) for recording in audio]
    if not recordings:
        raise ValueError(f"The {split!r} split holds no audio to evaluate.")
    options = dict(length=length, batch_size=batch_size)
    below = [load_run(level) if isinstance(level, str) else level for level in below]
    if below:
        return evaluate_level(below, model, recordings, **options)
    if isinstance(model, Stack):
        results = {
            "levels": [
                evaluate_level(model.levels[:level], ada, recordings, **options)
                for level, ada in enumerate(model.levels)
            ],
            "prior": evaluate_level(model.levels, model.prior, recordings, **options),
        }
        results["fidelity"] = stack_fidelity(
            model, recordings, fidelity_excerpts, fidelity_seconds, seed
        )
        return results
    results = evaluate_level([], model, recordings, **options)
    if isinstance(model, ADA):
        results["fidelity"] = ada_fidelity(
            model, recordings, fidelity_excerpts, fidelity_seconds, seed
        )
    return results


def evaluate_level(levels, model, recordings, length=None, batch_size=8) -> dict:
    """NLL (and code perplexities) of a model of the codes of `levels` (or audio).

    Args:
        levels: the trained ADAs below the model, bottom first ([] for audio).
        model: a `WaveNet` or `ADA`.
        recordings: 1-D int mu-law recordings.
        length: scored steps per window; defaults to the smallest multiple of
            `model.context_length` covering `DEFAULT_WINDOW` audio samples.
        batch_size: windows per batch.

    Returns:
        A dict with `nll`, `timesteps` and, for an ADA, `perplexity_per_second`
        and `perplexity_pooled`.
    """
    input_hop = math.prod(level.hop for level in levels)
    context = model.context_length
    hop = getattr(model, "hop", 1)
    length = length or context * max(1, -(-DEFAULT_WINDOW // input_hop // context))
    if length % hop:
        raise ValueError(
            f"`length` must be a multiple of the model's hop {hop}. Received: "
            f"length={length}"
        )
    window = (context + length) * input_hop
    scores = full_context_nll(
        model,
        (
            encode_through(levels, batch)
            for batch in _batches(recordings, window, batch_size)
        ),
    )
    if not scores["timesteps"]:
        raise ValueError(
            f"No recording is as long as one evaluation window ({window} samples)."
        )
    results = {"nll": scores["nll"], "timesteps": scores["timesteps"]}
    if isinstance(model, ADA):
        code_hop = input_hop * model.hop
        second = SAMPLE_RATE // code_hop * code_hop
        codes = [
            encode_through(levels + [model], batch)
            for batch in _batches(recordings, second, batch_size)
        ]
        if not codes:
            raise ValueError(
                "The code perplexity needs recordings of one second or more. "
                f"Received: recordings of {[len(r) for r in recordings]} samples"
            )
        codes = np.concatenate(codes)
        results["perplexity_per_second"] = per_second_perplexity(
            codes, model.num_codes, codes.shape[1]
        )
        pooled = codebook_perplexity(codes, model.num_codes)
        results["perplexity_pooled"] = float(keras.ops.convert_to_numpy(pooled))
    return results


def encode_through(levels, audio):
    """The codes of the last of `levels` (bottom first) for audio; `audio` if none."""
    if not levels:
        return np.asarray(audio)
    return Stack(levels).codes_for_level(audio, len(levels))


def read_recordings(split, data_dir, config, seconds=None):
    """Yields the split's recordings as int32 mu-law arrays, in order.

    With `seconds`, stops once that much audio is read (the last one cut).
    """
    remaining = None if seconds is None else int(seconds * SAMPLE_RATE)
    for recording in piano.recordings(split, data_dir=data_dir, config=config):
        audio = np.asarray(recording["audio"]).reshape(-1)
        classes = mu_law_encode(pcm16_to_unit(audio, xp=np), xp=np).astype("int32")
        if remaining is not None:
            classes = classes[:remaining]
            remaining -= len(classes)
        yield classes
        if remaining is not None and remaining <= 0:
            return


def _batches(recordings, window, batch_size):
    batches = consecutive_windows(recordings, window).batch(batch_size)
    return batches.as_numpy_iterator()
