"""`keras-ada demo`: the main job, end to end, on the embedded piano data.

Example (what `make demo` runs after building the data):

    keras-ada demo --data-dir demo/data --output demo

Trains a `vqvae_vqvae_wavenet` at the zoo's `demo` scale (table 3, row 3.6: a hop-8
VQ-VAE on audio, a hop-8 VQ-VAE on its codes and a WaveNet prior on the top codes)
level by level (`keras_ada.runner.run_demo`), then writes under OUTPUT:

- `samples/`: `--seconds` of audio sampled from the prior and decoded top down,
  as WAV files and spectrogram PNGs (`keras-ada sample`);
- `reconstruction/`: a real excerpt of the eval split and its reconstruction
  through every level, as WAV files and one PNG (`keras-ada reconstruct`);
- `report/index.html`: the listening report (`keras-ada report`): the stack's
  evaluation (`keras-ada evaluate`, also in `vqvae_vqvae_wavenet/evaluation/`),
  training curves, and players for the samples and the reconstruction;
- `vqvae_vqvae_wavenet/`: the trained stack, with checkpoints and TensorBoard logs.

Every step resumes or skips what an earlier run finished, so the demo can be run
again; `--steps` trades time for quality. The short runs use a learning rate of
2e-3 rather than the paper's 2e-4, which suits 500,000-step runs. The defaults
(the `demo` scale, 2000 and 1500 steps for the two autoencoders, 400 for the
prior, whose samples are not the demo's point) are chosen so that the
reconstruction keeps the excerpt's onsets, notes and dynamics within a few
minutes on a 2-core CPU. Row 3.6 rather than 3.7 (the paper's selected
hierarchy, an AMAE at level 2): at these few steps the code-level VQ-VAE's codes
keep the notes that the AMAE's lose. The README's demo section gives the reasons.
"""

import argparse
import os

from keras_ada.cli.choices import scale_help
from keras_ada.runner import run_demo


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "demo",
        help="train a small 3-level hierarchy, sample audio and reconstruct an excerpt",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--data-dir", help="TFDS data directory of piano_dataset")
    parser.add_argument(
        "--config", default="embedded_mini", help="piano_dataset builder config"
    )
    parser.add_argument("--output", default="demo", help="output directory")
    parser.add_argument(
        "--scale", default="demo", help=scale_help("demo", "zoo scale of the stack")
    )
    parser.add_argument(
        "--steps",
        type=int,
        nargs=3,
        default=(2000, 1500, 400),
        metavar=("AUDIO", "CODES", "PRIOR"),
        help="training steps of level 0, level 1 and the prior",
    )
    parser.add_argument(
        "--learning-rate", type=float, default=2e-3, help="Adam's learning rate"
    )
    parser.add_argument(
        "--seconds", type=float, default=10.0, help="duration of the sampled audio"
    )
    parser.add_argument(
        "--excerpt-seconds", type=float, default=4.0, help="duration of the excerpt"
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    return parser


def run(args):
    paths = run_demo(
        args.output,
        data_dir=args.data_dir,
        config=args.config,
        scale=args.scale,
        steps=tuple(args.steps),
        learning_rate=args.learning_rate,
        seconds=args.seconds,
        excerpt_seconds=args.excerpt_seconds,
        seed=args.seed,
    )
    print("\nThe demo wrote:")
    for directory in (paths["samples"], paths["reconstruction"]):
        for name in sorted(os.listdir(directory)):
            print(f"  {os.path.join(directory, name)}")
    print(
        f"  {paths['model']}/ (the trained stack; TensorBoard logs in its level folders)"
    )
    print(f"\nOpen the listening report: {paths['report']}")
    return 0
