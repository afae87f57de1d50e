"""Fixtures of the data tests: a tiny prepared `piano_dataset/recordings`."""

from piano_data_helpers import prepared_data_dir  # noqa: F401
