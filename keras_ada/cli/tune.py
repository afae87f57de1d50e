"""`keras-ada tune`: population based training of a VQ-VAE's alpha and beta (Ray Tune).

Examples:

    keras-ada tune codes_vqvae_pbt --codes-from runs/1.2/model.keras --output runs/2.2
    keras-ada tune vqvae_vqvae_wavenet --level 1 --output runs/3.6   # level 2 of 3.6
    keras-ada tune 2.2 --codes-from runs/1.2/model.keras --address auto --output ...

As appendix A of the paper: a population of 20 members with alpha drawn
log-uniformly from [1e-4, 1e-2] and beta from [0.1, 10]; every 5000 steps a
member below the top quantile continues from a better one's checkpoint (its
weights, codebook, optimizer state and Polyak averages) with alpha and beta
multiplied by 0.8 or 1.2; no perturbation in the first 10000 steps; the
fitness is minus the NLL on held-out excerpts of the evaluation split
(`--fitness train`: the training NLL of the last interval); a diverged member
is replaced at once.
Ray runs on this machine unless --address joins a cluster (`ray start --head`
on its head node). Outputs: the best member's `model.keras` (or a stack's
level file), `metrics.json`, `pbt.json` (every member's alpha, beta and
fitness over time, exploits and divergences), `pbt.png` and `pbt/` (Ray
Tune's experiment). The Python API is `keras_ada.runner.tune_model`.
"""

import argparse

from keras_ada.cli.train import add_data_arguments
from keras_ada.cli.train import data_options
from keras_ada.cli.train import parse_overrides
from keras_ada.runner import tune_model


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "tune",
        help="population based training (Ray Tune) of a VQ-VAE's alpha and beta",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("model", help="zoo name or row id of a VQ-VAE (or a stack)")
    parser.add_argument("--level", type=int, help="for a stack: the level to train")
    parser.add_argument("--output", required=True, help="output directory")
    parser.add_argument("--population", type=int, default=20, help="members")
    parser.add_argument(
        "--address",
        help="Ray cluster to join (e.g. auto); default: start Ray on this machine",
    )
    parser.add_argument("--steps", type=int, help="steps per member (default: scale's)")
    parser.add_argument(
        "--perturbation-interval", type=int, default=5000, help="steps between exploits"
    )
    parser.add_argument(
        "--burn-in", type=int, default=10000, help="steps without perturbation"
    )
    parser.add_argument(
        "--report-every",
        type=int,
        default=500,
        help="steps between reports and checkpoints (divides the intervals)",
    )
    parser.add_argument(
        "--alpha-range", type=float, nargs=2, default=(1e-4, 1e-2), metavar=("LO", "HI")
    )
    parser.add_argument(
        "--beta-range", type=float, nargs=2, default=(0.1, 10.0), metavar=("LO", "HI")
    )
    parser.add_argument(
        "--perturbation-factors", type=float, nargs="+", default=(0.8, 1.2)
    )
    parser.add_argument(
        "--quantile-fraction",
        type=float,
        default=0.25,
        help="the bottom fraction exploits the top fraction",
    )
    parser.add_argument(
        "--fitness",
        choices=("eval", "train"),
        default="eval",
        help="rank members by minus the held-out NLL (eval) or the training NLL",
    )
    parser.add_argument(
        "--fitness-steps",
        type=int,
        default=4,
        help="evaluation batches of the held-out fitness",
    )
    parser.add_argument(
        "--divergence-factor",
        type=float,
        default=2.0,
        help="a NLL above this times the population's median is a divergence",
    )
    parser.add_argument(
        "--cpus-per-trial",
        type=float,
        help="CPUs per member (default: the cluster's CPUs shared by the population)",
    )
    parser.add_argument(
        "--gpus-per-trial", type=float, default=0, help="GPUs per member"
    )
    parser.add_argument("--learning-rate", type=float, help="Adam's learning rate")
    add_data_arguments(parser)
    parser.add_argument(
        "--eval-steps", type=int, default=10, help="batches of the final evaluation"
    )
    parser.add_argument(
        "--set", action="append", default=[], metavar="KEY=JSON", help="overrides"
    )
    parser.add_argument("--verbose", type=int, default=1, help="Ray Tune's verbosity")
    return parser


def run(args):
    resources = None
    if args.cpus_per_trial or args.gpus_per_trial:
        resources = {"cpu": args.cpus_per_trial or 1, "gpu": args.gpus_per_trial}
    tune_model(
        args.model,
        args.output,
        schedule=dict(
            population=args.population,
            perturbation_interval=args.perturbation_interval,
            burn_in=args.burn_in,
            alpha_range=tuple(args.alpha_range),
            beta_range=tuple(args.beta_range),
            perturbation_factors=tuple(args.perturbation_factors),
            quantile_fraction=args.quantile_fraction,
            divergence_factor=args.divergence_factor,
        ),
        level=args.level,
        steps=args.steps,
        report_every=args.report_every,
        learning_rate=args.learning_rate,
        fitness=args.fitness,
        fitness_steps=args.fitness_steps,
        eval_steps=args.eval_steps,
        overrides=parse_overrides(args.set),
        resources_per_trial=resources,
        **data_options(args),
        address=args.address,
        verbose=args.verbose,
    )
    return 0
