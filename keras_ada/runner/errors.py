"""The error of a mistake in what the user asked for."""


class UserError(ValueError):
    """A mistake in what the user asked for (a model, a path, an option).

    The command line reports it as one line, without a traceback; Python
    callers can catch it as a `ValueError`.
    """
