"""What the table recipes share: options, training a row, the results table.

Every model is trained with `keras_ada.runner.train_model` (one resumable
`model.fit`, as `keras-ada train`) into `<output>/<row>/`; running a recipe again skips
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
    parser.add_argument(
        "--eval-steps", type=int, default=20, help="evaluation batches during training"
    )
    parser.add_argument(
        "--eval-seconds",
        type=float,
        help="audio of the eval split evaluated after training (default: all)",
    )
    parser.add_argument("--checkpoint-every", type=int, default=500)
    parser.add_argument(
        "--learning-rate", type=float, help="Adam's learning rate (default: 2e-4)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--synthetic", action="store_true", help="synthetic tones")
    return parser


def train(args, model: str, output: str, **options) -> dict:
    """Trains one model (or stack level) with `keras_ada.runner.train_model`.

    Args:
        args: the recipe's options.
        model: zoo name or row id.
        output: output directory.
        **options: further `train_model` arguments (`level`, `codes_from`, ...).

    Returns:
        The model's final metrics (`metrics.json`).
    """
    from keras_ada.runner import train_model

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
        if getattr(args, option) is not None:
            options.setdefault(option, getattr(args, option))
    # Rows 2.2 and 3.6 train with fixed alpha and beta here; `keras-ada tune`
    # trains them with population based training, as the paper does.
    return train_model(
        model,
        output,
        scale=args.scale,
        seed=args.seed,
        synthetic=args.synthetic,
        pbt_baseline=True,
        **options,
    )


def evaluate(args, run: str, row: str, *below: str) -> dict:
    """Evaluates a trained run or stack on the eval split (`keras_ada.evaluation`).

    Writes `<run>/evaluation/evaluation.json` and `evaluation.md`; with
    `--synthetic`, evaluates on four seconds of synthetic tones instead.
    """
    from keras_ada import data
    from keras_ada import evaluation

    audio = None
    if args.synthetic:
        tones = data.synthetic_excerpts(4 * SAMPLE_RATE, 2, seed=args.seed)
        audio = list(next(iter(tones)).numpy())
    results = evaluation.evaluate(
        run,
        data_dir=args.data_dir,
        config=args.config or "embedded",
        seconds=args.eval_seconds,
        audio=audio,
        seed=args.seed,
        below=below,
    )
    evaluation.write_results(os.path.join(run, "evaluation"), results, row, row)
    return results


def fidelity_cell(results) -> str:
    """The fidelity and its floor, as a table cell."""
    from keras_ada.evaluation.table import markdown_lines

    return markdown_lines({"fidelity": results.get("fidelity")})[0][-1]


def read_metrics(output: str, level: str | None, model: str) -> dict:
    """The `metrics.json` of a trained model (of a stack level when `level` is set)."""
    if level is None:
        folder = output
    else:
        from keras_ada.models import StackDirectory

        folder = StackDirectory(output).run_dir(int(level))
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
        f"{args.length or defaults['length']} scored steps after one receptive field "
        f"of context, on {data}; train NLL in nats per timestep over "
        f"{args.eval_steps} batches of random excerpts, eval NLL over consecutive "
        "windows of the whole eval split (`keras-ada evaluate`), full-context "
        "positions only, with the Polyak-averaged weights; codebook perplexity per "
        "one-second sequence (the paper's) and pooled; fidelity of reconstructions "
        "(an unrelated excerpt's in brackets: the floor). Paper: 413 hours of piano, 500,000 steps (200,000 for "
        "unconditional WaveNets), paper scale."
    )
