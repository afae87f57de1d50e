"""Reconstruction fidelity on piano audio that no split of piano_dataset holds.

    python zoo/unseen_piano.py --models vqvae_amae_wavenet_piano demo/vqvae_vqvae_wavenet \\
        --output runs/unseen

Renders pieces of the music21 corpus that the repertoire leaves out, played
softer or louder than the dataset's renderings (the velocity of every note
scaled), with the dataset's own SoundFont and humanisation
(`keras_ada.datasets.piano_dataset`). Each model (a preset, a stack directory)
reconstructs the same excerpts through level 1 and through all its levels
(`keras_ada.evaluation.reconstruction.stack_fidelity`); the script prints the
mean chroma and onset correlations beside their floor (other excerpts of the
same audio) and writes `unseen_piano.json`, `unseen_piano.md` and the
rendered audio as WAVs.
"""

import argparse
import json
import os

import numpy as np

# (music21 corpus path, velocity scale): other pieces, other dynamics.
PIECES = (
    ("beethoven/opus59no2/movement1.mxl", 0.6),
    ("beethoven/opus59no1/movement2.mxl", 1.4),
    ("beethoven/opus18no4.mxl", 0.8),
)
QPM = 120.0  # where a score has no metronome mark


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", required=True, help="presets or stacks")
    parser.add_argument("--output", required=True, help="output directory")
    parser.add_argument("--seconds-per-piece", type=float, default=60.0)
    parser.add_argument("--excerpts", type=int, default=8)
    parser.add_argument("--excerpt-seconds", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def render_unseen(seconds, seed):
    """The pieces of `PIECES`, rendered: a list of int16 16 kHz arrays."""
    from keras_ada.datasets.piano_dataset import scores
    from keras_ada.datasets.piano_dataset import synthesis

    repertoire = os.path.join(os.path.dirname(scores.__file__), "repertoire.tsv")
    with open(repertoire) as file:
        known = {line.split("\t")[0] for line in file}
    soundfont = synthesis.soundfont_path()
    recordings = []
    for path, velocity_scale in PIECES:
        if path in known:
            raise ValueError(f"{path} is in the repertoire of piano_dataset.")
        notes = scores.humanise(scores.score_notes(scores.parse(path), QPM), seed)
        notes.velocity = np.clip(
            np.round(notes.velocity * velocity_scale), 1, 127
        ).astype(np.int32)
        audio = synthesis.render(notes, soundfont)
        recordings.append(audio[: int(seconds * 16000)])
    return recordings


def main(argv=None):
    args = parse_args(argv)
    import soundfile

    from keras_ada.audio import mu_law_encode
    from keras_ada.audio import pcm16_to_unit
    from keras_ada.evaluation.reconstruction import stack_fidelity
    from keras_ada.runner import load_model

    os.makedirs(args.output, exist_ok=True)
    recordings = render_unseen(args.seconds_per_piece, args.seed)
    for (path, _), audio in zip(PIECES, recordings):
        name = path.replace("/", "_").replace(".mxl", ".wav")
        soundfile.write(os.path.join(args.output, name), audio, 16000)
    classes = [
        mu_law_encode(pcm16_to_unit(audio, xp=np), xp=np).astype("int32")
        for audio in recordings
    ]
    results = {}
    for spec in args.models:
        print(f"Reconstructing with {spec}", flush=True)
        stack = load_model(spec)
        results[spec] = stack_fidelity(
            stack, classes, args.excerpts, args.excerpt_seconds, args.seed
        )
    table = markdown(results)
    print(table, flush=True)
    with open(os.path.join(args.output, "unseen_piano.json"), "w") as file:
        json.dump(results, file, indent=2)
    with open(os.path.join(args.output, "unseen_piano.md"), "w") as file:
        file.write(table)


def markdown(results):
    lines = [
        "| model | levels | chroma corr. | onset corr. | floor chroma | floor onsets |",
        "|---|---|---|---|---|---|",
    ]
    for model, by_levels in results.items():
        for levels, parts in by_levels.items():
            rec, floor = parts["reconstruction"], parts["floor"]
            lines.append(
                f"| {model} | {levels.split('_')[1]} | "
                f"{rec['chroma_correlation']:.3f} | {rec['onset_correlation']:.3f} | "
                f"{floor['chroma_correlation']:.3f} | {floor['onset_correlation']:.3f} |"
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
