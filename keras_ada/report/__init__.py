"""A static listening report of trained models: `write_report`."""

from keras_ada.report.page import write_report

__all__ = ["write_report"]
