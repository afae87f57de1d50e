"""Long-form sampling: seconds of audio per second of wall time, and peak memory.

Measures `Stack.sample` on the demo stack (`vqvae_vqvae_wavenet` at the `demo`
scale, untrained: speed does not depend on training) and `WaveNet.generate` on
a paper-width local model of audio (4 x 8 blocks, 384 residual, 64 inner
channels), at batch 1 and batched, and the peak resident memory of sampling
the stack for a short and a long duration. Every measurement runs in its own
process (so peak memory is its own), after a warm-up call that compiles the
sampling loops: the stack's warm-up samples `--warm-up-seconds` (or the
measured duration, if shorter), long enough for every level's conditioning to
take its full-size windows.

Then one process samples the stack at batch 1 for each of `--sweep` durations
in turn and reports its resident memory after each: memory held after a call
(compiled functions for new shapes included) shows there as growth.

    KERAS_BACKEND=jax python benchmarks/long_form_sampling.py
    KERAS_BACKEND=jax python benchmarks/long_form_sampling.py --long-seconds 60

Columns: `audio s/s` (seconds of audio produced per second of wall time, for
the whole batch: `batch x seconds / wall`), `real-time` (the same for one row:
1.0 is real time), `peak MiB` (peak resident memory of the process) and, in
the sweep, `MiB after` (resident memory after the call).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time

SAMPLE_RATE = 16000


def peak_memory_mib():
    """Peak resident set size of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def resident_memory_mib():
    """Resident set size of this process now (Linux)."""
    with open("/proc/self/statm") as file:
        return int(file.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def build(model):
    import keras_ada
    from keras_ada.models import WaveNet

    if model == "demo_stack":
        return keras_ada.zoo.load("vqvae_vqvae_wavenet", scale="demo")
    wavenet = WaveNet(repeats=4, stages=8, residual_channels=384, inner_channels=64)
    wavenet(__import__("numpy").zeros((1, 1), "int32"))
    return wavenet


def sample(model, seconds, batch_size):
    from keras_ada.models import Stack

    if isinstance(model, Stack):
        return model.sample(seconds, batch_size=batch_size, seed=0, verbose=0)
    steps = int(round(seconds * SAMPLE_RATE))
    return model.generate(steps, batch_size=batch_size, seed=0, verbose=0)


def timed(model, seconds, batch_size):
    """One timed call, as a dict."""
    start = time.perf_counter()
    audio = sample(model, seconds, batch_size)
    wall = time.perf_counter() - start
    produced = audio.shape[1] / SAMPLE_RATE
    return dict(
        batch_size=batch_size,
        seconds=produced,
        wall_seconds=wall,
        audio_seconds_per_second=batch_size * produced / wall,
        real_time_factor=produced / wall,
        peak_memory_mib=peak_memory_mib(),
    )


def measure(model_name, seconds, batch_size, warm_up_seconds):
    """Runs in a child process: one timed call after a warm-up, as a dict."""
    model = build(model_name)
    if model_name == "demo_stack":
        warm_up_seconds = min(seconds, warm_up_seconds)
    else:
        warm_up_seconds = 0.05  # fixed-size chunks: any call compiles them
    sample(model, warm_up_seconds, batch_size)
    return dict(model=model_name, **timed(model, seconds, batch_size))


def sweep(durations, warm_up_seconds):
    """Runs in a child process: the stack at batch 1 for each duration in turn."""
    model = build("demo_stack")
    sample(model, warm_up_seconds, 1)
    results = []
    for seconds in durations:
        result = dict(model="demo_stack", **timed(model, seconds, 1))
        results.append(dict(result, resident_memory_mib=resident_memory_mib()))
    return results


def run_child(*arguments):
    command = [sys.executable, os.path.abspath(__file__), "--child", *arguments]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode:
        sys.stderr.write(completed.stderr[-3000:])
        raise SystemExit(f"The measurement {arguments} failed.")
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    print(json.dumps(result), file=sys.stderr)
    return result


def print_table(results):
    resident = "resident_memory_mib" in results[0]
    header = (
        f"{'model':<14}{'batch':>6}{'seconds':>9}{'wall s':>9}{'audio s/s':>11}"
        f"{'real-time':>11}{'peak MiB':>10}"
    ) + (f"{'MiB after':>11}" if resident else "")
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r['model']:<14}{r['batch_size']:>6}{r['seconds']:>9.2f}"
            f"{r['wall_seconds']:>9.1f}{r['audio_seconds_per_second']:>11.3f}"
            f"{r['real_time_factor']:>11.3f}{r['peak_memory_mib']:>10.0f}"
            + (f"{r['resident_memory_mib']:>11.0f}" if resident else "")
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument(
        "--short-seconds", type=float, default=10.0, help="the stack at batch 1"
    )
    parser.add_argument(
        "--long-seconds", type=float, default=60.0, help="the stack's long sample"
    )
    parser.add_argument(
        "--batched-seconds", type=float, default=1.0, help="the stack, batched"
    )
    parser.add_argument(
        "--local-seconds", type=float, default=0.25, help="the paper-width WaveNet"
    )
    parser.add_argument(
        "--warm-up-seconds",
        type=float,
        default=3.0,
        help="the stack's warm-up (full-size conditioning windows at every level)",
    )
    parser.add_argument(
        "--sweep",
        default="10,30,60",
        help="durations sampled in turn by one process ('' for none)",
    )
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--child", choices=("demo_stack", "local_model", "sweep"))
    parser.add_argument("--seconds", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child == "sweep":
        durations = [float(s) for s in args.seconds.split(",")]
        print(json.dumps(sweep(durations, args.warm_up_seconds)))
        return
    if args.child:
        result = measure(
            args.child, float(args.seconds), args.batch_size, args.warm_up_seconds
        )
        print(json.dumps(result))
        return
    import keras

    import keras_ada

    print(f"backend {keras.backend.backend()}, {os.cpu_count()} CPUs")
    print(
        f"keras_ada {keras_ada.__version__} from {os.path.dirname(keras_ada.__file__)}"
    )
    runs = [
        ("demo_stack", args.short_seconds, 1),
        ("demo_stack", args.long_seconds, 1),
        ("demo_stack", args.batched_seconds, args.batch_size),
        ("local_model", args.local_seconds, 1),
        ("local_model", args.local_seconds, args.batch_size),
    ]
    warm_up = ["--warm-up-seconds", str(args.warm_up_seconds)]
    results = [
        run_child(
            model, "--seconds", str(seconds), "--batch-size", str(batch), *warm_up
        )
        for model, seconds, batch in runs
    ]
    print_table(results)
    swept = []
    if args.sweep:
        swept = run_child("sweep", "--seconds", args.sweep, *warm_up)
        print("\none process, demo_stack at batch 1, durations in turn:")
        print_table(swept)
    if args.json:
        with open(args.json, "w") as file:
            json.dump(dict(runs=results, sweep=swept), file, indent=2)


if __name__ == "__main__":
    main()
