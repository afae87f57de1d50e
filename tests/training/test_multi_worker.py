"""`keras-ada train` as a job of two local processes, on the backend under test.

TensorFlow: two workers described by `TF_CONFIG` (`MultiWorkerMirroredStrategy`).
JAX: two processes joined by `--coordinator`, `--num-processes` and
`--process-id` (`jax.distributed`, Gloo on the CPU). Both on loopback ports.

Each job must train as one process on the same global batches: the same
weights and EMA codebook (the workers read different halves of each batch;
had they read the same half, the gradients would differ), identical on both
workers, with only the chief writing. A job killed with SIGKILL resumes from
its last checkpoint when its commands run again.

These tests start several training processes (minutes on two cores): they
run with `KERAS_ADA_MULTI_WORKER_TESTS=1` (`make test-multi-worker`).
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time

import keras
import numpy as np
import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("multi_worker"),
    pytest.mark.skipif(
        not os.environ.get("KERAS_ADA_MULTI_WORKER_TESTS"),
        reason="several training processes (minutes); set "
        "KERAS_ADA_MULTI_WORKER_TESTS=1 to run (make test-multi-worker)",
    ),
    pytest.mark.skipif(
        keras.backend.backend() not in ("tensorflow", "jax"),
        reason="multi-worker training is for the TensorFlow and JAX backends",
    ),
]

TRAIN = [
    "train",
    "vqvae_hop8",
    "--scale",
    "tiny",
    "--synthetic",
    "--batch-size",
    "4",
    "--length",
    "64",
    "--checkpoint-every",
    "10",
    "--eval-steps",
    "0",
    "--verbose",
    "2",
    "--set",
    'encoder={"stages": 2}',
    "--set",
    'local_model={"repeats": 1, "stages": 3}',
]
DIGEST = re.compile(r"Trained weights of process (\d): sha256 (\w+)")


def free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


def environment():
    # One CPU device per process, as on a machine per worker.
    return dict(os.environ, XLA_FLAGS="", TF_CPP_MIN_LOG_LEVEL="2")


def start_job(outputs, steps):
    """Starts one process per output directory (the first is the chief)."""
    command = [sys.executable, "-m", "keras_ada", *TRAIN, "--steps", str(steps)]
    ports = free_ports(len(outputs))
    processes = []
    for index, output in enumerate(outputs):
        env = environment()
        arguments = [*command, "--output", str(output)]
        if keras.backend.backend() == "tensorflow":
            env["TF_CONFIG"] = json.dumps(
                {
                    "cluster": {"worker": [f"127.0.0.1:{port}" for port in ports]},
                    "task": {"type": "worker", "index": index},
                }
            )
        else:
            arguments += [
                "--coordinator",
                f"127.0.0.1:{ports[0]}",
                "--num-processes",
                str(len(outputs)),
                "--process-id",
                str(index),
            ]
        processes.append(
            subprocess.Popen(
                arguments,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                start_new_session=True,
            )
        )
    return processes


def finish(processes, timeout=600):
    outputs = []
    for process in processes:
        output, _ = process.communicate(timeout=timeout)
        assert process.returncode == 0, output[-3000:]
        outputs.append(output)
    return outputs


def weights(path):
    import keras_ada.models  # noqa: F401 (registers the classes)

    model = keras.saving.load_model(path, compile=False)
    return model, [keras.ops.convert_to_numpy(w) for w in model.weights]


def files_below(directory):
    return [
        os.path.join(root, name)
        for root, _, names in os.walk(directory)
        for name in names
    ]


def test_two_workers_train_as_one_process_and_only_the_chief_writes(tmp_path):
    chief, other, single = tmp_path / "chief", tmp_path / "other", tmp_path / "one"
    outputs = finish(start_job([chief, other], steps=20))
    digests = dict(DIGEST.findall("\n".join(outputs)))
    assert set(digests) == {"0", "1"}, outputs[0][-3000:]
    assert digests["0"] == digests["1"]
    assert files_below(other) == []
    assert (chief / "model.keras").exists()
    assert (chief / "checkpoint" / "state.json").exists()
    assert any("tfevents" in path for path in files_below(chief / "logs"))

    one = subprocess.run(
        [sys.executable, "-m", "keras_ada", *TRAIN, "--steps", "20"]
        + ["--output", str(single)],
        env=environment(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert one.returncode == 0, one.stderr[-3000:]
    job_model, job_weights = weights(chief / "model.keras")
    one_model, one_weights = weights(single / "model.keras")
    assert len(job_weights) == len(one_weights)
    for job, alone in zip(job_weights, one_weights):
        np.testing.assert_allclose(job, alone, rtol=1e-4, atol=1e-5)
    for job, alone in zip(job_model.quantiser.weights, one_model.quantiser.weights):
        np.testing.assert_allclose(
            keras.ops.convert_to_numpy(job),
            keras.ops.convert_to_numpy(alone),
            rtol=1e-4,
            atol=1e-5,
        )


def test_a_killed_job_resumes_from_its_last_checkpoint(tmp_path):
    output = tmp_path / "run"
    state_path = output / "checkpoint" / "state.json"
    processes = start_job([output, output], steps=100)
    deadline = time.monotonic() + 300
    while not state_path.exists():
        assert all(p.poll() is None for p in processes), processes[0].stdout.read()
        assert time.monotonic() < deadline, "no checkpoint within 300 s"
        time.sleep(0.2)
    for process in processes:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    done = json.loads(state_path.read_text())["epoch"]
    assert 1 <= done < 10 and not (output / "model.keras").exists()

    outputs = finish(start_job([output, output], steps=100))
    for text in outputs:
        assert f"Epoch {done + 1}/10" in text, text[-3000:]
        assert "Epoch 1/10" not in text
    assert json.loads(state_path.read_text())["epoch"] == 10
    assert (output / "model.keras").exists()
