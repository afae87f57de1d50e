"""Argument checks shared by the whole package: one message pattern everywhere.

Every check raises with the argument's name, what was expected and
`Received: name=value`, the pattern of Keras' own layers.
"""

import numpy as np


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
