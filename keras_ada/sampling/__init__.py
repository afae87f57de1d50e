"""Sampling: samplers that turn logits into classes, and the incremental loop.

The models own their steps and compiled loops (`WaveNet.generate`,
`ADA.decode`, `Stack.sample`); this package knows logits and samplers:
`GreedySampler`, `RandomSampler`, `TopKSampler`, `TopPSampler` (`get_sampler`
builds one from `temperature=`, `top_k=`, `top_p=`), the `IncrementalSampler`
that drives a model's step function, and the naive reference.
"""

from keras_ada.audio import SAMPLE_RATE
from keras_ada.sampling.categorical import sample_categorical
from keras_ada.sampling.incremental import IncrementalSampler
from keras_ada.sampling.naive import naive_generate
from keras_ada.sampling.samplers import GreedySampler
from keras_ada.sampling.samplers import RandomSampler
from keras_ada.sampling.samplers import Sampler
from keras_ada.sampling.samplers import TopKSampler
from keras_ada.sampling.samplers import TopPSampler
from keras_ada.sampling.samplers import get as get_sampler

__all__ = [
    "SAMPLE_RATE",
    "GreedySampler",
    "IncrementalSampler",
    "RandomSampler",
    "Sampler",
    "TopKSampler",
    "TopPSampler",
    "get_sampler",
    "naive_generate",
    "sample_categorical",
]
