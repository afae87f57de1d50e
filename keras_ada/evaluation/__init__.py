"""Measures of trained models: how much of the music a reconstruction keeps."""

from keras_ada.evaluation.fidelity import MEASURES
from keras_ada.evaluation.fidelity import fidelity_floor
from keras_ada.evaluation.fidelity import matched_noise
from keras_ada.evaluation.fidelity import reconstruction_fidelity

__all__ = [
    "MEASURES",
    "fidelity_floor",
    "matched_noise",
    "reconstruction_fidelity",
]
