"""The command line prints its own messages only: no third-party noise, its
warnings on their own line, everything with `-v`."""

import logging
import os
import subprocess
import sys

import keras_ada
from keras_ada import native_logs
from keras_ada.cli import output
from keras_ada.cli.own_lines import own_lines_logging

NATIVE_LINES = [
    "WARNING: All log messages before absl::InitializeLog() is called are written "
    "to STDERR",
    "I0000 00:00:1796367345.715075   23989 port.cc:153] oneDNN custom operations are "
    "on. You may see slightly different numerical results.",
    "I0000 00:00:1796367345.715482   23989 cudart_stub.cc:31] Could not find cuda "
    "drivers on your machine, GPU will not be used.",
    "E0000 00:00:1796367545.554452   25352 cuda_platform.cc:52] failed call to "
    "cuInit: INTERNAL: CUDA error: Failed call to cuInit: UNKNOWN ERROR (303)",
    "I0000 00:00:1796371223.041658   15986 generator_dataset_op.cc:213] Memory "
    "patch applied: M_TRIM_THRESHOLD=128 kb was set",
]


def test_native_noise_is_dropped_by_exact_message(capfd):
    kept = "E0000 00:00:1.0 1 other.cc:1] a real error"
    with native_logs.filtered_stderr():
        os.write(2, "\n".join([*NATIVE_LINES, kept, ""]).encode())
    assert capfd.readouterr().err == kept + "\n"


def test_native_noise_after_an_unfinished_progress_bar_is_dropped(capfd):
    progress = "Generating train examples...: 0 examples [00:00, ? examples/s]\x1b[A"
    with native_logs.filtered_stderr():
        os.write(2, f"{progress}{NATIVE_LINES[0]}\n\r1 examples\n".encode())
    assert capfd.readouterr().err == progress + "\r1 examples\n"


def test_library_deprecations_are_dropped_and_own_warnings_kept(capfd, caplog):
    absl = logging.getLogger("absl")
    with output.command_output(verbose=False):
        absl.warning(
            "`Tensor.dtype` is deprecated. Please change your code to use NumPy"
        )
        absl.warning("another absl warning")
        logging.getLogger("keras_ada.training").warning("The codebook has collapsed")
    assert [r.getMessage() for r in caplog.records] == ["another absl warning"]
    assert capfd.readouterr().err == "keras-ada: warning: The codebook has collapsed\n"


def test_a_warning_ends_the_unfinished_line_of_stdout_first(tmp_path, monkeypatch):
    with open(tmp_path / "log", "w") as log:  # as `> log 2>&1`
        monkeypatch.setattr(sys, "stdout", log)
        monkeypatch.setattr(sys, "stderr", log)
        with own_lines_logging():
            print("1/4 loss: 5.5", end="")
            logging.getLogger("keras_ada.training").warning("The codebook collapsed")
            logging.getLogger("keras_ada.audio").warning("Skipped a.wav")
            print("4/4 loss: 5.1")
    assert (tmp_path / "log").read_text().split("\n") == [
        "1/4 loss: 5.5",
        "keras-ada: warning: The codebook collapsed",
        "keras-ada: warning: Skipped a.wav",
        "4/4 loss: 5.1",
        "",
    ]


def test_training_warnings_start_a_line_in_a_log_of_stdout_and_stderr(tmp_path):
    argv = ["train", "vqvae_hop8", "--scale", "tiny", "--synthetic", "--steps", "1"]
    argv += ["--eval-steps", "0", "--length", "64", "--batch-size", "2"]
    root = os.path.dirname(os.path.dirname(keras_ada.__file__))
    result = subprocess.run(
        [sys.executable, "-m", "keras_ada", *argv, "--output", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONPATH": root},
    )
    log = result.stdout.decode()  # as written: "\r" is not a line break
    assert result.returncode == 0, log
    warning = "keras-ada: warning: The codebook has collapsed: "
    assert any(line.startswith(warning) for line in log.split("\n")), log


def test_a_failed_cuda_start_is_shown_where_there_are_cuda_drivers(capfd, monkeypatch):
    monkeypatch.setattr(native_logs, "_seen", set())
    with native_logs.filtered_stderr():
        os.write(2, (NATIVE_LINES[3] + "\n").encode())
    assert capfd.readouterr().err == NATIVE_LINES[3] + "\n"


def test_verbose_shows_everything(capfd):
    with output.command_output(verbose=True):
        os.write(2, (NATIVE_LINES[2] + "\n").encode())
    assert capfd.readouterr().err == NATIVE_LINES[2] + "\n"


def test_a_command_loading_tensorflow_prints_one_line(tmp_path):
    argv = ["train", "vqvae_hop8", "--scale", "tiny", "--config", "embedded_mini"]
    argv += ["--data-dir", str(tmp_path), "--output", str(tmp_path / "run")]
    result = subprocess.run(
        [sys.executable, "-m", "keras_ada", *argv],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert result.returncode == 1 and not result.stdout
    [line] = result.stderr.splitlines()
    assert line.startswith("keras-ada train: error: piano_dataset/embedded_mini is ")
