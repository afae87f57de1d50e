"""Figure 2: predictability profiles of waveforms and of a level-1 ADA's codes.

    python zoo/figure2.py --output runs/figure2
    python zoo/figure2.py --level1 runs/table1/1.2/model.keras --output runs/figure2

The paper's small predictive model (causal convolution of length r over one-hot
classes, ReLU, linear, ReLU, linear) predicts the next step of the waveform
(8-bit mu-law) and of the code sequence of a level-1 model, for r = 0 (the
unigram entropy), 1, 2, 4, ... Each predictor trains until its NLL on a
validation part of the training data stops improving, starting from the
shorter one (`keras_ada.evaluation.predictability`), so the profile measures
the data rather than the optimiser; the script says whether each profile is
non-increasing, and whether the paper's findings hold (`figure2.md`).

The level 1 is `--level1` (a `.keras` ADA, or a preset whose first level is
used), else the first shipped stack preset, else a `vqvae_hop8` (row 1.2) at
the demo scale with codebook restarts, trained into OUTPUT/level1 (resumable).
Writes `figure2.png`, `figure2.json` and `figure2.md`; with its defaults it
takes about 7 minutes of a 2-core CPU.
"""

import argparse
import json
import os

import numpy as np

# The level 1 trained when none is given: row 1.2 at the demo scale, with
# codebook restarts so that it uses its codebook as the paper's #1.2 does.
LEVEL1 = dict(
    model="vqvae_hop8",
    scale="demo",
    learning_rate=1e-3,
    overrides={"quantiser": {"restart_unused": 0.5}},
)
PIECE = 2**16  # audio samples encoded per sequence


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--output", required=True, help="output directory")
    parser.add_argument("--level1", help="a level-1 ADA (.keras) or a preset")
    parser.add_argument("--level1-steps", type=int, default=1500)
    parser.add_argument("--data-dir", help="TFDS data directory")
    parser.add_argument("--config", default="embedded_mini")
    parser.add_argument("--seconds", type=float, default=300.0, help="audio per split")
    parser.add_argument("--max-r", type=int, default=64, help="largest r")
    parser.add_argument("--hidden", type=int, default=64, help="hidden units")
    parser.add_argument("--length", type=int, default=128, help="scored steps")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--steps-per-check", type=int, default=100)
    parser.add_argument("--patience", type=int, default=2)
    parser.add_argument(
        "--min-delta",
        type=float,
        default=1e-3,
        help="least fall of the validation NLL that counts",
    )
    parser.add_argument("--max-checks", type=int, default=20)
    parser.add_argument("--learning-rate", type=float, default=1e-2)
    parser.add_argument(
        "--tolerance",
        type=float,
        help="rise in nats still counted as non-increasing "
        "(default: two standard errors of the two eval NLLs)",
    )
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def load_level1(args):
    """The level-1 ADA: given, shipped, or trained here."""
    import keras

    from keras_ada.models import Stack
    from keras_ada.models.preset import PresetMixin
    from keras_ada.models.preset_utils import is_preset

    source = args.level1
    if source is None and Stack.presets:
        source = next(iter(Stack.presets))
    if source is None:
        source = train_level1(args)
    if is_preset(source):
        model = PresetMixin.from_preset(source)
        return model.levels[0] if isinstance(model, Stack) else model
    return keras.saving.load_model(source, compile=False)


