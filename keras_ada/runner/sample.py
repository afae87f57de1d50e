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
    prime: str | None = None,
    prime_seconds: float | None = None,
    top_k: int | Sequence[int] | None = None,
    top_p: float | Sequence[float] | None = None,
) -> dict:
    """Samples audio from a stack or a WaveNet of audio and writes it to files.

    A stack samples its prior's codes and decodes them level by level down to
    audio. With a `prime` file, every sample continues its first
    `prime_seconds`: the output is the prime followed by `seconds` of new
    audio. Writes, per sample, `sample_<i>.wav` (16-bit PCM, written as the
    audio is sampled) and `sample_<i>.png` (its spectrogram), and
    `samples.json` (the settings).

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
        prime: optional audio file to continue (any format libsndfile reads,
            mixed to mono and resampled to 16 kHz).
        prime_seconds: how much of the prime file to use, from its start;
            all of it by default.
        top_k: draw among the `top_k` most likely classes; for a stack one
            value, or one per model as `temperature`.
        top_p: draw from the smallest set of classes holding probability
            `top_p`; one value, or one per model as `temperature`.

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
    import numpy as np

    from keras_ada.audio import mu_law_decode
    from keras_ada.io_utils import write_json

    keras.utils.set_random_seed(seed)
    name = model if isinstance(model, str) else type(model).__name__
    if isinstance(model, str):
        model = load_model(model, scale)
    options = dict(
        temperature=temperatures(temperature),
        top_k=None if top_k is None else temperatures(top_k),
        top_p=None if top_p is None else temperatures(top_p),
    )
    if options["top_k"] is not None and options["top_p"] is not None:
        raise UserError("Give --top-k or --top-p, not both.")
    _check_model(model, name, options)
    primed = _read_prime(prime, prime_seconds)
    start = time.perf_counter()
    with _WavWriters(output, batch_size, sample_rate) as wavs:
        audio = _sample(
            model, name, seconds, batch_size, seed, sample_rate, primed, options, wavs
        )
    elapsed = time.perf_counter() - start
    waveforms = mu_law_decode(audio, xp=np)
    _save_spectrograms(output, waveforms, sample_rate)
    settings = dict(
        model=name,
        seconds=audio.shape[1] / sample_rate,
        batch_size=batch_size,
        temperature=temperature,
        top_k=top_k,
        top_p=top_p,
        seed=seed,
        sample_rate=sample_rate,
        sampling_seconds=round(elapsed, 3),
    )
    if prime is not None:
        settings.update(prime=str(prime), prime_seconds=len(primed) / sample_rate)
    write_json(os.path.join(output, "samples.json"), settings)
    print(
        f"Wrote {len(waveforms)} samples of {settings['seconds']:.2f} s to {output} "
        f"(sampled in {elapsed:.1f} s)."
    )
    return settings


def _read_prime(prime, prime_seconds):
    """The prime file's waveform in [-1, 1], or None."""
    if prime is None:
        return None
    from keras_ada.audio import read_audio

    if not os.path.exists(prime):
        raise UserError(f"--prime {prime}: no such file.")
    if prime_seconds is not None and not prime_seconds > 0:
        raise UserError(f"--prime-seconds must be positive (got {prime_seconds}).")
    waveform = read_audio(prime, seconds=prime_seconds)
    if not len(waveform):
        raise UserError(f"{prime} holds no audio to continue.")
    return waveform


def _sample(model, name, seconds, batch_size, seed, sample_rate, prime, options, wavs):
    """Mu-law classes of shape `(batch_size, steps)` sampled from `model`.

    `wavs.write` receives the prime's classes, then each chunk of new ones.
    """
    import numpy as np

    from keras_ada.audio import mu_law_encode
    from keras_ada.models import Stack

    if prime is not None:
        audio_model = model.levels[0] if isinstance(model, Stack) else model
        classes = mu_law_encode(prime, audio_model.num_classes, xp=np).astype("int32")
        prime = np.repeat(classes[None], batch_size, axis=0)
    if isinstance(model, Stack):
        if prime is not None:
            wavs.write(prime)
        return model.sample(
            seconds,
            batch_size=batch_size,
            temperatures=options["temperature"],
            top_k=options["top_k"],
            top_p=options["top_p"],
            seed=seed,
            prime=prime,
            sample_rate=sample_rate,
            callback=wavs.write,
        )
    steps = int(np.ceil(seconds * sample_rate))
    if prime is None:
        return model.generate(
            steps, batch_size=batch_size, seed=seed, callback=wavs.write, **options
        )
    wavs.write(prime)
    new = model.generate(steps, prime=prime, seed=seed, callback=wavs.write, **options)
    return np.concatenate([prime, new], axis=1)


def _check_model(model, name, options):
    """Raises `UserError` unless `model` samples audio with these options."""
    from keras_ada.models import Stack
    from keras_ada.models import WaveNet

    if isinstance(model, Stack):
        return
    if not isinstance(model, WaveNet) or model.input_format == "embedding":
        raise UserError(
            f"{name} does not model audio on its own (a {type(model).__name__} of "
            "codes or an ADA): sample its stack, or use `keras-ada reconstruct`."
        )
    if any(isinstance(value, list) for value in options.values()):
        raise UserError("A WaveNet takes one --temperature, --top-k or --top-p.")


class _WavWriters:
    """`sample_<i>.wav` files (16-bit PCM) that mu-law classes are appended to."""

    def __init__(self, output, batch_size, sample_rate):
        self._paths = [
            os.path.join(output, f"sample_{index:03d}.wav")
            for index in range(batch_size)
        ]
        self._sample_rate = sample_rate
        self._files = []
        os.makedirs(output, exist_ok=True)

    def __enter__(self):
        import soundfile

        self._files = [
            soundfile.SoundFile(
                path, "w", self._sample_rate, channels=1, subtype="PCM_16"
            )
            for path in self._paths
        ]
        return self

    def write(self, classes):
        """Appends mu-law classes `(batch, count)`, one row per file.

        The classes are decoded with NumPy: no device operation, whose shape
        (the last chunk's) would compile anew for each duration.
        """
        import numpy as np

        from keras_ada.audio import mu_law_decode

        waveforms = np.clip(mu_law_decode(np.asarray(classes), xp=np), -1, 1)
        for file, waveform in zip(self._files, waveforms):
            file.write(waveform.astype("float32"))
            file.flush()

    def __exit__(self, *exc_info):
        for file in self._files:
            file.close()


def _save_spectrograms(output, waveforms, sample_rate):
    from keras_ada.audio import save_spectrogram

    for index, waveform in enumerate(waveforms):
        name = os.path.join(output, f"sample_{index:03d}")
        save_spectrogram(f"{name}.png", {f"sample {index}": waveform}, sample_rate)
