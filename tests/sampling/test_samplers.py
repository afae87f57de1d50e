import numpy as np
import pytest
from keras import ops

from keras_ada.models import WaveNet
from keras_ada.sampling import GreedySampler
from keras_ada.sampling import RandomSampler
from keras_ada.sampling import TopKSampler
from keras_ada.sampling import TopPSampler
from keras_ada.sampling import get_sampler

PROBABILITIES = np.array([0.05, 0.4, 0.1, 0.3, 0.15], "float32")


@pytest.fixture(scope="module")
def model():
    model = WaveNet(
        repeats=1, stages=4, residual_channels=8, inner_channels=4, num_classes=32
    )
    model(np.zeros((1, 1), "int32"))
    return model


def frequencies(sampler, n=20000):
    logits = np.tile(np.log(PROBABILITIES)[None], (n, 1))
    uniform = np.random.default_rng(0).random(n, dtype=np.float32)
    drawn = sampler(logits, uniform, sampler.parameters(n, len(PROBABILITIES)))
    return np.bincount(ops.convert_to_numpy(drawn), minlength=5) / n


def test_top_k_draws_among_the_k_most_likely_renormalised():
    expected = np.array([0, 0.4, 0, 0.3, 0], "float32") / 0.7
    np.testing.assert_allclose(frequencies(TopKSampler(2)), expected, atol=0.015)


def test_top_p_draws_from_the_nucleus_renormalised():
    # 0.4 + 0.3 < 0.75 <= 0.4 + 0.3 + 0.15: three classes.
    expected = np.array([0, 0.4, 0, 0.3, 0.15], "float32") / 0.85
    np.testing.assert_allclose(frequencies(TopPSampler(0.75)), expected, atol=0.015)
    np.testing.assert_allclose(frequencies(TopPSampler(1.0)), PROBABILITIES, atol=0.015)


def test_greedy_and_random_samplers():
    np.testing.assert_array_equal(frequencies(GreedySampler()), [0, 1, 0, 0, 0])
    np.testing.assert_allclose(frequencies(RandomSampler()), PROBABILITIES, atol=0.015)


def test_top_k_of_one_is_greedy(model):
    greedy = model.generate(60, batch_size=3, temperature=0.0, verbose=0)
    for seed in (0, 1):
        np.testing.assert_array_equal(
            greedy, model.generate(60, batch_size=3, top_k=1, seed=seed, verbose=0)
        )
        np.testing.assert_array_equal(
            greedy,
            model.generate(
                60, batch_size=3, sampler=TopKSampler(1, temperature=2.0, seed=seed)
            ),
        )


@pytest.mark.parametrize(
    "arguments", [dict(top_k=5), dict(top_p=0.8), dict(temperature=[0.5, 1.5])]
)
def test_same_seed_same_samples_for_every_sampler(model, arguments):
    first = model.generate(50, batch_size=2, seed=3, verbose=0, **arguments)
    again = model.generate(50, batch_size=2, seed=3, verbose=0, **arguments)
    other = model.generate(50, batch_size=2, seed=4, verbose=0, **arguments)
    np.testing.assert_array_equal(first, again)
    assert (first != other).any()


def test_a_sampler_seed_is_used_when_the_call_gives_none(model):
    np.testing.assert_array_equal(
        model.generate(40, sampler=TopPSampler(0.9, seed=7)),
        model.generate(40, top_p=0.9, seed=7),
    )


def test_get_sampler():
    assert isinstance(get_sampler(), RandomSampler)
    assert isinstance(get_sampler(temperature=0), GreedySampler)
    assert get_sampler(top_k=3, temperature=0.5).get_config() == dict(
        k=3, temperature=0.5, seed=None
    )
    sampler = TopPSampler(0.5)
    assert get_sampler(sampler=sampler) is sampler
    with pytest.raises(ValueError, match="top_k=3, top_p=0.5"):
        get_sampler(top_k=3, top_p=0.5)
    with pytest.raises(ValueError, match="temperature"):
        get_sampler(sampler=sampler, temperature=1.0)
    with pytest.raises(TypeError, match="sampler"):
        get_sampler(sampler="top_k")


def test_sampler_arguments_are_checked(model):
    with pytest.raises(ValueError, match="k"):
        TopKSampler(0)
    with pytest.raises(ValueError, match="p"):
        TopPSampler(1.5)
    with pytest.raises(ValueError, match="temperature"):
        RandomSampler(-1.0)
    with pytest.raises(ValueError, match="k=33"):
        model.generate(5, top_k=33)
