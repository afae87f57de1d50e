"""`keras-ada reconstruct`: audio files between options, or the run's own data."""

import numpy as np
import soundfile

import keras_ada
from keras_ada import cli
from keras_ada.runner.run_data import write_run_data


def test_options_may_stand_between_the_audio_files():
    parser, _ = cli.build_parser()
    argv = ["reconstruct", "runs/3.7", "a.wav", "--output", "o", "b.wav"]
    argv += ["--seconds", "2", "c.wav"]
    args = parser.parse_args(argv)
    assert (args.model, args.audio) == ("runs/3.7", ["a.wav", "b.wav", "c.wav"])
    assert (args.output, args.seconds) == ("o", 2.0)
    args = parser.parse_args(["reconstruct", "runs/3.7", "--output", "o"])
    assert args.audio == []


def test_without_audio_a_run_reconstructs_an_excerpt_of_its_data(
    stack, prepared_data_dir, tmp_path
):
    run = str(tmp_path / "run")
    stack.save_levels(run)
    write_run_data(
        run,
        config="recordings",
        data_dir=prepared_data_dir,
        length=64,
        synthetic=False,
    )
    output = tmp_path / "out"
    argv = ["reconstruct", run, "--seconds", "0.05", "--output", str(output)]
    assert cli.main(argv) == 0
    original, rate = soundfile.read(str(output / "eval_excerpt_original.wav"))
    assert rate == 16000 and len(original) == 768  # 800 samples, whole codes
    assert soundfile.info(str(output / "eval_excerpt_reconstruction.wav")).frames == 768
    # The second 800-sample window of the eval recording, mu-law quantised.
    [recording] = keras_ada.data.recordings("eval", "recordings", prepared_data_dir)
    window = recording["audio"].numpy()[800:1568] / 32768.0
    assert np.corrcoef(original, window)[0, 1] > 0.99


def test_without_audio_a_run_on_synthetic_data_is_a_mistake(capsys, tmp_path):
    run = str(tmp_path / "run")
    write_run_data(run, config=None, data_dir=None, length=64, synthetic=True)
    model = tmp_path / "run" / "model.keras"
    model.touch()
    argv = ["reconstruct", str(model), "--output", str(tmp_path / "out")]
    assert cli.main(argv) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("keras-ada reconstruct: error: give the audio files")
