"""Argument checks shared by the whole package: one message pattern everywhere.

Every check raises with the argument's name, what was expected and
`Received: name=value`, the pattern of Keras' own layers.

`check_classes` checks the NumPy arrays given to the models, once on the host:
a tensor or a dataset passes unchanged, so the checks cost nothing per training
step (inside `fit` and `predict`, the model sees tensors).
"""

import numpy as np

FLOAT_AUDIO_HINT = "use keras_ada.audio.mu_law_encode for float audio"


def is_integer(value) -> bool:
    """Whether `value` is a Python or NumPy integer (not a bool)."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def check_positive_int(name: str, value) -> int:
    """Returns `value` as an `int` if it is an integer >= 1, else raises ValueError."""
    if not is_integer(value) or value < 1:
        raise ValueError(
            f"`{name}` must be a positive integer. Received: {name}={value!r}"
        )
    return int(value)


def check_int_at_least(name: str, value, minimum: int) -> int:
    """Returns `value` as an `int` if it is an integer >= `minimum`, else raises."""
    if not is_integer(value) or value < minimum:
        raise ValueError(
            f"`{name}` must be an integer >= {minimum}. Received: {name}={value!r}"
        )
    return int(value)


def check_int_in_range(name: str, value, low: int, high: int) -> int:
    """Returns `value` as an `int` if `low <= value <= high`, else raises ValueError."""
    if not is_integer(value) or not low <= value <= high:
        raise ValueError(
            f"`{name}` must be an integer in [{low}, {high}]. Received: {name}={value!r}"
        )
    return int(value)


def check_one_of(name: str, value, choices) -> None:
    """Raises ValueError unless `value` is one of `choices`."""
    if value not in choices:
        raise ValueError(
            f"`{name}` must be one of {tuple(choices)}. Received: {name}={value!r}"
        )


def check_probability(name: str, value) -> float:
    """Returns `value` as a `float` if `0 < value < 1`, else raises ValueError."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)):
        raise ValueError(f"`{name}` must be a number. Received: {name}={value!r}")
    if not 0 < value < 1:
        raise ValueError(
            f"`{name}` must be strictly between 0 and 1. Received: {name}={value!r}"
        )
    return float(value)


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
