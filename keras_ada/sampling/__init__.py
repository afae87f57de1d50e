"""Sampling: incremental WaveNet generation, ADA decoding, the naive reference."""

from keras_ada.sampling.categorical import sample_categorical
from keras_ada.sampling.hierarchical import code_rate_condition
from keras_ada.sampling.hierarchical import decode
from keras_ada.sampling.incremental import IncrementalSampler
from keras_ada.sampling.incremental import generate
from keras_ada.sampling.incremental import sampler_for
from keras_ada.sampling.naive import naive_generate

__all__ = [
    "IncrementalSampler",
    "code_rate_condition",
    "decode",
    "generate",
    "naive_generate",
    "sample_categorical",
    "sampler_for",
]
