import numpy as np
import pytest
from keras import ops
from tensor_checks import assert_allclose

from keras_ada.models import Modulator


def test_code_rate_biases_repeat_to_the_input_rate():
    modulator = Modulator(
        12, hop=4, repeats=1, stages=2, residual_channels=6, inner_channels=6
    )
    queries = np.random.default_rng(0).normal(size=(2, 5, 3)).astype("float32")
    code_rate = modulator(queries, upsample=False)
    assert tuple(code_rate.shape) == (2, 5, 12)
    assert modulator.compute_output_shape((2, 5, 3), upsample=False) == (2, 5, 12)
    assert_allclose(ops.repeat(code_rate, 4, axis=1), modulator(queries), atol=1e-6)


def test_hop_must_be_a_positive_integer():
    with pytest.raises(ValueError, match="hop=0"):
        Modulator(12, hop=0)
