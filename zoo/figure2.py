"""Figure 2: predictability profiles of waveforms and of a level-1 ADA's codes.

    python zoo/figure2.py --config embedded_mini --output runs/figure2
    python zoo/figure2.py --level1 runs/table1/1.2/model.keras --output runs/figure2

A small predictive model (the paper's: causal convolution of length r, ReLU,
linear, ReLU, linear) is trained to predict the next step of the waveform (8-bit
mu-law) and of the code sequence of a trained level-1 model, for r = 0 (the
unigram entropy of the training data, measured on the eval data), 1, 2, 4, ...
up to past the encoder's receptive field in codes. Codes are far less
predictable from their past than samples are: the encoder removes the local
structure that the local model can infer on its own. Writes `figure2.png` (NLL
in nats per step against r, the encoder's receptive field marked),
`figure2.json` and `figure2.md`. Without `--level1`, a tiny `vqvae_hop8` is
trained first (`keras_ada.runner.train_model`, into OUTPUT/level1).
"""

import argparse
import json
import os

import numpy as np


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", required=True, help="output directory")
    parser.add_argument("--level1", help="a trained level-1 ADA (.keras)")
    parser.add_argument("--level1-steps", type=int, default=300)
    parser.add_argument("--data-dir", help="TFDS data directory")
    parser.add_argument("--config", default="embedded_mini")
    parser.add_argument("--seconds", type=float, default=120.0, help="audio per split")
    parser.add_argument("--steps", type=int, default=300, help="steps per model")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--length", type=int, default=256, help="scored steps")
    parser.add_argument("--hidden", type=int, default=64, help="hidden units")
    parser.add_argument("--max-r", type=int, help="largest r (default: 2 x RF)")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args()


def predictive_model(r, num_classes, hidden):
    """Causal conv of length r over one-hot inputs, ReLU, linear, ReLU, linear."""
    import keras

    inputs = keras.Input((None,), dtype="int32")
    x = keras.ops.one_hot(inputs, num_classes)
    x = keras.layers.ZeroPadding1D((1, 0))(x)[:, :-1]
    x = keras.layers.Conv1D(hidden, r, padding="causal", activation="relu")(x)
    x = keras.layers.Dense(hidden, activation="relu")(x)
    logits = keras.layers.Dense(num_classes)(x)
    model = keras.Model(inputs, logits)
    model.compile(
        keras.optimizers.Adam(2e-3),
        keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model


def windows(sequences, size):
    return np.stack(
        [s[i : i + size] for s in sequences for i in range(0, len(s) - size + 1, size)]
    ).astype("int32")


def profile_point(r, train, evaluation, num_classes, args):
    """Eval NLL (nats per step) of the predictive model of context r."""
    if r == 0:
        counts = np.bincount(np.concatenate(train), minlength=num_classes) + 1.0
        log_p = np.log(counts / counts.sum())
        return float(-log_p[np.concatenate(evaluation)].mean())
    model = predictive_model(r, num_classes, args.hidden)
    size = r + args.length
    data = windows(train, size)
    rng = np.random.default_rng(args.seed + r)
    for _ in range(args.steps):
        batch = data[rng.integers(0, len(data), args.batch_size)]
        model.train_on_batch(batch, batch)
    held_out = windows(evaluation, size)
    logits = np.asarray(model.predict(held_out, batch_size=64, verbose=0), "float64")
    peak = logits.max(-1, keepdims=True)
    log_norm = peak[..., 0] + np.log(np.exp(logits - peak).sum(-1))
    chosen = np.take_along_axis(logits, held_out[..., None], -1)[..., 0]
    return float((log_norm - chosen)[:, r:].mean())


def main():
    args = parse_args()
    import keras

    from keras_ada.evaluation.evaluate import read_recordings
    from keras_ada.models import Stack

    keras.utils.set_random_seed(args.seed)
    os.makedirs(args.output, exist_ok=True)
    level1 = args.level1 or train_level1(args)
    ada = keras.saving.load_model(level1, compile=False)
    audio = {
        split: list(read_recordings(split, args.data_dir, args.config, args.seconds))
        for split in ("train", "eval")
    }
    codes = {
        split: [
            Stack([ada]).codes_for_level(s[None, : len(s) // ada.hop * ada.hop], 1)[0]
            for s in recordings
        ]
        for split, recordings in audio.items()
    }
    rf_codes = max(1, -(-ada.encoder.receptive_field // ada.hop))
    max_r = args.max_r or 2 * rf_codes
    contexts = [0] + [2**k for k in range(int(np.log2(max(max_r, 1))) + 1)]
    results = {"encoder_rf_codes": rf_codes, "contexts": contexts}
    for name, sequences, classes in (
        ("waveform", audio, 256),
        ("codes", codes, ada.num_codes),
    ):
        results[name] = []
        for r in contexts:
            nll = profile_point(r, sequences["train"], sequences["eval"], classes, args)
            results[name].append(nll)
            print(f"{name:8} r={r:5d}  eval NLL {nll:.3f} nats per step", flush=True)
    write_outputs(args.output, results)


def train_level1(args):
    from keras_ada.runner import train_model

    output = os.path.join(args.output, "level1")
    train_model(
        "vqvae_hop8",
        output,
        scale="tiny",
        steps=args.level1_steps,
        config=args.config,
        data_dir=args.data_dir,
        checkpoint_every=args.level1_steps,
        learning_rate=2e-3,
        eval_steps=1,
        verbose=2,
        seed=args.seed,
    )
    return os.path.join(output, "model.keras")


def write_outputs(output, results):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6, 4), layout="constrained")
    axis = figure.subplots()
    positions = [max(r, 0.5) for r in results["contexts"]]
    for name in ("waveform", "codes"):
        axis.plot(positions, results[name], marker="o", label=name)
    axis.axvline(results["encoder_rf_codes"], color="grey", linestyle="--")
    axis.text(
        results["encoder_rf_codes"],
        axis.get_ylim()[1],
        " encoder RF (codes)",
        va="top",
        fontsize=8,
    )
    axis.set_xscale("log", base=2)
    axis.set_xlabel("context r (steps; r = 0 plotted at 0.5: unigram entropy)")
    axis.set_ylabel("eval NLL (nats per step)")
    axis.set_title("Predictability profiles (Figure 2)")
    axis.legend()
    figure.savefig(os.path.join(output, "figure2.png"), dpi=100)
    with open(os.path.join(output, "figure2.json"), "w") as file:
        json.dump(results, file, indent=2)
    lines = ["| r | waveform NLL | codes NLL |", "|---|---|---|"]
    lines += [
        f"| {r} | {w:.3f} | {c:.3f} |"
        for r, w, c in zip(results["contexts"], results["waveform"], results["codes"])
    ]
    lines.append(f"\nEncoder receptive field: {results['encoder_rf_codes']} codes.")
    with open(os.path.join(output, "figure2.md"), "w") as file:
        file.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
