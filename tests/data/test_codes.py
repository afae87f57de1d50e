"""Code datasets: encode a split with an ADA, resume a stopped run, read excerpts."""

import json
import math
import os

import numpy as np
import pytest
import tensorflow as tf

import keras_ada.data
from keras_ada.audio import mu_law_encode
from keras_ada.audio import pcm16_to_unit
from keras_ada.models import Stack

CONFIG = "recordings"


class ToyStack:
    """A one-level stack stand-in: code = (sum of the hop's classes) mod 16, hop 4.

    Each code depends on its own hop only, so chunk boundaries cannot change it.
    `fail_after` raises after that many encodings, like a killed run.
    """

    hop = 4
    num_levels = 1

    def __init__(self, fail_after=None):
        self.calls = []
        self.fail_after = fail_after

    def codes_for_level(self, x, level):
        assert level == self.num_levels
        if self.fail_after is not None and len(self.calls) == self.fail_after:
            raise KeyboardInterrupt("stopped")
        x = np.asarray(x)
        assert x.dtype == np.int32 and x.shape[1] % self.hop == 0
        self.calls.append(x.shape)
        return reference_codes(x)


def reference_codes(classes):
    shape = classes.shape[:-1] + (classes.shape[-1] // 4, 4)
    return (classes.reshape(shape).sum(-1) % 16).astype(np.int32)


def _expected(split, data_dir):
    expected = {}
    for recording in keras_ada.data.recordings(
        split, CONFIG, data_dir
    ).as_numpy_iterator():
        classes = mu_law_encode(pcm16_to_unit(recording["audio"], xp=np), xp=np)
        expected[recording["id"].decode()] = reference_codes(
            classes[: len(classes) // 4 * 4]
        )
    return expected


def _stored(directory):
    stored = {}
    with open(os.path.join(directory, "index.jsonl")) as index:
        for line in index:
            entry = json.loads(line)
            path = os.path.join(directory, "codes", entry["file"])
            stored[entry["id"]] = np.fromfile(path, "<i4")
            assert len(stored[entry["id"]]) == entry["num_codes"]
    return stored


def _encode(ada, directory, data_dir, **kwargs):
    return keras_ada.data.encode_split(
        ada,
        "train",
        str(directory),
        config=CONFIG,
        data_dir=data_dir,
        chunk_length=4096,
        batch_size=2,
        **kwargs,
    )


def test_round_trip(prepared_data_dir, tmp_path):
    ada = ToyStack()
    _encode(ada, tmp_path, prepared_data_dir)
    expected = _expected("train", prepared_data_dir)
    stored = _stored(tmp_path)
    assert stored.keys() == expected.keys()
    for id_, codes in expected.items():
        np.testing.assert_array_equal(stored[id_], codes)
    assert all(shape == (2, 4096) for shape in ada.calls)
    metadata = keras_ada.data.code_metadata(str(tmp_path))
    assert metadata["complete"] and metadata["hop"] == 4
    assert metadata["num_codes"] == sum(len(c) for c in expected.values())


def test_a_stopped_run_resumes(prepared_data_dir, tmp_path):
    expected = _expected("train", prepared_data_dir)
    # Calls of `encode` per recording: chunks of 4096 samples, 2 per call.
    calls = {
        id_: math.ceil(math.ceil(len(codes) * 4 / 4096) / 2)
        for id_, codes in expected.items()
    }
    with pytest.raises(KeyboardInterrupt):
        _encode(
            ToyStack(fail_after=sum(calls.values()) // 2), tmp_path, prepared_data_dir
        )
    partial = _stored(tmp_path)
    assert 0 < len(partial) < len(expected)
    with pytest.raises(ValueError, match="has not finished"):
        keras_ada.data.code_excerpts(str(tmp_path), 8, 2)
    # A line cut short by a kill is dropped.
    with open(tmp_path / "index.jsonl", "a") as index:
        index.write('{"id": "Liszt/e.w')
    resumed = ToyStack()
    _encode(resumed, tmp_path, prepared_data_dir)
    assert len(resumed.calls) == sum(
        count for id_, count in calls.items() if id_ not in partial
    )
    stored = _stored(tmp_path)
    assert stored.keys() == expected.keys()
    for id_, codes in expected.items():
        np.testing.assert_array_equal(stored[id_], codes)
    finished = ToyStack()
    _encode(finished, tmp_path, prepared_data_dir)
    assert not finished.calls


def test_bad_arguments(prepared_data_dir, tmp_path):
    with pytest.raises(ValueError, match="chunk_length=4094"):
        keras_ada.data.encode_split(
            ToyStack(),
            "train",
            str(tmp_path),
            config=CONFIG,
            data_dir=prepared_data_dir,
            chunk_length=4094,
        )
    _encode(ToyStack(), tmp_path, prepared_data_dir)
    with pytest.raises(ValueError, match="another encoding"):
        keras_ada.data.encode_split(
            ToyStack(), "eval", str(tmp_path), config=CONFIG, data_dir=prepared_data_dir
        )
    with pytest.raises(FileNotFoundError, match="not a code directory"):
        keras_ada.data.code_excerpts(str(tmp_path / "nowhere"), 8, 2)


@pytest.fixture(scope="module")
def code_dir(prepared_data_dir, tmp_path_factory):
    directory = tmp_path_factory.mktemp("codes")
    _encode(ToyStack(), directory, prepared_data_dir)
    return str(directory)


def test_code_excerpts(code_dir):
    sequences = _stored(code_dir)
    dataset = keras_ada.data.code_excerpts(code_dir, 100, 4, seed=1)
    batches = [batch.numpy() for batch in dataset.take(5)]
    again = [
        batch.numpy()
        for batch in keras_ada.data.code_excerpts(code_dir, 100, 4, seed=1).take(5)
    ]
    np.testing.assert_array_equal(batches, again)
    for batch in batches:
        assert batch.shape == (4, 100) and batch.dtype == np.int32
        for excerpt in batch:
            assert any(
                sequence.astype(np.uint8)
                .tobytes()
                .find(excerpt.astype(np.uint8).tobytes())
                >= 0
                for sequence in sequences.values()
            )
    assert dataset.element_spec == tf.TensorSpec((4, 100), tf.int32)


def test_code_excerpts_evaluation_pass(code_dir):
    dataset = keras_ada.data.code_excerpts(code_dir, 1000, 3, repeat=False)
    total = sum(batch.shape[0] for batch in dataset)
    assert total == sum(len(s) // 1000 for s in _stored(code_dir).values())
    with pytest.raises(ValueError, match="length=100000"):
        keras_ada.data.code_excerpts(code_dir, 100000, 3)


def test_real_tiny_ada(prepared_data_dir, tmp_path):
    zoo = pytest.importorskip("keras_ada.zoo")
    ada = zoo.load("vqvae_hop8", scale="tiny")
    keras_ada.data.encode_split(
        Stack([ada]),
        "eval",
        str(tmp_path),
        config=CONFIG,
        data_dir=prepared_data_dir,
        chunk_length=2048,
        batch_size=4,
    )
    (recording,) = keras_ada.data.recordings("eval", CONFIG, prepared_data_dir)
    (codes,) = _stored(tmp_path).values()
    assert len(codes) == recording["audio"].shape[0] // ada.hop
    assert codes.min() >= 0 and codes.max() < ada.num_codes
    batch = next(iter(keras_ada.data.code_excerpts(str(tmp_path), 64, 2, seed=0)))
    assert batch.shape == (2, 64)
