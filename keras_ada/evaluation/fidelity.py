"""Reconstruction fidelity: how much of a waveform's music a reconstruction keeps.

An autoencoder whose decoder samples (an ADA, a stack) can produce audio with the
original's average spectrum and none of its notes: a per-sample or average-spectrum
measure would score that noise well. The measures here compare the two signals
frame by frame, after removing each frequency band's average over time, so that
only what changes in time (onsets, notes, dynamics) counts.

Both signals are framed identically (STFT of 64 ms Hann windows, hop 16 ms at
16 kHz) and compared on their common frames; nothing is realigned, so a delayed
reconstruction scores worse.

Measures (keys of `reconstruction_fidelity`'s dict):

- `log_mel_distance_db` (lower is better, 0 for identical signals): the root mean
  square difference of the log-mel spectrograms (64 bands, 30 Hz to 8 kHz, in dB,
  each clipped at 80 dB below its signal's loudest bin), averaged over frames:
  `mean_t sqrt(mean_b (L_x[t, b] - L_y[t, b])^2)`. Not blind to stationary noise
  of the right colour, which it scores moderately; read it beside the others.
- `spectrogram_correlation` (higher is better, 1 for identical signals, about 0
  for unrelated audio or noise): the Pearson correlation of the two log-mel
  spectrograms after subtracting each band's mean over time. Notes, their pitch
  and their timing all have to agree.
- `onset_correlation` (higher is better, 1 / about 0): the Pearson correlation of
  the onset-strength envelopes, the spectral flux
  `o[t] = sum_b max(L[t, b] - L[t - 1, b], 0)` of each log-mel spectrogram.
- `envelope_correlation` (higher is better, 1 / about 0): the Pearson correlation
  of the frame loudness in dB (`10 log10` of the frame's mean power, clipped at
  80 dB below the loudest frame): dynamics.
- `chroma_correlation` (higher is better, 1 / about 0): the Pearson correlation of
  the chromagrams (STFT power from 55 Hz to 4 kHz folded onto the 12 pitch
  classes, each frame normalised to sum 1) after subtracting each class's mean
  over time: which notes sound when, independently of octave and timbre.

The floor of each measure is its score for an unrelated excerpt
(`fidelity_floor`); a reconstruction is only as good as its distance from that
floor. `matched_noise` builds the other reference: stationary noise with the
original's average spectrum, what a decoder that ignores its codes produces.
"""

import numpy as np
from scipy import signal

SAMPLE_RATE = 16000
FRAME_SECONDS = 0.064
HOP_SECONDS = 0.016
NUM_MEL_BANDS = 64
MEL_RANGE_HZ = (30.0, 8000.0)
CHROMA_RANGE_HZ = (55.0, 4000.0)
DYNAMIC_RANGE_DB = 80.0

MEASURES = (
    "log_mel_distance_db",
    "spectrogram_correlation",
    "onset_correlation",
    "envelope_correlation",
    "chroma_correlation",
)


def reconstruction_fidelity(original, reconstruction, sample_rate=SAMPLE_RATE):
    """Scores how much of `original`'s music `reconstruction` keeps.

    See the module docstring for each measure and its direction. The signals are
    compared over their common length (the shorter one's), frame by frame.

    Args:
        original: 1-D float array, the original waveform in [-1, 1].
        reconstruction: 1-D float array, the reconstruction at the same rate.
        sample_rate: sampling rate of both signals in Hz.

    Returns:
        A dict mapping each name of `MEASURES` to a Python float.

    Example:

    >>> t = np.arange(16000) / 16000
    >>> tone = 0.5 * np.sin(2 * np.pi * 440 * t) * (t % 0.25 < 0.1)
    >>> reconstruction_fidelity(tone, tone)["onset_correlation"]
    1.0
    """
    original = _check_waveform("original", original, sample_rate)
    reconstruction = _check_waveform("reconstruction", reconstruction, sample_rate)
    length = min(len(original), len(reconstruction))
    x = _Features(original[:length], sample_rate)
    y = _Features(reconstruction[:length], sample_rate)
    difference = x.log_mel - y.log_mel
    return {
        "log_mel_distance_db": float(np.mean(np.sqrt(np.mean(difference**2, axis=1)))),
        "spectrogram_correlation": _centred_correlation(x.log_mel, y.log_mel),
        "onset_correlation": _correlation(x.onset_strength, y.onset_strength),
        "envelope_correlation": _correlation(x.loudness, y.loudness),
        "chroma_correlation": _centred_correlation(x.chroma, y.chroma),
    }


def fidelity_floor(original, unrelated, sample_rate=SAMPLE_RATE):
    """The scores of an unrelated excerpt: the floor of `reconstruction_fidelity`.

    Args:
        original: 1-D float array, the original waveform in [-1, 1].
        unrelated: 1-D float array, other audio of the same kind (another
            excerpt of the same dataset), as long as `original` or longer.
        sample_rate: sampling rate of both signals in Hz.

    Returns:
        The dict of `reconstruction_fidelity(original, unrelated)`.
    """
    return reconstruction_fidelity(original, unrelated, sample_rate)


