"""The error of a mistake in what the user asked for, and its hints."""

import difflib


class UserError(ValueError):
    """A mistake in what the user asked for (a model, a path, an option).

    The command line reports it as one line, without a traceback; Python
    callers can catch it as a `ValueError`.
    """


def check_choice(what: str, value: str, choices, fix: str | None = None):
    """Raises `UserError` unless `value` is one of `choices`, naming the closest.

    Args:
        what: what `value` is, for the message (e.g. `"--scale"`).
        value: the value given.
        choices: the valid values.
        fix: where to find the valid values (default: they are listed).

    Example:

    >>> check_choice("--scale", "tin", ("paper", "tiny"))
    Traceback (most recent call last):
    ...
    keras_ada.runner.errors.UserError: --scale tin: unknown; did you mean 'tiny'? Choose from paper, tiny.
    """
    if value in choices:
        return
    closest = difflib.get_close_matches(value, list(choices), n=3)
    hint = f"; did you mean {' or '.join(map(repr, closest))}?" if closest else "."
    fix = fix or f"Choose from {', '.join(choices)}."
    raise UserError(f"{what} {value}: unknown{hint} {fix}")
