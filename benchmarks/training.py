"""Training speed: keras-ada against a plain PyTorch implementation, side by side.

For the paper-size ADA local model (4 x 8 blocks, filter 2, 384 residual / 64 inner
channels, skip sum and head), the paper-size ADA of row 1.2 (`vqvae_hop8`) and the
large WaveNet of row 3.1 (3 x 10 blocks, filter 3) at paper (512/512) and small
(128/128) widths, this times Adam training steps of the Keras model and of
`benchmarks/reference_torch.py` (PyTorch eager, same shapes, batch and excerpt)
and prints steps/s, timesteps/s and achieved FLOP/s (an analytic count of the
convolutions' multiply-adds, x2 for FLOPs, x3 for forward + backward).

Each Keras backend runs in its own process (`KERAS_BACKEND` is fixed per
process); in that process the Keras and PyTorch steps are timed in alternating
repeats, so that the ratio holds even on a machine shared with other work.

    python benchmarks/training.py                          # all three backends
    python benchmarks/training.py --backends jax --networks local_model
    python benchmarks/training.py --batch-size 2 --length 2048 --json out.json

On the PyTorch backend the Keras model is timed twice: eager (Keras' default\nthere) and compiled (`jit_compile=True`, `torch.compile`), rows `keras` and\n`keras_jit`. PyTorch is an optional dependency: `pip install -e .[torch]`.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

LOCAL_MODEL = dict(
    repeats=4, stages=8, residual_channels=384, inner_channels=64, kernel_size=2
)
NETWORKS = {
    "local_model": dict(kind="wavenet", wavenet=LOCAL_MODEL),
    "ada_1.2": dict(
        kind="ada",
        hop=8,
        code_dim=64,
        num_codes=256,
        conditioning=dict(
            repeats=2,
            stages=8,
            residual_channels=256,
            inner_channels=256,
            kernel_size=3,
        ),
        wavenet=LOCAL_MODEL,
    ),
    "large_paper": dict(
        kind="wavenet",
        wavenet=dict(
            repeats=3,
            stages=10,
            residual_channels=512,
            inner_channels=512,
            kernel_size=3,
        ),
    ),
    "large_small": dict(
        kind="wavenet",
        wavenet=dict(
            repeats=3,
            stages=10,
            residual_channels=128,
            inner_channels=128,
            kernel_size=3,
        ),
    ),
}
NUM_CLASSES = 256


def stack_macs(
    in_channels, repeats, stages, residual_channels, inner_channels, kernel_size, causal
):
    """Multiply-adds per timestep of a `DilatedResidualStack` (skip = residual)."""
    span = repeats * (kernel_size - 1)
    input_size = span if causal else span + 1
    blocks = repeats * stages
    per_block = (
        kernel_size * residual_channels * 2 * inner_channels
        + inner_channels * residual_channels  # skip projection
        + inner_channels * residual_channels  # residual projection
    )
    return (
        input_size * in_channels * residual_channels
        + blocks * per_block
        - inner_channels * residual_channels  # the last block has no residual
    )


def wavenet_macs(spec):
    residual = spec["residual_channels"]
    return stack_macs(1, causal=True, **spec) + residual * (residual + NUM_CLASSES)


def training_flops(name, batch_size, length):
    """Forward + backward FLOPs of one training step (3 x 2 x multiply-adds)."""
    spec = NETWORKS[name]
    macs = length * wavenet_macs(spec["wavenet"])
    if spec["kind"] == "ada":
        conditioning = spec["conditioning"]
        residual = conditioning["residual_channels"]
        condition_channels = (
            spec["wavenet"]["repeats"]
            * spec["wavenet"]["stages"]
            * 2
            * spec["wavenet"]["inner_channels"]
        )
        codes = length // spec["hop"]
        macs += length * (
            stack_macs(1, causal=False, **conditioning) + residual * spec["code_dim"]
        )
        macs += codes * (
            stack_macs(spec["code_dim"], causal=False, **conditioning)
            + residual * condition_channels
        )
        macs += codes * spec["num_codes"] * spec["code_dim"]  # VQ distances
    return 6 * batch_size * macs


def keras_trainer(name, learning_rate, jit_compile="auto"):
    """Builds and compiles the Keras model; returns `step(classes)`.

    `jit_compile=True` on PyTorch compiles the train step with `torch.compile`;
    `"auto"` is Keras' default (XLA on TensorFlow and JAX, eager on PyTorch).
    """
    import keras

    from keras_ada import zoo
    from keras_ada.models import WaveNet

    spec = NETWORKS[name]
    if spec["kind"] == "ada":
        model = zoo.load("1.2", scale="paper")
    else:
        model = WaveNet(**spec["wavenet"])
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate), jit_compile=jit_compile
    )

    def step(classes):
        return model.train_on_batch(classes)

    return step, model.context_length


def measure(names, batch_size, length, steps, repeats, seed):
    """Runs in a child process: times Keras and PyTorch steps alternately."""
    import keras
    import numpy as np
    import reference_torch
    import torch

    torch.set_num_threads(os.cpu_count())
    keras.utils.set_random_seed(seed)
    results = []
    for name in names:
        print(f"  {name}: building and compiling", file=sys.stderr)
        # Excerpts of the training protocol: the receptive field's context, then
        # `length` scored steps; both implementations run on the whole excerpt.
        keras_step, context = keras_trainer(name, 2e-4)
        total = context + length
        classes = np.random.default_rng(seed).integers(
            0, NUM_CLASSES, size=(batch_size, total)
        )
        trainers = {
            "keras": (keras_step, classes.astype("int32")),
            "torch": (
                reference_torch.make_trainer(NETWORKS[name], seed=seed),
                torch.from_numpy(classes.astype("int64")),
            ),
        }
        if keras.backend.backend() == "torch":
            jit_step, _ = keras_trainer(name, 2e-4, jit_compile=True)
            trainers["keras_jit"] = (jit_step, classes.astype("int32"))
        seconds = {label: [] for label in trainers}
        compile_seconds = {}
        for label, (step, batch) in trainers.items():
            start = time.perf_counter()
            step(batch)  # compiles (Keras) and warms up
            compile_seconds[label] = time.perf_counter() - start
        for repeat in range(repeats):
            order = list(trainers) if repeat % 2 == 0 else list(trainers)[::-1]
            for label in order:
                step, batch = trainers[label]
                start = time.perf_counter()
                for _ in range(steps):
                    step(batch)
                seconds[label].append((time.perf_counter() - start) / steps)
            print(f"  {name} repeat {repeat + 1}/{repeats}", file=sys.stderr)
        flops = training_flops(name, batch_size, total)
        for label, times in seconds.items():
            step_time = statistics.median(times)
            results.append(
                dict(
                    network=name,
                    implementation=label,
                    excerpt=total,
                    seconds_per_step=step_time,
                    steps_per_second=1.0 / step_time,
                    timesteps_per_second=batch_size * total / step_time,
                    gflops_per_second=flops / step_time / 1e9,
                    gflop_per_step=flops / 1e9,
                    first_step_seconds=compile_seconds[label],
                )
            )
    return results


def versions(backend):
    import keras
    import torch

    module = __import__("jax" if backend == "jax" else "tensorflow")
    return {
        "keras": keras.__version__,
        backend: module.__version__,
        "torch": torch.__version__,
    }


def print_table(rows):
    print(
        f"{'backend':10} {'network':12} {'impl':9} {'steps/s':>8} "
        f"{'excerpt':>8} {'timesteps/s':>12} {'GFLOP/s':>8} {'vs torch':>9} "
        f"{'1st step s':>10}"
    )
    for row in rows:
        torch_row = next(
            other
            for other in rows
            if other["backend"] == row["backend"]
            and other["network"] == row["network"]
            and other["implementation"] == "torch"
        )
        ratio = row["steps_per_second"] / torch_row["steps_per_second"]
        print(
            f"{row['backend']:10} {row['network']:12} {row['implementation']:9} "
            f"{row['steps_per_second']:8.3f} {row['excerpt']:8d} "
            f"{row['timesteps_per_second']:12.0f} "
            f"{row['gflops_per_second']:8.1f} {ratio:8.2f}x "
            f"{row['first_step_seconds']:10.1f}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="tensorflow,jax,torch")
    parser.add_argument("--networks", default=",".join(NETWORKS))
    parser.add_argument("--batch-size", type=int, default=2)
    parser.add_argument(
        "--length",
        type=int,
        default=1024,
        help="scored steps per excerpt, after the network's receptive field",
    )
    parser.add_argument("--steps", type=int, default=2, help="steps per timing")
    parser.add_argument("--repeats", type=int, default=3, help="alternating timings")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", help="also write the rows to this JSON file")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    names = args.networks.split(",")
    unknown = sorted(set(names) - set(NETWORKS))
    if unknown:
        parser.error(f"unknown networks {unknown}; choose from {list(NETWORKS)}")
    if args.length % NETWORKS["ada_1.2"]["hop"]:
        parser.error(f"--length must be a multiple of 8. Received: {args.length}")

    if args.child:
        rows = measure(
            names, args.batch_size, args.length, args.steps, args.repeats, args.seed
        )
        for row in rows:
            row["backend"] = args.child
        print(json.dumps({"rows": rows, "versions": versions(args.child)}))
        return

    rows, all_versions = [], {}
    for backend in args.backends.split(","):
        print(f"Measuring on {backend} ...", file=sys.stderr)
        command = [sys.executable, __file__, "--child", backend] + [
            f"--{key.replace('_', '-')}={value}"
            for key, value in vars(args).items()
            if key in ("networks", "batch_size", "length", "steps", "repeats", "seed")
        ]
        # OpenMP threads that spin while waiting (PyTorch's default) stall for
        # whole time slices on a shared, oversubscribed CPU; passive waiting
        # keeps PyTorch's figures meaningful there and costs nothing otherwise.
        environment = dict(os.environ, KERAS_BACKEND=backend, OMP_WAIT_POLICY="PASSIVE")
        output = subprocess.run(
            command, env=environment, check=True, stdout=subprocess.PIPE, text=True
        )
        result = json.loads(output.stdout.strip().splitlines()[-1])
        rows += result["rows"]
        all_versions.update(result["versions"])
    print(
        f"batch {args.batch_size} x (receptive field + {args.length}) steps, "
        "Adam, median of "
        f"{args.repeats} alternating timings of {args.steps} steps; "
        + ", ".join(f"{key} {value}" for key, value in all_versions.items())
    )
    print_table(rows)
    if args.json:
        with open(args.json, "w") as file:
            json.dump({"rows": rows, "versions": all_versions, **vars(args)}, file)


if __name__ == "__main__":
    main()
