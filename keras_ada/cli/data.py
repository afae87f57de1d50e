"""`keras-ada data build`: build the piano data, from the installed package.

Examples:

    keras-ada data build --config embedded_mini --data-dir demo/data
    keras-ada data build                       # the embedded repertoire, ~/tensorflow_datasets
    keras-ada data build --config recordings --manual-dir ~/my_piano_recordings

Builds a config of `piano_dataset` (TFDS) into a TFDS data directory, which
`keras-ada train`, `evaluate` and `demo` then read with `--data-dir` and
`--config`. Equivalent to `tfds build piano_dataset --imports
keras_ada.datasets.piano_dataset.piano_dataset_dataset_builder`. The Python
API is `keras_ada.runner.build_data`.
"""

import argparse

from keras_ada.cli.checks import check_writable_directory
from keras_ada.runner import build_data


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "data",
        help="build the piano data",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="action", metavar="action", required=True)
    build = actions.add_parser(
        "build",
        help="build a config of piano_dataset",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    build.add_argument(
        "--config",
        default="embedded",
        help="embedded (default), embedded_mini or recordings",
    )
    build.add_argument(
        "--data-dir",
        dest="build_dir",
        help="TFDS data directory to build into (default: TFDS's, "
        "~/tensorflow_datasets or $TFDS_DATA_DIR)",
    )
    build.add_argument(
        "--manual-dir", help="for --config recordings: the folder of your recordings"
    )
    return parser


def run(args):
    if args.build_dir:
        check_writable_directory(args.build_dir, "--data-dir")
    build_data(args.config, args.build_dir, args.manual_dir)
    return 0
