"""A holder for a model's compiled functions, kept apart from its weights."""


class Compiled:
    """Holds a model's compiled functions by key: a plain object, which Keras
    neither tracks as a sub-layer nor saves.

    A model keeps what it compiles for sampling or encoding here (as KerasHub
    models keep their generate function), built on first use.

    Example:

    >>> compiled = Compiled()
    >>> compiled.get("double", lambda: (lambda x: 2 * x))(3)
    6
    """

    def __init__(self):
        self._functions = {}

    def get(self, key, build):
        """The function held under `key`, built by `build()` on first use."""
        if key not in self._functions:
            self._functions[key] = build()
        return self._functions[key]
