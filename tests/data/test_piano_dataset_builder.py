"""The `tfds.testing.DatasetBuilderTestCase` tests of `datasets/piano_dataset`."""

from piano_dataset.piano_dataset_dataset_builder_test import (  # noqa: F401
    PianoDatasetRecordingsTest,
    PianoDatasetScoresTest,
)
