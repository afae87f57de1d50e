"""Named models of the paper's tables: resolve a name to a configuration, build it.

A configuration is a plain dict, built from the data in `presets.py`:

- WaveNet (`kind="wavenet"`): the `keras_ada.models.WaveNet` arguments.
- ADA (`kind="ada"`): `num_classes`, `num_codes`, `hop`, `input_format`,
  `embedding_dim` and one dict per part: `quantiser` (`type` `"vq"` or `"amae"`
  and that layer's arguments), `encoder`, `modulator`,
  `local_model` (their sizes).
- Stack (`kind="stack"`): `levels`, a list of ADA configurations (bottom first),
  and `prior`, a WaveNet configuration.

Overrides replace values: `load("vqvae_hop8", hop=16, local_model={"stages": 6})`
changes the hop and merges into the local model's sizes; for a stack,
`levels=[{...}, None]` and `prior={...}` are overrides of the parts.
"""

import copy
import os

import keras

from keras_ada.layers.argmax_quantiser import ArgmaxQuantiser
from keras_ada.layers.vector_quantiser import VectorQuantiser
from keras_ada.models import preset_utils
from keras_ada.models.ada import ADA
from keras_ada.models.building import build_model
from keras_ada.models.encoder import Encoder
from keras_ada.models.modulator import Modulator
from keras_ada.models.preset import PresetMixin
from keras_ada.models.stack import Stack
from keras_ada.models.wavenet import WaveNet
from keras_ada.validation import check_one_of
from keras_ada.zoo.presets import NUM_CLASSES
from keras_ada.zoo.presets import NUM_CODES
from keras_ada.zoo.presets import PRESETS
from keras_ada.zoo.presets import SCALES
from keras_ada.zoo.presets import SIZES
from keras_ada.zoo.presets import TRAINING

# The arguments of each quantiser type, besides `num_codes`.
QUANTISER_ARGUMENTS = {
    "vq": ("code_dim", "alpha", "beta", "epsilon", "seed", "restart_unused"),
    "amae": ("nu", "projection", "epsilon", "diversity"),
}


def names() -> list[str]:
    """Returns the names of every model of the zoo, in the order of the paper."""
    return list(PRESETS)


def rows() -> dict[str, str]:
    """Returns the paper's row ids (`"1.1"`, ..., `"3.7"`) and their model names."""
    table = {row: name for name, preset in PRESETS.items() for row in preset["rows"]}
    return dict(
        sorted(table.items(), key=lambda item: tuple(map(int, item[0].split("."))))
    )


def resolve(name: str) -> str:
    """Returns the model name of a name or a row id; fails listing the valid ones."""
    if name in PRESETS:
        return name
    table = rows()
    if name in table:
        return table[name]
    raise ValueError(
        f"Unknown zoo model. Expected one of the names {names()} or one of the row "
        f"ids {list(table)}. Received: name={name!r}"
    )


def describe(name: str) -> str:
    """Returns the one-line description of a model (name or row id)."""
    return PRESETS[resolve(name)]["description"]


def kind(name: str) -> str:
    """Returns `"wavenet"`, `"ada"` or `"stack"` for a model name or row id."""
    return PRESETS[resolve(name)]["kind"]


def training_defaults(name: str, scale: str = "paper") -> dict:
    """Returns the default training set-up of a model (name or row id).

    Keys: `batch_size`; `context`, the leading steps of an excerpt that are
    context only (the receptive field of the causal model, see
    `context_length`); `length`, the scored steps after it (the training
    excerpts are `context + length` steps of the modelled sequence); `steps`;
    `ema_momentum`, the Polyak averaging decay. Unconditional WaveNets train
    for fewer steps than ADAs, as in the paper (200,000 and 500,000 at paper
    scale), and those on audio score `length = context` steps: excerpts of
    12288 steps for the large WaveNet, twice as long (24576) for the very large
    one, 98304 for the thin one.
    """
    _check_scale(scale)
    defaults = dict(TRAINING[scale])
    wavenet_steps = defaults.pop("wavenet_steps")
    model_config = config(name, scale)
    if model_config["kind"] == "stack":
        raise ValueError(
            "Training defaults are per model: give a level of the stack "
            f"({[level['name'] for level in model_config['levels']]} or "
            f"{model_config['prior']['name']!r}). Received: name={name!r}"
        )
    defaults["context"] = context_length(model_config)
    if model_config["kind"] == "wavenet":
        defaults["steps"] = wavenet_steps
        if model_config["input_format"] != "embedding":
            defaults["length"] = defaults["context"]
    return defaults


