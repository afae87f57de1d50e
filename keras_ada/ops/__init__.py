"""Backend-agnostic ops: the `keras.ops` mu-law companding of `keras_ada.audio`."""

from keras_ada.audio import classes_to_unit
from keras_ada.audio import mu_law_decode
from keras_ada.audio import mu_law_encode

__all__ = ["classes_to_unit", "mu_law_decode", "mu_law_encode"]
