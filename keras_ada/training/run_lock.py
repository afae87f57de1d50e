"""One training process per output directory."""

import fcntl
import os

LOCK_FILE = ".lock"


class RunLocked(RuntimeError):
    """Raised when another process trains in the same output directory."""


class RunLock:
    """An exclusive lock on an output directory, held while a run trains.

    The lock is an `fcntl.flock` on `directory/.lock`, which holds the pid of
    its owner. The operating system releases it when the process ends, killed
    or not, so a lock left by a dead process never blocks a new run.

    Args:
        directory: the run's output directory (created if missing).

    Example:

    >>> import tempfile
    >>> directory = tempfile.mkdtemp()
    >>> with RunLock(directory):
    ...     try:
    ...         with RunLock(directory):
    ...             pass
    ...     except RunLocked:
    ...         print("refused")
    refused
    """

    def __init__(self, directory: str):
        self.directory = directory
        self.path = os.path.join(directory, LOCK_FILE)
        self._descriptor = None

    def __enter__(self):
        os.makedirs(self.directory, exist_ok=True)
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = os.read(descriptor, 32).decode(errors="replace").strip()
            os.close(descriptor)
            raise RunLocked(
                f"{self.directory} is in use by another training process "
                f"(pid {owner or 'unknown'}): wait for it to finish, or choose "
                "another output directory."
            ) from None
        os.ftruncate(descriptor, 0)
        os.write(descriptor, f"{os.getpid()}\n".encode())
        self._descriptor = descriptor
        return self

    def __exit__(self, *exc_info):
        fcntl.flock(self._descriptor, fcntl.LOCK_UN)
        os.close(self._descriptor)
        self._descriptor = None
