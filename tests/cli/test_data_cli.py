"""`keras-ada data build` builds the piano data from the installed package, in
any directory."""

import os
import subprocess
import sys

import pytest
from piano_data_helpers import write_recordings

import keras_ada
from keras_ada import cli
from keras_ada.cli.choices import PIANO_CONFIGS
from keras_ada.datasets.piano_dataset import piano_dataset_dataset_builder

RECORDINGS = {
    "Bach/a.wav": (16000, 1, 1.5, "WAV", "PCM_16"),
    "Satie/b.flac": (22050, 2, 1.2, "FLAC", "PCM_16"),
}


def test_the_command_line_knows_every_config_of_the_builder():
    builder = piano_dataset_dataset_builder.Builder
    configs = builder.BUILDER_CONFIGS + builder.MANUAL_BUILDER_CONFIGS
    assert PIANO_CONFIGS == tuple(config.name for config in configs)


def test_recordings_build_outside_the_clone(tmp_path):
    write_recordings(tmp_path / "mine", RECORDINGS)
    data_dir = tmp_path / "data"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # The keras_ada under test, as an installed package would be found.
    root = os.path.dirname(os.path.dirname(keras_ada.__file__))
    result = subprocess.run(
        [sys.executable, "-m", "keras_ada", "data", "build", "--config"]
        + ["recordings", "--manual-dir", "../mine", "--data-dir", str(data_dir)],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": root},
    )
    assert result.returncode == 0, result.stderr
    assert "Built piano_dataset/recordings in" in result.stdout
    assert "Traceback" not in result.stderr and "apitools" not in result.stderr
    builder = keras_ada.data.load_builder("recordings", str(data_dir))
    assert builder.info.splits["train"].num_examples == 1
    assert builder.info.splits["eval"].num_examples == 1


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--config", "recordings"], "give their folder with --manual-dir"),
        (["--config", "recordings", "--manual-dir", "missing"], "no such directory"),
        (["--config", "embeded"], "did you mean 'embedded'"),
    ],
)
def test_build_mistakes_are_one_line(capsys, tmp_path, argv, message):
    status = cli.main(["data", "build", "--data-dir", str(tmp_path / "d"), *argv])
    err = capsys.readouterr().err
    assert status == 1 and err.startswith("keras-ada data: error: ")
    assert message in err and len(err.splitlines()) == 1
