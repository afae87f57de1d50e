"""The sampling temperature(s) of a model or of each model of a stack."""

from collections.abc import Sequence


def temperatures(value: float | Sequence[float]) -> float | list[float]:
    """Returns one temperature, or a list of several (one per model of a stack).

    Args:
        value: a temperature, or a sequence of one or several.

    Returns:
        A number for a number or a sequence of one; otherwise a list.

    Example:

    >>> from keras_ada.runner.temperatures import temperatures
    >>> temperatures([0.9]), temperatures((1.0, 0.5))
    (0.9, [1.0, 0.5])
    """
    if isinstance(value, (int, float)):
        return value
    return value[0] if len(value) == 1 else list(value)
