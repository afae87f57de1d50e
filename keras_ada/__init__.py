"""keras-ada: autoregressive discrete autoencoders and WaveNets for raw audio.

`import keras_ada` is the whole API: the subpackages below are imported on
first use (PEP 562), so the import itself is quick and brings in neither Keras
nor TensorFlow until a subpackage needs them.

Example:

>>> model = keras_ada.models.WaveNet(
...     repeats=1, stages=3, residual_channels=8, inner_channels=4)
>>> model.receptive_field
8
"""

import importlib

__version__ = "0.1.0"

__all__ = [
    "audio",
    "data",
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
