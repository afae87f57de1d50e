import keras
import numpy as np
import pytest

from keras_ada import zoo
from keras_ada.data import synthetic_batches
from keras_ada.models import Stack
from keras_ada.models import build_model


@pytest.fixture(scope="module")
def stack():
    keras.utils.set_random_seed(0)
    stack = zoo.load("vqvae_amae_wavenet", scale="tiny")
    for model in stack.models:
        build_model(model)
    return stack


def audio(batch=2, length=256):
    return next(synthetic_batches(length, batch, seed=0))


def test_hops_and_receptive_field(stack):
    assert stack.num_levels == 2
    assert stack.models == stack.levels + [stack.prior]
    assert [stack.input_hop(level) for level in range(3)] == [1, 8, 64]
    assert stack.hop == 64
    assert stack.receptive_field == 64 * stack.prior.receptive_field
    assert stack.model(2) is stack.prior and stack.model(0) is stack.levels[0]
    with pytest.raises(ValueError, match=r"in \[0, 2\]"):
        stack.model(3)


def test_codes_for_each_level_chain_the_encoders(stack):
    x = audio()
    np.testing.assert_array_equal(stack.codes_for_level(x, 0), x)
    level_1 = stack.codes_for_level(x, 1)
    expected_1 = keras.ops.convert_to_numpy(stack.levels[0].encode(x))
    np.testing.assert_array_equal(level_1, expected_1)
    level_2 = stack.codes_for_level(x, 2, batch_size=1)
    expected_2 = keras.ops.convert_to_numpy(stack.levels[1].encode(level_1))
    np.testing.assert_array_equal(level_2, expected_2)
    assert level_1.shape == (2, 32) and level_2.shape == (2, 4)
    assert level_2.dtype == np.int32
    for codes, expected in zip(stack.encode(x), (level_1, level_2)):
        np.testing.assert_array_equal(codes, expected)
    with pytest.raises(ValueError, match="multiple of 64"):
        stack.codes_for_level(x[:, :100], 2)


def test_levels_must_model_the_codes_below(stack):
    wrong_prior = zoo.load("codes_wavenet", scale="tiny", num_classes=32)
    with pytest.raises(ValueError, match="num_classes` must be 256"):
        Stack(stack.levels, wrong_prior)
    with pytest.raises(TypeError, match="`prior` must be a `WaveNet`"):
        Stack(stack.levels, stack.levels[0])
    with pytest.raises(ValueError, match="non-empty list of `ADA`"):
        Stack([], stack.prior)


def test_save_and_load_give_identical_outputs(stack, tmp_path):
    x = audio()
    sequences = [x, *stack.encode(x)]
    path = str(tmp_path / "stack")
    stack.save_levels(path)
    loaded = Stack.load(path)
    assert loaded.hop == stack.hop and loaded.receptive_field == stack.receptive_field
    for codes, expected in zip(loaded.encode(x), sequences[1:]):
        np.testing.assert_array_equal(codes, expected)
    for level, sequence in enumerate(sequences):
        expected = _logits(stack.model(level)(sequence))
        reloaded = _logits(loaded.model(level)(sequence))
        np.testing.assert_array_equal(reloaded, expected)
    from_zoo = zoo.load("vqvae_amae_wavenet", scale="tiny", weights=path)
    np.testing.assert_array_equal(from_zoo.encode(x)[-1], sequences[-1])
    np.testing.assert_array_equal(
        _logits(from_zoo.prior(sequences[-1])), _logits(stack.prior(sequences[-1]))
    )


def test_load_reports_a_missing_level(stack, tmp_path):
    path = tmp_path / "stack"
    stack.save_levels(str(path))
    (path / "level_1.keras").unlink()
    with pytest.raises(FileNotFoundError, match="no model 1"):
        Stack.load(str(path))
    with pytest.raises(FileNotFoundError, match="not a stack directory"):
        Stack.load(str(tmp_path))


def _logits(outputs):
    outputs = outputs["logits"] if isinstance(outputs, dict) else outputs
    return keras.ops.convert_to_numpy(outputs)


def test_levels_without_a_prior_encode_but_do_not_sample(stack):
    x = audio()
    levels_only = Stack(stack.levels)
    assert levels_only.num_levels == 2 and levels_only.hop == 64
    np.testing.assert_array_equal(
        levels_only.codes_for_level(x, 2), stack.codes_for_level(x, 2)
    )
    with pytest.raises(ValueError, match="no prior"):
        levels_only.sample(0.01)


def test_load_the_levels_trained_so_far(stack, tmp_path):
    stack.save_levels(str(tmp_path))
    (tmp_path / "prior.keras").unlink()
    with pytest.raises(FileNotFoundError, match="prior.keras"):
        Stack.load(str(tmp_path))
    first = Stack.load(str(tmp_path), num_models=1)
    assert first.prior is None and first.num_levels == 1
    x = audio()
    np.testing.assert_array_equal(
        first.codes_for_level(x, 1), stack.codes_for_level(x, 1)
    )
