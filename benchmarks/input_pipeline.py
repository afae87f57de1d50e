"""Input pipeline speed: excerpts per second of `keras_ada.data.excerpts`.

For a few excerpt lengths and batch sizes, this times the endless training pipeline
on a prepared `piano_dataset` config (build it first: `cd datasets && tfds build
piano_dataset`): the time to the first batch (reading, and caching the decoded split
in memory when it is cached) and the steady rate after a warm-up. Each setting runs
with the cache and without it (decoding each recording at each visit).

Run by hand:

    python benchmarks/input_pipeline.py
    python benchmarks/input_pipeline.py --config embedded_mini --batches 100
"""

import argparse
import time

import keras_ada.data

SETTINGS = [  # (length, batch_size)
    (1024, 64),
    (8192 + 1024, 32),  # Level-1 ADA training excerpts.
    (16000 + 6144, 8),  # One second after the large WaveNet's receptive field.
    (65536, 4),
]


def measure(config, data_dir, length, batch_size, batches, cache):
    """Returns (seconds to the first batch, excerpts per second afterwards)."""
    start = time.perf_counter()
    dataset = keras_ada.data.excerpts(
        "train",
        length,
        batch_size,
        data_dir=data_dir,
        seed=0,
        config=config,
        cache=cache,
    )
    iterator = iter(dataset)
    next(iterator)
    first = time.perf_counter() - start
    for _ in range(max(1, batches // 10)):
        next(iterator)
    start = time.perf_counter()
    for _ in range(batches):
        next(iterator)
    return first, batches * batch_size / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", default="embedded")
    parser.add_argument("--data_dir", default=None)
    parser.add_argument("--batches", type=int, default=200)
    args = parser.parse_args()
    header = (
        f"{'length':>8} {'batch':>6} {'cache':>6} {'first batch s':>14} "
        f"{'excerpts/s':>11} {'Msamples/s':>11}"
    )
    print(f"piano_dataset/{args.config}, train split, {args.batches} batches")
    print(header)
    print("-" * len(header))
    for length, batch_size in SETTINGS:
        for cache in (True, False):
            first, rate = measure(
                args.config, args.data_dir, length, batch_size, args.batches, cache
            )
            print(
                f"{length:>8} {batch_size:>6} {cache!s:>6} {first:>14.2f} "
                f"{rate:>11.0f} {rate * length / 1e6:>11.1f}"
            )


if __name__ == "__main__":
    main()
