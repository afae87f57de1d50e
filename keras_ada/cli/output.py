"""What the command line prints: its own messages, without third-party noise.

By default the command line sets TensorFlow's C++ log level before TensorFlow
loads, drops the lines TensorFlow and XLA write to stderr before their logging
starts (matched by exact message, `keras_ada.native_logs`), drops known deprecation
messages of absl and Apache Beam (`PYTHON_NOISE`), and prints the warnings of
keras-ada's own loggers (`keras_ada.*`: a collapsed codebook, skipped files) on
their own line as `keras-ada: warning: ...` (`keras_ada.cli.own_lines`). With
`-v` everything is shown.
"""

import contextlib
import logging
import os
import re

from keras_ada.cli.own_lines import own_lines_logging
from keras_ada.native_logs import filtered_stderr

# Deprecation messages of libraries keras-ada uses, by logger.
PYTHON_NOISE = {
    "absl": re.compile(r"`\w+\.dtype` is deprecated\. Please change your code"),
    "root": re.compile(r"apitools not found, and bigquery client libraries are not"),
}


@contextlib.contextmanager
def command_output(verbose: bool):
    """Within it, the command's output is configured as the module describes.

    Args:
        verbose: show everything (no filtering; TensorFlow's own log level).
    """
    with own_lines_logging():
        if verbose:
            yield
        else:
            with _quiet_libraries():
                yield


@contextlib.contextmanager
def _quiet_libraries():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # read when TF loads
    filters = {name: _DropNoise(pattern) for name, pattern in PYTHON_NOISE.items()}
    for name, drop in filters.items():
        logging.getLogger(name).addFilter(drop)
    try:
        with filtered_stderr():
            yield
    finally:
        for name, drop in filters.items():
            logging.getLogger(name).removeFilter(drop)


class _DropNoise(logging.Filter):
    """Drops the records whose message `pattern` matches."""

    def __init__(self, pattern: re.Pattern):
        super().__init__()
        self.pattern = pattern

    def filter(self, record):
        return not self.pattern.match(record.getMessage())
