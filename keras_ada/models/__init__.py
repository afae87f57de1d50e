"""Models: the WaveNet and the autoregressive discrete autoencoder (ADA)."""

from keras_ada.models.ada import ADA
from keras_ada.models.building import build_model
from keras_ada.models.encoder import Encoder
from keras_ada.models.modulator import Modulator
from keras_ada.models.preset import PresetMixin
from keras_ada.models.stack import Stack
from keras_ada.models.stack_directory import StackDirectory
from keras_ada.models.wavenet import WaveNet

__all__ = [
    "ADA",
    "Encoder",
    "Modulator",
    "PresetMixin",
    "Stack",
    "StackDirectory",
    "WaveNet",
    "build_model",
]
