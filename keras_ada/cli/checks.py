"""Checks of command-line arguments, run before any model or TensorFlow work.

A failed check raises `UserError`, which `keras_ada.cli.main` reports as one
line, `keras-ada <command>: error: <message>`, with a non-zero exit status.
"""

import importlib.util
import os
import sys
import tempfile

from keras_ada.runner.errors import UserError

# Arguments of any command that must be positive, and those that must not be
# negative (an option a command does not have is skipped).
POSITIVE = (
    "steps",
    "batch_size",
    "checkpoint_every",
    "length",
    "seconds",
    "num_processes",
)
POSITIVE_OR_UNSET = ("learning_rate", "sample_rate")
NON_NEGATIVE = ("eval_steps", "offset", "process_id")


def is_user_error(error: Exception) -> bool:
    """Whether `error` is reported as one line: a `UserError`, data not
    prepared, a diverged training run or an output directory in use by another
    run."""
    if isinstance(error, UserError):
        return True
    from keras_ada.training.divergence import TrainingDiverged
    from keras_ada.training.run_lock import RunLocked

    piano = sys.modules.get("keras_ada.data.piano")  # not imported: not its error
    if piano and isinstance(error, piano.DataNotPrepared):
        return True
    return isinstance(error, (TrainingDiverged, RunLocked))


def check_arguments(args):
    """Checks the arguments every command shares; raises `UserError`."""
    for name in POSITIVE + POSITIVE_OR_UNSET:
        value = getattr(args, name, None)
        if value is not None and not all(v > 0 for v in _values(value)):
            raise UserError(f"{_option(name)} must be positive. Received: {value}")
    for name in NON_NEGATIVE:
        value = getattr(args, name, None)
        if value is not None and any(v < 0 for v in _values(value)):
            raise UserError(f"{_option(name)} must be >= 0. Received: {value}")
    if getattr(args, "output", None):
        check_writable_directory(args.output)
    for path in getattr(args, "codes_from", None) or []:
        if not os.path.isfile(path):
            raise UserError(f"--codes-from {path}: no such file.")
    model = getattr(args, "model", None)
    if model and model.endswith(".keras") and not os.path.isfile(model):
        raise UserError(f"{model}: no such file.")
    data_dir = getattr(args, "data_dir", None)
    if data_dir and not os.path.isdir(data_dir):
        raise UserError(f"--data-dir {data_dir}: no such directory.")


def check_backend(args):
    """Exits with one line when the `--backend` library is not installed."""
    if importlib.util.find_spec(args.backend) is None:
        print(
            f"keras-ada {args.command}: error: --backend {args.backend}: "
            f"{args.backend} is not installed; `pip install {args.backend}`, or "
            "choose another backend.",
            file=sys.stderr,
        )
        sys.exit(1)


def check_writable_directory(path: str, option: str = "--output"):
    """Raises `UserError` unless the directory `path` (given as `option`)
    exists or can be created and written; creates nothing."""
    if os.path.exists(path) and not os.path.isdir(path):
        raise UserError(f"{option} {path}: exists and is not a directory.")
    ancestor = os.path.abspath(path)
    while not os.path.exists(ancestor):
        ancestor = os.path.dirname(ancestor)
    if not os.path.isdir(ancestor):
        raise UserError(f"{option} {path}: {ancestor} is not a directory.")
    try:
        with tempfile.TemporaryFile(dir=ancestor):
            pass
    except OSError as error:
        raise UserError(
            f"{option} {path}: cannot write in {ancestor} ({error.strerror})."
        ) from None


def _option(name):
    return "--" + name.replace("_", "-")


def _values(value):
    """The numbers of an option that takes one (`--steps 5`) or several."""
    return value if isinstance(value, (list, tuple)) else (value,)
