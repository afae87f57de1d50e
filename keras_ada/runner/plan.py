"""What a training run trains, on the codes of which levels, and where it writes."""

import dataclasses
import os

from keras_ada.runner.errors import UserError

PBT_MODELS = ("codes_vqvae_pbt",)  # trained with population based training


@dataclasses.dataclass
class TrainingPlan:
    """A model (or stack level) to train and its place in the output directory.

    Args:
        config: the zoo configuration of the model to train.
        encoder: a `keras_ada.models.Stack` of the trained levels whose codes
            the model trains on; None for a model of audio.
        level_paths: the `.keras` files of those levels, bottom first.
        work_dir: where the run keeps its checkpoint, logs and metrics.
        final_model: the trained model's `.keras` file.
        codes_dir: where the encoded piano data is written (and found again).
    """

    config: dict
    encoder: object | None
    level_paths: tuple[str, ...]
    work_dir: str
    final_model: str
    codes_dir: str


def plan_training(
    name: str,
    output: str,
    scale: str = "paper",
    level: int | None = None,
    codes_from: tuple[str, ...] = (),
    codes_dir: str | None = None,
    overrides: dict | None = None,
) -> TrainingPlan:
    """Returns the plan of training a zoo model, or one level of a zoo stack.

    A stack trains level by level into one `keras_ada.models.StackDirectory`:
    level `i` trains on the codes of the trained levels below it.

    Args:
        name: the zoo name of the model.
        output: the output directory (a stack's directory).
        scale: the zoo scale.
        level: for a stack, `0..n-1` an ADA level, `n` the prior.
        codes_from: for a single model of codes, the trained ADA `.keras`
            files (bottom first) whose codes it trains on.
        codes_dir: where the encoded piano data is written (default: in
            `output`).
        overrides: configuration overrides, see `keras_ada.zoo.config`.

    Returns:
        A `TrainingPlan`.
    """
    from keras_ada import zoo

    config = zoo.config(name, scale, **(overrides or {}))
    if config["kind"] == "stack":
        return _plan_stack_level(name, config, output, level, codes_dir)
    if level is not None:
        raise UserError(f"--level is only for stacks; {name} is a single model.")
    if config["input_format"] == "embedding" and not codes_from:
        raise UserError(
            f"{name} models code sequences: give the trained ADA(s) whose codes it "
            "trains on with --codes-from (e.g. a vqvae_hop8 model.keras)."
        )
    return TrainingPlan(
        config=config,
        encoder=_stack_of_files(codes_from),
        level_paths=tuple(codes_from),
        work_dir=output,
        final_model=os.path.join(output, "model.keras"),
        codes_dir=codes_dir or os.path.join(output, "codes"),
    )


def check_not_tuned(name: str, scale: str, level: int | None, output: str):
    """Raises `UserError` if the paper trains this model with population based
    training (`keras_ada.runner.tune_model`, `keras-ada tune`)."""
    from keras_ada import zoo

    config = zoo.config(name, scale)
    if config["kind"] == "stack" and level is not None:
        models = config["levels"] + [config["prior"]]
        config = models[level] if 0 <= level < len(models) else config
    if config.get("name") in PBT_MODELS:
        option = "" if level is None else f" --level {level}"
        raise UserError(
            f"{config['name']} is trained with population based training: run "
            f"`keras-ada tune {name}{option} --output {output} ...` (the same "
            "options, see `keras-ada tune --help`), or add --no-pbt to train it "
            "with fixed alpha and beta."
        )


def _plan_stack_level(name, config, output, level, codes_dir):
    from keras_ada.models import Stack
    from keras_ada.models import StackDirectory

    num_levels = len(config["levels"])
    if level is None or not 0 <= level <= num_levels:
        raise UserError(
            f"{name} is a stack of {num_levels} levels and a prior: choose "
            f"--level 0..{num_levels} ({num_levels} trains the prior)."
        )
    directory = StackDirectory(output, num_levels)
    below = tuple(directory.model_file(index) for index in range(level))
    for index, path in enumerate(below):
        if not os.path.exists(path):
            raise UserError(
                f"Level {index} of {name} is not trained yet ({path} is missing): "
                f"run `keras-ada train {name} --level {index}` first."
            )
    directory.write(num_levels)
    return TrainingPlan(
        config=(config["levels"] + [config["prior"]])[level],
        encoder=Stack.load(output, compile=False, num_models=level) if level else None,
        level_paths=below,
        work_dir=directory.run_dir(level),
        final_model=directory.model_file(level),
        codes_dir=codes_dir or directory.codes_dir(level),
    )


def _stack_of_files(paths):
    import keras

    from keras_ada.models import ADA
    from keras_ada.models import Stack
    from keras_ada.models import preset_utils

    levels = [
        ADA.from_preset(path)
        if preset_utils.is_preset(path)
        else keras.saving.load_model(path, compile=False)
        for path in paths
    ]
    return Stack(levels) if levels else None
