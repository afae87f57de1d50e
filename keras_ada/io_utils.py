"""Writes that a kill at any moment cannot leave half done.

A file is written under a temporary name in its own directory and renamed
over the destination once complete (`os.replace`, atomic on POSIX): readers
see either the previous file or the new one, never a truncated one.
"""

import contextlib
import json
import math
import os
import tempfile


@contextlib.contextmanager
def atomic_path(path: str, keep: bool = True):
    """Yields a temporary path to write; renames it to `path` on success.

    The temporary name keeps the destination's suffix (writers such as
    `soundfile` or `save_weights` choose the format from it). On an
    exception the temporary file is removed and `path` is left untouched.
    With `keep=False` the file is written in a private temporary directory
    and removed: a worker of a multi-worker job that must take part in a
    (collective) save without keeping what it saved.

    Example:

    >>> import tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "notes.txt")
    >>> with atomic_path(path) as temporary:
    ...     with open(temporary, "w") as file:
    ...         _ = file.write("complete")
    >>> open(path).read()
    'complete'
    """
    directory, name = os.path.split(os.path.abspath(path))
    if not keep:
        with tempfile.TemporaryDirectory() as scratch:
            yield os.path.join(scratch, name)
        return
    os.makedirs(directory, exist_ok=True)
    temporary = os.path.join(directory, f".tmp-{os.getpid()}-{name}")
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


@contextlib.contextmanager
def atomic_write(path: str, mode: str = "w"):
    """Opens a file to write atomically at `path` (see `atomic_path`)."""
    with atomic_path(path) as temporary, open(temporary, mode) as file:
        yield file


def strict_json(value):
    """Returns `value` with every non-finite float replaced by None (JSON null)."""
    if isinstance(value, dict):
        return {key: strict_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [strict_json(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def write_json(path: str, value, indent: int = 2):
    """Writes `value` as strict JSON (non-finite floats as null), atomically."""
    with atomic_write(path) as file:
        json.dump(strict_json(value), file, indent=indent, allow_nan=False)
