"""Audio files for listening: reading excerpts, writing WAVs and spectrograms."""

import math

import numpy as np

SAMPLE_RATE = 16000


def read_audio(
    path: str,
    sample_rate: int = SAMPLE_RATE,
    offset: float = 0.0,
    seconds: float | None = None,
) -> np.ndarray:
    """Reads an excerpt of any file libsndfile reads, as mono float32 at `sample_rate`.

    Channels are averaged; other sample rates are resampled with a polyphase
    filter.

    Args:
        path: the audio file.
        sample_rate: the rate to return.
        offset: start of the excerpt, in seconds.
        seconds: duration of the excerpt; None reads to the end.

    Returns:
        A float32 array `(time,)` in [-1, 1].
    """
    import soundfile
    from scipy import signal

    with soundfile.SoundFile(path) as sound:
        rate = sound.samplerate
        sound.seek(min(round(offset * rate), sound.frames))
        frames = -1 if seconds is None else math.ceil(seconds * rate)
        audio = sound.read(frames, dtype="float32", always_2d=True).mean(axis=1)
    if rate != sample_rate:
        divisor = math.gcd(rate, sample_rate)
        audio = signal.resample_poly(audio, sample_rate // divisor, rate // divisor)
    if seconds is not None:
        audio = audio[: round(seconds * sample_rate)]
    return np.clip(audio, -1.0, 1.0).astype("float32")


def write_wav(path: str, waveform, sample_rate: int = SAMPLE_RATE):
    """Writes a waveform `(time,)` in [-1, 1] as 16-bit PCM WAV."""
    import soundfile

    from keras_ada.io_utils import atomic_path

    waveform = np.clip(np.asarray(waveform, "float32"), -1.0, 1.0)
    with atomic_path(path) as temporary:
        soundfile.write(temporary, waveform, sample_rate, subtype="PCM_16")


def save_spectrogram(path: str, waveforms: dict, sample_rate: int = SAMPLE_RATE):
    """Saves the log-power spectrograms of waveforms, one panel each, as an image.

    Args:
        path: image file (PNG).
        waveforms: `{title: waveform (time,)}`, drawn top to bottom.
        sample_rate: the waveforms' sample rate.
    """
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 2.6 * len(waveforms)), layout="constrained")
    axes = figure.subplots(len(waveforms), 1, squeeze=False)[:, 0]
    for axis, (title, waveform) in zip(axes, waveforms.items()):
        waveform = np.asarray(waveform, "float32")
        window = min(1024, max(16, 2 ** int(math.log2(max(len(waveform), 2)) - 2)))
        axis.specgram(
            waveform,
            NFFT=window,
            Fs=sample_rate,
            noverlap=window * 3 // 4,
            cmap="magma",
            scale="dB",
        )
        axis.set_title(title)
        axis.set_ylabel("Hz")
    axes[-1].set_xlabel("seconds")
    figure.savefig(path, dpi=100)
