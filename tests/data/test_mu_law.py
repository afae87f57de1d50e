"""Mu-law companding for tf.data: against a numpy reference and keras_ada.ops."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_ada import ops
from keras_ada.data import mu_law_decode
from keras_ada.data import mu_law_encode
from keras_ada.data import mu_law_encode_pcm16


def reference_mu_law(x, num_classes=256):
    """The WaveNet formula in float64 numpy."""
    mu = num_classes - 1
    companded = np.sign(x) * np.log1p(mu * np.abs(x)) / np.log1p(mu)
    return np.floor((companded + 1) / 2 * mu + 0.5).astype(np.int32)


def test_every_pcm16_value_matches_the_reference():
    samples = np.arange(-32768, 32768, dtype=np.int16)
    classes = mu_law_encode_pcm16(tf.constant(samples)).numpy()
    np.testing.assert_array_equal(classes, reference_mu_law(samples / 32768.0))
    assert classes.dtype == np.int32
    assert classes.min() == 0 and classes.max() == 255
    assert classes[32768] == 128  # Silence.
    assert np.all(np.diff(classes) >= 0)


@pytest.mark.parametrize("num_classes", [2, 16, 256, 1024])
def test_float_input_matches_the_reference(num_classes):
    x = np.random.default_rng(0).uniform(-1.0, 1.0, 4096)
    classes = mu_law_encode(tf.constant(x, tf.float32), num_classes).numpy()
    expected = reference_mu_law(x.astype(np.float32).astype(np.float64), num_classes)
    np.testing.assert_array_equal(classes, expected)


def test_clips_out_of_range_input():
    classes = mu_law_encode(tf.constant([-3.0, 3.0])).numpy()
    np.testing.assert_array_equal(classes, [0, 255])


def test_matches_keras_ada_ops():
    x = np.random.default_rng(1).uniform(-1.0, 1.0, 2048).astype(np.float32)
    expected = keras.ops.convert_to_numpy(
        ops.mu_law_encode(keras.ops.convert_to_tensor(x))
    )
    np.testing.assert_array_equal(mu_law_encode(tf.constant(x)).numpy(), expected)


def test_decode_inverts_encode_within_a_step():
    x = np.linspace(-1.0, 1.0, 1001, dtype=np.float32)
    decoded = mu_law_decode(mu_law_encode(tf.constant(x))).numpy()
    # The widest mu-law step (at full scale) is about 0.044.
    np.testing.assert_allclose(decoded, x, atol=0.03)
    np.testing.assert_allclose(mu_law_decode(tf.constant([0, 255])).numpy(), [-1, 1])


def test_rejects_bad_num_classes():
    with pytest.raises(ValueError, match="num_classes=1"):
        mu_law_encode(tf.constant([0.0]), num_classes=1)
