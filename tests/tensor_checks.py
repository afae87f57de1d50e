"""Comparisons of tensors of any Keras backend with NumPy's testing functions.

A torch tensor that takes part in autograd cannot become a NumPy array directly;
`keras.ops.convert_to_numpy` converts a tensor of every backend.
"""

import keras
import numpy as np
from keras import ops


def assert_allclose(actual, desired, **kwargs):
    """`np.testing.assert_allclose` on tensors of the active backend."""
    np.testing.assert_allclose(
        ops.convert_to_numpy(actual), ops.convert_to_numpy(desired), **kwargs
    )


def input_gradient(function, x):
    """The gradient of the scalar `function(x)` with respect to `x`."""
    if keras.backend.backend() == "jax":
        import jax

        return np.asarray(jax.grad(function)(ops.convert_to_tensor(x)))
    if keras.backend.backend() == "torch":
        import torch

        x = torch.tensor(x, requires_grad=True)
        (gradient,) = torch.autograd.grad(function(x), x)
        return gradient.numpy()
    import tensorflow as tf

    x = tf.convert_to_tensor(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        value = function(x)
    return tape.gradient(value, x).numpy()
