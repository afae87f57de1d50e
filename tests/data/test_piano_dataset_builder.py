"""The `tfds.testing.DatasetBuilderTestCase` tests of `datasets/piano_dataset`."""

from piano_dataset.piano_dataset_dataset_builder_test import PianoDatasetRecordingsTest  # noqa: F401
from piano_dataset.piano_dataset_dataset_builder_test import PianoDatasetScoresTest  # noqa: F401
