"""`load_model`, `sample_to_files` and `reconstruct_files` on tiny models."""

import json

import numpy as np
import pytest
import soundfile

from keras_ada import runner


def test_load_model_reports_what_it_cannot_load(tmp_path):
    with pytest.raises(
        runner.UserError, match="neither a preset .*nor a stack directory"
    ):
        runner.load_model(str(tmp_path))
    with pytest.raises(ValueError, match="neither a file"):
        runner.load_model("no_such_model")


def test_sample_to_files_from_a_loaded_wavenet(tmp_path):
    model = runner.load_model("wavenet_large", scale="tiny")
    settings = runner.sample_to_files(
        model, str(tmp_path), seconds=0.004, batch_size=2, temperature=[0.9]
    )
    assert settings["seconds"] == 0.004 and settings["model"] == "WaveNet"
    assert soundfile.info(str(tmp_path / "sample_001.wav")).frames == 64
    assert json.loads((tmp_path / "samples.json").read_text())["batch_size"] == 2
    with pytest.raises(runner.UserError, match="one --temperature"):
        runner.sample_to_files(model, str(tmp_path), temperature=[1.0, 0.5])


def test_sample_and_reconstruct_a_stack(stack, tmp_path):
    runner.sample_to_files(stack, str(tmp_path), seconds=0.008, temperature=(1, 0.5, 1))
    assert soundfile.info(str(tmp_path / "sample_000.wav")).frames == 128

    tone = 0.3 * np.sin(2 * np.pi * 440 * np.arange(800) / 16000)
    soundfile.write(str(tmp_path / "tone.wav"), tone, 16000)
    missing = str(tmp_path / "missing.wav")
    errors = runner.reconstruct_files(
        stack, [str(tmp_path / "tone.wav"), missing], str(tmp_path / "out")
    )
    assert list(errors) == [missing] and "no such file" in errors[missing]
    assert (
        soundfile.info(str(tmp_path / "out" / "tone_reconstruction.wav")).frames == 768
    )


def test_reconstruct_files_loads_nothing_when_no_file_is_readable(tmp_path):
    errors = runner.reconstruct_files(
        "no_such_model", [str(tmp_path / "a.wav")], str(tmp_path / "out")
    )
    assert "a.wav: no such file" in errors[str(tmp_path / "a.wav")]
    assert not (tmp_path / "out").exists()


def test_reconstruct_files_refuses_a_wavenet(tmp_path):
    soundfile.write(str(tmp_path / "a.wav"), np.zeros(160), 16000)
    model = runner.load_model("wavenet_large", scale="tiny")
    with pytest.raises(runner.UserError, match="give a stack or an ADA"):
        runner.reconstruct_files(model, [str(tmp_path / "a.wav")], str(tmp_path))


def test_a_preset_samples_by_directory_and_through_the_command_line(stack, tmp_path):
    from keras_ada import cli

    preset = str(tmp_path / "preset")
    stack.save_to_preset(preset)
    loaded = runner.load_model(preset)
    assert type(loaded).__name__ == "Stack"
    assert loaded.count_params() == stack.count_params()
    output = tmp_path / "samples"
    assert (
        cli.main(["sample", preset, "--seconds", "0.004", "--output", str(output)]) == 0
    )
    assert soundfile.info(str(output / "sample_000.wav")).frames == 64
