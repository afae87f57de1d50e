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
synthetic tones encoded on the fly.
"""

import argparse
import json
import os

TRAIN_SPLIT = "train"
EVAL_SPLIT = "eval"
SYNTHETIC_EVAL_SEED = 7919  # offset giving synthetic evaluation data its own stream
PBT_MODELS = ("codes_vqvae_pbt",)  # trained with `keras-ada tune` (appendix A)


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


def add_data_arguments(parser):
    """The options that choose a model's scale and the batches it trains on,
    shared by `train` and `tune`."""
    parser.add_argument("--scale", default="paper", help="paper, small or tiny")
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
        help="trained ADA .keras files (bottom first) whose codes a code-level "
        "model trains on",
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
        raise SystemExit("keras-ada train: give a model and --output (or --list).")

    import keras

    from keras_ada import data
    from keras_ada import training
    from keras_ada import zoo
    from keras_ada.training.divergence import StopOnDivergence

    if args.coordinator or args.num_processes or args.process_id is not None:
        _join_processes(args)
    keras.utils.set_random_seed(args.seed)
    if args.mixed_precision:
        keras.mixed_precision.set_global_policy(args.mixed_precision)
    name = zoo.resolve(args.model)
    overrides = parse_overrides(args.set)
    if not args.no_pbt:
        _point_to_tune(args, name)
    plan = _plan(args, name, overrides)
    defaults = zoo.training_defaults(plan["config"]["name"], args.scale)
    batch_size = args.batch_size or defaults["batch_size"]
    context = zoo.context_length(plan["config"])
    length = context + (args.length or defaults["length"])
    ema_momentum = args.ema_momentum or defaults["ema_momentum"]
    steps = args.steps or defaults["steps"]
    distribution = training.select_distribution()
    distribution.check_batch_size(batch_size)
    encoder = plan["encoder"]
    options = {} if args.config is None else {"config": args.config}

    def batches(split, seed):
        if args.synthetic:
            seed = seed if split == TRAIN_SPLIT else seed + SYNTHETIC_EVAL_SEED
            hop = encoder.hop if encoder else 1
            audio = data.synthetic_excerpts(length * hop, batch_size, seed=seed)
            return data.code_batches(encoder, audio) if encoder else audio
        if encoder:
            return data.encoded_code_excerpts(
                encoder,
                split,
                os.path.join(plan["codes_dir"], split),
                length,
                batch_size,
                data_dir=args.data_dir,
                seed=seed,
                **options,
            )
        return data.excerpts(
            split, length, batch_size, data_dir=args.data_dir, seed=seed, **options
        )

    print(
        f"Training {plan['config']['name']} ({args.scale} scale) for {steps} steps, "
        f"batch {batch_size} x ({context} context + {length - context} scored) on {distribution.name}; output {plan['work_dir']}"
    )

    def make_model():
        model = zoo.build(plan["config"])
        if args.learning_rate:
            model.compile(
                optimizer=keras.optimizers.Adam(
                    args.learning_rate, use_ema=True, ema_momentum=ema_momentum
                )
            )
        else:
            model.compile(ema_momentum=ema_momentum)
        return model

    model, history = training.train(
        make_model,
        lambda done: batches(TRAIN_SPLIT, args.seed + 1000 * done),
        steps=steps,
        output_dir=plan["work_dir"],
        steps_per_checkpoint=args.checkpoint_every,
        validation_data=batches(EVAL_SPLIT, args.seed) if args.eval_steps else None,
        validation_steps=args.eval_steps or None,
        distribution=distribution,
        final_model=plan["final_model"],
        verbose=args.verbose,
        learning_rate=args.learning_rate,
        divergence=StopOnDivergence(args.max_loss_ratio),
    )
    if distribution.num_processes > 1:
        from keras_ada.training.digest import state_digest

        print(
            f"Trained weights of process {distribution.process_index}: "
            f"sha256 {state_digest(model.weights)}"
        )
    metrics_path = os.path.join(plan["work_dir"], "metrics.json")
    if history is None and os.path.exists(metrics_path):
        print(f"Already trained: {plan['final_model']}")
    elif args.eval_steps:
        metrics = {
            "train": training.evaluate(
                model, batches(TRAIN_SPLIT, args.seed), args.eval_steps
            ),
            "eval": training.evaluate(
                model, batches(EVAL_SPLIT, args.seed), args.eval_steps
            ),
        }
        training.write_json(metrics_path, metrics)
        print(json.dumps(metrics))
    return 0


def _join_processes(args):
    """Joins a multi-process JAX job (`keras_ada.training.initialize_processes`)."""
    from keras_ada import training
    from keras_ada.cli.checks import UserError

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


def parse_overrides(items):
    """Parses `KEY=JSON` strings into a dict (a value that is not JSON is a string)."""
    overrides = {}
    for item in items:
        key, separator, value = item.partition("=")
        if not separator or not key:
            raise SystemExit(f"--set takes KEY=VALUE. Received: {item!r}")
        try:
            overrides[key] = json.loads(value)
        except json.JSONDecodeError:
            overrides[key] = value
    return overrides


def _point_to_tune(args, name):
    """Stops with the `keras-ada tune` command of a model trained with PBT."""
    from keras_ada import zoo

    config = zoo.config(name, args.scale)
    if config["kind"] == "stack" and args.level is not None:
        models = config["levels"] + [config["prior"]]
        config = models[args.level] if 0 <= args.level < len(models) else config
    if config.get("name") in PBT_MODELS:
        level = "" if args.level is None else f" --level {args.level}"
        raise SystemExit(
            f"{config['name']} is trained with population based training: run "
            f"`keras-ada tune {args.model}{level} --output {args.output} ...` (the "
            "same options, see `keras-ada tune --help`), or add --no-pbt to train it "
            "with fixed alpha and beta."
        )


def _plan(args, name, overrides):
    """Returns the configuration to train, the levels encoding its data, and where
    to write (`encoder` is a `Stack` of the trained levels below, or None)."""
    import keras

    from keras_ada import zoo
    from keras_ada.models import Stack
    from keras_ada.models import StackDirectory

    config = zoo.config(name, args.scale, **overrides)
    if config["kind"] == "stack":
        num_levels = len(config["levels"])
        if args.level is None or not 0 <= args.level <= num_levels:
            raise SystemExit(
                f"{name} is a stack of {num_levels} levels and a prior: choose "
                f"--level 0..{num_levels} ({num_levels} trains the prior)."
            )
        directory = StackDirectory(args.output)
        directory.write(num_levels)
        for level in range(args.level):
            if not os.path.exists(directory.model_file(level)):
                raise SystemExit(
                    f"Level {level} of {name} is not trained yet "
                    f"({directory.model_file(level)} is missing): run "
                    f"`keras-ada train {name} --level {level}` first."
                )
        models = config["levels"] + [config["prior"]]
        return {
            "config": models[args.level],
            "encoder": (
                Stack.load(args.output, compile=False, num_models=args.level)
                if args.level
                else None
            ),
            "work_dir": directory.run_dir(args.level),
            "final_model": directory.model_file(args.level),
            "codes_dir": args.codes_dir or directory.codes_dir(args.level),
        }
    if args.level is not None:
        raise SystemExit(f"--level is only for stacks; {name} is a single model.")
    levels = [
        keras.saving.load_model(path, compile=False) for path in args.codes_from or []
    ]
    if config["input_format"] == "embedding" and not levels:
        raise SystemExit(
            f"{name} models code sequences: give the trained ADA(s) whose codes it "
            "trains on with --codes-from (e.g. a vqvae_hop8 model.keras)."
        )
    return {
        "config": config,
        "encoder": Stack(levels) if levels else None,
        "work_dir": args.output,
        "final_model": os.path.join(args.output, "model.keras"),
        "codes_dir": args.codes_dir or os.path.join(args.output, "codes"),
    }


def _list_models():
    from keras_ada.zoo import presets

    for name, preset in presets.PRESETS.items():
        print(f"{'/'.join(preset['rows']):8} {name:26} {preset['description']}")
    return 0