def train_level1(args):
    from keras_ada.runner import train_model

    output = os.path.join(args.output, "level1")
    train_model(
        output=output,
        steps=args.level1_steps,
        config=args.config,
        data_dir=args.data_dir,
        checkpoint_every=max(args.level1_steps // 5, 1),
        eval_steps=4,
        verbose=2,
        seed=args.seed,
        **LEVEL1,
    )
    return os.path.join(output, "model.keras")


def encode(ada, recordings):
    """Each recording's codes, encoded `PIECE` samples at a time (zero-padded end)."""
    codes = []
    for audio in recordings:
        pieces = -(-len(audio) // PIECE)
        padded = np.zeros(pieces * PIECE, "int32")
        padded[: len(audio)] = audio
        piece_codes = ada.predict_codes(padded.reshape(pieces, PIECE), batch_size=8)
        codes.append(piece_codes.reshape(-1)[: len(audio) // ada.hop])
    return codes


def main(argv=None):
    args = parse_args(argv)
    import keras

    from keras_ada.evaluation.evaluate import read_recordings
    from keras_ada.evaluation.predictability import check_non_increasing
    from keras_ada.evaluation.predictability import predictability_profile
    from keras_ada.layers import codebook_perplexity

    keras.utils.set_random_seed(args.seed)
    os.makedirs(args.output, exist_ok=True)
    ada = load_level1(args)
    audio = {
        split: list(read_recordings(split, args.data_dir, args.config, args.seconds))
        for split in ("train", "eval")
    }
    codes = {split: encode(ada, recordings) for split, recordings in audio.items()}
    perplexity = codebook_perplexity(np.concatenate(codes["eval"]), ada.num_codes)
    results = {
        "encoder_rf_codes": max(1, -(-ada.encoder.receptive_field // ada.hop)),
        "codebook_perplexity": float(keras.ops.convert_to_numpy(perplexity)),
        "num_codes": ada.num_codes,
        "hop": ada.hop,
    }
    print(
        f"Level 1: hop {ada.hop}, codebook perplexity {results['codebook_perplexity']:.1f}"
        f" of {ada.num_codes} on the eval split, encoder receptive field "
        f"{results['encoder_rf_codes']} codes.",
        flush=True,
    )
    contexts = [0] + [2**k for k in range(int(np.log2(args.max_r)) + 1)]
    training = dict(
        hidden=args.hidden,
        length=args.length,
        batch_size=args.batch_size,
        steps_per_check=args.steps_per_check,
        patience=args.patience,
        min_delta=args.min_delta,
        learning_rate=args.learning_rate,
        max_checks=args.max_checks,
        seed=args.seed,
    )
    for name, sequences, classes in (
        ("waveform", audio, 256),
        ("codes", codes, ada.num_codes),
    ):
        print(f"Predictors of the {name}:", flush=True)
        results[name] = predictability_profile(
            contexts,
            sequences["train"],
            sequences["eval"],
            classes,
            log=lambda line: print("  " + line, flush=True),
            **training,
        )
        rises = check_non_increasing(results[name], args.tolerance)
        results[f"{name}_rises"] = rises
        if rises:
            listed = ", ".join(f"r={r} (+{rise:.3f})" for r, rise in rises)
            print(
                f"  The {name} profile RISES with r at {listed}: some predictors "
                "did not converge.",
                flush=True,
            )
        else:
            print(
                f"  The {name} profile is non-increasing in r (within "
                f"{within(args.tolerance)}).",
                flush=True,
            )
    write_outputs(args.output, results, args.tolerance)


def within(tolerance):
    if tolerance is None:
        return "two standard errors of the eval NLLs"
    return f"{tolerance} nats"


def write_outputs(output, results, tolerance):
    from keras_ada.report.profiles import audio_finding
    from keras_ada.report.profiles import codes_finding
    from keras_ada.report.profiles import draw_profiles

    draw_profiles(results, os.path.join(output, "figure2.png"))
    with open(os.path.join(output, "figure2.json"), "w") as file:
        json.dump(results, file, indent=2)
    audio = {p["r"]: p["nll"] for p in results["waveform"]}
    error = {p["r"]: p["nll_error"] for p in results["waveform"]}
    lines = ["| r | waveform NLL | codes NLL |", "|---|---|---|"]
    lines += [
        f"| {p['r']} | {audio[p['r']]:.3f} ± {error[p['r']]:.3f} | "
        f"{p['nll']:.3f} ± {p['nll_error']:.3f} |"
        for p in results["codes"]
        if p["r"] in audio
    ]
    lines.append("")
    lines.append(
        f"Level 1: codebook perplexity {results['codebook_perplexity']:.1f} of "
        f"{results['num_codes']}; encoder receptive field "
        f"{results['encoder_rf_codes']} codes (hop {results['hop']})."
    )
    for name in ("waveform", "codes"):
        rises = results[f"{name}_rises"]
        lines.append(
            f"The {name} profile is "
            + (
                "non-increasing"
                if not rises
                else f"RISING at r = {[r for r, _ in rises]}"
            )
            + f" (within {within(tolerance)})."
        )
    lines.append("(a) " + audio_finding(results["waveform"])[1])
    lines.append(
        "(b) "
        + codes_finding(
            results["waveform"], results["codes"], results["encoder_rf_codes"]
        )[1]
    )
    text = "\n".join(lines) + "\n"
    with open(os.path.join(output, "figure2.md"), "w") as file:
        file.write(text)
    print(text)


if __name__ == "__main__":
    main()
