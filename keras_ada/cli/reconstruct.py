"""`keras-ada reconstruct`: encode real audio through the levels and decode it back.

Examples:

    keras-ada reconstruct runs/3.7 recording.flac --seconds 4 --output recon/3.7
    keras-ada reconstruct runs/1.2/model.keras a.wav b.wav --temperature 0.9 --output recon/1.2
    keras-ada reconstruct runs/3.7 recording.wav --levels 1 --output recon/3.7-level1

MODEL is a stack directory, an ADA `.keras` file, or a zoo name (untrained
weights). Each AUDIO file (any format libsndfile reads; mixed to mono and
resampled to 16 kHz) is cut to `--seconds` from `--offset`, trimmed to a whole
number of codes, mu-law encoded, encoded by the levels (all of them, or the first
`--levels`) and decoded back by sampling every level's local model top down.

Writes, per file, `<name>_original.wav`, `<name>_reconstruction.wav` and
`<name>.png` (both spectrograms).
"""

import argparse
import os
import sys

from keras_ada.cli.checks import UserError
from keras_ada.cli.checks import check_audio_file


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "reconstruct",
        help="encode and decode real audio through a stack or an ADA",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("model", help="stack directory, ADA .keras file or zoo name")
    parser.add_argument("audio", nargs="+", help="audio files")
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
    parser.add_argument("--scale", default="paper", help="scale of a zoo name")
    return parser


def run(args):
    readable = []
    for path in args.audio:
        try:
            check_audio_file(path)
            readable.append(path)
        except UserError as error:
            print(f"keras-ada reconstruct: error: {error}", file=sys.stderr)
    if not readable:
        return 1

    import keras
    import numpy as np

    from keras_ada.audio import SAMPLE_RATE
    from keras_ada.audio import mu_law_decode
    from keras_ada.audio import mu_law_encode
    from keras_ada.audio import read_audio
    from keras_ada.audio import save_spectrogram
    from keras_ada.audio import write_wav
    from keras_ada.cli.sample import load
    from keras_ada.models import ADA
    from keras_ada.models import Stack

    keras.utils.set_random_seed(args.seed)
    model = load(args.model, args.scale)
    temperatures = (
        args.temperature[0] if len(args.temperature) == 1 else args.temperature
    )
    if isinstance(model, Stack):
        levels = model.num_levels if args.levels is None else args.levels
        hop = model.input_hop(levels)

        def reconstruct(classes):
            return model.reconstruct(
                classes, num_levels=levels, temperatures=temperatures, seed=args.seed
            )

    elif isinstance(model, ADA):
        if args.levels not in (None, 1):
            raise SystemExit("An ADA has one level: --levels must be 1.")
        if len(args.temperature) != 1:
            raise SystemExit("An ADA takes one --temperature.")
        hop = model.hop

        def reconstruct(classes):
            return model.decode(
                model.encode(classes), temperature=temperatures, seed=args.seed
            )

    else:
        raise SystemExit(
            f"{args.model} is a {type(model).__name__}: give a stack or an ADA."
        )
    done = 0
    for path in readable:
        waveform = read_audio(path, args.offset, args.seconds)
        waveform = waveform[: len(waveform) // hop * hop]
        if not len(waveform):
            print(
                f"keras-ada reconstruct: error: {path}: shorter than one code "
                f"({hop} samples) after the offset.",
                file=sys.stderr,
            )
            continue
        os.makedirs(args.output, exist_ok=True)
        classes = keras.ops.convert_to_numpy(mu_law_encode(waveform[None]))
        reconstruction = reconstruct(classes)
        waveforms = {
            "original": keras.ops.convert_to_numpy(mu_law_decode(classes))[0],
            "reconstruction": keras.ops.convert_to_numpy(mu_law_decode(reconstruction))[
                0
            ],
        }
        name = os.path.splitext(os.path.basename(path))[0]
        for kind, values in waveforms.items():
            write_wav(
                os.path.join(args.output, f"{name}_{kind}.wav"), values, SAMPLE_RATE
            )
        save_spectrogram(
            os.path.join(args.output, f"{name}.png"), waveforms, SAMPLE_RATE
        )
        equal = float(np.mean(reconstruction == classes))
        print(
            f"{path}: {len(waveform) / SAMPLE_RATE:.2f} s reconstructed ({equal:.1%} of "
            f"the mu-law classes equal the original); written to {args.output}"
        )
        done += 1
    return 0 if done == len(args.audio) else 1
