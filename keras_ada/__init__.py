"""keras-ada: autoregressive discrete autoencoders and WaveNets for raw audio.

`import keras_ada` is the whole API. It imports Keras and the layers and
models, which registers every serialisable class with Keras, so that
`keras.saving.load_model` reads a `.keras` file of keras-ada models right after
it, in any process. The other subpackages (the data pipeline, which needs
TensorFlow; training; the command line) are imported on first use (PEP 562).

Example:

>>> model = keras_ada.models.WaveNet(
...     repeats=1, stages=3, residual_channels=8, inner_channels=4)
>>> model.receptive_field
8
"""

import importlib

from keras_ada.native_logs import quiet_start

# Registers the serialisable layers and models (see above), without
# TensorFlow's start-up lines on its backend.
with quiet_start():
    from keras_ada import layers  # noqa: F401
    from keras_ada import models  # noqa: F401
from keras_ada.version import __version__  # noqa: F401

__all__ = [
    "audio",
    "data",
    "evaluation",
    "layers",
    "models",
    "ops",
    "runner",
    "sampling",
    "training",
    "zoo",
]


def __getattr__(name):
    if name in __all__:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
