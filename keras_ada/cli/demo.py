"""`keras-ada demo`: the main job, end to end, on the embedded piano data.

Example (what `make demo` runs after building the data):

    keras-ada demo --data-dir demo/data --output demo

Trains a `vqvae_vqvae_wavenet` at the zoo's `demo` scale (table 3, row 3.6: a hop-8
VQ-VAE on audio, a hop-8 VQ-VAE on its codes and a WaveNet prior on the top codes)
level by level with `keras-ada train`, then writes under OUTPUT:

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
import tempfile

MODEL = "vqvae_vqvae_wavenet"


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
    parser.add_argument("--scale", default="demo", help="zoo scale of the hierarchy")
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
    from keras_ada.cli import main

    model_dir = os.path.join(args.output, MODEL)
    data = ["--data-dir", args.data_dir] if args.data_dir else []
    for level, steps in enumerate(args.steps):
        _check(
            main(
                ["train", MODEL, "--scale", args.scale, "--level", str(level)]
                + ["--config", args.config, "--output", model_dir]
                + ["--steps", str(steps), "--learning-rate", str(args.learning_rate)]
                + ["--seed", str(args.seed), "--eval-steps", "2", "--no-pbt"]
                + data
            )
        )
    samples_dir = os.path.join(args.output, "samples")
    reconstruction_dir = os.path.join(args.output, "reconstruction")
    seed = ["--seed", str(args.seed)]
    _check(
        main(
            [
                "sample",
                model_dir,
                "--output",
                samples_dir,
                "--seconds",
                str(args.seconds),
            ]
            + seed
        )
    )
    with tempfile.TemporaryDirectory() as scratch:
        excerpt = write_real_excerpt(
            os.path.join(scratch, "real_excerpt.wav"),
            args.excerpt_seconds,
            args.data_dir,
            args.config,
        )
        _check(
            main(
                ["reconstruct", model_dir, excerpt, "--output", reconstruction_dir]
                + ["--seconds", str(args.excerpt_seconds)]
                + seed
            )
        )
    _check(
        main(
            ["evaluate", model_dir, "--config", args.config, "--seconds", "60"]
            + ["--fidelity-seconds", "2"]
            + data
            + seed
        )
    )
    report = os.path.join(args.output, "report")
    _check(
        main(
            ["report", model_dir, "--output", report, "--title", "keras-ada demo"]
            + ["--audio", samples_dir, reconstruction_dir]
        )
    )
    print("\nThe demo wrote:")
    for directory in (samples_dir, reconstruction_dir):
        for name in sorted(os.listdir(directory)):
            print(f"  {os.path.join(directory, name)}")
    print(f"  {model_dir}/ (the trained stack; TensorBoard logs in its level folders)")
    print(f"\nOpen the listening report: {os.path.join(report, 'index.html')}")
    return 0


def write_real_excerpt(path, seconds, data_dir, config):
    """Writes an excerpt of the eval split (its second window: past any intro)."""
    import numpy as np

    from keras_ada.audio import SAMPLE_RATE
    from keras_ada.audio import mu_law_decode
    from keras_ada.audio import write_wav
    from keras_ada.data import excerpts

    windows = excerpts(
        "eval",
        int(seconds * SAMPLE_RATE),
        batch_size=1,
        data_dir=data_dir,
        config=config,
        repeat=False,
    )
    classes = None
    for classes in windows.take(2):
        pass
    if classes is None:
        raise SystemExit(f"The eval split of piano_dataset/{config} has no audio.")
    waveform = np.asarray(mu_law_decode(np.asarray(classes)))[0]
    write_wav(path, waveform, SAMPLE_RATE)
    return path


def _check(status):
    if status:
        raise SystemExit(status)