def matched_noise(original, seed, sample_rate=SAMPLE_RATE):
    """Stationary noise with `original`'s average power spectrum and loudness.

    White Gaussian noise filtered by the square root of `original`'s Welch power
    spectrum (the frames of `reconstruction_fidelity`), scaled to the original's
    RMS: what a decoder that ignores its codes and only learnt the timbre of the
    data would produce.

    Args:
        original: 1-D float array, the original waveform in [-1, 1].
        seed: integer seed of the noise.
        sample_rate: sampling rate in Hz.

    Returns:
        A float64 array as long as `original`.
    """
    original = _check_waveform("original", original, sample_rate)
    frame, _ = _frame_sizes(sample_rate)
    _, power = signal.welch(original, nperseg=frame)
    white = np.random.default_rng(seed).standard_normal(len(original))
    spectrum = np.fft.rfft(white)
    gain = np.interp(
        np.linspace(0.0, 1.0, len(spectrum)),
        np.linspace(0.0, 1.0, len(power)),
        np.sqrt(power),
    )
    noise = np.fft.irfft(spectrum * gain, n=len(original))
    rms = np.sqrt(np.mean(original**2))
    return noise * rms / max(np.sqrt(np.mean(noise**2)), 1e-12)


class _Features:
    """The frame-level features of one waveform that the measures compare."""

    def __init__(self, waveform, sample_rate):
        frame, hop = _frame_sizes(sample_rate)
        frequencies, _, stft = signal.stft(
            waveform,
            fs=sample_rate,
            window="hann",
            nperseg=frame,
            noverlap=frame - hop,
            boundary=None,
            padded=False,
        )
        power = np.abs(stft.T) ** 2
        self.log_mel = _to_db(power @ _mel_filters(frequencies, sample_rate).T)
        self.onset_strength = np.sum(
            np.maximum(np.diff(self.log_mel, axis=0), 0.0), axis=1
        )
        self.loudness = _to_db(np.mean(power, axis=1))
        chroma = power @ _chroma_filters(frequencies).T
        self.chroma = chroma / (np.sum(chroma, axis=1, keepdims=True) + 1e-10)


def _frame_sizes(sample_rate):
    return round(FRAME_SECONDS * sample_rate), round(HOP_SECONDS * sample_rate)


def _to_db(power):
    decibels = 10.0 * np.log10(np.maximum(power, 1e-30))
    return np.maximum(decibels, decibels.max() - DYNAMIC_RANGE_DB)


def _hz_to_mel(hz):
    return 2595.0 * np.log10(1.0 + np.asarray(hz) / 700.0)


def _mel_to_hz(mel):
    return 700.0 * (10.0 ** (np.asarray(mel) / 2595.0) - 1.0)


def _mel_filters(frequencies, sample_rate):
    """Triangular mel filters (HTK mel scale), one row per band."""
    low, high = MEL_RANGE_HZ
    high = min(high, sample_rate / 2)
    edges = _mel_to_hz(
        np.linspace(_hz_to_mel(low), _hz_to_mel(high), NUM_MEL_BANDS + 2)
    )
    lower, centre, upper = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    rising = (frequencies - lower) / (centre - lower)
    falling = (upper - frequencies) / (upper - centre)
    return np.maximum(0.0, np.minimum(rising, falling))


def _chroma_filters(frequencies):
    """Assigns each STFT bin in the chroma range to its nearest pitch class."""
    low, high = CHROMA_RANGE_HZ
    filters = np.zeros((12, len(frequencies)))
    inside = (frequencies >= low) & (frequencies <= high)
    midi = 69.0 + 12.0 * np.log2(frequencies[inside] / 440.0)
    filters[np.round(midi).astype(int) % 12, np.flatnonzero(inside)] = 1.0
    return filters


def _centred_correlation(x, y):
    """Pearson correlation of two [frames x bands] arrays, each band centred."""
    return _correlation(x - x.mean(axis=0), y - y.mean(axis=0))


def _correlation(x, y):
    """Pearson correlation of two equally shaped arrays; 0 if either is constant."""
    x = np.ravel(x) - np.mean(x)
    y = np.ravel(y) - np.mean(y)
    norm = np.sqrt(np.sum(x**2) * np.sum(y**2))
    if norm < 1e-12:
        return 0.0
    return float(np.sum(x * y) / norm)


def _check_waveform(name, waveform, sample_rate):
    if not isinstance(sample_rate, (int, np.integer)) or sample_rate < 1000:
        raise ValueError(
            "`sample_rate` must be an integer >= 1000 (Hz). "
            f"Received: sample_rate={sample_rate!r}"
        )
    array = np.asarray(waveform, dtype=np.float64)
    frame, hop = _frame_sizes(sample_rate)
    if array.ndim != 1 or len(array) < frame + 2 * hop:
        raise ValueError(
            f"`{name}` must be a 1-D waveform of at least {frame + 2 * hop} samples "
            f"(three frames). Received: {name} of shape {array.shape}"
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(f"`{name}` must be finite. Received: {name} with NaN or inf")
    return array
