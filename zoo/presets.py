"""Trains the presets that ship with keras-ada, on the CPU, and writes their cards.

    keras-ada data build --config embedded --data-dir data
    python zoo/presets.py --data-dir data --output runs/presets
    python zoo/presets.py --data-dir data --output runs/presets --install

Each preset is a stack of the zoo trained level by level on the embedded piano
data (`keras_ada.runner.train_model`, resumable: running the recipe again
resumes an interrupted level and skips finished ones), evaluated on the eval
split (`keras_ada.runner.evaluate_run`: NLL per level, fidelity through one
and through all levels beside the floor of unrelated audio) and written with
`Stack.save_to_preset` into `<output>/<preset>/preset/`, its model card in
`metadata.json` and `card.md`. `--install` copies the presets into
`keras_ada/presets/` (or `--install DIR`), where `Stack.presets` lists them and
`from_preset(name)` loads them offline.

The seconds of training are summed over the runs of the recipe
(`<output>/<preset>/timing.json`), so a resumed preset reports them all.
"""

import argparse
import json
import os
import platform
import shutil
import time
from typing import NamedTuple


class Preset(NamedTuple):
    """A preset: the zoo stack, its paper row, a one-line description (with a
    `{scale}` field), zoo configuration overrides and training steps per level."""

    model: str
    row: str
    description: str
    overrides: dict
    steps: tuple[int, int, int]


# Row 3.6's level 1 trains for 26000 steps: with the demo scale's 32 channels, its
# fidelity through both levels rose from chroma 0.38 at 6000 steps to 0.50 at 16000
# and 0.54 at 26000.
# Row 3.7's AMAE level has the paper's diversity loss at a hundredth of the
# paper's weight (nu=0.001): with two queries a code in a batch of the demo
# scale, the paper's 0.1 pulls every query off its own code (`ArgmaxQuantiser`'s
# `nu`). After 3000 steps, the chroma through both levels was -0.01 at nu=0.1,
# 0.22 at nu=0.001 and 0.15 without the loss (the README's presets section).
# The level 1 of both has an encoder and a modulator twice the demo scale's
# width: after 3000 steps of row 3.7's AMAE level, they kept more of the pitch
# through both levels (chroma 0.33 against 0.25 on 32 excerpts), where a local
# model twice as wide kept less (0.07): a stronger decoder leans less on the codes.
WIDE_CONDITIONING = {
    "encoder": {"residual_channels": 64, "inner_channels": 64},
    "modulator": {"residual_channels": 64, "inner_channels": 64},
}
PRESETS = {
    "vqvae_vqvae_wavenet_piano": Preset(
        "vqvae_vqvae_wavenet",
        "3.6",
        "Row 3.6 (VQ-VAE, VQ-VAE with a 64-channel encoder and modulator, "
        "WaveNet prior), {scale} scale, trained on the embedded piano data on a "
        "2-core CPU.",
        {"levels": [None, WIDE_CONDITIONING]},
        (8000, 26000, 10000),
    ),
    "vqvae_amae_wavenet_piano": Preset(
        "vqvae_amae_wavenet",
        "3.7",
        "Row 3.7 (VQ-VAE, AMAE with its diversity loss at nu=0.001 and a "
        "64-channel encoder and modulator, WaveNet prior; the paper's choice), "
        "{scale} scale, trained on the embedded piano data on a 2-core CPU.",
        {"levels": [None, {"quantiser": {"nu": 0.001}, **WIDE_CONDITIONING}]},
        (8000, 36000, 10000),
    ),
}
LEVELS = ("level_0", "level_1", "prior")
PACKAGE_PRESETS = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "keras_ada", "presets"
)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--output", required=True, help="output directory")
    parser.add_argument(
        "--presets", nargs="+", default=list(PRESETS), choices=list(PRESETS)
    )
    parser.add_argument("--data-dir", help="TFDS data directory of piano_dataset")
    parser.add_argument("--config", default="embedded", help="piano_dataset config")
    parser.add_argument("--scale", default="demo", help="zoo scale")
    parser.add_argument(
        "--steps",
        type=int,
        nargs=3,
        metavar=("LEVEL0", "LEVEL1", "PRIOR"),
        help="training steps of each level (default: the preset's)",
    )
    parser.add_argument(
        "--learning-rates",
        type=float,
        nargs=3,
        metavar=("LEVEL0", "LEVEL1", "PRIOR"),
        default=(1e-3, 1e-3, 1e-3),
        help="Adam's learning rate of each level",
    )
    parser.add_argument(
        "--eval-seconds", type=float, default=300.0, help="eval audio for the NLLs"
    )
    parser.add_argument(
        "--fidelity-excerpts", type=int, default=8, help="excerpts reconstructed"
    )
    parser.add_argument("--fidelity-seconds", type=float, default=2.0)
    parser.add_argument("--checkpoint-every", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--install",
        nargs="?",
        const=PACKAGE_PRESETS,
        metavar="DIR",
        help="copy the presets into DIR (default: the package's keras_ada/presets)",
    )
    return parser.parse_args(argv)


