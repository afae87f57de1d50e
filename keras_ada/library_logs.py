"""The messages the libraries keras-ada uses log on every run that ask nothing
of its users, and the logging filters that drop them by exact message.

They are Python logging records (`keras_ada.native_logs` has the lines
TensorFlow's C++ writes): absl's deprecation of a field that TFDS itself
reads, Beam's notice on import that Google Cloud's clients are missing, Beam's
notices on the string type hints of a pipeline's code, and Beam's complaints
that it does not know the arguments of the command line (`tfds build ...`),
which it reads as its own options when a pipeline is given none. Everything is
kept when `TF_CPP_MIN_LOG_LEVEL=0` asks for every line
(`keras_ada.native_logs.every_line_asked`).
"""

import contextlib
import logging
import re
import sys

from keras_ada.native_logs import every_line_asked

_installed = {}  # the filters dropping the noise until the process exits


class DropMessages(logging.Filter):
    """Drops the records whose message `pattern` matches from its start.

    Args:
        pattern: a regular expression.
    """

    def __init__(self, pattern: str):
        super().__init__()
        self.pattern = re.compile(pattern)

    def filter(self, record):
        return not self.pattern.match(record.getMessage())


class DropCommandLineArguments(logging.Filter):
    """Drops Beam's complaints about arguments of the process's command line.

    Given no options, a Beam pipeline reads `sys.argv` as its options and
    logs `Unparseable argument: X` and `Discarding unparseable args: [X, ...]`
    for what it does not know. Complaints naming only arguments of the
    command line (`tfds build piano_dataset --config ...`) are dropped; those
    about options given to Beam (`--beam_pipeline_options`) are kept.
    """

    UNPARSEABLE = re.compile(r"Unparseable argument: (.+?)(\. Did you mean .*)?$")
    DISCARDING = "Discarding unparseable args: %s"

    def filter(self, record):
        if record.msg == self.DISCARDING and record.args:
            named = list(record.args[0])
        else:
            match = self.UNPARSEABLE.match(record.getMessage())
            named = [match[1]] if match else []
        return not (named and set(named) <= set(sys.argv[1:]))


def library_filters() -> dict[str, logging.Filter]:
    """The filters of the libraries' noise, by the name of the logger that
    logs it (a filter of a logger sees the records logged on it)."""
    return {
        "absl": DropMessages(r"`\w+\.dtype` is deprecated\. Please change your code"),
        "root": DropMessages(
            r"apitools not found, and bigquery client libraries are not"
        ),
        "apache_beam.typehints.native_type_compatibility": DropMessages(
            r'Converting string literal type hint to Any: "'
        ),
        "apache_beam.options.pipeline_options": DropCommandLineArguments(),
    }


def printed_noise() -> re.Pattern:
    """The libraries' noise as Python's default logging format prints it
    (`WARNING:root:apitools not found, ...`): a line that processes print
    when they log it before importing keras-ada, as the worker processes of
    a build do, whose stderr `keras_ada.native_logs` can filter."""
    return re.compile(
        "|".join(
            rf"[A-Z]+:{re.escape(name)}:(?:{drop.pattern.pattern})"
            for name, drop in library_filters().items()
            if isinstance(drop, DropMessages)
        )
    )


@contextlib.contextmanager
def library_noise_dropped():
    """Within it, the libraries' noise is dropped."""
    filters = library_filters()
    for name, drop in filters.items():
        logging.getLogger(name).addFilter(drop)
    try:
        yield
    finally:
        for name, drop in filters.items():
            logging.getLogger(name).removeFilter(drop)


def drop_library_noise():
    """Drops the libraries' noise from now until the process exits, unless
    `TF_CPP_MIN_LOG_LEVEL=0` asks for every line; does nothing when called
    again."""
    if _installed or every_line_asked():
        return
    _installed.update(library_filters())
    for name, drop in _installed.items():
        logging.getLogger(name).addFilter(drop)
