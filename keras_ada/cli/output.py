"""What the command line prints: its own messages, without third-party noise.

By default the command line sets TensorFlow's C++ log level before TensorFlow
loads, drops the lines TensorFlow and XLA write to stderr before their logging
starts (matched by exact message, `NATIVE_NOISE`), drops known deprecation
messages of absl and Apache Beam (`PYTHON_NOISE`), and prints the warnings of
keras-ada's own loggers (`keras_ada.*`: a collapsed codebook, skipped files) on
their own line as `keras-ada: warning: ...`. With `-v` everything is shown.
"""

import contextlib
import logging
import os
import re
import sys
import threading

# Lines the C++ of TensorFlow and XLA prints on every start, whatever its log
# level: they come before absl::InitializeLog() is called.
NATIVE_NOISE = re.compile(
    r"WARNING: All log messages before absl::InitializeLog\(\) is called are "
    r"written to STDERR"
    r"|[IWE]\d{4} [\d:.]+ +\d+ (port\.cc:\d+\] oneDNN custom operations are on"
    r"|cudart_stub\.cc:\d+\] Could not find cuda drivers on your machine"
    r"|cpu_feature_guard\.cc:\d+\] This TensorFlow binary is optimized)"
    r"|To enable the following instructions: .* in other operations, rebuild "
    r"TensorFlow with the appropriate compiler flags\."
)
# The CUDA drivers are missing (a CPU-only machine): then, and only then, the
# failure of CUDA's initialisation is expected, and dropped too.
NO_CUDA_DRIVERS = re.compile(r".*cudart_stub\.cc:\d+\] Could not find cuda drivers")
CUDA_INIT_FAILED = re.compile(
    r"[IWE]\d{4} [\d:.]+ +\d+ cuda_(platform|executor)\.cc:\d+\] failed call "
    r"to cuInit: "
)
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
    with _own_lines_logging():
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
        with filtered_stderr(NATIVE_NOISE):
            yield
    finally:
        for name, drop in filters.items():
            logging.getLogger(name).removeFilter(drop)


@contextlib.contextmanager
def filtered_stderr(noise: re.Pattern):
    """Drops the lines of file descriptor 2 (stderr, C++ included) that
    `noise` matches, within the context, and CUDA's failed initialisation
    after the line saying the machine has no CUDA drivers."""
    sys.stderr.flush()
    read_end, write_end = os.pipe()
    original = os.dup(2)
    os.dup2(write_end, 2)
    os.close(write_end)
    copier = threading.Thread(
        target=_copy_lines, args=(read_end, original, noise), daemon=True
    )
    copier.start()
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(original, 2)  # closes the pipe's last write end: the copier ends
        copier.join()
        os.close(original)


def _copy_lines(read_end, target, noise):
    without_cuda = False
    with os.fdopen(read_end, "rb") as lines:
        for line in lines:
            text = line.decode(errors="replace")
            without_cuda = without_cuda or bool(NO_CUDA_DRIVERS.match(text))
            if not (noise.match(text) or without_cuda and CUDA_INIT_FAILED.match(text)):
                os.write(target, line)


@contextlib.contextmanager
def _own_lines_logging():
    """Prints the warnings of keras-ada's loggers to stderr, each on its own
    line (a progress bar may be mid-line on a terminal), and only there."""
    logger = logging.getLogger("keras_ada")
    handler = logging.StreamHandler()
    handler.setFormatter(_OwnLineFormatter())
    saved = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.level, logger.propagate = saved


class _OwnLineFormatter(logging.Formatter):
    """`keras-ada: warning: <message>`, after a line break on a terminal."""

    def format(self, record):
        message = f"keras-ada: {record.levelname.lower()}: {record.getMessage()}"
        return "\n" + message if sys.stderr.isatty() else message


class _DropNoise(logging.Filter):
    """Drops the records whose message `pattern` matches."""

    def __init__(self, pattern: re.Pattern):
        super().__init__()
        self.pattern = pattern

    def filter(self, record):
        return not self.pattern.match(record.getMessage())
