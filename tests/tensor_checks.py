"""Comparisons of tensors of any Keras backend with NumPy's testing functions.

A torch tensor that takes part in autograd cannot become a NumPy array directly;
`keras.ops.convert_to_numpy` converts a tensor of every backend.
"""

import numpy as np
from keras import ops


def assert_allclose(actual, desired, **kwargs):
    """`np.testing.assert_allclose` on tensors of the active backend."""
    np.testing.assert_allclose(
        ops.convert_to_numpy(actual), ops.convert_to_numpy(desired), **kwargs
    )
