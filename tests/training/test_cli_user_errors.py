"""User errors on the command line end in one line and a non-zero exit."""

import os

import pytest

from keras_ada.cli import main

# What the command line prints does not depend on the backend.
pytestmark = pytest.mark.backend_neutral

DUMMY_DATA = os.path.join(
    os.path.dirname(__file__), "..", "..", "datasets", "piano_dataset", "dummy_data"
)


def one_line_error(capsys, argv, command):
    status = main(argv)
    err = capsys.readouterr().err.strip()
    assert status != 0
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert err.startswith(f"keras-ada {command}: error: ")
    return err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["train", "vqvae_hop8", "--steps", "0"], "--steps must be positive"),
        (["train", "vqvae_hop8", "--steps", "-5"], "--steps must be positive"),
        (["demo", "--steps", "10", "0", "5"], "--steps must be positive"),
        (["sample", "vqvae_hop8", "--seconds", "0"], "--seconds must be positive"),
        (["train", "vqvae_hop8", "--data-dir", "missing-data"], "no such directory"),
        (["sample", "missing/model.keras"], "missing/model.keras: no such file"),
        (["train", "codes_amae_rf64", "--codes-from", "a.keras"], "no such file"),
        (["train", "vqvae_hop8", "--num-processes", "0"], "must be positive"),
        (["train", "vqvae_hop8", "--process-id", "-1"], "--process-id must be >= 0"),
        (
            ["train", "vqvae_hop8", "--coordinator", "127.0.0.1:1"],
            "need --coordinator, --num-processes and --process-id together",
        ),
        (
            ["train", "vqvae_hop8", "--coordinator", "127.0.0.1:1"]
            + ["--num-processes", "2", "--process-id", "2"],
            "process_id",
        ),
    ],
)
def test_bad_arguments_are_rejected_before_any_work(capsys, tmp_path, argv, message):
    output = str(tmp_path / "out")
    err = one_line_error(capsys, [*argv, "--output", output], argv[0])
    assert message in err
    assert not os.path.exists(output)


def test_an_unwritable_output_is_rejected(capsys, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    err = one_line_error(
        capsys, ["train", "vqvae_hop8", "--output", str(blocker / "run")], "train"
    )
    assert "is not a directory" in err


def test_debug_shows_the_traceback(tmp_path):
    from keras_ada.cli.checks import UserError

    with pytest.raises(UserError):
        main(["--debug", "sample", "x", "--seconds", "0", "--output", str(tmp_path)])


def test_reconstruct_reports_each_bad_file(capsys, tmp_path):
    output = str(tmp_path / "out")
    status = main(
        [
            "reconstruct",
            "vqvae_hop8",
            "--scale",
            "tiny",
            str(tmp_path / "missing.wav"),
            os.path.join(DUMMY_DATA, "not_audio.wav"),
            "--output",
            output,
        ]
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 1
    assert len(err) == 2 and "missing.wav: no such file" in err[0]
    assert "not_audio.wav: not an audio file" in err[1]
    assert not os.path.exists(output)


def test_a_diverged_run_exits_non_zero_with_one_line(capsys, tmp_path):
    argv = ["train", "vqvae_hop8", "--scale", "tiny", "--synthetic", "--steps", "4"]
    argv += ["--checkpoint-every", "2", "--batch-size", "2", "--length", "64"]
    argv += ["--learning-rate", "1e30", "--eval-steps", "0", "--verbose", "0"]
    err = one_line_error(capsys, [*argv, "--output", str(tmp_path)], "train")
    assert "Training diverged at step" in err
    assert not os.path.exists(tmp_path / "model.keras")
