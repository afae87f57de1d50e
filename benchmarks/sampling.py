"""Sampling speed and memory: incremental ("fast WaveNet") against naive recomputation.

For each of the paper's WaveNet topologies (receptive fields 1024 to 49152), this
measures steps per second of `WaveNet.generate` at batch 1 and batched, and of the
naive sampler that recomputes the whole receptive field at every step, plus the
peak resident memory of each measurement. Every measurement runs in its own
process (so peak memory is its own) after a warm-up call that compiles it.

Run by hand, on the backend to measure:

    KERAS_BACKEND=jax python benchmarks/sampling.py
    KERAS_BACKEND=tensorflow python benchmarks/sampling.py --widths paper --steps 300

`--widths tiny` (the default) keeps each topology and uses 32 residual / 16 inner
channels; `--widths paper` uses appendix A's widths.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time

# (repeats, stages, kernel_size) and paper widths (residual, inner), appendix A.
TOPOLOGIES = {
    "local_model": dict(repeats=4, stages=8, kernel_size=2, paper=(384, 64)),
    "large": dict(repeats=3, stages=10, kernel_size=3, paper=(512, 512)),
    "very_large": dict(repeats=6, stages=10, kernel_size=3, paper=(512, 512)),
    "thin": dict(repeats=3, stages=13, kernel_size=3, paper=(192, 192)),
}
TINY_WIDTHS = (32, 16)


def build_model(topology, widths):
    import numpy as np

    from keras_ada.models import WaveNet

    spec = dict(TOPOLOGIES[topology])
    residual, inner = spec.pop("paper") if widths == "paper" else TINY_WIDTHS
    spec.pop("paper", None)
    model = WaveNet(residual_channels=residual, inner_channels=inner, **spec)
    model(np.zeros((1, 1), "int32"))
    return model


def peak_memory_mib():
    """Peak resident set size of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(mode, topology, widths, steps, batch_size, repeats=2):
    """Runs in a child process: times one sampler on one model, returns a dict."""
    from keras_ada.sampling import IncrementalSampler
    from keras_ada.sampling.naive import NaiveSampler

    model = build_model(topology, widths)
    if mode == "incremental":
        sampler = IncrementalSampler(model, chunk_size=steps)
        options = dict(verbose=0)
    else:
        sampler = NaiveSampler(model)
        options = {}

    def run():
        return sampler.generate(steps, batch_size=batch_size, seed=0, **options)

    start = time.perf_counter()
    run()
    first_call = time.perf_counter() - start
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - start)
    result = dict(
        mode=mode,
        topology=topology,
        receptive_field=model.receptive_field,
        blocks=model.stack.num_blocks,
        batch_size=batch_size,
        steps=steps,
        steps_per_second=steps / min(seconds),
        compile_seconds=max(first_call - min(seconds), 0.0),
        peak_memory_mib=peak_memory_mib(),
    )
    if mode == "incremental":
        result["queue_mib"] = sampler.queue_size * batch_size * 4 / 2**20
    return result


def run_child(args, mode, topology, steps, batch_size):
    command = [
        sys.executable,
        os.path.abspath(__file__),
        "--child",
        mode,
        topology,
        "--widths",
        args.widths,
        "--steps",
        str(steps),
        "--batch-size",
        str(batch_size),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode:
        sys.stderr.write(completed.stderr[-3000:])
        raise SystemExit(f"The measurement {mode} {topology} failed.")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def print_table(results):
    header = (
        f"{'topology':<12}{'RF':>7}{'blocks':>7}{'mode':>13}{'batch':>7}{'steps/s':>11}"
        f"{'samples/s':>11}{'us/step/block':>15}{'speed-up':>10}{'peak MiB':>10}"
        f"{'queues MiB':>12}"
    )
    print(header)
    print("-" * len(header))
    naive = {
        r["topology"]: r["steps_per_second"] for r in results if r["mode"] == "naive"
    }
    for r in results:
        per_block = 1e6 / (r["steps_per_second"] * r["blocks"])
        speedup = ""
        if (
            r["mode"] == "incremental"
            and r["batch_size"] == 1
            and r["topology"] in naive
        ):
            speedup = f"{r['steps_per_second'] / naive[r['topology']]:.0f}x"
        queues = f"{r['queue_mib']:.2f}" if "queue_mib" in r else ""
        print(
            f"{r['topology']:<12}{r['receptive_field']:>7}{r['blocks']:>7}{r['mode']:>13}"
            f"{r['batch_size']:>7}{r['steps_per_second']:>11.1f}"
            f"{r['steps_per_second'] * r['batch_size']:>11.0f}{per_block:>15.2f}"
            f"{speedup:>10}{r['peak_memory_mib']:>10.0f}{queues:>12}"
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--widths", choices=("tiny", "paper"), default="tiny")
    parser.add_argument(
        "--topologies", nargs="+", choices=list(TOPOLOGIES), default=list(TOPOLOGIES)
    )
    parser.add_argument(
        "--steps",
        type=int,
        default=None,
        help="incremental steps per timing (default 4000 tiny, 300 paper)",
    )
    parser.add_argument(
        "--batch-size", type=int, default=16, help="the batched measurement"
    )
    parser.add_argument("--naive-steps", type=int, default=4)
    parser.add_argument("--no-naive", action="store_true")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument(
        "--child", nargs=2, metavar=("MODE", "TOPOLOGY"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    steps = args.steps or (4000 if args.widths == "tiny" else 300)
    if args.child:
        mode, topology = args.child
        print(json.dumps(measure(mode, topology, args.widths, steps, args.batch_size)))
        return
    import keras

    print(
        f"backend {keras.backend.backend()}, widths {args.widths}, {os.cpu_count()} CPUs"
    )
    results = []
    for topology in args.topologies:
        results.append(run_child(args, "incremental", topology, steps, 1))
        results.append(run_child(args, "incremental", topology, steps, args.batch_size))
        if not args.no_naive:
            results.append(run_child(args, "naive", topology, args.naive_steps, 1))
        print(json.dumps(results[-1]), file=sys.stderr)
    print_table(results)
    if args.json:
        with open(args.json, "w") as file:
            json.dump(results, file, indent=2)


if __name__ == "__main__":
    main()
