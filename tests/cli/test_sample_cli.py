import json

import numpy as np
import soundfile

from keras_ada import cli


def test_sample_and_reconstruct_are_registered():
    _, runners = cli.build_parser()
    assert {"sample", "reconstruct"} <= set(runners)


def test_sample_a_wavenet(tmp_path):
    output = tmp_path / "samples"
    command = ["sample", "wavenet_large", "--scale", "tiny", "--seconds", "0.004"]
    assert cli.main([*command, "--batch-size", "2", "--output", str(output)]) == 0
    for index in range(2):
        info = soundfile.info(str(output / f"sample_{index:03d}.wav"))
        assert (info.samplerate, info.frames, info.subtype) == (16000, 64, "PCM_16")
        assert (output / f"sample_{index:03d}.png").stat().st_size > 0
    settings = json.loads((output / "samples.json").read_text())
    assert settings["batch_size"] == 2 and settings["seconds"] == 0.004


def test_sample_and_reconstruct_a_saved_stack(stack, tmp_path):
    stack.save_levels(str(tmp_path / "stack"))
    output = tmp_path / "out"
    command = ["sample", str(tmp_path / "stack"), "--seconds", "0.008", "--seed", "3"]
    assert (
        cli.main([*command, "--temperature", "1", "0.5", "1", "--output", str(output)])
        == 0
    )
    assert soundfile.info(str(output / "sample_000.wav")).frames == 128  # 2 top codes

    # A stereo 8 kHz recording: mixed down and resampled to 16 kHz.
    time = np.arange(800) / 8000
    tone = 0.3 * np.sin(2 * np.pi * 440 * time)
    soundfile.write(str(tmp_path / "tone.wav"), np.stack([tone, tone], 1), 8000)
    command = ["reconstruct", str(tmp_path / "stack"), str(tmp_path / "tone.wav")]
    assert cli.main([*command, "--seconds", "0.05", "--output", str(output)]) == 0
    for kind in ("original", "reconstruction"):
        info = soundfile.info(str(output / f"tone_{kind}.wav"))
        assert (info.samplerate, info.frames) == (
            16000,
            768,
        )  # 800 samples, whole codes
    assert (output / "tone.png").stat().st_size > 0


def test_continue_a_recording_with_a_saved_stack(stack, tmp_path):
    stack.save_levels(str(tmp_path / "stack"))
    time = np.arange(4000) / 8000  # 0.5 s at 8 kHz: 8000 samples at 16 kHz
    soundfile.write(str(tmp_path / "piece.wav"), 0.3 * np.sin(2000 * time), 8000)
    output = tmp_path / "continued"
    command = [
        "sample",
        str(tmp_path / "stack"),
        "--prime",
        str(tmp_path / "piece.wav"),
    ]
    command += ["--prime-seconds", "0.01", "--seconds", "0.008", "--top-k", "5"]
    assert cli.main([*command, "--batch-size", "2", "--output", str(output)]) == 0
    for index in range(2):
        info = soundfile.info(str(output / f"sample_{index:03d}.wav"))
        assert info.frames == 160 + 128  # the prime, then 2 top codes
    settings = json.loads((output / "samples.json").read_text())
    assert settings["prime_seconds"] == 0.01 and settings["top_k"] == [5]


def test_sampler_options_are_checked(capsys, tmp_path):
    command = ["sample", "wavenet_large", "--scale", "tiny", "--seconds", "0.004"]
    command += ["--output", str(tmp_path)]
    assert cli.main([*command, "--top-k", "2", "--top-p", "0.5"]) == 1
    assert "not both" in capsys.readouterr().err
    assert cli.main([*command, "--prime", str(tmp_path / "missing.wav")]) == 1
    assert "no such file" in capsys.readouterr().err


def test_unusable_models_are_reported(capsys, tmp_path):
    assert cli.main(["sample", "no_such_model", "--output", str(tmp_path)]) == 1
    assert "zoo model" in capsys.readouterr().err
    command = ["sample", "vqvae_hop8", "--scale", "tiny", "--output", str(tmp_path)]
    assert cli.main(command) == 1
    assert "keras-ada reconstruct" in capsys.readouterr().err
