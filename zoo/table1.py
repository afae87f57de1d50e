"""Table 1: ADAs trained on audio waveforms (and the unconditional WaveNet).

    python zoo/table1.py --scale tiny --output runs/table1
    python zoo/table1.py --scale small --rows 1.2 1.7 --output runs/table1

Trains each row with `keras_ada.runner.train_model` (`keras-ada train`) into
`<output>/<row>/` and writes `<output>/table1.md`: train NLL (random excerpts), eval NLL over the whole eval
split (`keras-ada evaluate`: full-context positions, nats per timestep), codebook
perplexity per one-second sequence and pooled, and reconstruction fidelity with
its floor, beside the paper's numbers.
"""

import os

import recipe

ROWS = ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7"]


def main():
    args = recipe.parser(__doc__, ROWS).parse_args()
    from keras_ada import zoo

    lines = []
    for row in args.rows:
        metrics = recipe.train(args, row, os.path.join(args.output, row))
        results = recipe.evaluate(args, os.path.join(args.output, row), row)
        config = zoo.config(row, args.scale)
        paper = zoo.PAPER_RESULTS[row]
        lines.append(
            [
                row,
                zoo.resolve(row),
                config["input_format"],
                str(config.get("hop", "N/A")),
                recipe.number(metrics.get("train", {}).get("nll")),
                recipe.number(paper["train_nll"]),
                recipe.number(results["nll"]),
                recipe.number(paper["eval_nll"]),
                recipe.number(results.get("perplexity_per_second"), 1),
                recipe.number(results.get("perplexity_pooled"), 1),
                recipe.number(paper.get("perplexity"), 1),
                recipe.fidelity_cell(results),
            ]
        )
    recipe.write_table(
        os.path.join(args.output, "table1.md"),
        "Table 1: ADAs trained on audio waveforms",
        [
            "#",
            "model",
            "input",
            "hop",
            "train NLL",
            "paper",
            "eval NLL",
            "paper",
            "perplexity per second",
            "pooled",
            "paper",
            "fidelity (floor)",
        ],
        lines,
        recipe.setup_notes(args)
        + " The paper's perplexity of 1.7 is underestimated (one-second evaluation "
        "sequences): compare it with ours per second.",
    )


if __name__ == "__main__":
    main()
