"""Sampling: incremental WaveNet generation, ADA decoding, the naive reference."""

from keras_ada.audio import SAMPLE_RATE
from keras_ada.sampling.categorical import sample_categorical
from keras_ada.sampling.hierarchical import code_rate_condition
from keras_ada.sampling.hierarchical import decode
from keras_ada.sampling.hierarchical import reconstruct_stack
from keras_ada.sampling.hierarchical import sample_stack
from keras_ada.sampling.incremental import IncrementalSampler
from keras_ada.sampling.incremental import generate
from keras_ada.sampling.incremental import sampler_for
from keras_ada.sampling.naive import naive_generate

__all__ = [
    "SAMPLE_RATE",
    "IncrementalSampler",
    "code_rate_condition",
    "decode",
    "generate",
    "naive_generate",
    "reconstruct_stack",
    "sample_categorical",
    "sample_stack",
    "sampler_for",
]
