"""`keras-ada report`: a static web page to judge trained models by ear and by number.

Example:

    keras-ada report runs/1.2 runs/3.7 --output report \\
        --audio demo/samples demo/reconstruction

Writes OUTPUT/index.html (open it in a browser; no server needed) with, per run,
its evaluation table beside the paper's (from `keras-ada evaluate`), its training
curves (from the TensorBoard logs), and audio players with spectrograms for the
WAV files of each `--audio` folder (`<name>_original.wav` with
`<name>_reconstruction*.wav` as pairs, others as unconditional samples). The
Python API is `keras_ada.runner.report_runs`.
"""

import argparse

from keras_ada.runner import report_runs


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "report",
        help="write a static listening report of trained runs",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("runs", nargs="+", help="run or stack directories")
    parser.add_argument("--output", required=True, help="report directory")
    parser.add_argument(
        "--audio", nargs="*", default=[], help="folders of WAV files to listen to"
    )
    parser.add_argument("--title", default="keras-ada report", help="page title")
    return parser


def run(args):
    report_runs(args.runs, args.output, audio=args.audio, title=args.title)
    return 0
