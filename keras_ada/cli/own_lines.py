"""keras-ada's own warnings, each on a line of its own.

Keras' progress bar leaves its line unfinished on stdout until the end of an
epoch, when keras-ada's warnings come (a collapsed codebook). Where stdout and
stderr end in the same place (a terminal, `keras-ada train > log 2>&1`), a
warning first ends that line. It is written to the command's stderr as it was
when the command started, ahead of the filter of third-party lines
(`keras_ada.native_logs`), so that it lands where the progress bar stands.
"""

import contextlib
import logging
import os
import sys


@contextlib.contextmanager
def own_lines_logging():
    """Within it, the warnings of keras-ada's loggers (`keras_ada.*`) print to
    stderr as `keras-ada: warning: <message>`, each on a line of its own, and
    only there."""
    stdout = _LineEnds(sys.stdout)
    stderr = _duplicate(sys.stderr)
    handler = _OwnLineHandler(stderr, stdout, _same_place(sys.stdout, stderr))
    logger = logging.getLogger("keras_ada")
    saved = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    sys.stdout = stdout
    try:
        yield
    finally:
        sys.stdout = stdout.stream
        logger.removeHandler(handler)
        logger.level, logger.propagate = saved
        if stderr is not sys.stderr:
            stderr.close()


class _LineEnds:
    """A text stream that remembers whether what was written to it ends a line.

    Args:
        stream: the stream written to.
    """

    def __init__(self, stream):
        self.stream = stream
        self.mid_line = False

    def write(self, text):
        if text:
            self.mid_line = not text.endswith("\n")
        return self.stream.write(text)

    def __getattr__(self, name):
        return getattr(self.stream, name)


class _OwnLineHandler(logging.StreamHandler):
    """Writes `keras-ada: <level>: <message>` lines to `stream`, first ending
    the line `stdout` left unfinished when both go to the same place.

    Args:
        stream: where the lines go.
        stdout: the command's stdout.
        same_place: whether `stream` and `stdout` end in the same file,
            pipe or terminal.
    """

    def __init__(self, stream, stdout: _LineEnds, same_place: bool):
        super().__init__(stream)
        self.stdout = stdout
        self.same_place = same_place

    def format(self, record):
        return f"keras-ada: {record.levelname.lower()}: {record.getMessage()}"

    def emit(self, record):
        self.stdout.flush()
        if self.same_place and self.stdout.mid_line:
            self.stream.write("\n")
            self.stdout.mid_line = False
        super().emit(record)


def _duplicate(stream):
    """A stream of its own on the file descriptor of `stream`, which stays
    where it is when the descriptor is redirected; `stream` itself when it has
    none."""
    try:
        descriptor = os.dup(stream.fileno())
    except (AttributeError, OSError, ValueError):
        return stream
    return os.fdopen(
        descriptor, "w", encoding=stream.encoding, errors="backslashreplace"
    )


def _same_place(first, second) -> bool:
    """Whether two streams write to the same file, pipe or terminal (assumed
    when it cannot be told)."""
    try:
        first, second = os.fstat(first.fileno()), os.fstat(second.fileno())
    except (AttributeError, OSError, ValueError):
        return True
    return (first.st_dev, first.st_ino) == (second.st_dev, second.st_ino)
