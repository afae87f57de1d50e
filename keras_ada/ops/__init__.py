"""Backend-agnostic audio helpers built on `keras.ops`."""

from keras_ada.ops.mu_law import classes_to_unit
from keras_ada.ops.mu_law import mu_law_decode
from keras_ada.ops.mu_law import mu_law_encode

__all__ = ["classes_to_unit", "mu_law_decode", "mu_law_encode"]
