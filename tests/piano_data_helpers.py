"""Helpers of the data tests: synthetic recordings, `recordings` builds and the
fixture of a tiny prepared `piano_dataset/recordings` (`prepared_data_dir`).

The builder is `keras_ada.datasets.piano_dataset`; `datasets/` is the folder
`tfds build` runs in, not a package: importing this module puts it on
`sys.path`, so that the TFDS tests beside its entry point import.
"""

import pathlib
import sys

import numpy as np
import pytest
import tensorflow_datasets as tfds

DATASETS_DIR = pathlib.Path(__file__).resolve().parents[1] / "datasets"
if str(DATASETS_DIR) not in sys.path:
    sys.path.insert(0, str(DATASETS_DIR))

from keras_ada.datasets.piano_dataset import piano_dataset_dataset_builder  # noqa: E402, I001

SAMPLE_RATE = 16000
# Durations (seconds) of the synthetic recordings of `prepared_data_dir`.
DURATIONS = {
    "Bach/a.wav": 3.0,
    "Bach/b.wav": 1.5,
    "Chopin/c.flac": 5.0,
    "Chopin/d.wav": 2.0,
    "Liszt/e.wav": 4.0,
    "Liszt/f.wav": 1.2,
}


def tones(seconds, rate=SAMPLE_RATE, seed=0, channels=1):
    """Decaying tones of random pitch, in [-1, 1], `[frames]` or `[frames, channels]`.

    A tone starts every 0.2 s and lasts 2 s (a decay of 5 per second).
    """
    rng = np.random.default_rng(seed)
    audio = np.zeros(round(seconds * rate))
    since = np.arange(2 * rate) / rate
    for onset in np.arange(0.0, seconds, 0.2):
        frequency = rng.uniform(100.0, 1000.0)
        start = round(onset * rate)
        tone = 0.15 * np.exp(-5.0 * since) * np.sin(2 * np.pi * frequency * since)
        end = min(len(audio), start + len(tone))
        audio[start:end] += tone[: end - start]
    audio = np.clip(audio, -1.0, 1.0)
    return np.repeat(audio[:, None], channels, axis=1) if channels > 1 else audio


def write_recordings(folder, recordings):
    """Writes `tones` recordings, the `i`-th of them with seed `i`.

    Args:
        folder: where to write them.
        recordings: `{relative path: (rate, channels, seconds, soundfile format,
            subtype)}`.
    """
    import soundfile

    for index, (name, (rate, channels, seconds, fmt, subtype)) in enumerate(
        recordings.items()
    ):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        audio = tones(seconds, rate, seed=index, channels=channels)
        soundfile.write(path, audio, rate, format=fmt, subtype=subtype)


def build_recordings(manual_dir, data_dir):
    """Builds the `recordings` config of `manual_dir` into `data_dir`."""
    builder = piano_dataset_dataset_builder.Builder(
        config="recordings", data_dir=str(data_dir)
    )
    builder.download_and_prepare(
        download_config=tfds.download.DownloadConfig(manual_dir=str(manual_dir))
    )
    return builder


@pytest.fixture(scope="session")
def prepared_data_dir(tmp_path_factory):
    """A TFDS data directory with `piano_dataset/recordings` of `DURATIONS`."""
    import soundfile

    manual_dir = tmp_path_factory.mktemp("recordings")
    for index, (name, seconds) in enumerate(sorted(DURATIONS.items())):
        path = manual_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        soundfile.write(path, tones(seconds, seed=index), SAMPLE_RATE, subtype="PCM_16")
    data_dir = tmp_path_factory.mktemp("tensorflow_datasets")
    build_recordings(manual_dir, data_dir)
    return str(data_dir)
