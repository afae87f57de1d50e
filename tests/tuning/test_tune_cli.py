"""`keras-ada train` points to `keras-ada tune` for the models the paper trains with PBT."""

import pytest

from keras_ada import cli


def test_tune_is_registered():
    _, runners = cli.build_parser()
    assert "tune" in runners


@pytest.mark.parametrize(
    "command",
    [
        ["codes_vqvae_pbt"],
        ["2.2"],
        ["vqvae_vqvae_wavenet", "--level", "1"],
    ],
)
def test_train_points_to_tune(command, capsys, tmp_path):
    argv = ["train", *command, "--scale", "tiny", "--output", str(tmp_path)]
    assert cli.main(argv) == 1
    assert "keras-ada tune" in capsys.readouterr().err


def test_train_level_1_of_3_7_is_not_tuned(capsys, tmp_path):
    argv = ["train", "vqvae_amae_wavenet", "--level", "1", "--synthetic"]
    assert cli.main(argv + ["--output", str(tmp_path)]) == 1
    assert "Level 0 of vqvae_amae_wavenet" in capsys.readouterr().err
