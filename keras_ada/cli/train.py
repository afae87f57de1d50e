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
import math
import os

TRAIN_SPLIT = "train"
EVAL_SPLIT = "eval"
SYNTHETIC_EVAL_SEED = 7919  # offset giving synthetic evaluation data its own stream


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
    parser.add_argument("--scale", default="paper", help="paper, small or tiny")
    parser.add_argument("--steps", type=int, help="training steps (default: per scale)")
    parser.add_argument("--batch-size", type=int, help="global batch size")
    parser.add_argument(
        "--learning-rate",
        type=float,
        help="Adam's learning rate (default: the paper's 2e-4); short runs learn "
        "faster with about 2e-3",
    )
    parser.add_argument(
        "--length", type=int, help="excerpt length, in steps of the modelled sequence"
    )
    parser.add_argument("--output", help="output directory (required to train)")
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
    parser.add_argument(
        "--checkpoint-every", type=int, default=500, help="steps between checkpoints"
    )
    parser.add_argument(
        "--eval-steps", type=int, default=10, help="evaluation batches per checkpoint"
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
    return parser


def run(args):
    if args.list:
        return _list_models()
    if args.model is None or args.output is None:
        raise SystemExit("keras-ada train: give a model and --output (or --list).")

    import keras

    from keras_ada import training
    from keras_ada import zoo

    keras.utils.set_random_seed(args.seed)
    if args.mixed_precision:
        keras.mixed_precision.set_global_policy(args.mixed_precision)
    name = zoo.resolve(args.model)
    overrides = parse_overrides(args.set)
    plan = _plan(args, name, overrides)
    defaults = zoo.training_defaults(plan["config"]["name"], args.scale)
    batch_size = args.batch_size or defaults["batch_size"]
    length = args.length or defaults["length"]
    steps = args.steps or defaults["steps"]
    distribution = training.select_distribution()
    distribution.check_batch_size(batch_size)
    levels = plan["levels"]
    hop = math.prod(level.hop for level in levels)

    def batches(split, seed):
        if args.synthetic:
            seed = seed if split == TRAIN_SPLIT else seed + SYNTHETIC_EVAL_SEED
            audio = training.synthetic_excerpts(length * hop, batch_size, seed=seed)
            return training.code_batches(levels, audio) if levels else audio
        if levels:
            return training.encoded_code_excerpts(
                levels,
                split,
                os.path.join(plan["codes_dir"], split),
                length,
                batch_size,
                args.data_dir,
                args.config,
                seed,
            )
        return training.audio_excerpts(
            split, length, batch_size, args.data_dir, args.config, seed
        )

    print(
        f"Training {plan['config']['name']} ({args.scale} scale) for {steps} steps, "
        f"batch {batch_size} x {length} on {distribution.name}; output {plan['work_dir']}"
    )

    def make_model():
        model = zoo.build(plan["config"])
        if args.learning_rate:
            model.compile(
                optimizer=keras.optimizers.Adam(args.learning_rate, use_ema=True)
            )
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


def _plan(args, name, overrides):
    """Returns the configuration to train, the ADAs below it and where to write."""
    import keras

    from keras_ada import zoo
    from keras_ada.models.stack import level_filename
    from keras_ada.models.stack import write_stack_file

    config = zoo.config(name, args.scale, **overrides)
    if config["kind"] == "stack":
        num_levels = len(config["levels"])
        if args.level is None or not 0 <= args.level <= num_levels:
            raise SystemExit(
                f"{name} is a stack of {num_levels} levels and a prior: choose "
                f"--level 0..{num_levels} ({num_levels} trains the prior)."
            )
        models = config["levels"] + [config["prior"]]
        levels = []
        for level in range(args.level):
            filename = os.path.join(args.output, level_filename(level, num_levels))
            if not os.path.exists(filename):
                raise SystemExit(
                    f"Level {level} of {name} is not trained yet ({filename} is "
                    f"missing): run `keras-ada train {name} --level {level}` first."
                )
            levels.append(zoo.load_weights(zoo.build(models[level]), filename))
        write_stack_file(args.output, num_levels)
        filename = level_filename(args.level, num_levels)
        return {
            "config": models[args.level],
            "levels": levels,
            "work_dir": os.path.join(args.output, filename.removesuffix(".keras")),
            "final_model": os.path.join(args.output, filename),
            "codes_dir": args.codes_dir
            or os.path.join(args.output, f"codes_level_{args.level}"),
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
        "levels": levels,
        "work_dir": args.output,
        "final_model": os.path.join(args.output, "model.keras"),
        "codes_dir": args.codes_dir or os.path.join(args.output, "codes"),
    }


def _list_models():
    from keras_ada.zoo import presets

    for name, preset in presets.PRESETS.items():
        print(f"{'/'.join(preset['rows']):8} {name:26} {preset['description']}")
    return 0
