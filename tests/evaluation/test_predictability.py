"""The predictive models of the predictability profiles (Figure 2)."""

import keras
import numpy as np
import pytest

from keras_ada.evaluation.predictability import PastClassesConv
from keras_ada.evaluation.predictability import check_non_increasing
from keras_ada.evaluation.predictability import predictability_profile
from keras_ada.evaluation.predictability import predictor
from keras_ada.evaluation.predictability import scored_windows
from keras_ada.evaluation.predictability import split_validation
from keras_ada.evaluation.predictability import train_predictor
from keras_ada.evaluation.predictability import unigram_heldout_nll
from tests.tensor_checks import assert_allclose


def markov_sequences(count, length, seed):
    """Classes 0..7 where each step is the one before plus 0 or 1 (mod 8)."""
    rng = np.random.default_rng(seed)
    steps = rng.integers(0, 2, (count, length))
    return list(np.cumsum(steps, axis=1) % 8)


def test_past_classes_conv_is_a_causal_convolution_of_the_one_hot_past():
    layer = PastClassesConv(num_classes=5, filters=3, context=2)
    x = np.array([[4, 0, 2, 1, 3, 3]], "int32")
    outputs = layer(x)
    kernel = keras.ops.convert_to_numpy(layer.kernel)
    one_hot = np.eye(5)[x[0]]
    # Output t (after the two steps of context) sees inputs t - 1 and t - 2.
    expected = [
        one_hot[t - 1] @ kernel[0] + one_hot[t - 2] @ kernel[1] for t in range(2, 6)
    ]
    assert outputs.shape == (1, 4, 3)
    assert_allclose(outputs[0], np.array(expected), atol=1e-6)


def test_past_classes_conv_validates_arguments_and_round_trips_its_config():
    with pytest.raises(ValueError, match="context"):
        PastClassesConv(num_classes=5, filters=3, context=0)
    layer = PastClassesConv(num_classes=5, filters=3, context=2, name="past")
    restored = PastClassesConv.from_config(layer.get_config())
    assert (restored.num_classes, restored.filters, restored.context) == (5, 3, 2)


def test_predictor_saves_and_loads(tmp_path):
    model = predictor(context=3, num_classes=8, hidden=4)
    x = np.arange(20, dtype="int32").reshape(2, 10) % 8
    model.save(tmp_path / "predictor.keras")
    restored = keras.saving.load_model(tmp_path / "predictor.keras", compile=False)
    assert_allclose(restored(x), model(x), atol=1e-6)


def test_a_longer_predictor_starts_from_what_the_shorter_one_computes():
    train = markov_sequences(4, 400, seed=0)
    validation = markov_sequences(1, 200, seed=1)
    shorter, _ = train_predictor(
        2, train, validation, 8, hidden=8, length=16, steps_per_check=5, max_checks=2
    )
    longer, info = train_predictor(
        5,
        train,
        validation,
        8,
        shorter=shorter,
        hidden=8,
        length=16,
        steps_per_check=5,
        max_checks=1,
        learning_rate=0.0,
    )
    x, _ = scored_windows(validation, 5, 16)
    assert_allclose(longer(x), shorter(x[:, 3:]), atol=1e-5)
    assert info["steps"] == 5 and not info["converged"]


def test_profile_of_a_markov_sequence_falls_to_its_entropy_and_not_below():
    train = markov_sequences(4, 1500, seed=0)
    evaluation = markov_sequences(1, 600, seed=1)
    points = predictability_profile(
        [0, 1, 2],
        train,
        evaluation,
        8,
        hidden=16,
        length=32,
        batch_size=8,
        steps_per_check=40,
        max_checks=10,
    )
    assert [p["r"] for p in points] == [0, 1, 2]
    nll, error = unigram_heldout_nll(train, evaluation, 8, length=32)
    assert (points[0]["nll"], points[0]["nll_error"]) == (nll, error)
    assert 0 < error < 0.05
    assert points[0]["nll"] == pytest.approx(np.log(8), abs=0.01)
    # One step of past leaves one bit: log 2 nats per step.
    assert points[1]["nll"] == pytest.approx(np.log(2), abs=0.08)
    assert check_non_increasing(points, tolerance=0.02) == []


def test_profile_rejects_contexts_out_of_order():
    with pytest.raises(ValueError, match="increasing"):
        predictability_profile([0, 4, 2], [np.zeros(100, "int32")], [], 8)


def test_windows_name_the_lengths_when_no_sequence_is_long_enough():
    with pytest.raises(ValueError, match="No sequence holds 40 steps"):
        scored_windows([np.zeros(30, "int32")], context=8, length=32)


def test_non_increasing_check_names_each_rise_beyond_the_tolerance():
    points = [
        {"r": r, "nll": nll}
        for r, nll in [(0, 5.0), (1, 4.0), (2, 4.005), (4, 4.2), (8, 3.9)]
    ]
    rises = check_non_increasing(points, tolerance=0.01)
    assert [r for r, _ in rises] == [4]
    assert rises[0][1] == pytest.approx(0.2)


def test_validation_is_held_out_from_the_last_sequences_first():
    sequences = [np.arange(60), np.arange(30), np.arange(10)]
    train, validation = split_validation(sequences, fraction=0.2)
    assert [len(s) for s in train] == [60, 20]
    assert [len(s) for s in validation] == [10, 10]
    assert sum(map(len, train + validation)) == 100


def test_without_a_tolerance_a_rise_counts_beyond_two_standard_errors():
    points = [
        {"r": 0, "nll": 5.0, "nll_error": 0.01},
        {"r": 1, "nll": 4.0, "nll_error": 0.01},
        {"r": 2, "nll": 4.02, "nll_error": 0.01},
        {"r": 4, "nll": 4.05, "nll_error": 0.01},
    ]
    assert [r for r, _ in check_non_increasing(points)] == [4]
