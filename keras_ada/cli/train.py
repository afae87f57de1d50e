"""`keras-ada train`: train a zoo model (or one level of a stack), resumably.

Examples:

    keras-ada train vqvae_hop8 --scale tiny --steps 200 --output runs/1.2
    keras-ada train vqvae_amae_wavenet --level 0 --output runs/3.7   # VQ-VAE
    keras-ada train vqvae_amae_wavenet --level 1 --output runs/3.7   # AMAE on its codes
    keras-ada train vqvae_amae_wavenet --level 2 --output runs/3.7   # the prior
    keras-ada train codes_amae_rf64 --codes-from runs/1.2/model.keras --output runs/2.4

Running the same command again after the run was killed resumes it from its
last checkpoint. Outputs: `model.keras` (the trained model, Polyak-averaged
weights), `metrics.json` (final evaluation), `checkpoint/` and `logs/`
(TensorBoard). A stack trains level by level into one directory, which
`keras_ada.models.Stack.load` reads once every level is trained. Models of codes
train on the piano data encoded by the levels below, written once to
`codes_level_<i>/` (`codes/` with --codes-from); with --synthetic, on codes of
synthetic tones encoded on the fly. The Python API is
`keras_ada.runner.train_model`.
"""

import argparse
import json

from keras_ada.cli.checks import UserError
from keras_ada.cli.choices import scale_help
from keras_ada.runner import train_model


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "train",
        help="train a zoo model or one level of a stack",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "model", nargs="?", help="zoo name or row id (see `keras-ada train --list`)"
    )
    parser.add_argument(
        "--list", action="store_true", help="list the zoo's models and exit"
    )
    parser.add_argument(
        "--level",
        type=int,
        help="for a stack: 0..n-1 trains ADA level i, n trains the prior",
    )
    parser.add_argument("--steps", type=int, help="training steps (default: per scale)")
    parser.add_argument(
        "--learning-rate",
        type=float,
        help="Adam's learning rate (default: the paper's 2e-4); short runs learn "
        "faster with about 2e-3",
    )
    parser.add_argument(
        "--ema-momentum",
        type=float,
        help="Polyak averaging decay (default: per scale, e.g. 0.9999 at paper scale)",
    )
    parser.add_argument("--output", help="output directory (required to train)")
    add_data_arguments(parser)
    parser.add_argument(
        "--checkpoint-every", type=int, default=500, help="steps between checkpoints"
    )
    parser.add_argument(
        "--eval-steps", type=int, default=10, help="evaluation batches per checkpoint"
    )
    parser.add_argument(
        "--max-loss-ratio",
        type=float,
        default=1000.0,
        help="stop when the loss exceeds this multiple of its recent level (a NaN "
        "loss always stops the run)",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=JSON",
        help="configuration override, e.g. --set hop=16 --set 'local_model={\"stages\": 6}'",
    )
    parser.add_argument(
        "--mixed-precision",
        choices=("mixed_bfloat16", "mixed_float16"),
        help="Keras dtype policy: compute in 16 bits, keep weights, quantisers, "
        "softmax and loss in float32",
    )
    parser.add_argument(
        "--verbose", type=int, default=1, help="fit verbosity (1: progress bar)"
    )
    processes = parser.add_argument_group(
        "several processes (JAX; TensorFlow reads TF_CONFIG instead)",
        "Run the same command in every process, each with its --process-id; "
        "process 0 writes the checkpoints, logs and model.",
    )
    processes.add_argument(
        "--coordinator", metavar="HOST:PORT", help="address of process 0"
    )
    processes.add_argument("--num-processes", type=int, help="processes in the job")
    processes.add_argument("--process-id", type=int, help="this process, 0..N-1")
    parser.add_argument(
        "--no-pbt",
        action="store_true",
        help="train a model the paper trains with population based training "
        "(`keras-ada tune`) with fixed alpha and beta instead, as a baseline",
    )
    return parser


def data_options(args) -> dict:
    """The runner's arguments of the options `add_data_arguments` adds."""
    return dict(
        scale=args.scale,
        batch_size=args.batch_size,
        length=args.length,
        seed=args.seed,
        data_dir=args.data_dir,
        config=args.config,
        synthetic=args.synthetic,
        codes_from=tuple(args.codes_from or ()),
        codes_dir=args.codes_dir,
    )


def add_data_arguments(parser):
    """The options that choose a model's scale and the batches it trains on,
    shared by `train` and `tune`."""
    parser.add_argument(
        "--scale",
        default="paper",
        help=scale_help("paper, for GPUs; tiny trains on a CPU in seconds"),
    )
    parser.add_argument("--batch-size", type=int, help="global batch size")
    parser.add_argument(
        "--length",
        type=int,
        help="scored steps per excerpt, in steps of the modelled sequence; excerpts "
        "are one receptive field longer (default: per row, see zoo/README.md)",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    parser.add_argument("--data-dir", help="TFDS data directory of piano_dataset")
    parser.add_argument("--config", help="piano_dataset builder config")
    parser.add_argument(
        "--synthetic",
        action="store_true",
        help="train on synthetic tones instead of the piano data (smoke tests)",
    )
    parser.add_argument(
        "--codes-from",
        nargs="+",
        metavar="ADA",
        help="trained ADAs, .keras files or presets (bottom first), whose codes "
        "a code-level model trains on",
    )
    parser.add_argument(
        "--codes-dir",
        help="where the encoded piano data of a code-level model is written (and "
        "found again); several models on the same codes can share it",
    )


def run(args):
    if args.list:
        return _list_models()
    if args.model is None or args.output is None:
        raise UserError("give a model and --output (or --list).")
    if args.coordinator or args.num_processes or args.process_id is not None:
        _join_processes(args)
    train_model(
        args.model,
        args.output,
        level=args.level,
        steps=args.steps,
        learning_rate=args.learning_rate,
        ema_momentum=args.ema_momentum,
        checkpoint_every=args.checkpoint_every,
        eval_steps=args.eval_steps,
        max_loss_ratio=args.max_loss_ratio,
        overrides=parse_overrides(args.set),
        mixed_precision=args.mixed_precision,
        pbt_baseline=args.no_pbt,
        verbose=args.verbose,
        **data_options(args),
    )
    return 0


def _join_processes(args):
    """Joins a multi-process JAX job (`keras_ada.training.initialize_processes`)."""
    from keras_ada import training

    if None in (args.coordinator, args.num_processes, args.process_id):
        raise UserError(
            "several processes need --coordinator, --num-processes and "
            "--process-id together."
        )
    try:
        training.initialize_processes(
            args.coordinator, args.num_processes, args.process_id
        )
    except ValueError as error:
        raise UserError(str(error)) from None


def parse_overrides(items: list[str]) -> dict:
    """Parses `KEY=JSON` strings into a dict (a value that is not JSON is a string)."""
    overrides = {}
    for item in items:
        key, separator, value = item.partition("=")
        if not separator or not key:
            raise UserError(f"--set takes KEY=VALUE. Received: {item!r}")
        try:
            overrides[key] = json.loads(value)
        except json.JSONDecodeError:
            overrides[key] = value
    return overrides


def _list_models():
    from keras_ada.zoo import presets

    for name, preset in presets.PRESETS.items():
        print(f"{'/'.join(preset['rows']):8} {name:26} {preset['description']}")
    return 0
