"""Saving a model as a preset and creating a model from one, as KerasHub does."""

import os

import keras

from keras_ada.models import preset_utils
from keras_ada.models.building import build_model


class classproperty(property):
    """A read-only property of a class, such as `WaveNet.presets`."""

    def __get__(self, instance, owner):
        return self.fget(owner)


class PresetMixin:
    """`save_to_preset` and `from_preset` for a `keras.Model`.

    The model needs a complete `get_config` / `from_config`: a preset is its
    `keras.saving.serialize_keras_object` dict (`config.json`), its weights
    (`model.weights.h5`) and a `metadata.json`, in KerasHub's layout (see
    `keras_ada.models.preset_utils`). A preset is named by its directory, by an
    `hf://owner/name` URI (a Hugging Face Hub repository; needs
    `pip install huggingface_hub`) or by the name of a preset shipped with
    keras-ada, which `presets` lists.

    Models whose weights `build_model` cannot create override
    `_build_for_preset`.

    Example:

    >>> import tempfile
    >>> preset_dir = tempfile.mkdtemp()
    >>> model = keras_ada.zoo.load("wavenet_large", scale="tiny")
    >>> model.save_to_preset(preset_dir, metadata={"description": "A WaveNet."})
    >>> restored = keras_ada.models.WaveNet.from_preset(preset_dir)
    >>> restored.count_params() == model.count_params()
    True
    """

    @classproperty
    def presets(cls):
        """The shipped presets of this class or its subclasses: name -> metadata."""
        return {
            name: preset_utils.read_metadata(directory)
            for name, directory in preset_utils.shipped_presets().items()
            if issubclass(
                preset_utils.preset_class(preset_utils.read_config(directory, name)),
                cls,
            )
        }

    @classmethod
    def from_preset(cls, preset, load_weights=True, **kwargs):
        """Creates a model from a preset.

        Called on a model class, the preset must hold that class or a subclass;
        called on a base class (`PresetMixin` for any model), it returns
        whichever class the preset holds.

        Args:
            preset: a preset directory, an `hf://owner/name` URI or the name of
                a shipped preset (see `presets`).
            load_weights: whether to load the preset's weights; if False, the
                model is freshly initialised and unbuilt.
            **kwargs: configuration values replacing the preset's, such as
                `dtype` or `name`.

        Returns:
            The model.

        Example:

        >>> import tempfile
        >>> preset_dir = tempfile.mkdtemp()
        >>> keras_ada.zoo.load("vqvae_hop8", scale="tiny").save_to_preset(preset_dir)
        >>> keras_ada.models.ADA.from_preset(preset_dir).hop
        8
        >>> model = keras_ada.models.PresetMixin.from_preset(preset_dir)
        >>> type(model).__name__
        'ADA'
        """
        directory = preset_utils.resolve_preset(preset)
        config = preset_utils.read_config(directory, preset)
        preset_cls = preset_utils.preset_class(config)
        if not issubclass(preset_cls, cls):
            raise ValueError(
                f"This preset holds a {preset_cls.__name__}, not a {cls.__name__}: "
                f"use {_public_name(preset_cls)}.from_preset. "
                f"Received: preset={preset!r}"
            )
        config = {**config, "config": {**config["config"], **kwargs}}
        model = keras.saving.deserialize_keras_object(config)
        if load_weights:
            weights = os.path.join(directory, preset_utils.WEIGHTS_FILE)
            if not os.path.isfile(weights):
                raise FileNotFoundError(
                    f"The preset has no `{preset_utils.WEIGHTS_FILE}` to load: "
                    "pass `load_weights=False` for a freshly initialised model. "
                    f"Received: preset={preset!r}"
                )
            model._build_for_preset()
            model.load_weights(weights)
        return model

    def save_to_preset(self, preset_dir, metadata=None):
        """Saves the model as a preset directory.

        Args:
            preset_dir: the directory to write; created if missing.
            metadata: an optional dict of JSON values written into
                `metadata.json` besides the versions, parameter count and date,
                e.g. a `description` (a shipped preset's one-line summary) or
                a model card.

        Example:

        >>> import json, os, tempfile
        >>> preset_dir = tempfile.mkdtemp()
        >>> model = keras_ada.zoo.load("wavenet_large", scale="tiny")
        >>> model.save_to_preset(preset_dir, metadata={"description": "Untrained."})
        >>> sorted(os.listdir(preset_dir))
        ['config.json', 'metadata.json', 'model.weights.h5']
        >>> with open(os.path.join(preset_dir, "metadata.json")) as file:
        ...     json.load(file)["description"]
        'Untrained.'
        """
        metadata = {} if metadata is None else metadata
        preset_utils.check_metadata(metadata)
        self._build_for_preset()
        os.makedirs(preset_dir, exist_ok=True)
        preset_utils.write_config(self, preset_dir)
        self.save_weights(os.path.join(preset_dir, preset_utils.WEIGHTS_FILE))
        preset_utils.write_metadata(self, preset_dir, metadata)

    def _build_for_preset(self):
        """Creates the model's weights before they are saved or loaded."""
        build_model(self)


def _public_name(cls):
    """`keras_ada.models.ADA` for a model of keras-ada, else its module path."""
    if cls.__module__.startswith("keras_ada.models."):
        return f"keras_ada.models.{cls.__name__}"
    return f"{cls.__module__}.{cls.__qualname__}"
