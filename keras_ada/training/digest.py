"""A short digest of exact variable values: equal digests, equal values."""

import hashlib

import keras
import numpy as np


def state_digest(variables) -> str:
    """A digest of the exact values of variables (equal digests: equal values).

    Args:
        variables: Keras variables or arrays, in a fixed order.

    Returns:
        16 hexadecimal digits of the SHA-256 of their bytes.
    """
    digest = hashlib.sha256()
    for variable in variables:
        digest.update(np.ascontiguousarray(keras.ops.convert_to_numpy(variable)))
    return digest.hexdigest()[:16]