def train_preset(args, name):
    """Trains, evaluates and saves one preset; returns its card (a dict)."""
    from keras_ada.models import Stack
    from keras_ada.models import StackDirectory
    from keras_ada.runner import evaluate_run
    from keras_ada.runner import train_model

    preset = PRESETS[name]
    steps = args.steps or preset.steps
    run = os.path.join(args.output, name)
    stack_dir = os.path.join(run, "stack")
    os.makedirs(run, exist_ok=True)
    timing_path = os.path.join(run, "timing.json")
    timing = _read_json(timing_path, {})
    directory = StackDirectory(stack_dir, num_levels=len(LEVELS) - 1)
    shared = share_level_0(args, name, stack_dir)
    if shared:
        timing["level_0"] = shared
        _write_json(timing_path, timing)
    for level, (level_steps, learning_rate) in enumerate(
        zip(steps, args.learning_rates)
    ):
        start = time.perf_counter()
        before = _modified(directory.model_file(level))
        train_model(
            preset.model,
            stack_dir,
            scale=args.scale,
            level=level,
            steps=level_steps,
            learning_rate=learning_rate,
            overrides=preset.overrides,
            seed=args.seed,
            data_dir=args.data_dir,
            config=args.config,
            checkpoint_every=args.checkpoint_every,
            eval_steps=4,
            pbt_baseline=True,
            verbose=2,
        )
        key = LEVELS[level]
        timing[key] = timing.get(key, 0.0) + time.perf_counter() - start
        if before is not None and _modified(directory.model_file(level)) != before:
            remove_levels_above(directory, level, timing)
        _write_json(timing_path, timing)
    evaluation = evaluate_run(
        stack_dir,
        row=preset.row,
        data_dir=args.data_dir,
        config=args.config,
        seconds=args.eval_seconds,
        fidelity_excerpts=args.fidelity_excerpts,
        fidelity_seconds=args.fidelity_seconds,
        seed=args.seed,
    )
    card = model_card(args, name, steps, evaluation, timing)
    preset_dir = os.path.join(run, "preset")
    Stack.load(stack_dir, compile=False).save_to_preset(preset_dir, metadata=card)
    with open(os.path.join(run, "card.md"), "w") as file:
        file.write(card_markdown(name, card))
    if args.install:
        target = os.path.join(args.install, name)
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(preset_dir, target)
        print(f"Installed {name} into {target}", flush=True)
    return card


def remove_levels_above(directory, level, timing):
    """Removes the levels above `level`, their codes and their training
    seconds: a level trained further (larger steps) gives other codes,
    so the levels above it are trained again on its new codes."""
    for above in range(level + 1, len(LEVELS)):
        paths = (
            directory.model_file(above),
            directory.run_dir(above),
            directory.codes_dir(above),
        )
        for path in paths:
            if os.path.isdir(path):
                shutil.rmtree(path)
            elif os.path.isfile(path):
                os.remove(path)
        timing.pop(LEVELS[above], None)
    print(f"Level {level} trained further: the levels above it train again.")


