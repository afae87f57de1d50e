"""A diverged, interrupted or concurrent training run loses nothing."""

import json
import os

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_ada import io_utils
from keras_ada import training
from keras_ada import zoo
from keras_ada.data import synthetic_batches
from keras_ada.models import build_model
from keras_ada.training.divergence import StopOnDivergence
from keras_ada.training.divergence import TrainingDiverged
from keras_ada.training.run_lock import RunLock
from keras_ada.training.run_lock import RunLocked


class PoisonAtStep(keras.callbacks.Callback):
    """Makes the weights NaN before training step `step` (1-based)."""

    def __init__(self, step):
        super().__init__()
        self.step = step

    def on_train_batch_begin(self, batch, logs=None):
        done = int(keras.ops.convert_to_numpy(self.model.optimizer.iterations))
        if done + 1 == self.step:
            weight = self.model.trainable_weights[0]
            weight.assign(np.full(weight.shape, np.nan, "float32"))


def data(done=0):
    x = next(synthetic_batches(64, 2, seed=done))
    return tf.data.Dataset.from_tensors(x).repeat()


def run(output, steps=6, **kwargs):
    return training.train(
        lambda: zoo.load("amae_hop8", scale="tiny"),
        data,
        steps=steps,
        output_dir=output,
        steps_per_checkpoint=2,
        distribution=training.select_distribution(devices=_devices()[:1]),
        verbose=0,
        **kwargs,
    )


def checkpoint_state(output):
    with open(os.path.join(output, "checkpoint", "state.json")) as file:
        return json.load(file)


def test_a_nan_loss_stops_the_run_and_keeps_the_last_good_checkpoint(tmp_path):
    output = str(tmp_path)
    with pytest.raises(TrainingDiverged, match="diverged at step 5: the loss is nan"):
        run(output, callbacks=[PoisonAtStep(5)])
    state = checkpoint_state(output)
    assert state["step"] == 4 and state["previous"]["step"] == 2
    assert not os.path.exists(os.path.join(output, "model.keras"))
    model, history = run(output, learning_rate=1e-4)
    assert history.epoch == [2]
    assert np.isclose(keras.ops.convert_to_numpy(model.optimizer.learning_rate), 1e-4)
    assert all(np.isfinite(np.asarray(w)).all() for w in model.get_weights())


def test_an_exploding_loss_stops_the_run():
    callback = StopOnDivergence(max_loss_ratio=10, window=10)
    callback.set_model(keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)]))
    callback.model.compile(optimizer="sgd")
    for batch in range(10):
        callback.on_train_batch_end(batch, {"loss": 2.0})
    callback.on_train_batch_end(10, {"loss": 19.0})
    with pytest.raises(TrainingDiverged, match="more than 10 times"):
        callback.on_train_batch_end(11, {"loss": 21.0})


def test_a_truncated_checkpoint_falls_back_to_the_previous_one(tmp_path):
    output = str(tmp_path)
    run(output, steps=4)
    directory = os.path.join(output, "checkpoint")
    state = checkpoint_state(output)
    latest = os.path.join(directory, state["weights"])
    with open(latest, "r+b") as file:
        file.truncate(os.path.getsize(latest) // 2)
    previous = os.path.join(directory, state["previous"]["weights"])
    expected = zoo.load_weights(zoo.load("amae_hop8", scale="tiny"), previous)
    model = build_model(zoo.load("amae_hop8", scale="tiny"))
    model.compile()
    with pytest.warns(UserWarning, match="unreadable.*the one before it"):
        steps_done = training.ResumableCheckpoint(directory).restore(model)
    assert steps_done == 2
    for restored, saved in zip(model.get_weights(), expected.get_weights()):
        np.testing.assert_array_equal(restored, saved)


def test_a_second_trainer_on_one_directory_is_refused(tmp_path):
    output = str(tmp_path)
    with RunLock(output):
        with pytest.raises(RunLocked, match=f"in use by .*pid {os.getpid()}"):
            run(output)
    # Released (as by the death of its owner), the lock no longer blocks.
    with RunLock(output):
        pass


def test_metrics_are_strict_json(tmp_path):
    path = str(tmp_path / "metrics.json")
    io_utils.write_json(path, {"nll": float("nan"), "more": [1.0, float("inf")]})
    with open(path) as file:
        text = file.read()
    assert json.loads(text) == {"nll": None, "more": [1.0, None]}
    assert os.listdir(tmp_path) == ["metrics.json"]


def _devices():
    if keras.backend.backend() == "jax":
        import jax

        return jax.devices()
    return [device.name for device in tf.config.list_logical_devices("CPU")]
