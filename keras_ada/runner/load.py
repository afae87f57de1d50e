"""Loading a model to sample or reconstruct from: a preset, a file, a stack or a
zoo name."""

import os

from keras_ada.runner.errors import UserError


def load_model(spec: str, scale: str = "paper"):
    """Loads a preset, a stack directory, a `.keras` model or a zoo model (untrained).

    Args:
        spec: a preset (its directory, an `hf://owner/name` URI or the name
            of a preset shipped with keras-ada, see `Stack.presets`), a stack
            directory (written by `train_model(..., level=i)` or
            `Stack.save_levels`), a `.keras` file, or a zoo name or row id.
        scale: the zoo scale of a zoo name.

    Returns:
        A `keras_ada.models.Stack` or a Keras model, not compiled; a zoo
        name gives a built model with untrained weights.

    Example:

    >>> model = keras_ada.runner.load_model("wavenet_large", scale="tiny")
    wavenet_large (tiny scale) has untrained weights.
    >>> model.built
    True
    """
    import keras

    from keras_ada import zoo
    from keras_ada.models import PresetMixin
    from keras_ada.models import Stack
    from keras_ada.models import StackDirectory
    from keras_ada.models import build_model
    from keras_ada.models import preset_utils

    if preset_utils.is_preset(spec):
        return PresetMixin.from_preset(spec)
    if os.path.isdir(spec):
        if not StackDirectory(spec).exists():
            raise UserError(
                f"{spec!r} is a directory but neither a preset (no config.json) nor "
                "a stack directory (no stack.json)."
            )
        return Stack.load(spec, compile=False)
    if os.path.isfile(spec):
        return keras.saving.load_model(spec, compile=False)
    try:
        model = zoo.load(spec, scale=scale)
    except (KeyError, ValueError) as error:
        raise UserError(
            f"{spec!r} is neither a file, a stack directory nor a zoo model: {error}"
        ) from None
    print(f"{spec} ({scale} scale) has untrained weights.")
    for part in getattr(model, "models", [model]):
        build_model(part)
    return model