def context_length(model_config: dict) -> int:
    """Context steps of a training excerpt of a WaveNet or ADA configuration.

    A WaveNet's receptive field; for an ADA, its local model's, rounded up to a
    whole number of codes (the non-causal encoder and modulator see padding at
    both ends of any excerpt; their receptive field is not counted).
    """
    if model_config["kind"] == "wavenet":
        return _receptive_field(model_config)
    hop = model_config["hop"]
    return -(-_receptive_field(model_config["local_model"]) // hop) * hop


def _receptive_field(sizes):
    return sizes["repeats"] * (sizes["kernel_size"] - 1) * 2 ** sizes["stages"]


def config(name: str, scale: str = "paper", **overrides) -> dict:
    """Returns the configuration of a zoo model, with overrides applied.

    Args:
        name: a model name from `names()` or a row id such as `"3.7"`.
        scale: `"paper"` (appendix A), `"small"` (one GPU), `"demo"` (`keras-ada
            demo`, minutes on a CPU) or `"tiny"` (CPU, seconds).
        **overrides: values replacing those of the configuration; a dict value
            merges into the part of that name.

    Returns:
        A dict that `build()` turns into a model.
    """
    _check_scale(scale)
    name = resolve(name)
    preset = PRESETS[name]
    if preset["kind"] == "stack":
        return _stack_config(preset, scale, overrides)
    return _apply_overrides(_model_config(name, scale), overrides, name)


def build(config: dict):
    """Builds the (unbuilt, uncompiled) model of a configuration from `config()`."""
    config = copy.deepcopy(config)
    kind = config.pop("kind")
    name = config.pop("name", None)
    if kind == "wavenet":
        return WaveNet(**config, name=name)
    if kind == "ada":
        return _build_ada(config, name)
    if kind == "stack":
        return Stack(
            [build(level) for level in config["levels"]], build(config["prior"])
        )
    check_one_of("kind", kind, ("wavenet", "ada", "stack"))


def load(name: str, scale: str | None = None, weights: str | None = None, **overrides):
    """Builds a zoo model by name or row id, or loads a preset, optionally with weights.

    Args:
        name: a model name from `names()`, a row id such as `"1.2"`, or a
            preset (a preset directory, an `hf://owner/name` URI or a shipped
            preset's name), which `from_preset` loads with its weights.
        scale: `"paper"` (the default), `"small"`, `"demo"` or `"tiny"`; zoo
            models only.
        weights: optional saved weights for a zoo model: a `.keras` or
            `.weights.h5` file or a preset for a WaveNet or an ADA, a directory
            written by `Stack.save` for a stack. The configuration must match
            the one the weights were saved with.
        **overrides: configuration overrides of a zoo model, see `config()`.

    Returns:
        A `WaveNet`, an `ADA` or a `Stack`. Models are not compiled:
        `model.compile()` gives the paper's optimiser.

    Example:

    >>> ada = keras_ada.zoo.load("vqvae_hop8", scale="tiny")
    >>> ada.hop, ada.local_model.receptive_field
    (8, 32)
    >>> keras_ada.zoo.load("3.7", scale="tiny").num_levels  # a row id
    2
    >>> import os, tempfile
    >>> preset = os.path.join(tempfile.mkdtemp(), "my_ada")
    >>> ada.save_to_preset(preset)
    >>> keras_ada.zoo.load(preset).hop
    8
    """
    if name not in PRESETS and name not in rows() and preset_utils.is_preset(name):
        if scale is not None or weights is not None or overrides:
            raise ValueError(
                "A preset holds its configuration and weights: load it without "
                f"`scale`, `weights` or overrides. Received: name={name!r}, "
                f"scale={scale!r}, weights={weights!r}, overrides={overrides!r}"
            )
        return PresetMixin.from_preset(name)
    model = build(config(name, scale or "paper", **overrides))
    if weights is not None:
        load_weights(model, weights)
    return model


def load_weights(model, path: str):
    """Loads saved weights into a zoo model.

    Args:
        model: a zoo model, built or not.
        path: a `.keras` or `.weights.h5` file, or a preset (directory,
            `hf://owner/name` URI or shipped name) whose configuration is the
            model's; for a `Stack`, a directory written by `Stack.save`.

    Returns:
        `model`, built, with the weights.
    """
    if preset_utils.is_preset(path):
        return _load_preset_weights(model, path)
    if isinstance(model, Stack):
        return model.load_weights(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"No weights file at {path!r}.")
    build_model(model)
    model.load_weights(path)
    return model


def _load_preset_weights(model, preset):
    """Loads a preset's weights after checking that it holds the model's config."""
    directory = preset_utils.resolve_preset(preset)
    saved = _comparable(preset_utils.read_config(directory, preset)["config"])
    current = _comparable(keras.saving.serialize_keras_object(model)["config"])
    different = sorted(
        key for key in set(saved) | set(current) if saved.get(key) != current.get(key)
    )
    if different:
        raise ValueError(
            "The preset's configuration is not the model's: they differ in "
            f"{different}. Load the preset itself with `load(preset)`. "
            f"Received: weights={preset!r}"
        )
    model._build_for_preset()
    model.load_weights(os.path.join(directory, preset_utils.WEIGHTS_FILE))
    return model


def _comparable(config):
    """A model's config without its name or any build and compile set-up."""
    config = _without_build(config)
    config.pop("name", None)
    return config


def _without_build(config):
    if isinstance(config, dict):
        return {
            key: _without_build(value)
            for key, value in config.items()
            if key not in ("build_config", "compile_config")
        }
    if isinstance(config, list):
        return [_without_build(value) for value in config]
    return config


def _check_scale(scale):
    check_one_of("scale", scale, SCALES)


def _model_config(name, scale):
    preset = PRESETS[name]
    sizes = SIZES[scale]
    input_format = preset["input_format"]
    embedding_dim = sizes["embedding_dim"] if input_format == "embedding" else None
    ema_momentum = TRAINING[scale]["ema_momentum"]
    if preset["kind"] == "wavenet":
        return dict(
            kind="wavenet",
            name=name,
            ema_momentum=ema_momentum,
            num_classes=NUM_CLASSES,
            input_format=input_format,
            embedding_dim=embedding_dim,
            **sizes[preset["network"]],
        )
    if "local_stages" in preset:
        local_model = dict(sizes["code_local_model"], stages=preset["local_stages"])
    else:
        local_model = dict(sizes["local_model"])
    return {
        "kind": "ada",
        "name": name,
        "ema_momentum": ema_momentum,
        "num_classes": NUM_CLASSES,
        "num_codes": NUM_CODES,
        "hop": preset["hop"],
        "input_format": input_format,
        "embedding_dim": embedding_dim,
        "quantiser": _quantiser_config(preset["quantiser"], sizes),
        "encoder": dict(sizes["conditioning"]),
        "modulator": dict(sizes["conditioning"]),
        "local_model": local_model,
    }


def _quantiser_config(quantiser, sizes):
    if quantiser == "vq":
        return {
            "type": "vq",
            "code_dim": sizes["code_dim"],
            "alpha": 1e-2,
            "beta": 0.25,
        }
    projection = "softmax" if quantiser == "amae_softmax" else "relu"
    return {"type": "amae", "nu": 0.1, "projection": projection}


def _apply_overrides(config, overrides, where):
    """Returns `config` with `overrides` applied; dict values merge into parts."""
    config = copy.deepcopy(config)
    settable = sorted(key for key in config if key not in ("kind", "name"))
    for key, value in overrides.items():
        if key not in settable:
            raise ValueError(
                f"Unknown override for {where!r}. Expected one of {settable}. "
                f"Received: {key}={value!r}"
            )
        if isinstance(config[key], dict):
            if not isinstance(value, dict):
                raise TypeError(
                    f"The override of the part {key!r} of {where!r} must be a dict "
                    f"of its values {sorted(config[key])}. Received: {key}={value!r}"
                )
            config[key] = _merge_part(config[key], value, f"{where}.{key}")
        else:
            config[key] = value
    return config


def _merge_part(part, value, where):
    if "type" in part:  # A quantiser: the arguments of its (new) type.
        quantiser_type = value.get("type", part["type"])
        if quantiser_type not in QUANTISER_ARGUMENTS:
            raise ValueError(
                f"The quantiser `type` of {where!r} must be one of "
                f"{tuple(QUANTISER_ARGUMENTS)}. Received: type={quantiser_type!r}"
            )
        valid = {"type", *QUANTISER_ARGUMENTS[quantiser_type]}
        part = {key: item for key, item in part.items() if key in valid}
    else:
        valid = set(part)
    unknown = sorted(set(value) - valid)
    if unknown:
        raise ValueError(
            f"Unknown override for {where!r}. Expected keys among {sorted(valid)}. "
            f"Received: {unknown}"
        )
    return {**part, **value}


def _stack_config(preset, scale, overrides):
    unknown = sorted(set(overrides) - {"levels", "prior"})
    if unknown:
        raise ValueError(
            "A stack takes the overrides `levels` (one dict or None per level) and "
            f"`prior` (a dict). Received: {unknown}"
        )
    level_names = preset["levels"]
    level_overrides = overrides.get("levels") or [None] * len(level_names)
    if len(level_overrides) != len(level_names):
        raise ValueError(
            f"`levels` must hold one override (a dict or None) per level, "
            f"{len(level_names)} in all. Received: levels={level_overrides!r}"
        )
    levels = []
    num_classes = NUM_CLASSES
    for level_name, level_override in zip(level_names, level_overrides):
        level = _apply_overrides(
            _model_config(level_name, scale), level_override or {}, level_name
        )
        level["num_classes"] = num_classes
        num_classes = level["num_codes"]
        levels.append(level)
    prior = _apply_overrides(
        _model_config(preset["prior"], scale),
        overrides.get("prior") or {},
        preset["prior"],
    )
    prior["num_classes"] = num_classes
    return {"kind": "stack", "levels": levels, "prior": prior}


def _build_ada(config, name):
    config = dict(config)
    quantiser_config = dict(config.pop("quantiser"))
    quantiser_type = quantiser_config.pop("type")
    num_classes = config["num_classes"]
    num_codes = config["num_codes"]
    hop = config["hop"]
    representation = {
        "input_format": config["input_format"],
        "embedding_dim": config["embedding_dim"],
    }
    if quantiser_type == "vq":
        quantiser = VectorQuantiser(num_codes, **quantiser_config, name="quantiser")
    else:
        quantiser = ArgmaxQuantiser(num_codes, **quantiser_config, name="quantiser")
    local_model = WaveNet(
        num_classes=num_classes,
        **representation,
        **config["local_model"],
        name="local_model",
    )
    encoder = Encoder(
        num_classes=num_classes,
        query_dim=quantiser.code_dim,
        hop=hop,
        **representation,
        **config["encoder"],
        name="encoder",
    )
    modulator = Modulator(
        condition_channels=local_model.condition_channels,
        hop=hop,
        **config["modulator"],
        name="modulator",
    )
    return ADA(
        encoder,
        quantiser,
        modulator,
        local_model,
        ema_momentum=config["ema_momentum"],
        name=name,
    )
