"""The `keras-ada` command line (also `python -m keras_ada`).

Each subcommand is a module of this package with two functions:
`add_parser(subparsers)` adds its `argparse` subparser and `run(args)` runs it.
To add a subcommand, add its module name to `COMMANDS`. A subparser made with
`intermixed=True` takes its options between its positional arguments
(`keras_ada.cli.parsing`). `--backend` chooses the Keras backend: as importing
`keras_ada` imports Keras, the command starts again on that backend when it is
not the one in use. A user mistake ends in one line,
`keras-ada <command>: error: ...` (`--debug` shows the traceback); the output
holds keras-ada's own messages only (`keras_ada.cli.output`; `-v` shows
everything).
"""

import argparse
import importlib
import os
import sys

from keras_ada.cli.checks import check_arguments
from keras_ada.cli.checks import check_backend
from keras_ada.cli.checks import is_user_error
from keras_ada.cli.choices import check_choices
from keras_ada.cli.output import command_output
from keras_ada.cli.parsing import CommandParser

COMMANDS = (
    "train",
    "tune",
    "sample",
    "reconstruct",
    "demo",
    "evaluate",
    "report",
    "data",
)

BACKENDS = ("tensorflow", "jax", "torch")


def build_parser() -> tuple[argparse.ArgumentParser, dict]:
    """Returns the parser and the module that runs each subcommand name."""
    parser = CommandParser(
        prog="keras-ada",
        description="Train and use the models of 'The challenge of realistic music "
        "generation: modelling raw audio at scale' (Dieleman et al., 2018).",
    )
    parser.add_argument(
        "--backend",
        choices=BACKENDS,
        help="Keras backend (default: $KERAS_BACKEND, else Keras' own default).",
    )
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of any error"
    )
    parser.add_argument(
        "-v",
        "--all-output",
        action="store_true",
        help="show everything libraries print (TensorFlow's C++ logs of every "
        "level, their deprecation warnings; TensorFlow's start-up lines with "
        "TF_CPP_MIN_LOG_LEVEL=0); by default only keras-ada's own messages",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="command", required=True)
    runners = {}
    for name in COMMANDS:
        module = importlib.import_module(f"{__name__}.{name}")
        known = set(subparsers.choices)
        module.add_parser(subparsers)
        runners.update({command: module for command in set(subparsers.choices) - known})
    return parser, runners


def main(argv: list[str] | None = None) -> int:
    """Runs the command line; returns the exit status."""
    parser, runners = build_parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.backend and args.backend != _backend():
        if argv is not None:
            parser.error(
                f"--backend {args.backend}: Keras already runs on {_backend()} in this "
                "process; set KERAS_BACKEND before importing keras_ada instead."
            )
        check_backend(args)
        # Importing keras_ada imported Keras: start again on the chosen backend.
        os.environ["KERAS_BACKEND"] = args.backend
        os.execv(sys.executable, [sys.executable, "-m", "keras_ada", *sys.argv[1:]])
    with command_output(args.all_output):
        try:
            check_arguments(args)
            check_choices(args)
            status = runners[args.command].run(args)
        except Exception as error:
            if args.debug or not is_user_error(error):
                raise
            print(f"keras-ada {args.command}: error: {error}", file=sys.stderr)
            return 1
    return 0 if status is None else int(status)


def _backend():
    import keras

    return keras.backend.backend()
