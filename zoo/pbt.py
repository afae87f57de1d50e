"""Row 2.2 with and without population based training, at the same compute.

    python zoo/pbt.py --level1 runs/1.2/model.keras --output runs/pbt
    python zoo/pbt.py --level1 demo/vqvae_vqvae_wavenet/level_0.keras \
        --config embedded_mini --data-dir demo/data --output runs/pbt

Trains the VQ-VAE on codes of row 2.2 (`codes_vqvae_pbt`) on the codes of a
trained #1.2 (`--level1`) twice:

- `pbt/`: `keras_ada.runner.tune_model` (`keras-ada tune`) with a population
  of `--population` members of `--steps` steps each, alpha and beta drawn and
  perturbed as in appendix A, members ranked by their held-out NLL;
- `fixed/`: `keras_ada.runner.train_model` (`keras-ada train --no-pbt`) with
  the zoo's fixed alpha and beta for `population x steps` steps: the same
  number of training steps in all;
- `fixed_member/`: the same for `steps` steps, as long as one member.

Both are evaluated on the whole eval split (`keras-ada evaluate`: full-context
NLL, codebook perplexity per second and pooled); `<output>/pbt.md` holds the
table and the wall times, `<output>/pbt/pbt.png` the population's alpha, beta
and fitness over time.
"""

import copy
import json
import os
import time

import recipe

ROW = "2.2"


def main():
    parser = recipe.parser(__doc__, [ROW])
    parser.add_argument(
        "--level1", required=True, help="a trained vqvae_hop8 model.keras (row 1.2)"
    )
    parser.add_argument("--population", type=int, default=4, help="members")
    parser.add_argument("--perturbation-interval", type=int, help="default: steps/6")
    parser.add_argument("--burn-in", type=int, help="default: steps/3")
    parser.add_argument("--report-every", type=int, help="default: steps/30")
    args = parser.parse_args()
    from keras_ada import zoo
    from keras_ada.runner import tune_model

    steps = args.steps or zoo.training_defaults(ROW, args.scale)["steps"]
    codes = dict(
        codes_from=(args.level1,), codes_dir=os.path.join(args.output, "codes_1.2")
    )
    runs = {}
    pbt_dir = os.path.join(args.output, "pbt")
    start = time.monotonic()
    if not os.path.exists(os.path.join(pbt_dir, "model.keras")):
        tune_model(
            ROW,
            pbt_dir,
            schedule=dict(
                population=args.population,
                perturbation_interval=args.perturbation_interval or steps // 6,
                burn_in=args.burn_in or steps // 3,
            ),
            scale=args.scale,
            steps=steps,
            report_every=args.report_every or max(steps // 30, 1),
            learning_rate=args.learning_rate,
            batch_size=args.batch_size,
            length=args.length,
            seed=args.seed,
            data_dir=args.data_dir,
            config=args.config,
            synthetic=args.synthetic,
            eval_steps=args.eval_steps,
            verbose=0,
            **codes,
        )
    runs["pbt"] = time.monotonic() - start

    fixed_steps = {"fixed": args.population * steps, "fixed_member": steps}
    for name, total in fixed_steps.items():
        fixed_args = copy.copy(args)
        fixed_args.steps = total
        start = time.monotonic()
        recipe.train(fixed_args, ROW, os.path.join(args.output, name), **codes)
        runs[name] = time.monotonic() - start

    with open(os.path.join(pbt_dir, "pbt.json")) as file:
        population = json.load(file)
    fixed_quantiser = zoo.config(ROW, args.scale)["quantiser"]
    settings = {
        "pbt": (
            f"{args.population} x {steps}",
            population["best"]["config"]["alpha"],
            population["best"]["config"]["beta"],
        ),
        **{
            name: (f"1 x {total}", fixed_quantiser["alpha"], fixed_quantiser["beta"])
            for name, total in fixed_steps.items()
        },
    }
    lines = []
    for name, (members, alpha, beta) in settings.items():
        run = os.path.join(args.output, name)
        metrics = recipe.read_metrics(run, None, ROW)
        results = recipe.evaluate(args, run, ROW, args.level1)
        lines.append(
            [
                name,
                members,
                f"{alpha:.3g}",
                f"{beta:.3g}",
                recipe.number(metrics.get("train", {}).get("nll")),
                recipe.number(results["nll"]),
                recipe.number(results.get("perplexity_per_second"), 1),
                recipe.number(results.get("perplexity_pooled"), 1),
                f"{runs[name]:.0f}",
            ]
        )
    exploits = [e for e in population["events"] if e["event"] == "exploit"]
    recipe.write_table(
        os.path.join(args.output, "pbt.md"),
        "Row 2.2 with and without population based training, at the same compute",
        [
            "run",
            "members x steps",
            "alpha",
            "beta",
            "train NLL",
            "eval NLL",
            "perplexity /s",
            "perplexity pooled",
            "wall s",
        ],
        lines,
        f"`{args.scale}` scale on the codes of `{args.level1}`; PBT: exploits "
        f"{len(exploits)} (after a divergence: "
        f"{sum(e['reason'].startswith('diverg') for e in exploits)}), alpha and "
        "beta of the best member at the end (plot: `pbt/pbt.png`); fixed: the "
        "zoo's alpha and beta, as many steps as the population in all, and as "
        "one member. Train NLL over "
        f"{args.eval_steps} batches of random excerpts; eval NLL (nats per code) "
        "over the whole eval split, full-context positions, Polyak-averaged "
        "weights; codebook perplexity per one-second sequence and pooled; wall "
        "time of training and its evaluation, on this machine.\n",
    )


if __name__ == "__main__":
    main()
