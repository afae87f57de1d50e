"""piano_dataset dataset."""

import pathlib
import unittest
from typing import ClassVar

import tensorflow_datasets as tfds

from keras_ada.datasets.piano_dataset import piano_dataset_dataset_builder
from keras_ada.datasets.piano_dataset import synthesis

DUMMY_DATA = pathlib.Path(__file__).parent / "dummy_data"


class PianoDatasetRecordingsTest(tfds.testing.DatasetBuilderTestCase):
    """The `recordings` config on `dummy_data/` (the manual directory).

    `dummy_data/` holds four usable recordings in four formats (FLAC 22.05 kHz
    stereo, WAV 16 kHz, Ogg Vorbis 11.025 kHz, 8-bit WAV 8 kHz), a silent file, a
    text file with a `.wav` extension and a `.txt` file; `metadata.csv` names
    the composer of one file and the title of another. The recording whose id
    hashes lowest (`Chopin/etude.wav`) is the evaluation split.
    """

    DATASET_CLASS = piano_dataset_dataset_builder.Builder
    EXAMPLE_DIR = str(DUMMY_DATA)
    BUILDER_CONFIG_NAMES_TO_TEST = ("recordings",)
    SPLITS: ClassVar[dict[str, int]] = {"train": 3, "eval": 1}


@unittest.skipUnless(synthesis.is_available(), synthesis.INSTALL_HINT)
class PianoDatasetScoresTest(tfds.testing.DatasetBuilderTestCase):
    """The embedded source on three short scores of the music21 corpus."""

    DATASET_CLASS = piano_dataset_dataset_builder.Builder
    EXAMPLE_DIR = str(DUMMY_DATA)
    BUILDER_CONFIG_NAMES_TO_TEST = (
        piano_dataset_dataset_builder.PianoConfig(
            name="embedded_test",
            pieces=(
                "schoenberg/opus19/movement6.mxl",
                "mozart/k545/movement1_exposition.mxl",
                "bach/bwv153.1.mxl",
            ),
        ),
    )
    SPLITS: ClassVar[dict[str, int]] = {"train": 2, "eval": 1}


if __name__ == "__main__":
    tfds.testing.test_main()
