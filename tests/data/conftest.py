"""Fixtures of the data tests: a tiny prepared `piano_dataset/recordings`."""

import pytest
import soundfile
from piano_data_helpers import DURATIONS
from piano_data_helpers import SAMPLE_RATE
from piano_data_helpers import build_recordings
from piano_data_helpers import tones


@pytest.fixture(scope="session")
def prepared_data_dir(tmp_path_factory):
    """A TFDS data directory with `piano_dataset/recordings` of `DURATIONS`."""
    manual_dir = tmp_path_factory.mktemp("recordings")
    for index, (name, seconds) in enumerate(sorted(DURATIONS.items())):
        path = manual_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        soundfile.write(path, tones(seconds, seed=index), SAMPLE_RATE, subtype="PCM_16")
    data_dir = tmp_path_factory.mktemp("tensorflow_datasets")
    build_recordings(manual_dir, data_dir)
    return str(data_dir)
