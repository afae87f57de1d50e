"""The fitness measures that rank a population."""

import math

import keras
import numpy as np
import pytest

from keras_ada.models import WaveNet
from keras_ada.training import evaluate
from keras_ada.tuning.trial import HeldOutFitness
from keras_ada.tuning.trial import training_fitness


def test_training_fitness_is_minus_the_training_nll():
    assert training_fitness(None, {"nll": 2.5}) == -2.5
    assert training_fitness(None, {"nll": math.nan}) == -math.inf


class CountingData:
    """`data(split, seed)` of random classes, recording every call."""

    def __init__(self, length):
        self.length = length
        self.calls = []

    def __call__(self, split, seed):
        self.calls.append((split, seed))
        rng = np.random.default_rng(seed)
        while True:
            yield rng.integers(0, 256, size=(2, self.length)).astype("int32")


@pytest.fixture
def model():
    keras.utils.set_random_seed(0)
    return WaveNet(repeats=1, stages=2, residual_channels=8, inner_channels=4)


def test_held_out_fitness_is_minus_the_eval_nll_of_fixed_batches(model):
    data = CountingData(model.context_length + 16)
    fitness = HeldOutFitness(data, steps=3, seed=5)
    first = fitness(model, {"nll": 0.1})
    batches = list(zip(range(3), data("eval", 5)))
    expected = -evaluate(model, [batch for _, batch in batches], 3)["nll"]
    assert first == pytest.approx(expected, rel=1e-5)
    assert first < -1.0  # an untrained model, whatever the training logs say
    model.stack.blocks[0].skip_projection.bias.assign(np.full(8, 0.5, "float32"))
    second = fitness(model, {})
    assert second != pytest.approx(first)
    assert data.calls == [("eval", 5), ("eval", 5)]  # read once, kept, then ours


def test_held_out_fitness_of_a_diverged_model_is_minus_infinity(model):
    fitness = HeldOutFitness(CountingData(model.context_length + 8), steps=1)
    model.build((None, None))
    for weight in model.trainable_weights:
        weight.assign(keras.ops.full(weight.shape, math.nan, weight.dtype))
    assert fitness(model, {}) == -math.inf


def test_held_out_fitness_checks_its_steps():
    with pytest.raises(ValueError, match="steps=0"):
        HeldOutFitness(CountingData(8), steps=0)
