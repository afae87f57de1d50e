"""keras_ada.data.excerpts on a tiny prepared `piano_dataset/recordings`."""

import collections

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_ada.data
from keras_ada.audio import mu_law_encode
from keras_ada.audio import pcm16_to_unit

CONFIG = "recordings"


def _recordings(split, data_dir):
    """{id: int32 mu-law classes} of a split."""
    return {
        recording["id"].decode(): mu_law_encode(
            pcm16_to_unit(recording["audio"], xp=np), xp=np
        )
        for recording in keras_ada.data.recordings(
            split, CONFIG, data_dir
        ).as_numpy_iterator()
    }


def _excerpts(data_dir, length=256, batch_size=4, **kwargs):
    return keras_ada.data.excerpts(
        "train", length, batch_size, data_dir=data_dir, config=CONFIG, **kwargs
    )


def _source(excerpt, recordings):
    """The id of the recording an excerpt was cut from."""
    needle = excerpt.astype(np.uint8).tobytes()
    sources = [
        id_
        for id_, classes in recordings.items()
        if classes.astype(np.uint8).tobytes().find(needle) >= 0
    ]
    assert len(sources) == 1, sources
    return sources[0]


def test_shapes_dtype_and_range(prepared_data_dir):
    batch = next(iter(_excerpts(prepared_data_dir, length=1000, batch_size=3, seed=0)))
    assert batch.shape == (3, 1000)
    assert batch.dtype == tf.int32
    assert 0 <= int(tf.reduce_min(batch)) and int(tf.reduce_max(batch)) < 256


@pytest.mark.parametrize("cache", [True, False])
def test_deterministic_for_a_seed(prepared_data_dir, cache):
    def first(seed):
        dataset = _excerpts(prepared_data_dir, seed=seed, cache=cache)
        return np.stack([batch.numpy() for batch in dataset.take(4)])

    np.testing.assert_array_equal(first(7), first(7))
    assert not np.array_equal(first(7), first(8))


def test_excerpts_are_slices_of_train_recordings(prepared_data_dir):
    recordings = _recordings("train", prepared_data_dir)
    sources = collections.Counter(
        _source(excerpt, recordings)
        for batch in _excerpts(prepared_data_dir, 256, 8, seed=3).take(40)
        for excerpt in batch.numpy()
    )
    assert set(sources) == set(recordings)


def test_evaluation_pass_is_finite_consecutive_and_deterministic(prepared_data_dir):
    length = 4000
    recordings = _recordings("eval", prepared_data_dir)
    dataset = keras_ada.data.excerpts(
        "eval", length, 2, data_dir=prepared_data_dir, config=CONFIG, repeat=False
    )
    batches = [batch.numpy() for batch in dataset]
    expected = np.concatenate(
        [
            classes[: len(classes) // length * length].reshape(-1, length)
            for classes in recordings.values()
        ]
    )
    np.testing.assert_array_equal(np.concatenate(batches), expected)
    assert [b.numpy().tolist() for b in dataset] == [b.tolist() for b in batches]


def test_splits_are_by_recording(prepared_data_dir):
    train = set(_recordings("train", prepared_data_dir))
    evaluation = set(_recordings("eval", prepared_data_dir))
    assert evaluation and train
    assert not train & evaluation
    assert len(train | evaluation) == 6


def test_recordings_shorter_than_the_excerpt_are_left_out(prepared_data_dir):
    # 2.5 s excerpts: only the 3, 4 and 5 second recordings can be cut.
    recordings = _recordings("train", prepared_data_dir)
    length = 40000
    long_enough = {id_ for id_, classes in recordings.items() if len(classes) >= length}
    sources = {
        _source(excerpt, recordings)
        for batch in _excerpts(prepared_data_dir, length, 2, seed=0).take(20)
        for excerpt in batch.numpy()
    }
    assert sources <= long_enough


def test_excerpt_longer_than_every_recording_fails_clearly(prepared_data_dir):
    dataset = _excerpts(prepared_data_dir, length=16000 * 60, seed=0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="length=960000"):
        next(iter(dataset))


def test_bad_arguments(prepared_data_dir):
    with pytest.raises(ValueError, match="length=0"):
        _excerpts(prepared_data_dir, length=0)
    with pytest.raises(ValueError, match="split='test'"):
        keras_ada.data.excerpts(
            "test", 100, 2, data_dir=prepared_data_dir, config=CONFIG
        )
    with pytest.raises(FileNotFoundError, match="embedded_mini"):
        keras_ada.data.excerpts(
            "train", 100, 2, data_dir=prepared_data_dir, config="embedded_mini"
        )


def test_fit_on_the_current_backend(prepared_data_dir):
    dataset = _excerpts(prepared_data_dir, length=64, batch_size=4, seed=0)
    model = keras.Sequential(
        [
            keras.Input((64,), dtype="int32"),
            keras.layers.Embedding(256, 8),
            keras.layers.Dense(256),
        ]
    )
    model.compile(
        optimizer="adam",
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    history = model.fit(
        dataset.map(lambda x: (x, x)), steps_per_epoch=3, epochs=1, verbose=0
    )
    assert np.isfinite(history.history["loss"][-1])
