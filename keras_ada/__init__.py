"""keras-ada: autoregressive discrete autoencoders and WaveNets for raw audio."""

from keras_ada import layers
from keras_ada import models
from keras_ada import ops

__version__ = "0.1.0"

__all__ = ["layers", "models", "ops"]
