"""What the command line prints: its own messages, without third-party noise.

By default the command line sets TensorFlow's C++ log level before TensorFlow
loads, drops the lines TensorFlow and XLA write to stderr before their logging
starts (matched by exact message, `keras_ada.native_logs`), drops the known
messages of absl and Apache Beam that ask nothing of the user
(`keras_ada.library_logs`), and prints the warnings of keras-ada's own loggers
(`keras_ada.*`: a collapsed codebook, skipped files) on their own line as
`keras-ada: warning: ...` (`keras_ada.cli.own_lines`). With `-v` everything is
shown: the command runs with `TF_CPP_MIN_LOG_LEVEL=0`, which also keeps what
importing the TFDS builder would drop.
"""

import contextlib
import os

from keras_ada.cli.own_lines import own_lines_logging
from keras_ada.library_logs import library_noise_dropped
from keras_ada.native_logs import filtered_stderr


@contextlib.contextmanager
def command_output(verbose: bool):
    """Within it, the command's output is configured as the module describes.

    Args:
        verbose: show everything (no filtering; TensorFlow's C++ logs of
            every level).
    """
    with own_lines_logging():
        if verbose:
            with _every_line():
                yield
        else:
            with _quiet_libraries():
                yield


@contextlib.contextmanager
def _quiet_libraries():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # read when TF loads
    with library_noise_dropped(), filtered_stderr():
        yield


@contextlib.contextmanager
def _every_line():
    saved = os.environ.get("TF_CPP_MIN_LOG_LEVEL")
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "0"
    try:
        yield
    finally:
        if saved is None:
            del os.environ["TF_CPP_MIN_LOG_LEVEL"]
        else:
            os.environ["TF_CPP_MIN_LOG_LEVEL"] = saved
