"""The lines TensorFlow's and XLA's C++ print on every start, and a filter of
stderr that drops them by exact message.

They come before absl::InitializeLog() is called, so no log level hides them.
`import keras_ada` imports Keras (and, on the TensorFlow backend, TensorFlow)
within `quiet_start()`; the command line filters the whole command; importing
the TFDS builder filters the rest of the process (`filter_stderr_until_exit`),
and so the worker processes of a build, which inherit stderr.
`TF_CPP_MIN_LOG_LEVEL=0` asks for every line (`every_line_asked`).
"""

import atexit
import contextlib
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
    r"|cpu_feature_guard\.cc:\d+\] This TensorFlow binary is optimized"
    r"|generator_dataset_op\.cc:\d+\] Memory patch applied: M_TRIM_THRESHOLD)"
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
_seen = set()  # what the filtered lines said about the machine
_filters = []  # the copiers of the filters of stderr in effect


def quiet_start():
    """The context of importing Keras: drops TensorFlow's start-up lines,
    unless TensorFlow is loaded already or `TF_CPP_MIN_LOG_LEVEL=0` asks for
    every line."""
    if "tensorflow" in sys.modules or every_line_asked():
        return contextlib.nullcontext()
    return filtered_stderr()


def every_line_asked() -> bool:
    """Whether every line is asked for: `TF_CPP_MIN_LOG_LEVEL=0`, which
    also shows TensorFlow's C++ logs of every level."""
    return os.environ.get("TF_CPP_MIN_LOG_LEVEL") == "0"


@contextlib.contextmanager
def filtered_stderr(noise: re.Pattern = NATIVE_NOISE):
    """Drops the lines of file descriptor 2 (stderr, C++ included) in which
    `noise` is found, within the context, and CUDA's failed initialisation
    once a line said the machine has no CUDA drivers; what comes before the
    noise on its line (a progress bar's unfinished line) is kept. Without a
    file descriptor 2, filters nothing."""
    stop = _start_filter(noise)
    try:
        yield
    finally:
        stop()


def filter_stderr_until_exit(*also: re.Pattern):
    """Drops the lines of stderr that `filtered_stderr` drops, and those
    that the patterns `also` find, from now until the process exits, unless
    stderr is filtered already or `TF_CPP_MIN_LOG_LEVEL=0` asks for every
    line.

    At exit, the lines still on their way are waited for one second at most:
    worker processes still running may hold the filter's pipe.
    """
    if _filters or every_line_asked():
        return
    noise = re.compile("|".join(p.pattern for p in (NATIVE_NOISE, *also)))
    atexit.register(_start_filter(noise), timeout=1.0)


def _start_filter(noise):
    """Starts to filter file descriptor 2; returns `stop(timeout=None)`, which
    gives it back its stream (unless something else has replaced the filter's
    pipe since) and waits for the lines still in the pipe."""
    sys.stderr.flush()
    try:
        original = os.dup(2)
    except OSError:
        return lambda timeout=None: None
    read_end, write_end = os.pipe()
    pipe = _identity(write_end)
    os.dup2(write_end, 2)
    os.close(write_end)
    copier = threading.Thread(
        target=_copy_lines, args=(read_end, original, noise), daemon=True
    )
    copier.start()
    _filters.append(copier)

    def stop(timeout=None):
        sys.stderr.flush()
        _filters.remove(copier)
        if _identity(2) == pipe:
            os.dup2(original, 2)  # closes the pipe's last write end: the copier ends
        copier.join(timeout)
        if not copier.is_alive():
            os.close(original)

    return stop


def _identity(descriptor):
    """What file descriptor `descriptor` is open on (None when closed)."""
    try:
        status = os.fstat(descriptor)
    except OSError:
        return None
    return status.st_dev, status.st_ino


def _copy_lines(read_end, target, noise):
    """Copies the lines of `read_end` to `target` but the noise, which may
    follow the unfinished line of a progress bar: that part is kept."""
    with os.fdopen(read_end, "rb") as lines:
        for line in lines:
            text = line.decode(errors="replace")
            if NO_CUDA_DRIVERS.match(text):
                _seen.add("no CUDA drivers")
            found = noise.search(text)
            if "no CUDA drivers" in _seen:
                found = found or CUDA_INIT_FAILED.search(text)
            if not found:
                os.write(target, line)
            elif found.start():
                os.write(target, text[: found.start()].encode())
