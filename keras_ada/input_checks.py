"""Checks of the NumPy arrays given to the models, made once on the host.

Only NumPy arrays are checked: a tensor or a dataset passes unchanged, so the
checks cost nothing per training step (inside `fit` and `predict`, the model
sees tensors).
"""

import numpy as np

FLOAT_AUDIO_HINT = "use keras_ada.audio.mu_law_encode for float audio"


def check_classes(name: str, x, num_classes: int, where: str):
    """Raises unless the NumPy array `x` is `(batch, time)` integer classes.

    Args:
        name: the argument's name, for the message.
        x: the value; anything but a NumPy array passes unchecked.
        num_classes: the classes must lie in `[0, num_classes)`.
        where: the function checked, for the message (e.g. `"ADA.fit"`).

    Raises:
        TypeError: for a float (or other non-integer) array.
        ValueError: for another rank than 2 or a class out of range.
    """
    if not isinstance(x, np.ndarray):
        return
    expected = f"integer classes in [0, {num_classes}) of shape (batch, time)"
    if not (np.issubdtype(x.dtype, np.integer) or x.dtype == bool):
        values = f", values in [{x.min():.3g}, {x.max():.3g}]" if x.size else ""
        raise TypeError(
            f"{where} expects {expected}; {FLOAT_AUDIO_HINT}. "
            f"Received: {name} of dtype {x.dtype}{values}"
        )
    if x.ndim != 2:
        raise ValueError(
            f"{where} expects {expected} (add a batch axis with x[None] for one "
            f"sequence). Received: {name} of shape {x.shape}"
        )
    if x.size and (x.min() < 0 or x.max() >= num_classes):
        raise ValueError(
            f"{where} expects {expected}; {FLOAT_AUDIO_HINT}. "
            f"Received: {name} with values in [{x.min()}, {x.max()}]"
        )
