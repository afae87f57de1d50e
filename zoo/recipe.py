"""What the table recipes share: options, training a row, the results table.

Every model is trained with `keras-ada train` (one resumable `model.fit`, see
`keras_ada/cli/train.py`) into `<output>/<row>/`; running a recipe again skips
the models that are trained and resumes the one that was interrupted.
"""

import argparse
import json
import os

SAMPLE_RATE = 16000


def parser(description: str, rows: list[str]) -> argparse.ArgumentParser:
    """The options every recipe takes."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--scale", default="tiny", help="paper, small or tiny")
    parser.add_argument("--rows", nargs="+", default=rows, help="rows to train")
    parser.add_argument("--output", required=True, help="output directory")
    parser.add_argument(
        "--steps", type=int, help="steps per model (default: per scale)"
    )
    parser.add_argument("--batch-size", type=int, help="global batch size")
    parser.add_argument("--length", type=int, help="excerpt length")
    parser.add_argument("--data-dir", help="TFDS data directory")
    parser.add_argument("--config", help="piano_dataset config (default: embedded)")
    parser.add_argument("--eval-steps", type=int, default=20, help="evaluation batches")
    parser.add_argument("--checkpoint-every", type=int, default=500)
    parser.add_argument(
        "--learning-rate", type=float, help="Adam's learning rate (default: 2e-4)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--synthetic", action="store_true", help="synthetic tones")
    return parser


def train(args, model: str, output: str, *extra: str) -> dict:
    """Trains one model (or stack level) with `keras-ada train`; returns metrics."""
    from keras_ada import cli

    command = [
        "train",
        model,
        "--output",
        output,
        "--scale",
        args.scale,
        "--seed",
        str(args.seed),
    ]
    for option in (
        "steps",
        "batch_size",
        "length",
        "data_dir",
        "config",
        "eval_steps",
        "checkpoint_every",
        "learning_rate",
    ):
        value = getattr(args, option)
        if value is not None:
            command += ["--" + option.replace("_", "-"), str(value)]
    if args.synthetic:
        command.append("--synthetic")
    # Rows 2.2 and 3.6 train with fixed alpha and beta here; `keras-ada tune`
    # trains them with population based training, as the paper does.
    command.append("--no-pbt")
    cli.main(command + list(extra))
    level = extra[extra.index("--level") + 1] if "--level" in extra else None
    return read_metrics(output, level, model)


def read_metrics(output: str, level: str | None, model: str) -> dict:
    """The `metrics.json` of a trained model (of a stack level when `level` is set)."""
    if level is None:
        folder = output
    else:
        from keras_ada import zoo

        num_levels = len(zoo.config(model, "tiny")["levels"])
        folder = os.path.join(
            output, "prior" if int(level) == num_levels else f"level_{level}"
        )
    path = os.path.join(folder, "metrics.json")
    if not os.path.exists(path):
        return {}
    with open(path) as file:
        return json.load(file)


def number(value, digits=3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def write_table(
    path: str, title: str, header: list[str], lines: list[list[str]], notes: str
):
    """Writes a markdown table and prints it."""
    text = "\n".join(
        [
            f"# {title}",
            "",
            "| " + " | ".join(header) + " |",
            "|" + "|".join("---" for _ in header) + "|",
            *("| " + " | ".join(line) + " |" for line in lines),
            "",
            notes.strip(),
            "",
        ]
    )
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as file:
        file.write(text)
    print(text)


def setup_notes(args) -> str:
    """A paragraph saying how the numbers were obtained."""
    from keras_ada import zoo

    defaults = zoo.training_defaults("vqvae_hop8", args.scale)
    data = (
        "synthetic tones"
        if args.synthetic
        else f"piano_dataset/{args.config or 'embedded'}"
    )
    return (
        f"Ours: `{args.scale}` scale, {args.steps or defaults['steps']} steps, batch "
        f"{args.batch_size or defaults['batch_size']}, excerpts of "
        f"{args.length or defaults['length']} steps, on {data}; NLL in nats per "
        f"timestep over {args.eval_steps} batches of random excerpts of each split, "
        "with the Polyak-averaged weights; perplexity of the code histogram of the "
        "evaluation batches. Paper: 413 hours of piano, 500,000 steps (200,000 for "
        "unconditional WaveNets), paper scale."
    )
