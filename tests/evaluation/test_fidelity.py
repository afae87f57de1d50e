import numpy as np
import pytest

from keras_ada.evaluation import MEASURES
from keras_ada.evaluation import fidelity_floor
from keras_ada.evaluation import matched_noise
from keras_ada.evaluation import reconstruction_fidelity

# NumPy and SciPy on the host: no backend code.
pytestmark = pytest.mark.backend_neutral

RATE = 16000
CORRELATIONS = [name for name in MEASURES if name.endswith("correlation")]


def notes(pitches, onsets, seconds=3.0, seed=0):
    """Piano-like notes: decaying harmonic tones at `onsets` (s), MIDI `pitches`."""
    t = np.arange(int(seconds * RATE)) / RATE
    waveform = 1e-3 * np.random.default_rng(seed).standard_normal(len(t))
    for pitch, onset in zip(pitches, onsets):
        frequency = 440.0 * 2.0 ** ((pitch - 69) / 12)
        since = t - onset
        envelope = np.where(since >= 0, np.exp(-4.0 * np.maximum(since, 0)), 0.0)
        for harmonic in (1, 2, 3):
            waveform += (
                0.2 / harmonic * envelope * np.sin(2 * np.pi * harmonic * frequency * t)
            )
    return waveform


MELODY = notes([60, 64, 67, 72, 65, 62, 59, 60], np.arange(8) * 0.35)
OTHER = notes([50, 57, 53, 46, 55], [0.1, 0.8, 1.2, 1.9, 2.5], seed=1)


def test_identical_signals_score_perfect():
    scores = reconstruction_fidelity(MELODY, MELODY)
    assert set(scores) == set(MEASURES)
    assert scores["log_mel_distance_db"] == pytest.approx(0.0, abs=1e-9)
    for name in CORRELATIONS:
        assert scores[name] == pytest.approx(1.0), name


def test_halving_the_amplitude_costs_six_decibels_and_no_correlation():
    scores = reconstruction_fidelity(MELODY, 0.5 * MELODY)
    assert scores["log_mel_distance_db"] == pytest.approx(20 * np.log10(2), rel=1e-3)
    for name in CORRELATIONS:
        assert scores[name] == pytest.approx(1.0), name


def test_noise_with_the_average_spectrum_scores_near_the_floor():
    noise = reconstruction_fidelity(MELODY, matched_noise(MELODY, seed=3))
    floor = fidelity_floor(MELODY, OTHER)
    for name in CORRELATIONS:
        assert abs(noise[name]) < 0.25, (name, noise[name])
        assert abs(floor[name]) < 0.35, (name, floor[name])
    assert noise["log_mel_distance_db"] > 10.0


def test_matched_noise_keeps_the_loudness_and_is_seeded():
    noise = matched_noise(MELODY, seed=3)
    assert noise.shape == MELODY.shape
    assert np.sqrt(np.mean(noise**2)) == pytest.approx(np.sqrt(np.mean(MELODY**2)))
    np.testing.assert_array_equal(noise, matched_noise(MELODY, seed=3))
    assert not np.array_equal(noise, matched_noise(MELODY, seed=4))


def test_a_delayed_pattern_is_worse_than_a_noisy_aligned_one():
    delay = int(0.15 * RATE)
    delayed = np.concatenate([np.zeros(delay), MELODY[:-delay]])
    noisy = MELODY + 0.003 * np.random.default_rng(5).standard_normal(len(MELODY))
    late = reconstruction_fidelity(MELODY, delayed)
    aligned = reconstruction_fidelity(MELODY, noisy)
    for name in CORRELATIONS:
        assert late[name] < aligned[name] < 1.0, name
    assert late["log_mel_distance_db"] > aligned["log_mel_distance_db"] > 0.0


def test_chroma_ignores_the_octave_but_the_spectrogram_does_not():
    octave_up = notes([72, 76, 79, 84, 77, 74, 71, 72], np.arange(8) * 0.35)
    scores = reconstruction_fidelity(MELODY, octave_up)
    assert scores["chroma_correlation"] > 0.8
    assert scores["onset_correlation"] > 0.8
    assert scores["spectrogram_correlation"] < 0.5


def test_compares_the_common_length():
    scores = reconstruction_fidelity(MELODY, MELODY[: len(MELODY) // 2])
    assert scores["spectrogram_correlation"] == pytest.approx(1.0)


@pytest.mark.parametrize(
    "reconstruction, message",
    [
        (np.zeros((2, RATE)), "1-D waveform"),
        (np.zeros(100), "at least"),
        (np.full(RATE, np.nan), "finite"),
    ],
)
def test_bad_waveforms_are_named(reconstruction, message):
    with pytest.raises(ValueError, match=f"(?s){message}.*Received: reconstruction"):
        reconstruction_fidelity(MELODY, reconstruction)


def test_bad_sample_rate_is_named():
    with pytest.raises(ValueError, match="Received: sample_rate=16000.0"):
        reconstruction_fidelity(MELODY, MELODY, sample_rate=16000.0)
