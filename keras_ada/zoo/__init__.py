"""The model zoo: every model of the paper's tables 1-3, by name or row id.

>>> keras_ada.zoo.names()[:3]
['wavenet_large', 'vqvae_hop8', 'vqvae_onehot_hop8']
>>> keras_ada.zoo.describe("3.7")
'VQ-VAE + AMAE + large WaveNet prior (3 levels, 24576 ms).'
>>> ada = keras_ada.zoo.load("1.2", scale="tiny")
>>> stack = keras_ada.zoo.load("vqvae_amae_wavenet", scale="tiny")
>>> stack.receptive_field  # audio samples; 393216 (24.6 s) at the paper's scale
4096
"""

from keras_ada.zoo.presets import PAPER_RESULTS
from keras_ada.zoo.presets import SCALES
from keras_ada.zoo.registry import build
from keras_ada.zoo.registry import config
from keras_ada.zoo.registry import context_length
from keras_ada.zoo.registry import describe
from keras_ada.zoo.registry import kind
from keras_ada.zoo.registry import load
from keras_ada.zoo.registry import load_weights
from keras_ada.zoo.registry import names
from keras_ada.zoo.registry import resolve
from keras_ada.zoo.registry import rows
from keras_ada.zoo.registry import training_defaults

__all__ = [
    "PAPER_RESULTS",
    "SCALES",
    "build",
    "config",
    "context_length",
    "describe",
    "kind",
    "load",
    "load_weights",
    "names",
    "resolve",
    "rows",
    "training_defaults",
]
