"""Sampling speed of zoo models at batch 1: `WaveNet.generate` and `ADA.decode`.

For each zoo model and scale, this measures the steps per second of incremental
sampling at batch 1 (`WaveNet.generate` for a WaveNet, `ADA.decode` of random
codes for an ADA: its local model conditioned on the upsampled codes) and the
seconds the first call spends compiling the loop (the first call's time less
that of a compiled call). Every row runs in its own process, so the compile
time is that of a fresh process (PyTorch keeps its compiled kernels in an
on-disk cache: a second process compiles faster; point
`TORCHINDUCTOR_CACHE_DIR` to an empty folder to measure a cold compile).

Run by hand, on the backend to measure:

    KERAS_BACKEND=jax python benchmarks/zoo_sampling.py
    KERAS_BACKEND=torch python benchmarks/zoo_sampling.py --loop traced --steps 4000
    KERAS_BACKEND=torch python benchmarks/zoo_sampling.py --loop eager --steps 800

`--loop` chooses how the loop runs: `compiled` (`jit_compile=True`), `traced`
(PyTorch's traced step, `jit_compile="traced"`, what `"auto"` runs below
`TORCH_COMPILE_MIN_STEPS` steps there) or `eager` (`jit_compile=False`).
"""

import argparse
import json
import os
import subprocess
import sys
import time

MODELS = ("wavenet_large", "vqvae_hop8")
LOOPS = {"compiled": True, "traced": "traced", "eager": False}
SCALES = ("tiny", "demo")


def measure(name, scale, steps, loop, repeats=3):
    """Runs in a child process: times one model's sampling, returns a dict."""
    import keras
    import numpy as np

    from keras_ada import zoo

    model = zoo.load(name, scale=scale)
    options = dict(seed=0, verbose=0, jit_compile=LOOPS[loop])
    if hasattr(model, "decode"):
        codes = np.random.default_rng(0).integers(
            0, model.num_codes, (1, steps // model.hop)
        )
        steps = codes.shape[1] * model.hop

        def run():
            return model.decode(codes.astype("int32"), **options)

    else:

        def run():
            return model.generate(steps, batch_size=1, **options)

    start = time.perf_counter()
    first = run()
    first_call = time.perf_counter() - start
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        again = run()
        seconds.append(time.perf_counter() - start)
    return dict(
        backend=keras.backend.backend(),
        loop=loop,
        model=name,
        scale=scale,
        steps=steps,
        steps_per_second=steps / min(seconds),
        compile_seconds=max(first_call - min(seconds), 0.0),
        deterministic=bool(np.array_equal(first, again)),
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=list(MODELS))
    parser.add_argument("--scales", nargs="+", default=list(SCALES))
    parser.add_argument("--steps", type=int, default=16000)
    parser.add_argument("--loop", choices=list(LOOPS), default="compiled")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        name, scale = args.child
        print(json.dumps(measure(name, scale, args.steps, args.loop)))
        return
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    header = f"{'backend':<12}{'loop':<10}{'model':<15}{'scale':<7}{'steps/s':>10}{'compile s':>11}"
    print(header)
    print("-" * len(header))
    for name in args.models:
        for scale in args.scales:
            command = [sys.executable, os.path.abspath(__file__), "--child", name]
            command += [scale, "--steps", str(args.steps)]
            command += ["--loop", args.loop]
            completed = subprocess.run(command, capture_output=True, text=True)
            if completed.returncode:
                sys.stderr.write(completed.stderr[-3000:])
                raise SystemExit(f"The measurement of {name} {scale} failed.")
            r = json.loads(completed.stdout.strip().splitlines()[-1])
            print(
                f"{r['backend']:<12}{r['loop']:<10}{r['model']:<15}{r['scale']:<7}"
                f"{r['steps_per_second']:>10.0f}{r['compile_seconds']:>11.1f}"
            )


if __name__ == "__main__":
    main()