def share_level_0(args, name, stack_dir):
    """Copies the level 0 of another preset of this output that has the same
    configuration and is trained, and the codes it gave: rows 3.6 and 3.7 share
    their VQ-VAE, which the recipe then trains once and whose codes of the
    data it computes once. Returns that level's training seconds, or None."""
    from keras_ada import zoo

    level_0 = zoo.config(PRESETS[name].model, args.scale)["levels"][0]
    if os.path.isfile(os.path.join(stack_dir, "level_0.keras")):
        return None
    for other, preset in PRESETS.items():
        other_dir = os.path.join(args.output, other, "stack")
        if other == name or not os.path.isfile(
            os.path.join(other_dir, "level_0.keras")
        ):
            continue
        if zoo.config(preset.model, args.scale)["levels"][0] != level_0:
            continue
        os.makedirs(stack_dir, exist_ok=True)
        for part in ("level_0", "level_0.keras", "data.json", "codes_level_1"):
            source = os.path.join(other_dir, part)
            if os.path.isdir(source):
                shutil.copytree(source, os.path.join(stack_dir, part))
            elif os.path.isfile(source):
                shutil.copy(source, os.path.join(stack_dir, part))
        print(f"Level 0 shared with {other} (same configuration).", flush=True)
        seconds = _read_json(os.path.join(args.output, other, "timing.json"), {})
        return seconds.get("level_0")
    return None


def model_card(args, name, steps, evaluation, timing):
    """The model card of a preset, written into its `metadata.json`."""
    preset = PRESETS[name]
    fidelity = {
        through: {
            part: {
                metric: round(float(evaluation["fidelity"][through][part][metric]), 3)
                for metric in ("chroma_correlation", "onset_correlation")
            }
            for part in ("reconstruction", "floor")
        }
        for through in evaluation["fidelity"]
    }
    return {
        "description": preset.description.format(scale=args.scale),
        "model": preset.model,
        "paper_row": preset.row,
        "scale": args.scale,
        "data": f"piano_dataset/{args.config}: its train split",
        "steps": dict(zip(LEVELS, steps)),
        "learning_rates": dict(zip(LEVELS, args.learning_rates)),
        "seed": args.seed,
        "training_minutes": {
            key: round(value / 60, 1) for key, value in timing.items()
        },
        "hardware": f"{platform.machine()} CPU, {os.cpu_count()} cores, no accelerator",
        "eval_nll": {
            **{
                f"level_{level}": round(float(entry["nll"]), 3)
                for level, entry in enumerate(evaluation["levels"])
            },
            "prior": round(float(evaluation["prior"]["nll"]), 3),
        },
        "eval_seconds": args.eval_seconds,
        "fidelity": fidelity,
        "fidelity_excerpts": f"{args.fidelity_excerpts} x {args.fidelity_seconds} s",
        "limitations": (
            "Trained for minutes on a 2-core CPU at a small scale, on hours of "
            "rendered piano: far from the paper's models (8 GPUs, days, 413 "
            "hours of recordings). Its samples have local texture and note-like "
            "events, not the paper's musical structure."
        ),
    }


def card_markdown(name, card):
    """The model card as a README section."""
    lines = [
        f"### `{name}`",
        "",
        card["description"],
        "",
        f"- Data: {card['data']}; scale `{card['scale']}`; seed {card['seed']}.",
        "- Steps: "
        + ", ".join(f"{key} {value}" for key, value in card["steps"].items())
        + "; Adam at "
        + ", ".join(f"{value:g}" for value in card["learning_rates"].values())
        + ".",
        "- Training time (minutes): "
        + ", ".join(f"{key} {value}" for key, value in card["training_minutes"].items())
        + f"; {card['hardware']}.",
        "- Eval NLL (nats per step): "
        + ", ".join(f"{key} {value}" for key, value in card["eval_nll"].items())
        + f" ({card['eval_seconds']:g} s of the eval split).",
        "",
        "| levels | chroma corr. | onset corr. | floor chroma | floor onsets |",
        "|---|---|---|---|---|",
    ]
    for through, parts in card["fidelity"].items():
        rec, floor = parts["reconstruction"], parts["floor"]
        lines.append(
            f"| {through.split('_')[1]} | {rec['chroma_correlation']} | "
            f"{rec['onset_correlation']} | {floor['chroma_correlation']} | "
            f"{floor['onset_correlation']} |"
        )
    lines += ["", f"Not: {card['limitations']}", ""]
    return "\n".join(lines)


def main(argv=None):
    args = parse_args(argv)
    for name in args.presets:
        card = train_preset(args, name)
        print(card_markdown(name, card), flush=True)


def _modified(path):
    return os.path.getmtime(path) if os.path.isfile(path) else None


def _read_json(path, default):
    if not os.path.isfile(path):
        return default
    with open(path) as file:
        return json.load(file)


def _write_json(path, value):
    with open(path, "w") as file:
        json.dump(value, file, indent=2)


if __name__ == "__main__":
    main()
