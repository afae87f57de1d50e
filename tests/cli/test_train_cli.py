import json
import os
import signal
import subprocess
import sys
import time

import keras
import pytest

from keras_ada import cli
from keras_ada.models import Stack

TINY = ["--scale", "tiny", "--synthetic", "--length", "64", "--batch-size", "2"]


def state(directory):
    with open(os.path.join(directory, "checkpoint", "state.json")) as file:
        return json.load(file)


def test_subcommands_come_from_the_module_list():
    parser, runners = cli.build_parser()
    assert set(runners) == set(cli.COMMANDS) and "train" in runners
    assert runners["train"].__name__ == "keras_ada.cli.train"
    args = parser.parse_args(["train", "3.7", "--level", "2", "--output", "out"])
    assert (args.model, args.level, args.scale) == ("3.7", 2, "paper")


def test_backend_option_in_process_must_match_the_running_backend(capsys):
    current = keras.backend.backend()
    assert cli.main(["--backend", current, "train", "--list"]) == 0
    other = "jax" if current == "tensorflow" else "tensorflow"
    with pytest.raises(SystemExit):
        cli.main(["--backend", other, "train", "--list"])
    assert f"Keras already runs on {current}" in capsys.readouterr().err


def test_train_lists_the_zoo(capsys):
    assert cli.main(["train", "--list"]) == 0
    assert "3.7      vqvae_amae_wavenet" in capsys.readouterr().out


def test_train_a_stack_level_by_level(capsys, tmp_path):
    output = str(tmp_path / "3.4")
    command = ["train", "vqvae_wavenet", "--output", output, *TINY]
    assert cli.main([*command, "--level", "1"]) == 1
    assert "Level 0 of vqvae_wavenet is not trained" in capsys.readouterr().err
    assert cli.main(command) == 1
    assert "--level 0..1" in capsys.readouterr().err

    cli.main(
        [
            *command,
            "--level",
            "0",
            "--steps",
            "2",
            "--eval-steps",
            "1",
            "--verbose",
            "0",
        ]
    )
    assert state(os.path.join(output, "level_0"))["step"] == 2
    with open(os.path.join(output, "level_0", "metrics.json")) as file:
        metrics = json.load(file)
    assert set(metrics["eval"]) == {"nll", "perplexity"}

    cli.main(
        [
            *command,
            "--level",
            "1",
            "--steps",
            "2",
            "--eval-steps",
            "0",
            "--verbose",
            "0",
        ]
    )
    stack = Stack.load(output)
    assert stack.hop == 8 and stack.prior.name == "codes_wavenet"
    assert int(keras.ops.convert_to_numpy(stack.prior.optimizer.iterations)) == 2


@pytest.mark.slow
@pytest.mark.skipif(
    not os.environ.get("KERAS_ADA_SLOW_TESTS"),
    reason="two training processes (minutes); set KERAS_ADA_SLOW_TESTS=1 to run",
)
def test_killed_command_resumes_from_its_last_checkpoint(tmp_path):
    output = str(tmp_path / "run")
    command = [
        sys.executable,
        "-m",
        "keras_ada",
        "train",
        "vqvae_hop8",
        "--output",
        output,
        "--steps",
        "400",
        "--checkpoint-every",
        "2",
        "--eval-steps",
        "0",
        "--verbose",
        "2",
        *TINY,
    ]
    env = dict(os.environ, XLA_FLAGS="")
    first = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    state_path = os.path.join(output, "checkpoint", "state.json")
    deadline = time.monotonic() + 300
    while not os.path.exists(state_path) and first.poll() is None:
        assert time.monotonic() < deadline, "no checkpoint within 300 s"
        time.sleep(0.2)
    first.send_signal(signal.SIGKILL)
    first.wait()
    done = state(output)["step"]
    assert 2 <= done < 400 and not os.path.exists(os.path.join(output, "model.keras"))

    second = subprocess.run(
        command, check=False, env=env, capture_output=True, text=True, timeout=600
    )
    assert second.returncode == 0, second.stderr[-2000:]
    assert f"Epoch {done // 2 + 1}/200" in second.stdout
    assert "Epoch 1/200" not in second.stdout
    assert state(output)["step"] == 400
    assert os.path.exists(os.path.join(output, "model.keras"))
