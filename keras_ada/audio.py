"""Audio at the paper's rate: mu-law companding, reading and writing files.

Mu-law companding is written once, over an array namespace: `keras.ops` (the
default, any Keras backend), `numpy`, or `tf.experimental.numpy` inside `tf.data`
graphs (whatever the Keras backend), so every caller quantises the same way.

Files in any format libsndfile reads are read block by block, mixed down to mono
and resampled to 16 kHz with the SoX resampler (`soxr`), so a long file never has
to be whole in memory at its original rate.
"""

import logging
import math

import keras
import numpy as np

from keras_ada.validation import check_int_at_least

SAMPLE_RATE = 16000
MAX_SPECTROGRAM_FRAMES = 2048
_BLOCK_SECONDS = 30

logger = logging.getLogger(__name__)


class AudioFileError(ValueError):
    """A file that libsndfile cannot read; the message names the file."""


def mu_law_encode(audio, num_classes=256, xp=keras.ops):
    """Compands audio in [-1, 1] and quantises it to integer classes.

    `y = sign(x) * log(1 + mu |x|) / log(1 + mu)` with `mu = num_classes - 1`,
    then `class = floor((y + 1) / 2 * mu + 0.5)` (WaveNet, section 2.2). Values
    outside [-1, 1] are clipped. The arithmetic is float32 in every namespace.

    Args:
        audio: samples in [-1, 1], any shape.
        num_classes: number of quantisation levels (256 for 8-bit audio).
        xp: the array namespace computing it: `keras.ops`, `numpy` or
            `tf.experimental.numpy`.

    Returns:
        An int32 array of `xp` of the same shape, values in `[0, num_classes)`.

    Example:

    >>> keras_ada.audio.mu_law_encode(np.array([-1.0, 0.0, 1.0]), xp=np)
    array([  0, 128, 255], dtype=int32)
    """
    check_int_at_least("num_classes", num_classes, 2)
    mu = np.float32(num_classes - 1)
    audio = xp.clip(_cast(xp, audio, "float32"), -1.0, 1.0)
    companded = xp.sign(audio) * xp.log1p(mu * xp.abs(audio)) / xp.log1p(mu)
    return _cast(xp, xp.floor((companded + 1.0) / 2.0 * mu + 0.5), "int32")


def mu_law_decode(classes, num_classes=256, xp=keras.ops):
    """Inverts `mu_law_encode`: integer classes to audio samples in [-1, 1].

    Args:
        classes: integers in `[0, num_classes)`, any shape.
        num_classes: number of quantisation levels.
        xp: the array namespace, as for `mu_law_encode`.

    Returns:
        A float32 array of `xp` of the same shape.

    Example:

    >>> keras_ada.audio.mu_law_decode(np.array([0, 255]), xp=np)
    array([-1.,  1.], dtype=float32)
    """
    mu = np.float32(num_classes - 1)
    companded = classes_to_unit(classes, num_classes, xp)
    return xp.sign(companded) * xp.expm1(xp.abs(companded) * xp.log1p(mu)) / mu


def classes_to_unit(classes, num_classes=256, xp=keras.ops):
    """Maps integer classes linearly onto [-1, 1] (the companded signal).

    This is the "continuous" input representation of the paper's models.

    Args:
        classes: integers in `[0, num_classes)`, any shape.
        num_classes: number of classes.
        xp: the array namespace, as for `mu_law_encode`.

    Returns:
        A float32 array of `xp` of the same shape.

    Example:

    >>> keras_ada.audio.classes_to_unit(np.array([0, 255]), xp=np)
    array([-1.,  1.], dtype=float32)
    """
    check_int_at_least("num_classes", num_classes, 2)
    step = np.float32(2.0 / (num_classes - 1))
    return _cast(xp, classes, "float32") * step - np.float32(1.0)


def pcm16_to_unit(samples, xp=keras.ops):
    """16-bit PCM samples as floats in [-1, 1): `sample / 32768`.

    Example:

    >>> keras_ada.audio.pcm16_to_unit(np.array([-32768, 16384], np.int16), xp=np)
    array([-1. ,  0.5], dtype=float32)
    """
    return _cast(xp, samples, "float32") / np.float32(32768.0)


def read_audio(
    path, offset: float = 0.0, seconds: float | None = None, dtype: str = "float32"
) -> np.ndarray:
    """Reads (an excerpt of) any file libsndfile reads, as 16 kHz mono.

    The file is read in blocks of 30 s; each is mixed down to mono (channels
    averaged), resampled with `soxr` (high quality) and converted to `dtype`. A
    file whose header promises more audio than it holds is read to where it
    breaks, with a warning naming it.

    Args:
        path: the file: a path string, or a path object with an `open` method
            (`pathlib.Path`, `etils.epath.Path`).
        offset: start of the excerpt, in seconds.
        seconds: duration of the excerpt; `None` reads to the end.
        dtype: `"float32"` (samples in [-1, 1]) or `"int16"` (16-bit PCM).

    Returns:
        A numpy array `(time,)` at `SAMPLE_RATE`.

    Raises:
        AudioFileError: if libsndfile cannot read the file (the message names it).
    """
    import soundfile

    if dtype not in ("float32", "int16"):
        raise ValueError(f"`dtype` must be 'float32' or 'int16'. Received: {dtype=}")
    try:
        with _open(path) as file, soundfile.SoundFile(file) as sound:
            audio, read, declared = _read_resampled(sound, offset, seconds, dtype)
            # libsndfile notes "(should be N)" where a header disagrees with the data.
            inconsistent = "should be" in sound.extra_info
    except soundfile.LibsndfileError as error:
        reason = error.error_string.strip().rstrip(".")
        raise AudioFileError(f"{path}: unreadable ({reason})") from error
    if read < declared or inconsistent:
        logger.warning(
            "%s looks truncated (its header declares more audio than it holds); "
            "keeping the %.2f s that could be read.",
            path,
            len(audio) / SAMPLE_RATE,
        )
    if seconds is not None:
        audio = audio[: round(seconds * SAMPLE_RATE)]
    return audio


