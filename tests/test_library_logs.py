"""The libraries' messages that ask nothing of the user are dropped by exact
message; the others, and everything when every line is asked for, are kept."""

import logging
import sys

from keras_ada import library_logs
from keras_ada import native_logs


def _kept(logger, message, *args):
    record = logging.getLogger(logger).makeRecord(
        logger, logging.WARNING, __file__, 1, message, args, None
    )
    return library_logs.library_filters()[logger].filter(record)


def test_beam_complaints_about_the_command_line_are_dropped(monkeypatch):
    monkeypatch.setattr(sys, "argv", ["tfds", "build", "--config", "recordings"])
    beam = "apache_beam.options.pipeline_options"
    assert not _kept(beam, "Unparseable argument: recordings")
    assert not _kept(beam, "Unparseable argument: --config. Did you mean '--cfg'?'")
    assert not _kept(beam, "Discarding unparseable args: %s", ["--config", "build"])
    # Options given to Beam itself, mistyped: a real problem.
    assert _kept(beam, "Unparseable argument: --direct_num_worker=2")
    assert _kept(beam, "Discarding unparseable args: %s", ["--direct_num_worker=2"])


def test_deprecations_and_type_hint_notices_are_dropped_by_exact_message():
    hints = "apache_beam.typehints.native_type_compatibility"
    assert not _kept(hints, 'Converting string literal type hint to Any: "int"')
    assert _kept(hints, "Another notice")
    assert not _kept(
        "absl", "`FeatureConnector.dtype` is deprecated. Please change your code to"
    )
    assert _kept("absl", "`FeatureConnector.dtype` is fine")


def test_every_line_asked_keeps_everything(monkeypatch):
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "0")
    monkeypatch.setattr(library_logs, "_installed", {})
    monkeypatch.setattr(native_logs, "_filters", [])
    library_logs.drop_library_noise()
    native_logs.filter_stderr_until_exit()
    assert library_logs._installed == {} and native_logs._filters == []
