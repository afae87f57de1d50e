"""keras_ada.audio: one mu-law formula in every namespace, reading and writing files."""

import keras
import numpy as np
import pytest
import soundfile
import tensorflow as tf

from keras_ada import audio

TNP = tf.experimental.numpy
NAMESPACES = {"keras.ops": keras.ops, "numpy": np}


def reference_mu_law(x, num_classes=256):
    """The WaveNet formula in float64 numpy."""
    mu = num_classes - 1
    companded = np.sign(x) * np.log1p(mu * np.abs(x)) / np.log1p(mu)
    return np.floor((companded + 1) / 2 * mu + 0.5).astype(np.int32)


def in_tf_data(function, values):
    """`function(values)` computed inside a `tf.data` graph."""
    dataset = tf.data.Dataset.from_tensors(values).map(function)
    return next(iter(dataset)).numpy()


def test_every_pcm16_value_matches_the_reference_in_tf_data():
    samples = np.arange(-32768, 32768, dtype=np.int16)
    classes = in_tf_data(
        lambda x: audio.mu_law_encode(audio.pcm16_to_unit(x, xp=TNP), xp=TNP), samples
    )
    np.testing.assert_array_equal(classes, reference_mu_law(samples / 32768.0))
    assert classes.dtype == np.int32
    assert classes[32768] == 128  # Silence.
    assert np.all(np.diff(classes) >= 0)


@pytest.mark.parametrize("num_classes", [2, 16, 256, 1024])
@pytest.mark.parametrize("namespace", list(NAMESPACES))
def test_float_input_matches_the_reference(namespace, num_classes):
    x = np.random.default_rng(0).uniform(-1.0, 1.0, 4096).astype(np.float32)
    classes = audio.mu_law_encode(x, num_classes, xp=NAMESPACES[namespace])
    expected = reference_mu_law(x.astype(np.float64), num_classes)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(classes), expected)


def test_the_three_namespaces_agree():
    x = np.random.default_rng(1).uniform(-1.2, 1.2, 20000).astype(np.float32)
    by_ops = keras.ops.convert_to_numpy(audio.mu_law_encode(x))
    by_numpy = audio.mu_law_encode(x, xp=np)
    by_tf_data = in_tf_data(lambda v: audio.mu_law_encode(v, xp=TNP), x)
    np.testing.assert_array_equal(by_numpy, by_ops)
    np.testing.assert_array_equal(by_tf_data, by_ops)
    decoded = [
        keras.ops.convert_to_numpy(audio.mu_law_decode(by_ops)),
        audio.mu_law_decode(by_ops, xp=np),
        in_tf_data(lambda c: audio.mu_law_decode(c, xp=TNP), by_ops),
    ]
    for values in decoded[1:]:
        np.testing.assert_allclose(values, decoded[0], atol=1e-6)


def test_extremes_silence_and_clipping():
    classes = audio.mu_law_encode(np.array([-3.0, -1.0, 0.0, 1.0, 3.0]), xp=np)
    np.testing.assert_array_equal(classes, [0, 0, 128, 255, 255])


def test_decode_inverts_encode():
    classes = np.arange(256)
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(audio.mu_law_encode(audio.mu_law_decode(classes))),
        classes,
    )
    x = np.linspace(-1.0, 1.0, 1001, dtype=np.float32)
    decoded = audio.mu_law_decode(audio.mu_law_encode(x, xp=np), xp=np)
    # The widest mu-law step (at full scale) is about 0.044.
    np.testing.assert_allclose(decoded, x, atol=0.03)


def test_classes_to_unit_spans_minus_one_to_one():
    unit = keras.ops.convert_to_numpy(audio.classes_to_unit(np.array([0, 255])))
    np.testing.assert_allclose(unit, [-1.0, 1.0])


def test_bad_num_classes_is_named():
    with pytest.raises(ValueError, match="num_classes=1"):
        audio.mu_law_encode(np.zeros(3), num_classes=1)


def test_read_resamples_and_mixes_down_to_16k_mono(tmp_path):
    rate, seconds = 44100, 2.0
    time = np.arange(round(rate * seconds)) / rate
    tone = 0.5 * np.sin(2 * np.pi * 440.0 * time)
    path = tmp_path / "tone.flac"
    soundfile.write(path, np.stack([tone, tone], axis=1), rate, subtype="PCM_24")
    waveform = audio.read_audio(str(path))
    assert waveform.dtype == np.float32
    assert abs(len(waveform) - seconds * audio.SAMPLE_RATE) <= 1
    expected = 0.5 * np.sin(2 * np.pi * 440.0 * np.arange(len(waveform)) / 16000)
    middle = slice(1000, -1000)
    assert np.sqrt(np.mean((waveform[middle] - expected[middle]) ** 2)) < 0.01
    as_int16 = audio.read_audio(path, dtype="int16")
    assert as_int16.dtype == np.int16
    np.testing.assert_allclose(as_int16 / 32768.0, waveform, atol=1e-4)


def test_read_an_excerpt(tmp_path):
    samples = np.random.default_rng(0).uniform(-0.5, 0.5, 48000).astype(np.float32)
    path = tmp_path / "noise.wav"
    audio.write_wav(str(path), samples)
    excerpt = audio.read_audio(str(path), offset=0.5, seconds=1.25)
    np.testing.assert_allclose(excerpt, samples[8000:28000], atol=1 / 32768)


def test_an_unreadable_file_is_named(tmp_path):
    path = tmp_path / "not_audio.wav"
    path.write_text("Not audio.\n")
    with pytest.raises(audio.AudioFileError, match="not_audio.wav: unreadable"):
        audio.read_audio(str(path))


def test_spectrogram_frames_are_bounded_and_find_a_tone():
    time = np.arange(16000 * 2) / 16000
    tone = np.sin(2 * np.pi * 1000 * time)
    frames = audio.log_power_frames(tone)
    assert frames.shape == (513, (len(tone) - 1024) // 256 + 1)
    # Bin k of a 1024-sample window is k * 16000 / 1024 Hz: 1000 Hz is bin 64.
    assert np.all(frames.argmax(axis=0) == 64)
    assert audio.log_power_frames(tone, max_frames=10).shape == (513, 10)
    assert audio.log_power_frames(np.zeros(5)).shape == (9, 1)


def test_save_spectrogram_of_a_long_waveform(tmp_path):
    path = tmp_path / "long.png"
    waveform = np.random.default_rng(0).uniform(-1, 1, 16000 * 300)
    audio.save_spectrogram(str(path), {"five minutes": waveform})
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
