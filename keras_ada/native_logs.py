"""The lines TensorFlow's and XLA's C++ print on every start, and a filter of
stderr that drops them by exact message.

They come before absl::InitializeLog() is called, so no log level hides them.
`import keras_ada` imports Keras (and, on the TensorFlow backend, TensorFlow)
within `quiet_start()`; the command line filters the whole command.
"""

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


def quiet_start():
    """The context of importing Keras: drops TensorFlow's start-up lines,
    unless TensorFlow is loaded already or `TF_CPP_MIN_LOG_LEVEL=0` asks for
    every line."""
    if "tensorflow" in sys.modules or os.environ.get("TF_CPP_MIN_LOG_LEVEL") == "0":
        return contextlib.nullcontext()
    return filtered_stderr()


@contextlib.contextmanager
def filtered_stderr(noise: re.Pattern = NATIVE_NOISE):
    """Drops the lines of file descriptor 2 (stderr, C++ included) that
    `noise` matches, within the context, and CUDA's failed initialisation
    once a line said the machine has no CUDA drivers. Without a file
    descriptor 2, filters nothing."""
    sys.stderr.flush()
    try:
        original = os.dup(2)
    except OSError:
        yield
        return
    read_end, write_end = os.pipe()
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
    with os.fdopen(read_end, "rb") as lines:
        for line in lines:
            text = line.decode(errors="replace")
            if NO_CUDA_DRIVERS.match(text):
                _seen.add("no CUDA drivers")
            expected = "no CUDA drivers" in _seen and CUDA_INIT_FAILED.match(text)
            if not (noise.match(text) or expected):
                os.write(target, line)
