"""The `tfds.testing.DatasetBuilderTestCase` tests of `datasets/piano_dataset`."""

import piano_data_helpers  # noqa: F401 (puts datasets/ on sys.path)
from piano_dataset.piano_dataset_dataset_builder_test import PianoDatasetRecordingsTest  # noqa: F401
from piano_dataset.piano_dataset_dataset_builder_test import PianoDatasetScoresTest  # noqa: F401
