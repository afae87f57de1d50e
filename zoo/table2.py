"""Table 2: models trained on the code sequences of the selected level 1 (#1.2).

    python zoo/table2.py --scale tiny --output runs/table2
    python zoo/table2.py --scale tiny --level1 runs/table1/1.2/model.keras --output runs/table2

Uses a trained #1.2 VQ-VAE (`--level1`), or trains one into `<output>/1.2/`.
The piano data is encoded by it once, into `<output>/codes_1.2/`; each row then
trains on those codes (`keras_ada.runner.train_model(..., codes_from=...)`)
into `<output>/<row>/`. Writes `<output>/table2.md`. Row 2.2 is the paper's VQ-VAE trained with
population based training; here it trains with the zoo's fixed alpha and beta.
"""

import os

import recipe

ROWS = ["2.1", "2.2", "2.3", "2.4", "2.5", "2.6"]


def main():
    parser = recipe.parser(__doc__, ROWS)
    parser.add_argument("--level1", help="a trained vqvae_hop8 model.keras (row 1.2)")
    args = parser.parse_args()
    from keras_ada import zoo

    level1 = args.level1 or os.path.join(args.output, "1.2", "model.keras")
    if not args.level1:
        recipe.train(args, "1.2", os.path.join(args.output, "1.2"))
    codes = dict(codes_from=(level1,), codes_dir=os.path.join(args.output, "codes_1.2"))
    lines = []
    for row in args.rows:
        metrics = recipe.train(args, row, os.path.join(args.output, row), **codes)
        results = recipe.evaluate(args, os.path.join(args.output, row), row, level1)
        model = zoo.load(row, args.scale)  # Not built: only its sizes are read.
        decoder = model.local_model if zoo.kind(row) == "ada" else model
        paper = zoo.PAPER_RESULTS[row]
        lines.append(
            [
                row,
                zoo.resolve(row),
                str(getattr(model, "hop", "N/A")),
                str(decoder.receptive_field),
                recipe.number(metrics.get("train", {}).get("nll")),
                recipe.number(paper["train_nll"]),
                recipe.number(results["nll"]),
                recipe.number(paper["eval_nll"]),
                recipe.number(results.get("perplexity_per_second"), 1),
                recipe.number(results.get("perplexity_pooled"), 1),
                recipe.number(paper.get("perplexity"), 1),
            ]
        )
    recipe.write_table(
        os.path.join(args.output, "table2.md"),
        "Table 2: models trained on the codes of #1.2",
        [
            "#",
            "model",
            "hop",
            "decoder RF",
            "train NLL",
            "paper",
            "eval NLL",
            "paper",
            "perplexity per second",
            "pooled",
            "paper",
        ],
        lines,
        recipe.setup_notes(args) + f" Codes from {level1}.",
    )


if __name__ == "__main__":
    main()
