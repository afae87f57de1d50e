"""`keras-ada reconstruct`: encode real audio through the levels and decode it back.

Examples:

    keras-ada reconstruct runs/3.7 --output recon/3.7   # an excerpt of the run's data
    keras-ada reconstruct runs/3.7 recording.flac --seconds 4 --output recon/3.7
    keras-ada reconstruct runs/1.2/model.keras a.wav b.wav --temperature 0.9 --output recon/1.2
    keras-ada reconstruct runs/3.7 recording.wav --levels 1 --output recon/3.7-level1

MODEL is a preset (directory, `hf://owner/name` or shipped name), a stack
directory, a `.keras` file of a stack or an ADA, or a zoo name (untrained
weights). Each AUDIO file (any format libsndfile reads; mixed to mono and
resampled to 16 kHz) is cut to `--seconds` from `--offset`, trimmed to a whole
number of codes, mu-law encoded, encoded by the levels (all of them, or the first
`--levels`) and decoded back by sampling every level's local model top down.
Without AUDIO files, a run (a stack directory or a `model.keras` written by
`keras-ada train`, which remembers its data in `data.json`) reconstructs an
excerpt of the eval split of the data it trained on, written as `eval_excerpt`.
Options may stand between the AUDIO files.

Writes, per file, `<name>_original.wav`, `<name>_reconstruction.wav` and
`<name>.png` (both spectrograms). The Python API is
`keras_ada.runner.reconstruct_files`.
"""

import argparse
import sys

from keras_ada.cli.choices import scale_help
from keras_ada.runner import reconstruct_files


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "reconstruct",
        help="encode and decode real audio through a stack or an ADA",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        intermixed=True,
    )
    parser.add_argument(
        "model", help="preset, stack directory, .keras file or zoo name"
    )
    parser.add_argument(
        "audio",
        nargs="*",
        help="audio files (default: an excerpt of the eval split of the run's data)",
    )
    parser.add_argument("--output", required=True, help="output directory")
    parser.add_argument("--seconds", type=float, default=4.0, help="excerpt duration")
    parser.add_argument(
        "--offset", type=float, default=0.0, help="excerpt start, seconds"
    )
    parser.add_argument(
        "--levels", type=int, help="levels to go through (default: all)"
    )
    parser.add_argument(
        "--temperature",
        type=float,
        nargs="+",
        default=[1.0],
        help="decoder temperature (0: greedy); one value, or one per model of the "
        "stack (levels bottom first, then the prior, whose value is unused)",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    parser.add_argument(
        "--scale", default="paper", help=scale_help("paper", "scale of a zoo name")
    )
    return parser


def run(args):
    errors = reconstruct_files(
        args.model,
        args.audio,
        args.output,
        seconds=args.seconds,
        offset=args.offset,
        levels=args.levels,
        temperature=args.temperature,
        seed=args.seed,
        scale=args.scale,
    )
    for message in errors.values():
        print(f"keras-ada reconstruct: error: {message}", file=sys.stderr)
    return 1 if errors else 0
