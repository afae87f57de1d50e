"""Every user mistake ends in one line that names the fix, before any model
loads, and leaves nothing behind."""

import importlib.util
import os
import subprocess
import sys

import pytest

from keras_ada import cli


def one_line_error(capsys, argv):
    status = cli.main(argv)
    err = capsys.readouterr().err.strip()
    assert status == 1
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    command = next(arg for arg in argv if arg in cli.COMMANDS)
    assert err.startswith(f"keras-ada {command}: error: "), err
    return err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["train", "vqvae_hop9"], "did you mean 'vqvae_hop8'"),
        (["train", "vqvae_hop8", "--scale", "tin"], "--scale tin: unknown; did you "),
        (["tune", "vqvae_hop8", "--scale", "smal"], "did you mean 'small'"),
        (["train", "vqvae_hop8", "--config", "recording"], "mean 'recordings'"),
        (["sample", "wavenet_larg"], "did you mean 'wavenet_large'"),
        (["sample", "wavenet_large", "--temperature", "-1"], "finite and >= 0"),
        (["sample", "wavenet_large", "--temperature", "nan"], "finite and >= 0"),
        (
            ["sample", "vqvae_amae_wavenet", "--temperature", "1", "1", "1", "1"],
            "one value or 3, one per model",
        ),
        (
            ["reconstruct", "wavenet_large", "a.wav", "--temperature", "inf"],
            "finite and >= 0",
        ),
    ],
)
def test_mistakes_are_one_line_naming_the_fix(capsys, tmp_path, argv, message):
    output = str(tmp_path / "out")
    if "--scale" not in argv:
        argv = [*argv, "--scale", "tiny"]
    err = one_line_error(capsys, [*argv, "--output", output])
    assert message in err
    assert not os.path.exists(output)


@pytest.mark.parametrize("command", ["evaluate", "report"])
def test_a_directory_that_is_not_a_run_is_named(capsys, tmp_path, command):
    argv = [command, str(tmp_path)]
    if command == "report":
        argv += ["--output", str(tmp_path / "report")]
    err = one_line_error(capsys, argv)
    assert "is not a run directory (no model.keras / stack.json)" in err
    assert not os.path.exists(tmp_path / "report")


def test_a_directory_given_as_audio_is_named(capsys, tmp_path):
    argv = ["reconstruct", "vqvae_hop8", str(tmp_path), "--scale", "tiny"]
    err = one_line_error(capsys, [*argv, "--output", str(tmp_path / "out")])
    assert f"{tmp_path} is a directory: give its audio files" in err


def test_missing_data_names_data_dir_and_the_build_and_leaves_nothing(capsys, tmp_path):
    output = tmp_path / "3.4"
    argv = ["train", "vqvae_wavenet", "--level", "0", "--scale", "tiny"]
    argv += ["--config", "recordings", "--data-dir", str(tmp_path)]
    err = one_line_error(capsys, [*argv, "--output", str(output)])
    assert "--data-dir" in err
    assert "keras-ada data build --config recordings" in err
    assert not output.exists()


def test_a_missing_backend_is_one_line():
    if importlib.util.find_spec("torch"):
        pytest.skip("torch is installed")
    result = subprocess.run(
        [sys.executable, "-m", "keras_ada", "--backend", "torch", "train", "--list"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "keras-ada train: error: --backend torch: torch is not installed; "
        "`pip install torch`, or choose another backend."
    ]
