"""`keras-ada sample`: sample audio from a trained stack or WaveNet.

Examples:

    keras-ada sample runs/3.7 --seconds 10 --batch-size 4 --output samples/3.7
    keras-ada sample runs/3.1/model.keras --seconds 2 --temperature 0.95 --output samples/3.1
    keras-ada sample vqvae_amae_wavenet --scale tiny --seconds 1 --output /tmp/untrained
    keras-ada sample runs/3.7 --prime piece.flac --prime-seconds 2 --seconds 4 --top-p 0.9 --output continued

MODEL is a preset (a directory of `save_to_preset`, an `hf://owner/name` URI or
the name of a shipped preset), a stack directory (written by `keras-ada train
... --level i` or `Stack.save_levels`), a `.keras` file of a stack or of a
WaveNet modelling audio, or a zoo name (built with untrained weights, for
trying the pipeline). A stack samples its prior's codes
and decodes them level by level down to audio. With --prime, every sample
continues the recording (any format libsndfile reads, resampled to 16 kHz):
the prime is encoded through the levels and each model carries on from it; the
output is the prime followed by --seconds of new audio.

Writes, per sample, `sample_<i>.wav` (16-bit PCM at 16 kHz) and `sample_<i>.png`
(its spectrogram), and `samples.json` (the settings). The Python API is
`keras_ada.runner.sample_to_files`.
"""

import argparse

from keras_ada.runner import sample_to_files


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "sample",
        help="sample audio from a trained stack or WaveNet",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "model", help="preset, stack directory, .keras file or zoo name"
    )
    parser.add_argument("--output", required=True, help="output directory")
    parser.add_argument(
        "--seconds", type=float, default=10.0, help="duration per sample"
    )
    parser.add_argument("--batch-size", type=int, default=1, help="number of samples")
    parser.add_argument(
        "--temperature",
        type=float,
        nargs="+",
        default=[1.0],
        help="sampling temperature (0: greedy); for a stack one value, or one per "
        "model: levels bottom first, then the prior",
    )
    parser.add_argument(
        "--top-k",
        type=int,
        nargs="+",
        help="draw among the K most likely classes; one value, or one per model",
    )
    parser.add_argument(
        "--top-p",
        type=float,
        nargs="+",
        help="draw from the smallest set of classes holding probability P; one "
        "value, or one per model",
    )
    parser.add_argument("--prime", help="audio file to continue")
    parser.add_argument(
        "--prime-seconds",
        type=float,
        help="use the first S seconds of --prime (default: all of it)",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    parser.add_argument("--scale", default="paper", help="scale of a zoo name")
    parser.add_argument(
        "--sample-rate", type=int, default=16000, help="audio sample rate"
    )
    return parser


def run(args):
    sample_to_files(
        args.model,
        args.output,
        seconds=args.seconds,
        batch_size=args.batch_size,
        temperature=args.temperature,
        seed=args.seed,
        scale=args.scale,
        sample_rate=args.sample_rate,
        prime=args.prime,
        prime_seconds=args.prime_seconds,
        top_k=args.top_k,
        top_p=args.top_p,
    )
    return 0
