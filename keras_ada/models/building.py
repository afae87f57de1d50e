"""Creating a model's weights without training it."""

import numpy as np


def build_model(model):
    """Creates the weights of a WaveNet or an ADA by calling it on a short input.

    Args:
        model: a `WaveNet` or an `ADA`, built or not.

    Returns:
        `model`, built.

    Example:

    >>> model = keras_ada.zoo.load("wavenet_large", scale="tiny")
    >>> keras_ada.models.build_model(model).built
    True
    """
    if not model.built:
        length = getattr(model, "hop", 1)
        model(np.zeros((1, length), "int32"))
    return model
