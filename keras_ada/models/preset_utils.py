"""Preset files: where a preset lives and what its directory holds.

A preset is a directory in KerasHub's layout:

- `config.json`: the model's `keras.saving.serialize_keras_object` dict.
- `model.weights.h5`: its weights, from `model.save_weights`.
- `metadata.json`: the Keras and keras-ada versions, the parameter count, the
  date it was saved, and any fields its author added (a model card).

A preset is named by its directory, by an `hf://owner/name` URI (a Hugging Face
Hub repository, downloaded with the optional `huggingface_hub`), or by the name
of a preset shipped with keras-ada (a directory of `keras_ada/presets/`).
"""

import datetime
import importlib
import importlib.resources
import json
import os

import keras

from keras_ada.version import __version__

CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.weights.h5"
METADATA_FILE = "metadata.json"
HF_PREFIX = "hf://"
SHIPPED_PRESETS_PACKAGE = "keras_ada.presets"

# Written by `write_metadata`; a caller's metadata may not replace them.
RESERVED_METADATA = (
    "keras_version",
    "keras_ada_version",
    "parameter_count",
    "date_saved",
)


def shipped_presets_dir() -> str:
    """Returns the directory holding the presets shipped with keras-ada."""
    return os.fspath(importlib.resources.files(SHIPPED_PRESETS_PACKAGE))


def shipped_presets() -> dict[str, str]:
    """Returns the directory of each shipped preset, by name, sorted by name."""
    root = shipped_presets_dir()
    return {
        name: os.path.join(root, name)
        for name in sorted(os.listdir(root))
        if os.path.isfile(os.path.join(root, name, CONFIG_FILE))
    }


def is_preset(preset) -> bool:
    """Whether `preset` names a preset: an hf:// URI, a preset directory or a
    shipped preset's name."""
    if not isinstance(preset, (str, os.PathLike)):
        return False
    preset = os.fspath(preset)
    return (
        preset.startswith(HF_PREFIX)
        or os.path.isfile(os.path.join(preset, CONFIG_FILE))
        or preset in shipped_presets()
    )


def resolve_preset(preset) -> str:
    """Returns the local directory of a preset.

    Args:
        preset: a directory, an `hf://owner/name` URI (downloaded with
            `huggingface_hub.snapshot_download`) or a shipped preset's name.

    Returns:
        The path of a local directory holding the preset's files.
    """
    if not isinstance(preset, (str, os.PathLike)):
        raise TypeError(
            "`preset` must be a directory, an `hf://owner/name` URI or the name of "
            f"a shipped preset, as a string. Received: preset={preset!r}"
        )
    preset = os.fspath(preset)
    if preset.startswith(HF_PREFIX):
        return _download_from_hub(preset)
    if os.path.isdir(preset):
        return preset
    shipped = shipped_presets()
    if preset in shipped:
        return shipped[preset]
    raise ValueError(
        "Unknown preset: it is not a directory, not an `hf://owner/name` URI and "
        f"not one of the presets shipped with keras-ada {list(shipped)}. "
        f"Received: preset={preset!r}"
    )


def read_config(directory: str, preset) -> dict:
    """Returns the serialized model of a preset directory (`config.json`)."""
    path = os.path.join(directory, CONFIG_FILE)
    if not os.path.isfile(path):
        raise FileNotFoundError(
            f"A preset directory holds a `{CONFIG_FILE}`, which {directory!r} "
            f"lacks: it was not written by `save_to_preset`. Received: preset={preset!r}"
        )
    return _read_json(path)


def read_metadata(directory: str) -> dict:
    """Returns a preset directory's `metadata.json`, or `{}` if it has none."""
    path = os.path.join(directory, METADATA_FILE)
    return _read_json(path) if os.path.isfile(path) else {}


def preset_class(config: dict) -> type:
    """Returns the class of the model that a preset's `config.json` holds."""
    cls = keras.saving.get_registered_object(config.get("registered_name"))
    if cls is None and config.get("module"):
        module = importlib.import_module(config["module"])
        cls = getattr(module, config.get("class_name"), None)
    if cls is None:
        raise ValueError(
            "The preset's model class cannot be found: its module must be "
            "importable and the class registered with "
            "`keras.saving.register_keras_serializable`. Received: "
            f"module={config.get('module')!r}, class_name={config.get('class_name')!r}"
        )
    return cls


def write_config(model, directory: str):
    """Writes a model's `config.json`; the preset records no build or compile set-up."""
    config = keras.saving.serialize_keras_object(model)
    for key in ("build_config", "compile_config"):
        config.pop(key, None)
    _write_json(config, os.path.join(directory, CONFIG_FILE))


def check_metadata(metadata):
    """Checks a caller's metadata: a JSON-serialisable dict of new fields."""
    if not isinstance(metadata, dict):
        raise TypeError(
            f"`metadata` must be a dict of JSON values. Received: metadata={metadata!r}"
        )
    reserved = sorted(set(metadata) & set(RESERVED_METADATA))
    if reserved:
        raise ValueError(
            f"`metadata` may not set the fields that `save_to_preset` writes "
            f"{list(RESERVED_METADATA)}. Received: {reserved}"
        )
    try:
        json.dumps(metadata)
    except TypeError as error:
        raise TypeError(
            f"`metadata` must hold JSON values only ({error}). "
            f"Received: metadata={metadata!r}"
        ) from error


def write_metadata(model, directory: str, metadata: dict):
    """Writes `metadata.json`: versions, parameter count, date and `metadata`."""
    _write_json(
        {
            "keras_version": keras.__version__,
            "keras_ada_version": __version__,
            "parameter_count": model.count_params(),
            "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
            **metadata,
        },
        os.path.join(directory, METADATA_FILE),
    )


def _download_from_hub(uri):
    repo_id = uri[len(HF_PREFIX) :]
    owner, _, name = repo_id.partition("/")
    if not owner or not name or "/" in name:
        raise ValueError(
            f"A Hugging Face Hub preset is named `{HF_PREFIX}owner/name`. "
            f"Received: preset={uri!r}"
        )
    try:
        import huggingface_hub
    except ImportError as error:
        raise ImportError(
            "Loading a preset from the Hugging Face Hub needs the `huggingface_hub` "
            "package: pip install huggingface_hub (or keras-ada[hub]). "
            f"Received: preset={uri!r}"
        ) from error
    return huggingface_hub.snapshot_download(repo_id=repo_id)


def _read_json(path):
    with open(path, encoding="utf-8") as file:
        return json.load(file)


def _write_json(value, path):
    with open(path, "w", encoding="utf-8") as file:
        json.dump(value, file, indent=4)
        file.write("\n")
