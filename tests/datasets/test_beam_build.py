"""The `recordings` config built by Beam: the same examples on one worker or two.

The reference is what the documented rules give when each file is read on its
own: `read_recording` for the audio, the folder and file names for composer
and title, the first usable recording in `split_order` for `eval`.
"""

import os

import numpy as np
import pytest
import soundfile
import tensorflow_datasets as tfds
from apache_beam.options.pipeline_options import PipelineOptions
from piano_data_helpers import tones
from piano_data_helpers import write_recordings

import keras_ada
from keras_ada.datasets.piano_dataset import audio_files
from keras_ada.datasets.piano_dataset import piano_dataset_dataset_builder

GOOD = {
    "Bach/a.wav": (16000, 1, 2.0, "WAV", "PCM_16"),
    "Bach/b.flac": (44100, 2, 1.5, "FLAC", "PCM_24"),
    "Chopin/c.ogg": (22050, 1, 1.8, "OGG", "VORBIS"),
    "Chopin/d.wav": (48000, 1, 1.3, "WAV", "FLOAT"),
    "Liszt/e.aiff": (11025, 1, 1.4, "AIFF", "PCM_16"),
    "f.wav": (8000, 6, 1.1, "WAV", "PCM_16"),
}
BAD = ["empty.wav", "text.mp3", "silent.wav", "short.wav"]


def _write_folder(folder):
    write_recordings(folder, GOOD)
    (folder / "empty.wav").write_bytes(b"")
    (folder / "text.mp3").write_text("Not an mp3 file.\n")
    soundfile.write(folder / "silent.wav", np.zeros(32000), 16000)
    soundfile.write(folder / "short.wav", tones(0.2), 16000)


def _build(folder, data_dir, beam_options=None):
    builder = piano_dataset_dataset_builder.Builder(
        config="recordings", data_dir=str(data_dir)
    )
    builder.download_and_prepare(
        download_config=tfds.download.DownloadConfig(
            manual_dir=str(folder), beam_options=beam_options
        )
    )
    return {
        split: {
            example["id"].decode(): example
            for example in tfds.as_numpy(builder.as_dataset(split=split))
        }
        for split in builder.info.splits
    }


def _reference(folder):
    recordings, _ = audio_files.find_recordings(folder)
    usable = {}
    for recording in recordings:
        try:
            usable[recording.id] = (
                audio_files.read_recording(recording.path, 1.0),
                recording.composer,
                recording.title,
            )
        except ValueError:
            continue
    held_out = min(usable, key=piano_dataset_dataset_builder.split_order)
    return {
        "eval": {held_out: usable[held_out]},
        "train": {id_: value for id_, value in usable.items() if id_ != held_out},
    }


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("recordings")
    _write_folder(folder)
    return folder


def _assert_matches(built, reference):
    assert set(built) == set(reference)
    for split, expected in reference.items():
        assert sorted(built[split]) == sorted(expected), split
        for id_, (audio, composer, title) in expected.items():
            example = built[split][id_]
            np.testing.assert_array_equal(example["audio"], audio)
            assert example["composer"].decode() == composer
            assert example["title"].decode() == title


def test_one_worker_gives_the_documented_examples(folder, tmp_path):
    reference = _reference(folder)
    assert len(reference["train"]) == len(GOOD) - 1
    _assert_matches(_build(folder, tmp_path), reference)


@pytest.mark.slow
def test_two_worker_processes_give_the_same_examples(folder, tmp_path, monkeypatch):
    # Beam's worker processes import the builder's module from the keras_ada
    # this process imported.
    root = os.path.dirname(os.path.dirname(keras_ada.__file__))
    path = os.environ.get("PYTHONPATH")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [root, path])))
    options = PipelineOptions(
        direct_num_workers=2, direct_running_mode="multi_processing"
    )
    _assert_matches(_build(folder, tmp_path, options), _reference(folder))
