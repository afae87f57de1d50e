import numpy as np
from keras import ops

from keras_ada.ops import classes_to_unit
from keras_ada.ops import mu_law_decode
from keras_ada.ops import mu_law_encode


def numpy_mu_law_encode(audio, mu=255):
    companded = np.sign(audio) * np.log1p(mu * np.abs(audio)) / np.log1p(mu)
    return np.floor((companded + 1) / 2 * mu + 0.5).astype(np.int32)


def test_encode_matches_numpy_reference():
    audio = np.random.default_rng(0).uniform(-1, 1, size=(4, 1000)).astype("float32")
    classes = ops.convert_to_numpy(mu_law_encode(audio))
    np.testing.assert_array_equal(classes, numpy_mu_law_encode(audio))


def test_extremes_and_silence():
    classes = ops.convert_to_numpy(mu_law_encode(np.array([-1.0, 0.0, 1.0, 3.0])))
    np.testing.assert_array_equal(classes, [0, 128, 255, 255])


def test_round_trip_error_is_within_one_level():
    classes = np.arange(256)
    np.testing.assert_array_equal(
        ops.convert_to_numpy(mu_law_encode(mu_law_decode(classes))), classes
    )


def test_classes_to_unit_spans_minus_one_to_one():
    unit = ops.convert_to_numpy(classes_to_unit(np.array([0, 255])))
    np.testing.assert_allclose(unit, [-1.0, 1.0])


def test_bad_num_classes_is_named():
    try:
        mu_law_encode(np.zeros(3), num_classes=1)
    except ValueError as error:
        assert "num_classes=1" in str(error)
    else:
        raise AssertionError("expected a ValueError")