def write_wav(path: str, waveform, sample_rate: int = SAMPLE_RATE):
    """Writes a waveform `(time,)` in [-1, 1] as 16-bit PCM WAV (clipped)."""
    import soundfile

    from keras_ada.io_utils import atomic_path

    waveform = np.clip(np.asarray(waveform, "float32"), -1.0, 1.0)
    with atomic_path(path) as temporary:
        soundfile.write(temporary, waveform, sample_rate, subtype="PCM_16")


def save_spectrogram(path: str, waveforms: dict, sample_rate: int = SAMPLE_RATE):
    """Saves the log-power spectrograms of waveforms, one panel each, as an image.

    Hann-windowed frames overlap by three quarters of a window; a waveform
    longer than `MAX_SPECTROGRAM_FRAMES` such frames is drawn from that many
    frames spread evenly over it (more columns than the image has pixels), so
    the memory drawing takes does not grow with the duration.

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
        seconds = max(len(waveform), 1) / sample_rate
        axis.imshow(
            log_power_frames(waveform),
            origin="lower",
            aspect="auto",
            cmap="magma",
            extent=(0.0, seconds, 0.0, sample_rate / 2),
        )
        axis.set_title(title)
        axis.set_ylabel("Hz")
    axes[-1].set_xlabel("seconds")
    figure.savefig(path, dpi=100)


def log_power_frames(waveform, max_frames: int = MAX_SPECTROGRAM_FRAMES):
    """Log power (dB) of Hann-windowed frames of a waveform, for drawing.

    The window is a quarter of the waveform's length rounded down to a power
    of two, from 16 to 1024 samples; frames start every quarter window, or,
    past `max_frames` frames, at `max_frames` starts spread evenly.

    Args:
        waveform: float array `(time,)`.
        max_frames: the most frames computed.

    Returns:
        A float64 array `(window // 2 + 1, frames)`, low frequencies first.

    Example:

    >>> keras_ada.audio.log_power_frames(np.zeros(16000 * 60)).shape
    (513, 2048)
    """
    waveform = np.asarray(waveform, "float32")
    window = min(1024, max(16, 2 ** int(math.log2(max(len(waveform), 2)) - 2)))
    waveform = np.pad(waveform, (0, max(window - len(waveform), 0)))
    count = (len(waveform) - window) // (window // 4) + 1
    if count > max_frames:
        starts = np.linspace(0, len(waveform) - window, max_frames).astype(int)
    else:
        starts = np.arange(count) * (window // 4)
    frames = waveform[starts[:, None] + np.arange(window)] * np.hanning(window)
    power = np.abs(np.fft.rfft(frames, axis=1).T) ** 2
    return 10 * np.log10(np.maximum(power, 1e-20))


def _cast(xp, values, dtype):
    """`values` as `dtype` in namespace `xp` (`keras.ops.cast`, else `asarray`)."""
    if hasattr(xp, "cast"):
        return xp.cast(values, dtype)
    return xp.asarray(values, dtype)


def _open(path):
    return path.open("rb") if hasattr(path, "open") else open(path, "rb")


def _read_resampled(sound, offset, seconds, dtype):
    """Reads, mixes down and resamples block by block.

    Returns:
        `(audio, frames_read, frames_declared)`, frames at the file's rate.
    """
    import soxr

    rate = sound.samplerate
    start = min(round(offset * rate), sound.frames)
    sound.seek(start)
    declared = sound.frames - start
    wanted = declared if seconds is None else min(declared, math.ceil(seconds * rate))
    resampler = (
        soxr.ResampleStream(rate, SAMPLE_RATE, 1, dtype="float32", quality="HQ")
        if rate != SAMPLE_RATE
        else None
    )
    convert = _to_int16 if dtype == "int16" else _clip
    blocks, read = [np.zeros(0, dtype)], 0
    for block in sound.blocks(
        blocksize=_BLOCK_SECONDS * rate, frames=wanted, dtype="float32", always_2d=True
    ):
        read += len(block)
        mono = block.mean(axis=1, dtype=np.float32)
        blocks.append(convert(resampler.resample_chunk(mono) if resampler else mono))
    if resampler:
        tail = resampler.resample_chunk(np.zeros(0, np.float32), last=True)
        blocks.append(convert(tail))
    return np.concatenate(blocks), read, wanted


def _clip(audio):
    return np.clip(audio, -1.0, 1.0)


def _to_int16(audio):
    """float32 in [-1, 1) to int16, the inverse of libsndfile's int16 reading."""
    return np.clip(np.round(audio * 32768), -32768, 32767).astype(np.int16)
