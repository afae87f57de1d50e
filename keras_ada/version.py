"""The version of keras-ada."""

__version__ = "0.1.0"
