"""`keras-ada evaluate`: evaluate a trained model or stack on a whole split.

Examples:

    keras-ada evaluate runs/1.2 --config embedded_mini --output runs/1.2/evaluation
    keras-ada evaluate runs/3.7 --seconds 60 --row 3.7

By default the data is the run's own (`data.json`, written by `keras-ada
train`). Deterministic: every recording of the split is cut into consecutive windows
(no random excerpts) and scored with the saved (Polyak-averaged) weights. Prints
and writes `evaluation.json` (NLL in nats per timestep over full-context
positions; per-second and pooled code perplexity; reconstruction fidelity and
its floor for ADAs and stacks) and `evaluation.md` (a row beside the paper's). The Python API is `keras_ada.runner.evaluate_run`.
"""

import argparse

from keras_ada.runner import evaluate_run


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "evaluate",
        help="evaluate a trained model or stack on a whole split",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("run", help="a `.keras` file, run directory or stack directory")
    parser.add_argument("--split", default="eval", help="split of the piano data")
    parser.add_argument(
        "--seconds", type=float, help="evaluate at most this much audio (all)"
    )
    parser.add_argument("--output", help="output directory (default: RUN/evaluation)")
    parser.add_argument("--row", help="the paper's row id, for its numbers")
    parser.add_argument(
        "--data-dir",
        help="TFDS data directory of piano_dataset (default: the run's, from its "
        "data.json)",
    )
    parser.add_argument(
        "--config",
        help="piano_dataset builder config (default: the run's, else embedded)",
    )
    parser.add_argument("--batch-size", type=int, default=8, help="windows per batch")
    parser.add_argument(
        "--fidelity-excerpts", type=int, default=2, help="excerpts reconstructed"
    )
    parser.add_argument(
        "--fidelity-seconds", type=float, default=1.0, help="their duration"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the decoding")
    parser.add_argument(
        "--codes-from",
        nargs="+",
        default=[],
        metavar="ADA",
        help="for a model of codes: the trained ADA .keras files (bottom first)",
    )
    return parser


def run(args):
    evaluate_run(
        args.run,
        output=args.output,
        row=args.row,
        split=args.split,
        seconds=args.seconds,
        data_dir=args.data_dir,
        config=args.config,
        batch_size=args.batch_size,
        fidelity_excerpts=args.fidelity_excerpts,
        fidelity_seconds=args.fidelity_seconds,
        seed=args.seed,
        codes_from=args.codes_from,
    )
    return 0
