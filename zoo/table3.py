"""Table 3: single-level WaveNets and multi-level hierarchies, for listening.

    python zoo/table3.py --scale tiny --output runs/table3
    python zoo/table3.py --scale tiny --rows 3.7 --samples 4 --seconds 10 --output runs/table3

Trains every model of each row with `keras_ada.runner.train_model` (a stack
level by level, `level=0..n`, into `<output>/<row>/`; a level shared with a
stack trained before, such as the #1.2 VQ-VAE at the bottom of 3.4, 3.6 and
3.7, is trained once and copied) and writes `<output>/table3.md`: receptive fields in
milliseconds and the eval NLL of each model beside the paper's receptive fields
and human ratings (which only listening can reproduce). With `--samples`, writes
WAV samples of each row to `<output>/<row>/samples/`.
"""

import os
import shutil

import recipe

ROWS = ["3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7"]


def main():
    parser = recipe.parser(__doc__, ROWS)
    parser.add_argument("--samples", type=int, default=0, help="WAV samples per row")
    parser.add_argument("--seconds", type=float, default=4.0, help="sample duration")
    args = parser.parse_args()
    from keras_ada import zoo

    trained = {}  # (names of the levels up to i) -> trained file
    lines = []
    for row in args.rows:
        output = os.path.join(args.output, row)
        model = zoo.load(row, args.scale)  # Not built: only its sizes are read.
        if zoo.kind(row) == "stack":
            train_stack(args, row, output, trained)
        else:
            recipe.train(args, row, output)
        results = recipe.evaluate(args, output, row)
        nlls = [level["nll"] for level in results.get("levels", [results])] + (
            [results["prior"]["nll"]] if "prior" in results else []
        )
        paper = zoo.PAPER_RESULTS[row]
        lines.append(
            [
                row,
                zoo.resolve(row),
                str(len(nlls)),
                f"{model.receptive_field * 1000 / recipe.SAMPLE_RATE:g}",
                f"{paper['rf_ms']}",
                " / ".join(recipe.number(nll) for nll in nlls),
                recipe.fidelity_cell(results),
                "{:.2f} ± {:.2f}".format(*paper["fidelity"]),
                "{:.2f} ± {:.2f}".format(*paper["musicality"]),
            ]
        )
        if args.samples:
            write_samples(args, row, output)
    recipe.write_table(
        os.path.join(args.output, "table3.md"),
        "Table 3: models for qualitative evaluation",
        [
            "#",
            "model",
            "levels",
            "RF (ms)",
            "paper RF (ms)",
            "eval NLL per level (bottom first)",
            "fidelity (floor)",
            "paper fidelity",
            "paper musicality",
        ],
        lines,
        recipe.setup_notes(args)
        + " The receptive field of a hierarchy is the prior's, in audio samples"
        " (the product of the hops times the prior's receptive field).",
    )


def train_stack(args, row, output, trained):
    """Trains the levels and the prior of a stack (shared levels only once)."""
    from keras_ada import zoo
    from keras_ada.models import StackDirectory

    config = zoo.config(row, args.scale)
    names = [level["name"] for level in config["levels"]] + [config["prior"]["name"]]
    num_levels = len(config["levels"])
    directory = StackDirectory(output)
    directory.write(num_levels)
    for level in range(num_levels + 1):
        key = tuple(names[: level + 1])
        target = directory.model_file(level)
        if key in trained and not os.path.exists(target):
            shutil.copyfile(trained[key][0], target)
            shutil.copytree(trained[key][1], directory.run_dir(level))
        recipe.train(args, row, output, level=level)
        trained.setdefault(key, (target, directory.run_dir(level)))


def write_samples(args, row, output):
    """Writes `args.samples` WAV files sampled from the trained row."""
    from keras_ada import zoo
    from keras_ada.runner import sample_to_files

    model = output if zoo.kind(row) == "stack" else os.path.join(output, "model.keras")
    sample_to_files(
        model,
        os.path.join(output, "samples"),
        seconds=args.seconds,
        batch_size=args.samples,
        seed=args.seed,
        sample_rate=recipe.SAMPLE_RATE,
    )


if __name__ == "__main__":
    main()
