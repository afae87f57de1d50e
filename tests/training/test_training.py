import json
import os

import keras
import numpy as np
import pytest

from keras_ada import training
from keras_ada import zoo
from keras_ada.data import synthetic_batches
from keras_ada.models import build_model
from keras_ada.training.tensorboard import tensorboard_available


def tones(batch, length, seed=0):
    return next(synthetic_batches(length, batch, seed=seed))


def codes(batch, length, seed=0):
    """Code sequences with structure: repeated random motifs of 8 codes."""
    rng = np.random.default_rng(seed)
    motifs = rng.integers(0, 256, size=(batch, 8))
    return np.tile(motifs, (1, length // 8)).astype("int32")


@pytest.mark.parametrize(
    "name, data",
    [
        ("wavenet_large", tones),
        ("vqvae_hop8", tones),
        ("amae_hop8", tones),
        ("codes_amae_rf64", codes),
    ],
)
def test_tiny_models_of_each_kind_learn(name, data):
    model = zoo.load(name, scale="tiny")
    model.compile(optimizer=keras.optimizers.Adam(3e-3))
    x = data(16, 128)
    history = model.fit(x, batch_size=8, epochs=4, shuffle=False, verbose=0).history
    assert history["nll"][-1] < history["nll"][0] - 0.05
    assert set(history) >= {"loss", "nll"} | (
        {"perplexity"} if zoo.kind(name) == "ada" else set()
    )


@pytest.mark.replicas
def test_two_replicas_take_the_step_of_one_and_keep_its_ema_codebook(tmp_path):
    """One training step of the same VQ-VAE with the same global batch, on 1 and 2
    replicas, through `training.train`."""
    if keras.backend.backend() == "torch":
        pytest.skip("Keras has no data-parallel distribution for torch.")
    two = training.select_distribution()
    assert two.num_replicas == 2, "tests/conftest.py provides two CPU devices"
    one = training.select_distribution(devices=_devices()[:1])
    overrides = {"quantiser": {"alpha": 0.5}}
    reference = build_model(zoo.load("vqvae_hop8", scale="tiny", **overrides))
    weights = reference.get_weights()
    x = tones(4, 64)

    def make_model():
        model = build_model(zoo.load("vqvae_hop8", scale="tiny", **overrides))
        model.set_weights(weights)
        return model

    (single, single_history), (double, double_history) = (
        training.train(
            make_model,
            _repeat(x),
            steps=1,
            output_dir=str(tmp_path / name),
            distribution=distribution,
            verbose=0,
        )
        for name, distribution in (("one", one), ("two", two))
    )
    # Equal up to float rounding: the replicas' gradients are summed in another
    # order, and Adam's normalisation magnifies differences in tiny gradients.
    np.testing.assert_allclose(
        double_history.history["loss"], single_history.history["loss"], rtol=1e-3
    )
    for replicated, expected in zip(double.get_weights(), single.get_weights()):
        np.testing.assert_allclose(replicated, expected, atol=1e-3)
    for name in ("codebook", "cluster_frequency"):
        before = keras.ops.convert_to_numpy(getattr(reference.quantiser, name))
        after = keras.ops.convert_to_numpy(getattr(single.quantiser, name))
        assert np.abs(after - before).max() > 1e-3, f"{name} was not updated"
        np.testing.assert_allclose(
            keras.ops.convert_to_numpy(getattr(double.quantiser, name)),
            after,
            atol=1e-6,
        )
    # The logged `perplexity` is that of each replica's share of the batch, so it
    # depends on the number of replicas; `training.evaluate` measures it globally.
    np.testing.assert_allclose(
        double_history.history["nll"], single_history.history["nll"], rtol=1e-5
    )


def test_a_killed_run_resumes_from_its_last_checkpoint(tmp_path):
    class Killed(Exception):
        pass

    class KillAtEpoch(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 2:
                raise Killed

    class RecordStart(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.step = int(keras.ops.convert_to_numpy(self.model.optimizer.iterations))
            self.weights = [np.array(w) for w in self.model.get_weights()]

    output = str(tmp_path)
    distribution = training.select_distribution(devices=_devices()[:1])

    def run(callback):
        return training.train(
            lambda: zoo.load("amae_hop8", scale="tiny"),
            lambda done: _repeat(tones(4, 64, seed=done)),
            steps=6,
            output_dir=output,
            steps_per_checkpoint=2,
            distribution=distribution,
            callbacks=[callback],
            verbose=0,
            log_every=1,
        )

    with pytest.raises(Killed):
        run(KillAtEpoch())
    with open(os.path.join(output, "checkpoint", "state.json")) as file:
        state = json.load(file)
    assert (state["epoch"], state["steps_per_epoch"], state["step"]) == (2, 2, 4)
    saved = zoo.load_weights(
        zoo.load("amae_hop8", scale="tiny"),
        os.path.join(output, "checkpoint", state["weights"]),
    ).get_weights()
    assert not os.path.exists(os.path.join(output, "model.keras"))

    start = RecordStart()
    model, history = run(start)
    assert start.step == 4
    for restored, expected in zip(start.weights, saved):
        np.testing.assert_array_equal(restored, expected)
    assert len(history.history["loss"]) == 1 and history.epoch == [2]
    assert int(keras.ops.convert_to_numpy(model.optimizer.iterations)) == 6
    assert sorted(os.listdir(os.path.join(output, "checkpoint"))) == [
        "epoch_000002.weights.h5",
        "epoch_000003.weights.h5",
        "state.json",
    ]
    if tensorboard_available():
        assert _logged_steps(os.path.join(output, "logs", "train"), "batch_loss") == [
            1,
            2,
            3,
            4,
            5,
            6,
        ]
    _, history = run(RecordStart())
    assert history is None and os.path.exists(os.path.join(output, "model.keras"))
    # Extended to 8 steps with another interval, the finished run continues.
    model, history = training.train(
        lambda: zoo.load("amae_hop8", scale="tiny"),
        lambda done: _repeat(tones(4, 64, seed=done)),
        steps=8,
        output_dir=output,
        steps_per_checkpoint=4,
        distribution=distribution,
        verbose=0,
    )
    assert history.epoch == [3]
    assert int(keras.ops.convert_to_numpy(model.optimizer.iterations)) == 8


def test_evaluate_reports_full_context_nll_and_the_perplexity_of_all_codes():
    ada = build_model(zoo.load("vqvae_hop8", scale="tiny"))
    ada.compile()
    batches = [tones(4, 64, seed=seed) for seed in range(2)]
    results = training.evaluate(ada, batches, steps=2)
    context = ada.context_length
    expected = np.mean(
        [_nll(ada(b)["logits"][:, context:], b[:, context:]) for b in batches]
    )
    np.testing.assert_allclose(results["nll"], expected, rtol=1e-5)
    all_codes = np.concatenate(
        [keras.ops.convert_to_numpy(ada.encode(b)) for b in batches]
    )
    usage = np.bincount(all_codes.ravel(), minlength=256) / all_codes.size
    entropy = -np.sum(usage[usage > 0] * np.log(usage[usage > 0]))
    np.testing.assert_allclose(results["perplexity"], np.exp(entropy), rtol=1e-5)
    wavenet = build_model(zoo.load("wavenet_large", scale="tiny"))
    assert set(training.evaluate(wavenet, batches, steps=1)) == {"nll"}


def test_batch_size_must_split_across_replicas():
    with pytest.raises(ValueError, match="multiple of the number of replicas"):
        training.Distribution("two", 2).check_batch_size(3)


@pytest.mark.skipif(
    keras.backend.backend() != "torch", reason="the torch backend's distribution"
)
def test_torch_trains_on_one_device_and_says_so_when_given_several(caplog):
    assert training.select_distribution().num_replicas == 1
    assert not caplog.records
    with caplog.at_level("WARNING", logger="keras_ada"):
        distribution = training.select_distribution(devices=["cuda:0", "cuda:1"])
    assert distribution.num_replicas == 1
    (record,) = caplog.records
    assert "one of the 2 devices" in record.getMessage()


def test_steps_must_be_whole_checkpoint_intervals(tmp_path):
    with pytest.raises(ValueError, match="multiple of `steps_per_checkpoint`"):
        training.train(
            lambda: None,
            None,
            steps=5,
            output_dir=str(tmp_path),
            steps_per_checkpoint=2,
        )


def _logged_steps(log_dir, tag):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    events = EventAccumulator(log_dir)
    events.Reload()
    return sorted(event.step for event in events.Tensors(tag))


def _nll(logits, targets):
    log_probs = keras.ops.convert_to_numpy(keras.ops.log_softmax(logits, axis=-1))
    return -np.mean(np.take_along_axis(log_probs, targets[..., None], axis=-1))


def _devices():
    if keras.backend.backend() == "jax":
        import jax

        return jax.devices()
    import tensorflow as tf

    return [device.name for device in tf.config.list_logical_devices("CPU")]


def _repeat(x):
    import tensorflow as tf

    return tf.data.Dataset.from_tensors(x).repeat()
