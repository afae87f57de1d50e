"""Checks of the named things a command is given (models, scales, data configs,
runs, temperatures), before any model loads.

A failed check raises `UserError` naming the closest valid names (`difflib`).
"""

import math
import os

from keras_ada.runner.errors import UserError
from keras_ada.runner.errors import check_choice

LIST_HINT = "List them with `keras-ada train --list`."
ZOO_COMMANDS = ("train", "tune")  # commands whose model is a zoo name or row id
# The configs of piano_dataset (keras_ada.datasets.piano_dataset), named without
# importing TensorFlow Datasets.
PIANO_CONFIGS = ("embedded", "embedded_mini", "recordings")


def scale_help(default: str, what: str = "zoo scale") -> str:
    """The help of a `--scale` option: every scale, and the default."""
    from keras_ada.zoo.presets import SCALES

    return f"{what}: {', '.join(SCALES)} (default: {default})"


def check_choices(args):
    """Checks the scale, data config, model, runs and temperatures of `args`."""
    from keras_ada import zoo

    if getattr(args, "scale", None) is not None:
        check_choice("--scale", args.scale, zoo.SCALES)
    if getattr(args, "config", None) is not None:
        check_choice("--config", args.config, PIANO_CONFIGS)
    model = getattr(args, "model", None)
    if model and args.command in ZOO_COMMANDS:
        check_choice("model", model, zoo.names() + list(zoo.rows()), LIST_HINT)
    elif model:
        check_model_spec(model)
    runs = getattr(args, "runs", None) or [getattr(args, "run", None)]
    for run in filter(None, runs):
        check_run(run)
    if getattr(args, "temperature", None) is not None:
        check_temperatures(args.temperature, _num_models(model, args))


def check_model_spec(spec: str):
    """Raises `UserError` unless `spec` names a preset, a stack directory, an
    existing file or a zoo model."""
    from keras_ada import zoo
    from keras_ada.models import StackDirectory
    from keras_ada.models import preset_utils

    if os.path.isdir(spec):
        if not (preset_utils.is_preset(spec) or StackDirectory(spec).exists()):
            raise UserError(
                f"{spec} is a directory but neither a preset (no config.json) nor a "
                "stack directory (no stack.json): give a trained stack's directory "
                "or its `.keras` file."
            )
        return
    if os.path.exists(spec) or preset_utils.is_preset(spec):
        return
    if spec.endswith(".keras") or os.sep in spec:
        raise UserError(f"{spec}: no such file or directory.")
    choices = zoo.names() + list(zoo.rows()) + list(preset_utils.shipped_presets())
    check_choice(
        "model",
        spec,
        choices,
        "Give a preset, a stack directory, a `.keras` file or a zoo model "
        "(`keras-ada train --list`).",
    )


def check_run(path: str):
    """Raises `UserError` unless `path` is a `.keras` file, a run directory
    (holding `model.keras`) or a stack directory (holding `stack.json`)."""
    from keras_ada.models import StackDirectory

    if os.path.isfile(path) and path.endswith(".keras"):
        return
    if not os.path.exists(path):
        raise UserError(f"{path}: no such file or directory.")
    if not os.path.isdir(path):
        raise UserError(f"{path}: not a `.keras` file nor a run directory.")
    if not (
        os.path.isfile(os.path.join(path, "model.keras"))
        or StackDirectory(path).exists()
    ):
        raise UserError(
            f"{path} is not a run directory (no model.keras / stack.json): give "
            "the --output of a finished `keras-ada train`."
        )


def check_temperatures(values, num_models: int | None):
    """Raises `UserError` unless every temperature is finite and >= 0, and
    there is one, or one per model when `num_models` is known."""
    for value in values:
        if not (math.isfinite(value) and value >= 0):
            raise UserError(
                f"--temperature {value}: must be finite and >= 0 (0 is greedy)."
            )
    if num_models and len(values) not in (1, num_models):
        raise UserError(
            f"--temperature takes one value or {num_models}, one per model (levels "
            f"bottom first, then the prior). Received {len(values)}: "
            + " ".join(map(str, values))
        )


def _num_models(spec, args) -> int | None:
    """The number of models of `spec` (a stack's levels and prior), when it is
    known without loading anything."""
    from keras_ada import zoo
    from keras_ada.models import StackDirectory

    if spec is None:
        return None
    if os.path.isdir(spec) and StackDirectory(spec).exists():
        return StackDirectory(spec).num_levels() + 1
    if spec in zoo.names() or spec in zoo.rows():
        config = zoo.config(zoo.resolve(spec), getattr(args, "scale", "paper"))
        return len(config["levels"]) + 1 if config["kind"] == "stack" else 1
    return None
