"""Sampling audio from a trained stack or WaveNet into WAV and PNG files."""

import os
import time
from collections.abc import Sequence

from keras_ada.runner.errors import UserError
from keras_ada.runner.load import load_model
from keras_ada.runner.temperatures import temperatures


def sample_to_files(
    model,
    output: str,
    *,
    seconds: float = 10.0,
    batch_size: int = 1,
    temperature: float | Sequence[float] = 1.0,
    seed: int = 0,
    scale: str = "paper",
    sample_rate: int = 16000,
) -> dict:
    """Samples audio from a stack or a WaveNet of audio and writes it to files.

    A stack samples its prior's codes and decodes them level by level down to
    audio. Writes, per sample, `sample_<i>.wav` (16-bit PCM) and
    `sample_<i>.png` (its spectrogram), and `samples.json` (the settings).

    Args:
        model: a `keras_ada.models.Stack`, a WaveNet of audio, or what
            `load_model` loads: a stack directory, a `.keras` file or a zoo
            name (untrained weights, for trying the pipeline).
        output: output directory.
        seconds: duration of each sample.
        batch_size: number of samples.
        temperature: sampling temperature (0: greedy); for a stack one value,
            or one per model: levels bottom first, then the prior.
        seed: random seed.
        scale: the zoo scale of a zoo name.
        sample_rate: audio sample rate.

    Returns:
        The settings written to `samples.json`, with the sampled duration and
        the time sampling took.

    Example:

    >>> import tempfile
    >>> settings = keras_ada.runner.sample_to_files(
    ...     "wavenet_large", tempfile.mkdtemp(), scale="tiny", seconds=0.004)
    wavenet_large (tiny scale) has untrained weights.
    Wrote 1 samples of 0.00 s to ...
    >>> settings["seconds"]
    0.004
    """
    import keras

    from keras_ada.audio import mu_law_decode
    from keras_ada.io_utils import write_json

    keras.utils.set_random_seed(seed)
    name = model if isinstance(model, str) else type(model).__name__
    if isinstance(model, str):
        model = load_model(model, scale)
    start = time.perf_counter()
    audio = _sample(model, name, seconds, batch_size, temperature, seed, sample_rate)
    elapsed = time.perf_counter() - start
    waveforms = keras.ops.convert_to_numpy(mu_law_decode(audio))
    _write_samples(output, waveforms, sample_rate)
    settings = dict(
        model=name,
        seconds=audio.shape[1] / sample_rate,
        batch_size=batch_size,
        temperature=temperature,
        seed=seed,
        sample_rate=sample_rate,
        sampling_seconds=round(elapsed, 3),
    )
    write_json(os.path.join(output, "samples.json"), settings)
    print(
        f"Wrote {len(waveforms)} samples of {settings['seconds']:.2f} s to {output} "
        f"(sampled in {elapsed:.1f} s)."
    )
    return settings


def _sample(model, name, seconds, batch_size, temperature, seed, sample_rate):
    """Mu-law classes of shape `(batch_size, steps)` sampled from `model`."""
    import numpy as np

    from keras_ada.models import Stack
    from keras_ada.models import WaveNet

    if isinstance(model, Stack):
        return model.sample(
            seconds,
            batch_size=batch_size,
            temperatures=temperatures(temperature),
            seed=seed,
            sample_rate=sample_rate,
        )
    if isinstance(model, WaveNet) and model.input_format != "embedding":
        temperature = temperatures(temperature)
        if not isinstance(temperature, (int, float)):
            raise UserError("A WaveNet takes one --temperature.")
        return model.generate(
            int(np.ceil(seconds * sample_rate)),
            batch_size=batch_size,
            temperature=temperature,
            seed=seed,
        )
    raise UserError(
        f"{name} does not model audio on its own (a {type(model).__name__} of codes "
        "or an ADA): sample its stack, or use `keras-ada reconstruct`."
    )


def _write_samples(output, waveforms, sample_rate):
    from keras_ada.audio import save_spectrogram
    from keras_ada.audio import write_wav

    os.makedirs(output, exist_ok=True)
    for index, waveform in enumerate(waveforms):
        name = os.path.join(output, f"sample_{index:03d}")
        write_wav(f"{name}.wav", waveform, sample_rate)
        save_spectrogram(f"{name}.png", {f"sample {index}": waveform}, sample_rate)
